package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.List;

/**
 * A lease was renewed to {@code expiresAt}; {@code warnings} says when the TTL was capped.
 *
 * @param time when it happened
 * @param actor who renewed the lease
 * @param token the token whose lease was renewed
 * @param ttl the TTL granted
 * @param expiresAt the new expiry
 * @param warnings why the TTL was capped, if it was
 */
public record LeaseRenewed(Instant time, Actor actor, TokenRef token, Duration ttl, Instant expiresAt,
    List<String> warnings) implements AuditEvent {
  /**
   * Copies the warnings.
   *
   * @param time when it happened
   * @param actor who renewed the lease
   * @param token the token whose lease was renewed
   * @param ttl the TTL granted
   * @param expiresAt the new expiry
   * @param warnings why the TTL was capped, if it was
   */
  public LeaseRenewed {
    warnings = List.copyOf(warnings);
  }

  @Override
  public String type() {
    return "lease.renewed";
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
