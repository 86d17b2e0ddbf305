package dev.astravault.audit;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * When {@link JsonLinesAuditSink} forces its file to disk. Every line is handed to the OS before
 * {@code record} returns; this decides how much a power loss (not a process crash) can lose.
 */
public final class FsyncPolicy {
  private static final FsyncPolicy ALWAYS = new FsyncPolicy(Duration.ZERO);
  private static final FsyncPolicy NEVER = new FsyncPolicy(null);

  private final @Nullable Duration interval; // null = never

  private FsyncPolicy(@Nullable Duration interval) {
    this.interval = interval;
  }

  /**
   * fsync after every line: the safest and the slowest.
   *
   * @return the policy
   */
  public static FsyncPolicy always() {
    return ALWAYS;
  }

  /**
   * Never fsync explicitly (on close only); the OS writes back when it likes.
   *
   * @return the policy
   */
  public static FsyncPolicy never() {
    return NEVER;
  }

  /**
   * fsync after a line when at least {@code interval} passed since the last fsync (and on close).
   *
   * @param interval the least time between two fsyncs
   * @return the policy
   */
  public static FsyncPolicy atMostEvery(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative()) {
      throw new IllegalArgumentException("interval < 0: " + interval);
    }
    return interval.isZero() ? ALWAYS : new FsyncPolicy(interval);
  }

  /** Whether to fsync now, {@code sinceLastNanos} after the previous one. */
  boolean due(long sinceLastNanos) {
    return interval != null && sinceLastNanos >= interval.toNanos();
  }

  @Override
  public String toString() {
    return interval == null ? "FsyncPolicy[never]" : interval.isZero() ? "FsyncPolicy[always]"
        : "FsyncPolicy[atMostEvery " + interval + "]";
  }
}
