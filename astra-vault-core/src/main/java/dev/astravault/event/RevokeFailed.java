package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/** A revoke failed; the lease stays in state REVOKE_FAILED and is retried. */
public record RevokeFailed(Instant time, Actor actor, TokenRef token, RevokeReason reason, int attempts,
    String error, String message) implements FailureEvent {
  /** Scrubs secrets from the message. */
  public RevokeFailed {
    message = String.valueOf(dev.astravault.internal.Redaction.scrub(message));
  }

  @Override
  public String type() {
    return "lease.revoke_failed";
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
