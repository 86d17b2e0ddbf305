package dev.astravault.internal.astra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = RetryPolicy.defaults();

  @Test
  void defaults() {
    assertThat(policy).isEqualTo(RetryPolicy.of(4, Duration.ofMillis(250), Duration.ofSeconds(10)));
    assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
  }

  @Test
  void ceilingDoublesUpToTheCap() {
    assertThat(policy.backoff(1, Fixtures.MAX_JITTER)).isEqualTo(Duration.ofMillis(250));
    assertThat(policy.backoff(2, Fixtures.MAX_JITTER)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.backoff(6, Fixtures.MAX_JITTER)).isEqualTo(Duration.ofMillis(8000));
    assertThat(policy.backoff(7, Fixtures.MAX_JITTER)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.backoff(1_000, Fixtures.MAX_JITTER)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void fullJitterStaysWithinZeroAndTheCeiling() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 1_000; i++) {
      assertThat(policy.backoff(3, random)).isBetween(Duration.ZERO, Duration.ofMillis(1000));
    }
  }

  @Test
  void retryAfterIsClamped() {
    assertThat(policy.capped(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    assertThat(policy.capped(Duration.ofDays(1))).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.capped(Duration.ofSeconds(-3))).isEqualTo(Duration.ZERO);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> RetryPolicy.of(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryPolicy.of(3, Duration.ZERO, Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> policy.backoff(0, Fixtures.MAX_JITTER)).isInstanceOf(IllegalArgumentException.class);
  }
}
