package dev.astravault.internal;

import dev.astravault.Scheduler;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The default {@link Scheduler}: one daemon thread and a delay heap (O(log n) per schedule and cancel). */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
  private final ScheduledThreadPoolExecutor executor;

  private ExecutorScheduler(ScheduledThreadPoolExecutor executor) {
    this.executor = executor;
  }

  public static ExecutorScheduler singleThread(String name) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
    // Cancelled renewals must not pile up in the heap until their original due time.
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return new ExecutorScheduler(executor);
  }

  @Override
  public Task schedule(Runnable task, Duration delay) {
    long nanos = Math.max(0, saturatedNanos(delay));
    ScheduledFuture<?> future = executor.schedule(task, nanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  private static long saturatedNanos(Duration delay) {
    try {
      return delay.toNanos();
    } catch (ArithmeticException overflow) {
      return delay.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
