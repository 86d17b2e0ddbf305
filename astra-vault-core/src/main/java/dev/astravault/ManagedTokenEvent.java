package dev.astravault;

import dev.astravault.event.RevokeReason;
import dev.astravault.internal.redact.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What happened to a {@link ManagedToken}. Every event names the lease it is about, the snapshot generation it
 * produced or saw, and when it happened. None carries a token or a secret ({@link TokenInfo} has neither).
 */
public sealed interface ManagedTokenEvent {

  /**
   * {@return when the event happened, by the manager's clock}
   */
  Instant time();

  /**
   * The lease the event is about.
   *
   * @return the lease id
   */
  String leaseId();

  /**
   * The snapshot generation after the event.
   *
   * @return the generation
   */
  long generation();

  /** What a failed step was doing. */
  enum Stage {
    /** Extending the lease. */
    RENEW,
    /** Creating the new token of a rotation. */
    ISSUE,
    /** Checking the new token with {@code GET /v2/currentOrg} before swapping it in. */
    VALIDATE,
    /** Revoking a token (the old one after its overlap, a rejected new one, or at close). */
    REVOKE,
    /** Making the successor record of a UNIQUE-style rotation the primary one. */
    PROMOTE,
    /** Handing the work to the I/O executor (it was full or shut down). */
    SUBMIT
  }

  /**
   * A token was issued for the handle (its first one, or the new one of a rotation, before the swap).
   * {@code issueLatency} is how long obtaining it took: the issue call (for a first token adopted from a durable
   * store, the refused issue and the lookup), measured with the monotonic {@link System#nanoTime()}, not the clock.
   */
  record Issued(Instant time, String leaseId, long generation, TokenInfo token, Duration issueLatency)
      implements ManagedTokenEvent {
    /**
     * Checks that the latency is present and not negative.
     *
     * @param time when
     * @param leaseId the lease
     * @param generation the generation after the event
     * @param token the new token, without its secret
     * @param issueLatency how long the issue took
     */
    public Issued {
      requireLatency(issueLatency);
    }

    /**
     * An event without a measured latency ({@link Duration#ZERO}), e.g. for a listener's tests.
     *
     * @param time when
     * @param leaseId the lease
     * @param generation the generation after the event
     * @param token the new token, without its secret
     */
    public Issued(Instant time, String leaseId, long generation, TokenInfo token) {
      this(time, leaseId, generation, token, Duration.ZERO);
    }
  }

  /** The lease was extended; {@code token.lease()} has the new expiry. */
  record Renewed(Instant time, String leaseId, long generation, TokenInfo token) implements ManagedTokenEvent {}

  /**
   * A new token was swapped in; the previous one stays valid for the rotation overlap. {@code issueLatency} is that
   * of the new token's issue, as in its {@link Issued} event.
   */
  record Rotated(Instant time, String leaseId, long generation, TokenInfo previous, TokenInfo current,
      Duration issueLatency) implements ManagedTokenEvent {
    /**
     * Checks that the latency is present and not negative.
     *
     * @param time when
     * @param leaseId the new token's lease
     * @param generation the generation after the event
     * @param previous the old token
     * @param current the new token
     * @param issueLatency how long the new token's issue took
     */
    public Rotated {
      requireLatency(issueLatency);
    }

    /**
     * An event without a measured latency ({@link Duration#ZERO}), e.g. for a listener's tests.
     *
     * @param time when
     * @param leaseId the new token's lease
     * @param generation the generation after the event
     * @param previous the old token
     * @param current the new token
     */
    public Rotated(Instant time, String leaseId, long generation, TokenInfo previous, TokenInfo current) {
      this(time, leaseId, generation, previous, current, Duration.ZERO);
    }
  }

  private static void requireLatency(Duration issueLatency) {
    Objects.requireNonNull(issueLatency, "issueLatency");
    if (issueLatency.isNegative()) {
      throw new IllegalArgumentException("issueLatency < 0: " + issueLatency);
    }
  }

  /** The token entered its hard margin without a new one in place. */
  record Expiring(Instant time, String leaseId, long generation, Instant expiresAt) implements ManagedTokenEvent {}

  /** The token expired without a new one in place; {@link ManagedToken#current()} throws until one is. */
  record Expired(Instant time, String leaseId, long generation, Instant expiredAt) implements ManagedTokenEvent {}

  /** A token of the handle was revoked: the old one after its overlap, or at close. */
  record Revoked(Instant time, String leaseId, long generation, TokenInfo token, RevokeReason reason)
      implements ManagedTokenEvent {}

  /**
   * A step failed. {@code attempt} counts consecutive failures (it stays at 16,777,215 once there: the back-off
   * stopped growing long before); {@code retryAt} is when the step runs again (absent when it is not retried, for
   * example at close).
   */
  record Error(Instant time, String leaseId, long generation, Stage stage, Throwable cause, int attempt,
      @Nullable Instant retryAtOrNull) implements ManagedTokenEvent {
    /**
     * Checks that the stage and the cause are present.
     *
     * @param time when
     * @param leaseId the lease
     * @param generation the generation after the event
     * @param stage what the failed step was doing
     * @param cause the failure
     * @param attempt consecutive failures so far
     * @param retryAtOrNull when the step runs again, or null
     */
    public Error {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(cause, "cause");
    }

    /**
     * {@return when the step runs again, or empty when it is not retried}
     */
    public Optional<Instant> retryAt() {
      return Optional.ofNullable(retryAtOrNull);
    }

    /**
     * The record's form, with the cause as its class and, for the library's own exceptions (whose messages it
     * writes), its message masked: another exception's message (a driver's, a listener's) is not the library's to
     * vouch for, and an application that logs the event must not log a secret it quotes.
     */
    @Override
    public String toString() {
      String failure = cause instanceof AstraVaultException
          ? cause.getClass().getName() + ": " + Redaction.scrub(cause.getMessage()) : cause.getClass().getName();
      return "Error[time=" + time + ", leaseId=" + leaseId + ", generation=" + generation + ", stage=" + stage
          + ", cause=" + failure + ", attempt=" + attempt + ", retryAtOrNull=" + retryAtOrNull + "]";
    }
  }
}
