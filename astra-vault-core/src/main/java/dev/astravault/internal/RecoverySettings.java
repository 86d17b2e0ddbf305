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
 * @param orphanSweep whether each pass deletes tokens tagged with this deployment's id that no record knows
 * @param orphanGrace how long such a token must have existed (by Astra's {@code generatedOn}) or been seen unknown
 *     (by this process) before the sweep deletes it
 */
public record RecoverySettings(Duration interval, Duration pendingSettleAfter, Duration revokingStaleAfter,
    Duration retryBackoff, Duration maxRetryBackoff, boolean orphanSweep, Duration orphanGrace) {

  public static final Duration DEFAULT_ORPHAN_GRACE = Duration.ofMinutes(15);

  public static RecoverySettings defaults() {
    return new RecoverySettings(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(5),
        Duration.ofSeconds(10), Duration.ofMinutes(10), true, DEFAULT_ORPHAN_GRACE);
  }

  public RecoverySettings withInterval(Duration v) {
    return new RecoverySettings(v, pendingSettleAfter, revokingStaleAfter, retryBackoff, maxRetryBackoff,
        orphanSweep, orphanGrace);
  }

  public RecoverySettings withPendingSettleAfter(Duration v) {
    return new RecoverySettings(interval, v, revokingStaleAfter, retryBackoff, maxRetryBackoff, orphanSweep,
        orphanGrace);
  }

  public RecoverySettings withRevokingStaleAfter(Duration v) {
    return new RecoverySettings(interval, pendingSettleAfter, v, retryBackoff, maxRetryBackoff, orphanSweep,
        orphanGrace);
  }

  public RecoverySettings withRetryBackoff(Duration initial, Duration max) {
    return new RecoverySettings(interval, pendingSettleAfter, revokingStaleAfter, initial, max, orphanSweep,
        orphanGrace);
  }

  public RecoverySettings withOrphanSweep(boolean on, Duration grace) {
    return new RecoverySettings(interval, pendingSettleAfter, revokingStaleAfter, retryBackoff, maxRetryBackoff, on,
        grace);
  }

  /** The delay before retry number {@code attempts + 1}, after {@code attempts} failures: capped exponential. */
  public Duration backoff(int attempts) {
    int doublings = Math.max(0, Math.min(attempts - 1, 30));
    Duration d = retryBackoff.multipliedBy(1L << doublings);
    return d.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : d;
  }
}
