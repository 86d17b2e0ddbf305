package dev.astravault.internal;

import dev.astravault.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * The one timer of all managed tokens of an engine, of which only the earliest is on the {@link Scheduler}. A task
 * per handle on the scheduler would cost a {@code ScheduledFutureTask}, its adapter and two lambdas (about 136 B) for
 * every handle; here a handle costs its own timer fields and one slot in an array.
 *
 * <p>Two tiers, so that a re-arm costs the same at a million armed handles as at ten thousand (issue 15):
 * <ul>
 *   <li><b>Far buckets</b>: a timer due in coarse bucket {@code b} ({@code due >> BUCKET_SHIFT}, about a second)
 *       sits, unordered, in that bucket's array. Arming there, moving between buckets and disarming are O(1)
 *       appends and swap-removes, plus a lookup in the map of buckets, whose size depends on how far ahead timers
 *       are spread (seconds of span), not on how many there are. A renewal timer is re-armed once per renewal, to a
 *       due time minutes or hours away: this is the path that has to stay flat.</li>
 *   <li><b>Near heap</b>: every timer whose bucket is before {@code farFrom} is in a binary heap ordered by exact due
 *       time (a {@code long[]} beside the handles). A far bucket moves into the heap, timer by timer, once it is the
 *       earliest bucket and starts no later than the heap's head; so the heap holds about one bucket of timers, and
 *       its head is always the earliest timer of all.</li>
 * </ul>
 * The scheduler task is due at the heap's head, the exact due time: no timer fires early, and none later than the
 * scheduler runs it (the buckets only decide when a timer is sorted, never when it fires).
 *
 * <p>Each armed handle carries the generation it was armed with, and gets it back when it fires, so a handle that
 * re-armed between the pop and the call ignores the stale fire. The scheduler task carries a generation too: a
 * superseded one (a cancel that lost its race) does nothing. Due handles are called on the scheduler thread, outside
 * this queue's lock (lock order: handle, then queue).
 */
final class TimerQueue {
  private static final Logger LOG = Redaction.logger(TimerQueue.class);
  /** 2^30 ns, about 1.07 s per far bucket: renewal timers are minutes apart, so buckets stay few and full. */
  static final int BUCKET_SHIFT = 30;

  private final Scheduler scheduler;
  private final Clock clock;
  // Guarded by this. The near heap: a handle here has timerBucket == null and timerIndex its slot.
  private ManagedLease[] heap = new ManagedLease[16];
  private long[] dues = new long[16];
  private int size;
  // Far buckets by bucket number; a handle there has timerBucket set and timerIndex its slot in that bucket. Every
  // bucket here is numbered at least farFrom; every timer of an earlier bucket is in the heap. Empty buckets stay
  // until they are the earliest (a handle bouncing between two buckets does not reallocate them).
  private final TreeMap<Long, Bucket> far = new TreeMap<>();
  private long farFrom = Long.MIN_VALUE;
  private int farCount;
  private Scheduler.@org.jspecify.annotations.Nullable Task tick;
  private long tickDue = Long.MAX_VALUE;
  private long tickGeneration;

  /** The timers of one far bucket, unordered. */
  static final class Bucket {
    final long number;
    ManagedLease[] leases = new ManagedLease[4];
    long[] dues = new long[4];
    int size;

    Bucket(long number) {
      this.number = number;
    }
  }

