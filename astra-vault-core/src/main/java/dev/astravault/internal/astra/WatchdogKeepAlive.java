package dev.astravault.internal.astra;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import okio.AsyncTimeout;

/**
 * One entry kept at the head of Okio's timeout queue while Astra calls are being made, so that the entries each call
 * adds land behind it and do not wake Okio's watchdog thread.
 *
 * <p>Why: every OkHttp call enters Okio's one, process-wide timeout queue several times (the call deadline, then
 * each socket write and read with its own timeout), and Okio signals its watchdog thread whenever an entry becomes
 * the queue's head. With one call at a time the queue is empty or holds only the call's deadline, so each of those
 * entries is a head and each is a thread wake-up: several context switches per call, on the critical path of a
 * two-core machine (issue 15, P2). While this entry is queued, its deadline is under {@link #PERIOD} away and every
 * other entry's is further (OkHttp's read and write timeouts are 10 s unless set lower), so none of them is a head.
 *
 * <p>This changes no deadline: OkHttp's own call deadline and socket timeouts still bound every call. If a future
 * Okio stopped ordering its queue this way, calls would only be as slow as before. The entry re-enters itself once a
 * {@link #PERIOD} (one watchdog wake-up a second) while calls keep coming, and stops after a period without one, so an
 * idle process has no extra wake-ups and Okio's watchdog thread still ends after its idle minute.
 */
final class WatchdogKeepAlive extends AsyncTimeout {
  /** Shorter than any timeout an Astra call carries by default (read and write 10 s, the call 30 s). */
  static final Duration PERIOD = Duration.ofSeconds(1);

  /** One for the process, as Okio's queue is. */
  private static final WatchdogKeepAlive SHARED = new WatchdogKeepAlive(PERIOD, System::nanoTime);

  private final long periodNanos;
  private final LongSupplier nanoTime;
  /** {@link #nanoTime} at the last {@link #touch()}. */
  private final AtomicLong lastUse = new AtomicLong();
  /** Whether the entry is queued, or about to be. */
  private final AtomicBoolean queued = new AtomicBoolean();

  WatchdogKeepAlive(Duration period, LongSupplier nanoTime) {
    this.periodNanos = period.toNanos();
    this.nanoTime = nanoTime;
    timeout(periodNanos, TimeUnit.NANOSECONDS);
  }

  /** Notes a call about to start, queueing the shared entry if it is not queued. */
  static void beforeCall() {
    SHARED.touch();
  }

  void touch() {
    lastUse.lazySet(nanoTime.getAsLong());
    if (!queued.get() && queued.compareAndSet(false, true)) {
      requeue();
    }
  }

  /** Whether the entry is queued (for tests). */
  boolean isQueued() {
    return queued.get();
  }

  /** Runs on Okio's watchdog thread once a period has passed since the entry was queued. */
  @Override
  protected void timedOut() {
    if (nanoTime.getAsLong() - lastUse.get() < periodNanos) {
      requeue();
      return;
    }
    queued.set(false);
    // A call that started after the check above saw the flag still set; queue again for it.
    if (nanoTime.getAsLong() - lastUse.get() < periodNanos && queued.compareAndSet(false, true)) {
      requeue();
    }
  }

  /** Leaves the queue if in it (or timed out), then enters again with a fresh deadline. */
  private synchronized void requeue() {
    exit();
    enter();
  }
}
