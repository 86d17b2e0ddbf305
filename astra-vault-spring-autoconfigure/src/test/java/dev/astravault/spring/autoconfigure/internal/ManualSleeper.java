package dev.astravault.spring.autoconfigure.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;

/**
 * A {@link StartupTokens.Sleeper} on a hand-driven monotonic clock: each wait is recorded and moves the time on, so
 * the startup retries' back-off and {@code astra.vault.startup-timeout} are tested without sleeping. Attempts run on
 * the caller's thread, so an attempt that moves the time on has finished (late or not) when it is waited for; with
 * {@link #threads} they run on threads of their own, and waiting for one still under way moves the time to the
 * deadline and gives up, as the deadline passing would.
 */
public final class ManualSleeper implements StartupTokens.Sleeper {
  /** The waits asked for, in order. */
  public final List<Duration> waits = new CopyOnWriteArrayList<>();
  /** The monotonic time, in nanoseconds; a test may move it on itself (an attempt that takes time). */
  public volatile long nanos = 1_000_000_000L;
  /** Whether attempts run on threads of their own. */
  public volatile boolean threads;

  @Override
  public void sleep(Duration duration) {
    waits.add(duration);
    nanos += duration.toNanos();
  }

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public void start(Runnable work) {
    if (threads) {
      StartupTokens.Sleeper.super.start(work);
    } else {
      work.run();
    }
  }

  @Override
  public <T> T await(Future<T> attempt, long deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    // Subtraction, as nanoTime may wrap.
    if (!attempt.isDone()) {
      nanos = deadline;
      throw new TimeoutException();
    }
    if (nanos - deadline > 0) {
      throw new TimeoutException();
    }
    return attempt.get();
  }
}
