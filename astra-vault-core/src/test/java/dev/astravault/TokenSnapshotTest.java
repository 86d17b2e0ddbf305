package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A snapshot packs its generation and state in one long; every pair must come back exactly as given. */
class TokenSnapshotTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final long MAX_GENERATION = (1L << 60) - 1;

  private static AstraToken token() {
    Lease lease = new Lease("astra/o/r/1", NOW, Duration.ofHours(1), NOW.plusSeconds(3600), NOW.plusSeconds(7200),
        true, null);
    TokenInfo info = new TokenInfo("ZenclKrBpOoLhQxXnAnKaThR", "o", "r", null, IssueStyle.PER_REQUEST, NOW,
        Map.of(), lease, LeaseState.ACTIVE);
    return new AstraToken(info, "AstraCS:ZenclKrBpOoLhQxXnAnKaThR:" + "ab".repeat(32), "s3cr3t");
  }

  @Test
  void everyStateAndGenerationComeBackAsGiven() {
    AstraToken token = token();
    for (ManagedToken.State state : ManagedToken.State.values()) {
      for (long generation : new long[] {0, 1, 2, 7, 8, 1L << 31, 1L << 32, MAX_GENERATION - 1, MAX_GENERATION}) {
        TokenSnapshot snapshot = new TokenSnapshot(token, generation, state);
        assertThat(snapshot.generation()).isEqualTo(generation);
        assertThat(snapshot.state()).isEqualTo(state);
      }
    }
  }

  @Test
  void withStateBumpsTheGenerationAndKeepsTheToken() {
    TokenSnapshot first = new TokenSnapshot(token(), 41, ManagedToken.State.ACTIVE);
    TokenSnapshot next = first.withState(ManagedToken.State.EXPIRING);
    assertThat(next.generation()).isEqualTo(42);
    assertThat(next.state()).isEqualTo(ManagedToken.State.EXPIRING);
    assertThat(next.token()).isEqualTo(first.token());
    assertThat(first.state()).isEqualTo(ManagedToken.State.ACTIVE);
  }

  @Test
  void aGenerationOutsideWhatTheSnapshotHoldsIsRefused() {
    assertThatThrownBy(() -> new TokenSnapshot(token(), -1, ManagedToken.State.ACTIVE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generation").hasMessageContaining("-1");
    assertThatThrownBy(() -> new TokenSnapshot(token(), MAX_GENERATION + 1, ManagedToken.State.ACTIVE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generation");
    TokenSnapshot last = new TokenSnapshot(token(), MAX_GENERATION, ManagedToken.State.ACTIVE);
    assertThatThrownBy(() -> last.withState(ManagedToken.State.STOPPED)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringNamesTheGenerationAndStateButNotTheToken() {
    TokenSnapshot snapshot = new TokenSnapshot(token(), 9, ManagedToken.State.STOPPED);
    assertThat(snapshot.toString()).contains("generation=9", "state=STOPPED").doesNotContain("ab".repeat(32))
        .doesNotContain("s3cr3t");
  }
}
