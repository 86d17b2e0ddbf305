package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/** A lease ended and its token was deleted in Astra (or was already gone, {@code alreadyGone}). */
public record LeaseRevoked(Instant time, Actor actor, TokenRef token, RevokeReason reason, boolean alreadyGone)
    implements AuditEvent {
  @Override
  public String type() {
    return "lease.revoked";
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
