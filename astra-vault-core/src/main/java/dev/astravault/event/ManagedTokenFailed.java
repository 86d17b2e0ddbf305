package dev.astravault.event;

import dev.astravault.Actor;
import dev.astravault.internal.redact.Redaction;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A step of a managed token's background work failed: {@code stage} is one of {@code RENEW}, {@code ISSUE},
 * {@code VALIDATE}, {@code REVOKE}, {@code PROMOTE}, {@code SUBMIT} or {@code EXPIRY} (the token expired with no
 * replacement). {@code attempt} counts consecutive failures; {@code retryAt} is absent when the step is not retried
 * (at close). Emitted in addition to the operation's own failure event ({@link IssueFailed}, {@link RevokeFailed})
 * so that one query shows every failure of the handle with its retry plan.
 *
 * @param time when it happened
 * @param actor who performed the step
 * @param token the token the step was working on
 * @param stage the step that failed
 * @param attempt consecutive failures so far
 * @param retryAt when the step runs again, or null when it is not retried
 * @param error the exception's class name
 * @param message the exception's message, with secrets scrubbed
 */
public record ManagedTokenFailed(Instant time, Actor actor, TokenRef token, String stage, int attempt,
    @Nullable Instant retryAt, String error, String message) implements FailureEvent {
  /**
   * Checks the token and stage are present and scrubs secrets from the message.
   *
   * @param time when it happened
   * @param actor who performed the step
   * @param token the token the step was working on
   * @param stage the step that failed
   * @param attempt consecutive failures so far
   * @param retryAt when the step runs again, or null when it is not retried
   * @param error the exception's class name
   * @param message the exception's message, with secrets scrubbed
   */
  public ManagedTokenFailed {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(stage, "stage");
    message = String.valueOf(Redaction.scrub(message));
  }

  @Override
  public String type() {
    return "managed.failed";
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
