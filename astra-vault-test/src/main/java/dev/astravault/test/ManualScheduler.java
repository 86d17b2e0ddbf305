package dev.astravault.test;

import dev.astravault.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Scheduler} that never runs anything by itself: tasks run only inside {@link #runDue()} or
 * {@link #advance(Duration)}, on the calling thread, in due order (ties in scheduling order). Bound to a
 * {@link MutableClock}, so a task scheduled with delay {@code d} is due at {@code clock.instant() + d}.
 *
 * <p>Thread-safe: {@link #schedule} may be called from any thread, including from a running task. A task that
 * throws stops the current {@code runDue}/{@code advance} with that exception; the tasks after it stay pending.
 */
public final class ManualScheduler implements Scheduler {
  private final MutableClock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final PriorityQueue<Entry> queue = new PriorityQueue<>();
  private long sequence;

  /**
   * A scheduler that reads due times from {@code clock}.
   *
   * @param clock the clock tests move
   */
  public ManualScheduler(MutableClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@return the clock this scheduler reads and, in {@link #advance}, moves} */
  public MutableClock clock() {
    return clock;
  }

  @Override
  public Task schedule(Runnable task, Duration delay) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(delay, "delay");
    // Zero or negative delays are due now, not in the past, so they run after tasks that were already due.
    Instant now = clock.instant();
    Instant due = delay.isNegative() ? now : now.plus(delay);
    lock.lock();
    try {
      Entry entry = new Entry(task, due, sequence++);
      queue.add(entry);
      return entry;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs every task due at or before the clock's current instant, including tasks that running tasks schedule
   * when they are due too.
   *
   * @return how many tasks ran
   */
  public int runDue() {
    int ran = 0;
    for (@Nullable Entry next; (next = pollDue(clock.instant())) != null; ) {
      next.task.run();
      ran++;
    }
    return ran;
  }

  /**
   * Moves the clock forward by {@code amount}, stopping at each due instant on the way to run what is due then,
   * so that a task that reschedules itself runs once per period.
   *
   * @param amount how far to move the clock
   * @return how many tasks ran
   */
  public int advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount < 0: " + amount);
    }
    Instant target = clock.instant().plus(amount);
    int ran = runDue();
    for (Optional<Instant> next; (next = nextDueAt()).isPresent() && !next.get().isAfter(target); ) {
      if (next.get().isAfter(clock.instant())) {
        clock.set(next.get());
      }
      ran += runDue();
    }
    if (clock.instant().isBefore(target)) {
      clock.set(target);
    }
    return ran + runDue();
  }

  /** {@return how many tasks are scheduled and neither run nor cancelled} */
  public int pendingCount() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** {@return when the earliest pending task is due, if any} */
  public Optional<Instant> nextDueAt() {
    lock.lock();
    try {
      Entry head = queue.peek();
      return head == null ? Optional.empty() : Optional.of(head.due);
    } finally {
      lock.unlock();
    }
  }

  private @Nullable Entry pollDue(Instant now) {
    lock.lock();
    try {
      Entry head = queue.peek();
      if (head == null || head.due.isAfter(now)) {
        return null;
      }
      queue.poll();
      head.started.set(true);
      return head;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "ManualScheduler[pending=" + pendingCount() + ", now=" + clock.instant() + "]";
  }

  private final class Entry implements Task, Comparable<Entry> {
    final Runnable task;
    final Instant due;
    final long seq;
    final AtomicBoolean started = new AtomicBoolean();

    Entry(Runnable task, Instant due, long seq) {
      this.task = task;
      this.due = due;
      this.seq = seq;
    }

    @Override
    public void cancel() {
      lock.lock();
      try {
        if (!started.get()) {
          queue.remove(this);
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int compareTo(Entry o) {
      int byDue = due.compareTo(o.due);
      return byDue != 0 ? byDue : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
      return "ScheduledTask[due=" + due + "]";
    }
  }
}
