package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/** A revoke failed; the lease stays in state REVOKE_FAILED and is retried. */
public record RevokeFailed(Instant time, Actor actor, TokenRef token, RevokeReason reason, int attempts,
    String error, String message) implements AuditEvent {
  @Override
  public String type() {
    return "lease.revoke_failed";
  }

  @Override
  public Outcome outcome() {
    return Outcome.FAILURE;
  }

  @Override
  public Optional<String> errorType() {
    return Optional.of(error);
  }

  @Override
  public Optional<String> errorMessage() {
    return Optional.of(message);
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
