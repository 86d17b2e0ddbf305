package dev.astravault.internal;

import dev.astravault.AstraRateLimitedException;
import dev.astravault.RenewalSettings;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** The managed tokens' one back-off formula: capped exponential with equal jitter, stretched to a Retry-After. */
final class Backoff {
  private Backoff() {}

  /**
   * The wait before attempt {@code failures + 1}: {@code backoffBase × 2^(failures-1)} capped at {@code backoffCap},
   * drawn in {@code [d/2, d]} so that a retry really waits, and at least Astra's {@code Retry-After} (up to the cap).
   */
  static long millis(RenewalSettings settings, int failures, Throwable e) {
    long base = settings.backoffBase().toMillis();
    long cap = settings.backoffCap().toMillis();
    int shift = Math.min(failures - 1, 30);
    long ceiling = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
    long wait = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling - ceiling / 2 + 1);
    if (e instanceof AstraRateLimitedException limited && limited.retryAfter().isPresent()) {
      // Compared before toMillis: a Retry-After of 10^16 s or more would overflow it.
      Duration after = limited.retryAfter().get();
      wait = Math.max(wait, after.compareTo(settings.backoffCap()) >= 0 ? cap : after.toMillis());
    }
    return Math.max(1, wait);
  }

  static Duration of(RenewalSettings settings, int failures, Throwable e) {
    return Duration.ofMillis(millis(settings, failures, e));
  }
}
