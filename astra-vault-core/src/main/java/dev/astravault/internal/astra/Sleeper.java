package dev.astravault.internal.astra;

import java.time.Duration;

/**
 * Waits out a back-off between two attempts of a retried call. An SPI so that tests can record the waits instead of
 * spending them, and so that a caller can plug in a virtual-thread-friendly or instrumented wait.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Blocks for {@code duration} (never negative).
   *
   * @throws InterruptedException if the thread is interrupted; the client then gives up the call
   */
  void sleep(Duration duration) throws InterruptedException;

  /** The real wall-clock wait ({@link Thread#sleep(long)}). */
  static Sleeper system() {
    return duration -> Thread.sleep(duration.toMillis());
  }
}
