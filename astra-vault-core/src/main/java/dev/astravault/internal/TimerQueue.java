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
 * its adapter and two lambdas (about 136 B) for every handle; here a handle costs its own timer fields and a heap
 * slot. The heap's keys live in a {@code long[]} parallel to the handles: sifting compares adjacent longs instead of
 * dereferencing a handle per comparison, which at a million handles is a cache miss each.
 *
 * <p><b>Entries are never moved for a re-arm.</b> A handle's live entry is the one whose key equals the handle's
 * {@code timerKey}; any other entry of it is stale and is dropped when it reaches the head, or by a sweep (below). The heap keeps no position per handle, so sifting writes only the heap's own
 * arrays, never a handle: at a million handles each handle written was a cache miss.
 * <ul>
 *   <li>Re-arming to a time at or after the live key, which is what a renewal does, only writes the handle's due time
 *       ({@code timerDue}): the key stays a lower bound, and the entry is re-keyed to the real due time only when it
 *       reaches the head. A timer postponed many times costs one sift.</li>
 *   <li>Re-arming earlier than the live key appends a new entry and leaves the old one stale. An append sifts up from
 *       the heap's last slot, whose ancestors the previous append just walked, so it touches memory that is already
 *       in cache; moving the old entry up would touch its slot and its ancestors, cold at a million timers.</li>
 *   <li>Disarming forgets the live key: the entry goes stale where it is.</li>
 * </ul>
 * The head is always live and exact (settled before the scheduler task is planned), so the task never fires early.
 *
 * <p><b>Stale entries are swept a few at a time.</b> Once stale entries outnumber live ones (plus a slack), a sweep
 * walks the heap from its last slot towards the root and drops the stale entries it meets, {@value #SWEEP_STEP}
 * slots per arm or disarm (a renewal's re-arm helps while one is under way), so that no call holds the lock for long: a rebuild in one go would read every handle, about
 * 100 ms at a million timers, under the lock every renewal's re-arm takes. Until a sweep reaches it, a stale entry
 * keeps its handle reachable.
 *
 * <p>Every arm and disarm bumps the timer's generation, and a fire carries the generation it was armed with, so a
 * handle that re-armed or disarmed between the pop and the call sees {@link #isCurrent} false and ignores the stale
 * fire. The scheduler task carries a generation too: a superseded one (a cancel that lost its race) does nothing. Due handles are called on the scheduler thread, outside
 * this queue's lock (lock order: handle, then queue).
 */
final class TimerQueue {
  /** Not armed: no live entry. {@link #nanos} never returns it. */
  static final long NOT_ARMED = Long.MIN_VALUE;

  /** What the queue orders: a managed token's one timer. Its fields are guarded by the queue. */
  abstract static class Timer {
    // The key of this timer's live heap entry (NOT_ARMED: none), its generation (bumped by every arm and disarm), and
    // its real due time (epoch nanoseconds), which a lazy postponement leaves later than the key. timerKey <= timerDue.
    long timerKey = NOT_ARMED;
    int timerGeneration;
    long timerDue;

    /**
     * Called on the scheduler thread, outside the queue's lock, with the generation the timer was armed with: check it
     * with {@link #isCurrent} under the timer's own lock (lock order: timer, then queue).
     */
    abstract void onTimer(int generation);
  }

  private static final Logger LOG = Redaction.logger(TimerQueue.class);
  /** Stale entries tolerated beyond the live count before a sweep starts: small heaps never sweep for a few. */
  private static final int STALE_SLACK = 64;
  /** Heap slots a sweep checks per arm or disarm: each check may read a cold handle. */
  private static final int SWEEP_STEP = 16;

  private final Scheduler scheduler;
  private final Clock clock;
  // Guarded by this. `size` entries, of which `live` are the live entries of armed timers; the rest are stale.
  private Timer[] heap = new Timer[16];
  private long[] keys = new long[16];
  private int size;
  private int live;
  // The next slot the sweep under way checks (-1: none), and how many stale entries beyond the live count start the
  // next sweep: raised above what a finished sweep could not drop (a stale entry whose key a re-keyed live one caught
  // up with looks live until one of them fires), so that such entries cannot start a sweep on every call.
  private int sweepAt = -1;
  private int staleLimit = STALE_SLACK;
  private final int[] sweepFound = new int[SWEEP_STEP];
  private Scheduler.@org.jspecify.annotations.Nullable Task tick;
  private long tickDue = Long.MAX_VALUE;
  private long tickGeneration;

  TimerQueue(Scheduler scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Arms (or re-arms) {@code timer} to fire at {@code due}, in a new generation. */
  void arm(Timer timer, Instant due) {
    arm(timer, nanos(due));
  }

  /** As {@link #arm(Timer, Instant)}, {@code at} in epoch nanoseconds. */
  synchronized void arm(Timer timer, long at) {
    at = Math.max(Long.MIN_VALUE + 1, Math.min(at, Long.MAX_VALUE - 1));   // Long.MIN_VALUE means "not armed"
    timer.timerGeneration++;
    timer.timerDue = at;
    long key = timer.timerKey;
    if (key != NOT_ARMED && at >= key) {
      // Later than (or at) the live key: the key stays a lower bound, corrected at the head.
      if (heap[0] == timer && keys[0] == key) {
        reschedule();   // the head's real due time moved: plan the task for the new head
      }
      if (sweepAt >= 0) {
        sweepSome();
      }
      return;
    }
    if (key == NOT_ARMED) {
      live++;
    }
    timer.timerKey = at;   // any older entry of this timer is stale from now on
    push(timer, at);
    sweepSome();
    reschedule();
  }

  /** Disarms {@code timer}, if armed, and starts a new generation either way. Its entry goes stale in place. */
  synchronized void disarm(Timer timer) {
    timer.timerGeneration++;
    if (timer.timerKey == NOT_ARMED) {
      return;
    }
    timer.timerKey = NOT_ARMED;
    live--;
    // The scheduler task may now be early; it finds nothing due and re-arms for the new head.
    sweepSome();
  }

  /** {@return whether {@code generation}, which a fire carried, is still {@code timer}'s: not re-armed or disarmed since} */
  synchronized boolean isCurrent(Timer timer, int generation) {
    return timer.timerGeneration == generation;
  }

  /** {@return how many timers are armed} */
  synchronized int size() {
    return live;
  }

  /** {@return how many entries the heap holds, stale ones included} (tests) */
  synchronized int entries() {
    return size;
  }

  /** {@return whether a sweep of stale entries is under way} (tests) */
  synchronized boolean sweeping() {
    return sweepAt >= 0;
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
      due = new Timer[Math.min(live, 16)];
      generations = new int[due.length];
      while (settleHead() && keys[0] <= now) {
        Timer head = heap[0];
        if (count == due.length) {
          due = Arrays.copyOf(due, Math.max(16, count * 2));
          generations = Arrays.copyOf(generations, due.length);
        }
        due[count] = head;
        generations[count++] = head.timerGeneration;
        head.timerKey = NOT_ARMED;
        live--;
        removeHead();
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
    long head = settleHead() ? keys[0] : Long.MAX_VALUE;
    if (head == tickDue) {
      return;
    }
    if (tick != null) {
      tick.cancel();
      tick = null;
    }
    long generation = ++tickGeneration;
    tickDue = head;
    if (head != Long.MAX_VALUE) {
      long delay = head - nanos(clock.instant());
      tick = scheduler.schedule(() -> onTick(generation), Duration.ofNanos(Math.max(0, delay)));
    }
  }

  /**
   * Makes the head live and exact: drops stale entries off the top and raises a lazily postponed head's key to its
   * timer's real due time. Under this.
   *
   * @return whether the heap holds a live entry
   */
  private boolean settleHead() {
    while (size > 0) {
      Timer head = heap[0];
      long key = keys[0];
      if (head.timerKey != key) {
        removeHead();                 // stale: re-armed earlier, or disarmed, since this entry was made
      } else if (head.timerDue > key) {
        head.timerKey = head.timerDue;
        keys[0] = head.timerDue;
        down(0);
      } else {
        return true;
      }
    }
    return false;
  }

  private void push(Timer timer, long key) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size + (size >> 1));
      keys = Arrays.copyOf(keys, heap.length);
    }
    heap[size] = timer;
    keys[size] = key;
    up(size++);
  }

  private void removeHead() {
    removeAt(0);
  }

  /**
   * Checks up to {@value #SWEEP_STEP} slots of the sweep under way, or starts one when stale entries outnumber live ones
   * by more than the limit. A sweep goes from the last slot towards the root, a window of slots at a time. (An entry
   * that a push or a pop moves past the sweep is left to the next one.) O(1) per call, and O(1) per stale entry
   * amortised: a sweep starts only after as many stale entries as live ones accumulated, and checks each slot about
   * once.
   */
  private void sweepSome() {
    if (sweepAt < 0) {
      if (size - live <= live + staleLimit) {
        return;
      }
      sweepAt = size - 1;
    }
    // First find the stale slots of the next SWEEP_STEP, then drop them: the finding reads are independent of each
    // other, so the CPU overlaps their cache misses, which a check-then-remove loop serialises.
    int found = 0;
    int end = Math.max(-1, sweepAt - SWEEP_STEP);
    for (int i = Math.min(sweepAt, size - 1); i > end; i--) {
      if (heap[i].timerKey != keys[i]) {
        sweepFound[found++] = i;
      }
    }
    sweepAt = end;
    // Highest first: a removal refills its slot from the heap's end, and the refill sifts down into slots already
    // checked or up through ancestors, which lie below this window; a refill that is stale too goes at once.
    for (int k = 0; k < found; k++) {
      int i = sweepFound[k];
      while (i < size && heap[i].timerKey != keys[i]) {
        removeAt(i);
      }
    }
    if (sweepAt < 0) {
      staleLimit = Math.max(STALE_SLACK, size - 2 * live + STALE_SLACK);
    }
  }

  /** Drops the entry at {@code i}: the last entry takes its slot and sifts to where it belongs. */
  private void removeAt(int i) {
    Timer last = heap[--size];
    long lastKey = keys[size];
    heap[size] = null;
    if (i < size) {
      heap[i] = last;
      keys[i] = lastKey;
      up(i);
      if (heap[i] == last) {
        down(i);
      }
    }
  }

  private void up(int i) {
    Timer x = heap[i];
    long xKey = keys[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      long pKey = keys[parent];
      if (pKey <= xKey) {
        break;
      }
      heap[i] = heap[parent];
      keys[i] = pKey;
      i = parent;
    }
    heap[i] = x;
    keys[i] = xKey;
  }

  private void down(int i) {
    Timer x = heap[i];
    long xKey = keys[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && keys[right] < keys[child]) {
        child = right;
      }
      long cKey = keys[child];
      if (xKey <= cKey) {
        break;
      }
      heap[i] = heap[child];
      keys[i] = cKey;
      i = child;
    }
    heap[i] = x;
    keys[i] = xKey;
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
