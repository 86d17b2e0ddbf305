package dev.astravault.event;

import dev.astravault.Actor;
import dev.astravault.internal.redact.Redaction;
import java.time.Instant;
import java.util.Optional;

/**
 * A revoke failed; the lease stays in state REVOKE_FAILED and is retried.
 *
 * @param time when it happened
 * @param actor who performed the revoke
 * @param token the token whose revoke failed
 * @param reason why it was being revoked
 * @param attempts revoke attempts so far
 * @param error the exception's class name
 * @param message the exception's message, with secrets scrubbed
 */
public record RevokeFailed(Instant time, Actor actor, TokenRef token, RevokeReason reason, int attempts,
    String error, String message) implements FailureEvent {
  /**
   * Scrubs secrets from the message.
   *
   * @param time when it happened
   * @param actor who performed the revoke
   * @param token the token whose revoke failed
   * @param reason why it was being revoked
   * @param attempts revoke attempts so far
   * @param error the exception's class name
   * @param message the exception's message, with secrets scrubbed
   */
  public RevokeFailed {
    message = String.valueOf(Redaction.scrub(message));
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
