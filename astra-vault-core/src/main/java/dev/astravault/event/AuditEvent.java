package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/**
 * One audit event per operation. Every event has a time, an actor, an outcome and a stable {@link #type()} name
 * (used by sinks as the event name). Failure events carry the error type and message.
 */
public sealed interface AuditEvent permits OrgConfigWritten, OrgConfigDeleted, RoleWritten, RoleDeleted,
    RolesSynced, TokenIssued, TokenRead, TokensListed, LeaseLookedUp, LeaseRenewed, LeaseRevoked, TokenDeleted,
    IssueFailed, RevokeFailed, ReconcileFinding {

  Instant time();

  Actor actor();

  /** A stable, dotted name such as {@code token.issued}. */
  String type();

  default Outcome outcome() {
    return Outcome.SUCCESS;
  }

  /** The exception class name of a failure. */
  default Optional<String> errorType() {
    return Optional.empty();
  }

  /** The (secret-free) message of a failure. */
  default Optional<String> errorMessage() {
    return Optional.empty();
  }

  /** Whether the operation succeeded. */
  enum Outcome {
    SUCCESS, FAILURE
  }
}
