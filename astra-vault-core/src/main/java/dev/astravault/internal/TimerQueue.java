package dev.astravault.internal;

import dev.astravault.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;

/**
 * The one timer of all managed tokens of an engine: a binary heap of handles ordered by due time (arm, re-arm and
 * disarm are O(log n)), of which only the earliest is on the {@link Scheduler}. A task per handle on the scheduler
 * would cost a {@code ScheduledFutureTask}, its adapter and two lambdas (about 136 B) for every handle; here a handle
 * costs its own three timer fields and one heap slot.
 *
 * <p>Each armed handle carries the generation it was armed with, and gets it back when it fires, so a handle that
 * re-armed between the pop and the call ignores the stale fire. The scheduler task carries a generation too: a
 * superseded one (a cancel that lost its race) does nothing. Due handles are called on the scheduler thread, outside
 * this queue's lock (lock order: handle, then queue).
 */
final class TimerQueue {
  private static final Logger LOG = Redaction.logger(TimerQueue.class);

  private final Scheduler scheduler;
  private final Clock clock;
  // Guarded by this.
  private ManagedLease[] heap = new ManagedLease[16];
  private int size;
  private Scheduler.@org.jspecify.annotations.Nullable Task tick;
  private long tickDue = Long.MAX_VALUE;
  private long tickGeneration;

  TimerQueue(Scheduler scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Arms (or re-arms) {@code lease} to fire at {@code due} with {@code generation}. */
  synchronized void arm(ManagedLease lease, Instant due, int generation) {
    lease.timerDue = nanos(due);
    lease.timerArmed = generation;
    if (lease.timerIndex < 0) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size + (size >> 1));
      }
      lease.timerIndex = size;
      heap[size++] = lease;
      up(lease.timerIndex);
    } else {
      up(lease.timerIndex);
      down(lease.timerIndex);
    }
    reschedule();
  }

  /** Removes {@code lease}'s timer, if armed. */
  synchronized void disarm(ManagedLease lease) {
    int i = lease.timerIndex;
    if (i < 0) {
      return;
    }
    lease.timerIndex = -1;
    ManagedLease last = heap[--size];
    heap[size] = null;
    if (i < size) {
      heap[i] = last;
      last.timerIndex = i;
      up(i);
      down(last.timerIndex);
    }
    // The scheduler task may now be early; it finds nothing due and re-arms for the new head.
  }

  synchronized int size() {
    return size;
  }

  private void onTick(long generation) {
    ManagedLease[] due;
    int[] generations;
    int count = 0;
    synchronized (this) {
      if (generation != tickGeneration) {
        return;
      }
      // Fire what was due when this tick was planned even if the clock lags the scheduler a little.
      long now = Math.max(nanos(clock.instant()), tickDue);
      tick = null;
      tickDue = Long.MAX_VALUE;
      due = new ManagedLease[Math.min(size, 16)];
      generations = new int[due.length];
      while (size > 0 && heap[0].timerDue <= now) {
        ManagedLease head = heap[0];
        if (count == due.length) {
          due = Arrays.copyOf(due, count * 2);
          generations = Arrays.copyOf(generations, count * 2);
        }
        due[count] = head;
        generations[count++] = head.timerArmed;
        disarm(head);
      }
      reschedule();
    }
    for (int i = 0; i < count; i++) {
      try {
        due[i].onTimer(generations[i]);
      } catch (RuntimeException e) {
        LOG.warn("managed token timer failed: {}", e.getClass().getName());
      }
    }
  }

  /** Keeps one scheduler task, due with the heap's head. Under this. */
  private void reschedule() {
    long head = size == 0 ? Long.MAX_VALUE : heap[0].timerDue;
    if (head == tickDue) {
      return;
    }
    if (tick != null) {
      tick.cancel();
      tick = null;
    }
    long generation = ++tickGeneration;
    tickDue = head;
    if (size > 0) {
      long delay = head - nanos(clock.instant());
      tick = scheduler.schedule(() -> onTick(generation), Duration.ofNanos(Math.max(0, delay)));
    }
  }

  private void up(int i) {
    ManagedLease x = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      ManagedLease p = heap[parent];
      if (p.timerDue <= x.timerDue) {
        break;
      }
      heap[i] = p;
      p.timerIndex = i;
      i = parent;
    }
    heap[i] = x;
    x.timerIndex = i;
  }

  private void down(int i) {
    ManagedLease x = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].timerDue < heap[child].timerDue) {
        child = right;
      }
      if (x.timerDue <= heap[child].timerDue) {
        break;
      }
      heap[i] = heap[child];
      heap[i].timerIndex = i;
      i = child;
    }
    heap[i] = x;
    x.timerIndex = i;
  }

  /** Epoch nanoseconds, saturated (an Instant far in the future sorts last instead of overflowing). */
  static long nanos(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L - 1) {
      return Long.MAX_VALUE - 1;
    }
    if (seconds <= Long.MIN_VALUE / 1_000_000_000L + 1) {
      return Long.MIN_VALUE + 1;   // Long.MIN_VALUE means "none" to the handles
    }
    return seconds * 1_000_000_000L + t.getNano();
  }
}
