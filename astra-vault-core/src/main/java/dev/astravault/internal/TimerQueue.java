package dev.astravault.internal;

import dev.astravault.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;

/**
 * The one timer of all managed tokens of an engine: a binary heap of handles ordered by due time, of which only the
 * earliest is on the {@link Scheduler}. A task per handle on the scheduler would cost a {@code ScheduledFutureTask},
 * its adapter and two lambdas (about 136 B) for every handle; here a handle costs its own timer fields and one heap
 * slot. The heap's keys live in a {@code long[]} parallel to the handles: sifting compares adjacent longs instead of
 * dereferencing a handle per comparison, which at a million handles is a cache miss each.
 *
 * <p><b>Lazy re-arm.</b> A handle's key in the heap may be <em>earlier</em> than its real due time
 * ({@code Timer.timerDue}), never later. Re-arming to a later time, which is what a renewal does, only writes
 * the handle's due time: the heap is not touched. The entry is corrected (its key raised to the real due time and
 * sifted down) only when it reaches the head, so a timer postponed many times costs one sift, and a re-arm touches
 * only the handle the caller already holds. Re-arming earlier than the key sifts up at once. The head is always
 * exact (corrected before the scheduler task is planned), so the task never fires early.
 *
 * <p>Each armed handle carries the generation it was armed with, and gets it back when it fires, so a handle that
 * re-armed between the pop and the call ignores the stale fire. The scheduler task carries a generation too: a
 * superseded one (a cancel that lost its race) does nothing. Due handles are called on the scheduler thread, outside
 * this queue's lock (lock order: handle, then queue).
 */
final class TimerQueue {
  /** What the queue orders: a managed token's one timer. Its fields are guarded by the queue. */
  abstract static class Timer {
    // This timer's slot in the heap (-1 when not armed), the generation it was armed with, and its real due time
    // (epoch nanoseconds): the heap's own key may lag behind a postponed due time.
    int timerIndex = -1;
    int timerArmed;
    long timerDue;

    /** Called on the scheduler thread, outside the queue's lock, with the generation the timer was armed with. */
    abstract void onTimer(int generation);
  }

  private static final Logger LOG = Redaction.logger(TimerQueue.class);

  private final Scheduler scheduler;
  private final Clock clock;
  // Guarded by this.
  private Timer[] heap = new Timer[16];
  private long[] dues = new long[16];
  private int size;
  private Scheduler.@org.jspecify.annotations.Nullable Task tick;
  private long tickDue = Long.MAX_VALUE;
  private long tickGeneration;

  TimerQueue(Scheduler scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Arms (or re-arms) {@code timer} to fire at {@code due} with {@code generation}. */
  void arm(Timer timer, Instant due, int generation) {
    arm(timer, nanos(due), generation);
  }

  /** As {@link #arm(Timer, Instant, int)}, {@code at} in epoch nanoseconds. */
  synchronized void arm(Timer timer, long at, int generation) {
    timer.timerArmed = generation;
    int i = timer.timerIndex;
    if (i < 0) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size + (size >> 1));
        dues = Arrays.copyOf(dues, heap.length);
      }
      timer.timerDue = at;
      timer.timerIndex = size;
      heap[size] = timer;
      dues[size++] = at;
      up(size - 1);
    } else if (at >= timer.timerDue) {
      timer.timerDue = at;   // later: the key (<= the old due) stays a lower bound; corrected at the head
      if (i != 0) {
        return;              // the head and the scheduler task are unchanged
      }
    } else {
      timer.timerDue = at;
      if (at < dues[i]) {
        dues[i] = at;
        up(i);
      }
    }
    reschedule();
  }

  /** Disarms {@code timer}, if armed. */
  synchronized void disarm(Timer timer) {
    int i = timer.timerIndex;
    if (i < 0) {
      return;
    }
    timer.timerIndex = -1;
    Timer last = heap[--size];
    long lastDue = dues[size];
    heap[size] = null;
    if (i < size) {
      heap[i] = last;
      dues[i] = lastDue;
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
    Timer[] due;
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
      due = new Timer[Math.min(size, 16)];
      generations = new int[due.length];
      while (size > 0 && dues[0] <= now) {
        Timer head = heap[0];
        if (head.timerDue > dues[0]) {
          settleHead();
          continue;
        }
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

  /** Keeps one scheduler task, due with the heap's head (made exact first). Under this. */
  private void reschedule() {
    while (size > 0 && heap[0].timerDue > dues[0]) {
      settleHead();
    }
    long head = size == 0 ? Long.MAX_VALUE : dues[0];
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

  /** Raises the head's key to its handle's real due time (it was postponed lazily). Under this. */
  private void settleHead() {
    dues[0] = heap[0].timerDue;
    down(0);
  }

  private void up(int i) {
    Timer x = heap[i];
    long xDue = dues[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      long pDue = dues[parent];
      if (pDue <= xDue) {
        break;
      }
      Timer p = heap[parent];
      heap[i] = p;
      dues[i] = pDue;
      p.timerIndex = i;
      i = parent;
    }
    heap[i] = x;
    dues[i] = xDue;
    x.timerIndex = i;
  }

  private void down(int i) {
    Timer x = heap[i];
    long xDue = dues[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && dues[right] < dues[child]) {
        child = right;
      }
      long cDue = dues[child];
      if (xDue <= cDue) {
        break;
      }
      Timer c = heap[child];
      heap[i] = c;
      dues[i] = cDue;
      c.timerIndex = i;
      i = child;
    }
    heap[i] = x;
    dues[i] = xDue;
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
