package dev.astravault.event;

import java.util.Optional;

/** An operation that failed: its outcome is {@link Outcome#FAILURE} and it names the error. */
public sealed interface FailureEvent extends AuditEvent permits IssueFailed, RevokeFailed, ManagedTokenFailed {

  /**
   * The exception's class name.
   *
   * @return the exception's class name
   */
  String error();

  /**
   * The exception's message, with anything token-shaped masked (the records scrub it on construction).
   *
   * @return the exception's message
   */
  String message();

  @Override
  default Outcome outcome() {
    return Outcome.FAILURE;
  }

  @Override
  default Optional<String> errorType() {
    return Optional.of(error());
  }

  @Override
  default Optional<String> errorMessage() {
    return Optional.of(message());
  }
}