  TimerQueue(Scheduler scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Arms (or re-arms) {@code lease} to fire at {@code due} with {@code generation}. */
  synchronized void arm(ManagedLease lease, Instant due, int generation) {
    long at = nanos(due);
    lease.timerArmed = generation;
    long number = at >> BUCKET_SHIFT;
    Bucket from = lease.timerBucket;
    if (number >= farFrom) {
      Bucket to = from != null && from.number == number ? from : bucket(number);
      if (from == to) {
        to.dues[lease.timerIndex] = at;
      } else {
        unlink(lease);
        append(to, lease, at);
      }
    } else if (from == null && lease.timerIndex >= 0) {
      int i = lease.timerIndex;
      long was = dues[i];
      dues[i] = at;
      if (at < was) {
        up(i);
      } else if (at > was) {
        down(i);
      }
    } else {
      unlink(lease);
      push(lease, at);
    }
    reschedule();
  }

  /** Removes {@code lease}'s timer, if armed. */
  synchronized void disarm(ManagedLease lease) {
    unlink(lease);
    // The scheduler task may now be early; it finds nothing due and re-arms for the new head.
  }

  synchronized int size() {
    return size + farCount;
  }

  private Bucket bucket(long number) {
    Long key = number;
    Bucket b = far.get(key);
    if (b == null) {
      b = new Bucket(number);
      far.put(key, b);
    }
    return b;
  }

  private void append(Bucket b, ManagedLease lease, long at) {
    if (b.size == b.leases.length) {
      int capacity = b.size * 2;
      b.leases = Arrays.copyOf(b.leases, capacity);
      b.dues = Arrays.copyOf(b.dues, capacity);
    }
    b.leases[b.size] = lease;
    b.dues[b.size] = at;
    lease.timerBucket = b;
    lease.timerIndex = b.size++;
    farCount++;
  }

  /** Takes {@code lease} out of whichever tier holds it; nothing if it is not armed. */
  private void unlink(ManagedLease lease) {
    int i = lease.timerIndex;
    if (i < 0) {
      return;
    }
    lease.timerIndex = -1;
    Bucket b = lease.timerBucket;
    if (b != null) {
      lease.timerBucket = null;
      int last = --b.size;
      if (i < last) {
        ManagedLease moved = b.leases[last];
        b.leases[i] = moved;
        b.dues[i] = b.dues[last];
        moved.timerIndex = i;
      }
      b.leases[last] = null;
      farCount--;
      return;
    }
    ManagedLease last = heap[--size];
    long lastDue = dues[size];
    heap[size] = null;
    if (i < size) {
      heap[i] = last;
      dues[i] = lastDue;
      last.timerIndex = i;
      up(i);
      down(last.timerIndex);
    }
  }

  private void push(ManagedLease lease, long at) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size + (size >> 1));
      dues = Arrays.copyOf(dues, heap.length);
    }
    lease.timerBucket = null;
    lease.timerIndex = size;
    heap[size] = lease;
    dues[size++] = at;
    up(lease.timerIndex);
  }

  /**
   * Moves the earliest far buckets into the heap while they could hold the earliest timer: the heap is empty, or
   * the bucket starts no later than the heap's head. Afterwards the heap's head is the earliest timer of all.
   */
  private void promote() {
    while (!far.isEmpty()) {
      Map.Entry<Long, Bucket> first = far.firstEntry();
      Bucket b = first.getValue();
      if (size > 0 && b.size > 0 && (b.number << BUCKET_SHIFT) > dues[0]) {
        return;
      }
      far.pollFirstEntry();
      if (b.size == 0) {
        continue;   // an emptied bucket: dropped, without moving farFrom past buckets not yet due
      }
      farFrom = b.number + 1;
      for (int i = 0; i < b.size; i++) {
        ManagedLease lease = b.leases[i];
        push(lease, b.dues[i]);
      }
      farCount -= b.size;
      b.size = 0;
    }
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
      promote();
      due = new ManagedLease[Math.min(size, 16)];
      generations = new int[due.length];
      while (size > 0 && dues[0] <= now) {
        ManagedLease head = heap[0];
        if (count == due.length) {
          due = Arrays.copyOf(due, count * 2 + 1);
          generations = Arrays.copyOf(generations, count * 2 + 1);
        }
        due[count] = head;
        generations[count++] = head.timerArmed;
        unlink(head);
        promote();   // the next bucket may hold the new earliest timer, due too
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
    promote();
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

  private void up(int i) {
    ManagedLease x = heap[i];
    long xDue = dues[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      long pDue = dues[parent];
      if (pDue <= xDue) {
        break;
      }
      ManagedLease p = heap[parent];
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
    ManagedLease x = heap[i];
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
      ManagedLease c = heap[child];
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
