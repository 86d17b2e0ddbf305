package dev.astravault.internal;

import java.time.Duration;

/**
 * Tunables of {@link Recovery}, validated by the builder.
 *
 * @param interval how often a pass runs; zero runs only the pass at start
 * @param pendingSettleAfter a PENDING record older than this is taken for the leftover of a crash and settled
 * @param revokingStaleAfter a REVOKING claim older than this is taken for a crashed manager's and reclaimed
 * @param retryBackoff the first delay before a failed revoke is retried; it doubles per attempt
 * @param maxRetryBackoff the cap of that delay
 */
public record RecoverySettings(Duration interval, Duration pendingSettleAfter, Duration revokingStaleAfter,
    Duration retryBackoff, Duration maxRetryBackoff) {

  public static RecoverySettings defaults() {
    return new RecoverySettings(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(5),
        Duration.ofSeconds(10), Duration.ofMinutes(10));
  }

  /** The delay before retry number {@code attempts + 1}, after {@code attempts} failures: capped exponential. */
  public Duration backoff(int attempts) {
    int doublings = Math.max(0, Math.min(attempts - 1, 30));
    Duration d = retryBackoff.multipliedBy(1L << doublings);
    return d.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : d;
  }
}
