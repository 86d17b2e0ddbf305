package dev.astravault;

import java.util.function.Supplier;

/**
 * A handle that always holds a valid token: renewed in the background, rotated before its max TTL with an overlap,
 * and revoked on {@link #close()}. Obtain one with {@link TokenManager#manage(TokenRequest)}.
 *
 * <pre>{@code
 * ManagedToken token = tokens.manage(TokenRequest.forRole("reader").org("prod").logicalName("orders").build());
 * session = CqlSession.builder().withAuthProvider(new RotatingAuthProvider(token)).build();
 * String bearer = token.current();          // one volatile read, no lock, no allocation
 * }</pre>
 *
 * <p>{@link #current()} reads an immutable {@link TokenSnapshot} from a {@code volatile} field. Renewals, rotations
 * and state changes publish a new snapshot; they run on the manager's scheduler thread (timers) and its bounded I/O
 * executor (Astra calls). Listeners get events on a separate executor. Thread-safe.
 *
 * <p>Also a {@code Supplier<String>} of the current token, for clients that take one (for example to build a Data
 * API client per request).
 */
public interface ManagedToken extends Supplier<String>, AutoCloseable {

  /** Where the handle is in its life. */
  enum State {
    /** The token is valid and outside the hard margin: {@link #current()} answers without waiting. */
    ACTIVE,
    /** Inside the hard margin: {@link #current()} waits, bounded, for a refresh under way, else serves the token. */
    EXPIRING,
    /** The token has expired and no new one could be obtained yet; {@link #current()} throws. */
    EXPIRED,
    /** {@link #stop()} was called: no background work; the token is served while it is valid. */
    STOPPED,
    /** {@link #close()} was called; {@link #current()} throws. */
    CLOSED
  }

  /**
   * The current token ({@code AstraCS:...}). Lock-free and allocation-free while the token is {@link State#ACTIVE}.
   * The first call for each token generation (the first token, each renewal, each rotation) records one
   * {@link dev.astravault.event.TokenRead} audit event with the calling thread's actor, then the token is served from
   * the fast path; a failing audit sink never fails the read. Inside the hard margin it waits at most
   * {@link RenewalSettings#maxWait()} for a refresh that is under way, and otherwise returns the old token while it is
   * still valid. Never returns an expired token.
   *
   * @throws LeaseExpiredException if the token has expired and no new one could be obtained
   * @throws IllegalStateException if the handle is closed
   *
   * @return the current token ({@code AstraCS:...})
   */
  String current();

  /** Same as {@link #current()}. */
  @Override
  default String get() {
    return current();
  }

  /**
   * The current snapshot: the token with its lease, generation and state. Never blocks.
   *
   * @return the current snapshot
   */
  TokenSnapshot snapshot();

  /** {@return the lease of the current token} */
  default Lease lease() {
    return snapshot().lease();
  }

  /**
   * {@return where the handle is in its life}
   */
  default State state() {
    return snapshot().state();
  }

  /**
   * Adds a listener; it sees events from now on, delivered off the renewal thread. Listeners must not block.
   *
   * @param listener the listener
   */
  void addListener(ManagedTokenListener listener);

  /**
   * Removes a listener; returns whether it was registered.
   *
   * @param listener the listener
   * @return whether it was registered
   */
  boolean removeListener(ManagedTokenListener listener);

  /**
   * Starts a rotation now (for example after a suspected leak), unless one is under way. The old token stays valid
   * for the rotation overlap.
   */
  void rotateNow();

  /** Stops background work; the leases are kept, and the token is served while it is valid. Idempotent. */
  void stop();

  /**
   * Stops background work and revokes the leases this handle owns (the current token and any token still in its
   * overlap), waiting at most {@link RenewalSettings#closeTimeout()}. Revoke failures are audited and reported to
   * listeners, not thrown. Idempotent.
   *
   * <p>Called from inside a {@link ManagedTokenListener} callback, it does not wait: with a direct event executor
   * the callback runs on the very thread that would do what close waits for (the refresh a timer fire starts after
   * its listeners return), so waiting would only sit out the timeout. The revokes then finish in the background, and
   * a refresh not started yet is dropped.
   */
  @Override
  void close();
}
