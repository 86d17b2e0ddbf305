package dev.astravault.spring.autoconfigure.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link StartupTokens.Sleeper} on a hand-driven monotonic clock: each wait is recorded and moves the time on, so
 * the startup retries' back-off and {@code astra.vault.startup-timeout} are tested without sleeping.
 */
public final class ManualSleeper implements StartupTokens.Sleeper {
  /** The waits asked for, in order. */
  public final List<Duration> waits = new CopyOnWriteArrayList<>();
  /** The monotonic time, in nanoseconds; a test may move it on itself (an attempt that takes time). */
  public volatile long nanos = 1_000_000_000L;

  @Override
  public void sleep(Duration duration) {
    waits.add(duration);
    nanos += duration.toNanos();
  }

  @Override
  public long nanoTime() {
    return nanos;
  }
}
