package dev.astravault.internal.astra;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How GET and DELETE calls are retried: at most {@code maxAttempts} attempts in total, with "full jitter" back-off
 * between them (a uniform wait in {@code [0, min(maxDelay, baseDelay * 2^(n-1))]} after the n-th failed attempt).
 * Full jitter spreads the retries of many instances that failed together, so they do not hit Astra in lock-step.
 * A {@code Retry-After} sent by Astra replaces the jittered wait but is capped at {@code maxDelay}, so a hostile or
 * confused header cannot park a caller's thread for hours. POST is never retried, whatever the policy says.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

  /** A wait longer than this is a configuration mistake, and it keeps the millisecond arithmetic overflow-free. */
  private static final Duration LONGEST_DELAY = Duration.ofHours(1);

  public RetryPolicy {
    Objects.requireNonNull(baseDelay, "baseDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    }
    if (baseDelay.isNegative()) {
      throw new IllegalArgumentException("baseDelay < 0: " + baseDelay);
    }
    if (maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException("maxDelay " + maxDelay + " < baseDelay " + baseDelay);
    }
    if (maxDelay.compareTo(LONGEST_DELAY) > 0) {
      throw new IllegalArgumentException("maxDelay > " + LONGEST_DELAY + ": " + maxDelay);
    }
  }

  /** 4 attempts, 250 ms base delay, 10 s cap. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(10));
  }

  public static RetryPolicy of(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    return new RetryPolicy(maxAttempts, baseDelay, maxDelay);
  }

  /** A single attempt: every failure is reported at once. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /**
   * The jittered wait after the {@code failedAttempts}-th failed attempt (1-based), drawn with
   * {@link RandomGenerator#nextLong(long)} in milliseconds.
   */
  public Duration backoff(int failedAttempts, RandomGenerator random) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts < 1: " + failedAttempts);
    }
    long cap = maxDelay.toMillis();
    long base = baseDelay.toMillis();
    int shift = Math.min(failedAttempts - 1, 40);
    long ceiling = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
    return ceiling == 0 ? Duration.ZERO : Duration.ofMillis(random.nextLong(ceiling + 1));
  }

  /** {@code retryAfter} clamped to {@code [0, maxDelay]}. */
  Duration capped(Duration retryAfter) {
    if (retryAfter.isNegative()) {
      return Duration.ZERO;
    }
    return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
  }
}
