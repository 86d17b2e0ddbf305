package dev.astravault;

import dev.astravault.internal.Views;
import dev.astravault.internal.redact.Redaction;
import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link ManagedToken} holds at one moment: the token, its lease, a generation that grows with every new
 * snapshot, and the handle's {@link ManagedToken.State}. Immutable; {@link #toString()} redacts the token.
 */
public final class TokenSnapshot {
  private static final ManagedToken.State[] STATES = ManagedToken.State.values();
  private static final int STATE_BITS = 3;
  private static final long MAX_GENERATION = Long.MAX_VALUE >>> STATE_BITS;

  static {
    if (STATES.length > 1 << STATE_BITS) {
      throw new IllegalStateException("TokenSnapshot packs a state in " + STATE_BITS + " bits: widen STATE_BITS");
    }
    Views.installKeys(s -> s.token);
  }

  // The AstraToken, or the LeaseRecord that a token given as a view of it was backed by: then the snapshot holds the
  // record alone (a managed token's, which an in-memory store holds anyway) and astraToken() makes the view on demand.
  private final Object token;
  // The generation shifted left by STATE_BITS, the state's ordinal in the low bits: one long instead of a long and a
  // reference keeps a snapshot, one per managed token, at 24 B instead of 32.
  private final long generationAndState;

  /**
   * A snapshot; handles make these, listeners' tests may too.
   *
   * @param token the token
   * @param generation the snapshot generation, from 0 to 2<sup>60</sup> - 1
   * @param state the handle's state
   * @throws IllegalArgumentException if the generation is out of that range
   */
  public TokenSnapshot(AstraToken token, long generation, ManagedToken.State state) {
    this(generation, state, Objects.requireNonNull(token, "token").record() != null ? token.record() : token);
  }

  private TokenSnapshot(long generation, ManagedToken.State state, Object token) {
    if (generation < 0 || generation > MAX_GENERATION) {
      throw new IllegalArgumentException("generation must be within 0.." + MAX_GENERATION + ": " + generation);
    }
    this.token = token;
    this.generationAndState = generation << STATE_BITS | Objects.requireNonNull(state, "state").ordinal();
  }

  /**
   * The same token and generation + 1 in another state.
   *
   * @param state the new state
   * @return the new snapshot
   */
  public TokenSnapshot withState(ManagedToken.State state) {
    return new TokenSnapshot(generation() + 1, state, token);
  }

  /** {@return the full token. Never log it} */
  public String token() {
    return token instanceof AstraToken t ? t.token() : ((LeaseRecord) token).requiredToken();
  }

  /**
   * The token with its info and secret. Equal on every call; a managed token's snapshot may make a new object on each
   * call (it holds the lease's record, and makes the token on demand), so compare tokens with {@code equals}.
   *
   * @return the token with its info and secret
   */
  public AstraToken astraToken() {
    return token instanceof AstraToken t ? t : new AstraToken((LeaseRecord) token);
  }

  /**
   * {@return the token without its secret}
   */
  public TokenInfo info() {
    return token instanceof AstraToken t ? t.info() : ((LeaseRecord) token).toTokenInfo();
  }

  /**
   * {@return the token's lease}
   */
  public Lease lease() {
    return token instanceof AstraToken t ? t.lease() : ((LeaseRecord) token).lease();
  }

  /**
   * {@return the lease id}
   */
  public String leaseId() {
    return token instanceof AstraToken t ? t.leaseId() : ((LeaseRecord) token).leaseId();
  }

  /**
   * {@return when the token's lease expires}
   */
  public Instant expiresAt() {
    return token instanceof AstraToken t ? t.expiresAt() : ((LeaseRecord) token).expiresAt();
  }

  /**
   * {@return the generation, which grows with every new snapshot of the handle}
   */
  public long generation() {
    return generationAndState >>> STATE_BITS;
  }

  /**
   * {@return the handle's state at this snapshot}
   */
  public ManagedToken.State state() {
    return STATES[(int) (generationAndState & (1 << STATE_BITS) - 1)];
  }

  @Override
  public String toString() {
    return "TokenSnapshot[lease=" + leaseId() + ", generation=" + generation() + ", state=" + state() + ", expiresAt="
        + expiresAt() + ", token=" + Redaction.token(token()) + "]";
  }
}
