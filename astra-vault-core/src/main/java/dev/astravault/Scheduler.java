package dev.astravault;

import dev.astravault.internal.ExecutorScheduler;
import java.time.Duration;

/**
 * Runs tasks after a delay. Injected so that tests drive time by hand ({@code ManualScheduler} in
 * {@code astra-vault-test}) instead of sleeping.
 *
 * <p><b>Concurrency contract.</b> {@link #schedule} may be called from any thread, including from a running task.
 * Tasks may run on a thread other than the caller's; a task must not block for long (the default implementation
 * has a single thread for all tasks, and astra-vault moves I/O off it). A cancelled task that has not started never
 * runs.
 */
public interface Scheduler {

  /**
   * Runs {@code task} once, after {@code delay} (zero or negative means as soon as possible).
   *
   * @param task what to run
   * @param delay how long to wait
   * @return the scheduled task, to cancel it
   */
  Task schedule(Runnable task, Duration delay);

  /** A scheduled task. */
  interface Task {
    /** Prevents the task from running if it has not started; idempotent. */
    void cancel();
  }

  /**
   * One daemon thread named {@code name}, backed by a {@link java.util.concurrent.ScheduledThreadPoolExecutor}.
   *
   * @param name the thread's name
   * @return the scheduler; closing it is the owner's job
   */
  static Scheduler singleThread(String name) {
    return ExecutorScheduler.singleThread(name);
  }
}
