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

  public TokenSnapshot(AstraToken token, long generation, ManagedToken.State state) {
    this.token = Objects.requireNonNull(token, "token");
    this.generation = generation;
    this.state = Objects.requireNonNull(state, "state");
  }

  /** The same token and generation + 1 in another state. */
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

  public TokenInfo info() {
    return token.info();
  }

  public Lease lease() {
    return token.lease();
  }

  public String leaseId() {
    return token.lease().leaseId();
  }

  public Instant expiresAt() {
    return token.lease().expiresAt();
  }

  public long generation() {
    return generation;
  }

  public ManagedToken.State state() {
    return state;
  }

  @Override
  public String toString() {
    return "TokenSnapshot[lease=" + leaseId() + ", generation=" + generation + ", state=" + state + ", expiresAt="
        + expiresAt() + ", token=" + token.redacted() + "]";
  }
}
