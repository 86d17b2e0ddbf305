package dev.astravault;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link ManagedToken} holds at one moment: the token, its lease, a generation that grows with every new
 * snapshot, and the handle's {@link ManagedToken.State}. Immutable; {@link #toString()} redacts the token.
 */
public final class TokenSnapshot {
  private final AstraToken token;
  private final long generation;
  private final ManagedToken.State state;

  /**
   * A snapshot; handles make these, listeners' tests may too.
   *
   * @param token the token
   * @param generation the snapshot generation
   * @param state the handle's state
   */
  public TokenSnapshot(AstraToken token, long generation, ManagedToken.State state) {
    this.token = Objects.requireNonNull(token, "token");
    this.generation = generation;
    this.state = Objects.requireNonNull(state, "state");
  }

  /**
   * The same token and generation + 1 in another state.
   *
   * @param state the new state
   * @return the new snapshot
   */
  public TokenSnapshot withState(ManagedToken.State state) {
    return new TokenSnapshot(token, generation + 1, state);
  }

  /** {@return the full token. Never log it} */
  public String token() {
    return token.token();
  }

  /** {@return the token with its info and secret} */
  public AstraToken astraToken() {
    return token;
  }

  /**
   * {@return the token without its secret}
   */
  public TokenInfo info() {
    return token.info();
  }

  /**
   * {@return the token's lease}
   */
  public Lease lease() {
    return token.lease();
  }

  /**
   * {@return the lease id}
   */
  public String leaseId() {
    return token.leaseId();
  }

  /**
   * {@return when the token's lease expires}
   */
  public Instant expiresAt() {
    return token.expiresAt();
  }

  /**
   * {@return the generation, which grows with every new snapshot of the handle}
   */
  public long generation() {
    return generation;
  }

  /**
   * {@return the handle's state at this snapshot}
   */
  public ManagedToken.State state() {
    return state;
  }

  @Override
  public String toString() {
    return "TokenSnapshot[lease=" + leaseId() + ", generation=" + generation + ", state=" + state + ", expiresAt="
        + expiresAt() + ", token=" + token.redacted() + "]";
  }
}
