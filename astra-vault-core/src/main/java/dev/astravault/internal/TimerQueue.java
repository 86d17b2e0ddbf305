package dev.astravault.internal;

import dev.astravault.Scheduler;
import dev.astravault.internal.redact.Redaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.Logger;

/**
 * The one timer of all managed tokens of an engine: a heap of entries ordered by due time, of which only the
 * earliest is on the {@link Scheduler}. A task per handle on the scheduler would cost a {@code ScheduledFutureTask},
 * its adapter and two lambdas (about 136 B) for every handle; here a handle costs its own timer fields, a heap entry
 * and five bytes of the queue's per-id arrays.
 *
 * <p><b>The heap holds numbers, not handles.</b> A timer gets a small id on its first arm (recycled once it is
 * disarmed). A heap entry is a key (epoch nanoseconds, in {@code keys}) and an int (in {@code entries}): the id and
 * an 8-bit tag that every new entry of the timer and every disarm bumps. The byte {@code tags[id]} is the tag of the
 * timer's live entry, so an entry whose tag differs is stale for sure: telling that reads a byte of a dense
 * {@code byte[]} (1 MB at a million timers), not the handle, which at a million timers is a cache and TLB miss spread
 * over the ~70 MB the handles take. An entry whose tag matches is live unless 256 newer tags wrapped around to it;
 * at the head, where it matters, the handle's own key decides (a stale entry's key differs from its timer's live key,
 * and one that happens to equal it fires the timer at its real due time, once). Sifting moves primitives only, so it
 * never writes a handle nor pays the collector's write barrier for a reference store, and a stale entry keeps no
 * handle reachable.
 *
 * <p><b>Eight children a node.</b> A third of a binary heap's depth, and a node's eight children's keys lie on two
 * cache lines, so a sift-down (a pop, or a sweep's drop of a stale entry) and a sift-up read far fewer lines; the
 * extra comparisons, on lines already read, cost less than the misses they save, even at ten thousand timers
 * (docs/benchmarks-history.md compares 2, 4, 8 and 16).
 *
 * <p><b>Entries are never moved for a re-arm.</b>
 * <ul>
 *   <li>Re-arming to a time at or after the live key, which is what a renewal does, only writes the handle's due time
 *       ({@code timerDue}): the key stays a lower bound, and the entry is re-keyed to the real due time only when it
 *       reaches the head. A timer postponed many times costs one sift.</li>
 *   <li>Re-arming earlier than the live key appends a new entry (the tag is bumped on the handle, which the caller has
 *       just read; its write into {@code tags} is held back and made with others) and leaves the old one stale. An
 *       append sifts up from the heap's last slot, whose ancestors the previous append just walked, so it touches
 *       memory that is already in cache; moving the old entry up would touch its slot and its ancestors, cold at a
 *       million timers.</li>
 *   <li>Disarming bumps the tag: the entry goes stale where it is, and the id is free for another timer.</li>
 * </ul>
 * The head is always live and exact (settled before the scheduler task is planned), so the task never fires early.
 *
 * <p><b>Stale entries are swept a few at a time.</b> Once stale entries outnumber live ones (plus a slack), a sweep
 * walks the heap from its last slot towards the root and drops the stale entries it meets, {@value #SWEEP_STEP}
 * slots per arm or disarm (a renewal's re-arm helps while one is under way), so that no call holds the lock for long:
 * a rebuild in one go took about 100 ms at a million timers, under the lock every renewal's re-arm takes.
 *
 * <p>A fire carries its entry (a token), so a handle that re-armed or disarmed between the pop and the call sees
 * {@link #isCurrent} false and ignores the stale fire. (A lazy postponement keeps the token: it happens only while the
 * entry is still in the heap, when no fire of it is under way. A fire that 256 re-arms of its timer overtook would
 * look current: the handle then finds nothing due and re-arms, as for any early call.) The scheduler task carries a
 * generation too: a superseded one (a cancel that lost its race) does nothing. Due handles are called on the
 * scheduler thread, outside this queue's lock (lock order: handle, then queue).
 *
 * <p>Why this class is long: the heap, the ids and tags that tell its stale entries, the held-back tag writes and the
 * sweep share one set of arrays and one invariant (the head is live and exact); split apart, each part would have to
 * expose the arrays to the others.
 */
final class TimerQueue {
  /** Not armed: no live entry. {@link #nanos} never returns it. */
  static final long NOT_ARMED = Long.MIN_VALUE;
  /** The most timers one queue holds at once: ids take the upper 24 bits of an entry, and one value means "none". */
  static final int MAX_TIMERS = (1 << 24) - 1;

  /** What the queue orders: a managed token's one timer. Its fields are guarded by the queue. */
  abstract static class Timer {
    // The key of this timer's live heap entry (NOT_ARMED: none), its real due time (epoch nanoseconds), which a lazy
    // postponement leaves later than the key (timerKey <= timerDue), and its live entry: its id, which it keeps from
    // its first arm until it is disarmed, and its current tag (NO_ENTRY: no id).
    long timerKey = NOT_ARMED;
    long timerDue;
    int timerEntry = NO_ENTRY;

    /**
     * Called on the scheduler thread, outside the queue's lock, with the token of the entry that fired: check it with
     * {@link #isCurrent} under the timer's own lock (lock order: timer, then queue).
     */
    abstract void onTimer(int token);
  }

  private static final int NO_ENTRY = -1;
  private static final Logger LOG = Redaction.logger(TimerQueue.class);
  /** Stale entries tolerated beyond the live count before a sweep starts: small heaps never sweep for a few. */
  private static final int STALE_SLACK = 64;
  /** Heap slots a sweep checks per arm or disarm. */
  private static final int SWEEP_STEP = 16;
  /** Tag writes held back to be made together. */
  private static final int PENDING_TAGS = 32;

  private final Scheduler scheduler;
  private final Clock clock;
  // Guarded by this. The heap: `size` entries, key and (id << 8 | tag), of which `live` are the live entries of
  // armed timers; the rest are stale.
  private long[] keys = new long[16];
  private int[] entries = new int[16];
  private int size;
  private int live;
  // Per id: the timer holding it (null: free) and the tag of its live entry. Ids below `ids` have been handed out;
  // `free` holds the released ones. An id's tag runs on across its owners, so a new owner's entries do not reuse the
  // tags of the stale entries a previous owner left.
  private Timer[] owners = new Timer[16];
  private byte[] tags = new byte[16];
  // Tag writes not yet made to `tags`, oldest first: written together, their cache misses overlap, where one write
  // per re-arm would wait for its miss at the next lock. Only the sweep reads `tags`, and it writes these first.
  private final int[] pendingIds = new int[PENDING_TAGS];
  private final byte[] pendingTags = new byte[PENDING_TAGS];
  private int pendingCount;
  private int ids;
  private int[] free = new int[16];
  private int freeCount;
  // The next slot the sweep under way checks (-1: none).
  private int sweepAt = -1;
  private final int[] sweepFound = new int[SWEEP_STEP];
  private long sweepTouched;
  private Scheduler.@org.jspecify.annotations.Nullable Task tick;
  private long tickDue = Long.MAX_VALUE;
  private long tickGeneration;

  TimerQueue(Scheduler scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /** Arms (or re-arms) {@code timer} to fire at {@code due}. */
  void arm(Timer timer, Instant due) {
    arm(timer, nanos(due));
  }

  /**
   * As {@link #arm(Timer, Instant)}, {@code at} in epoch nanoseconds.
   *
   * @throws IllegalStateException if {@value #MAX_TIMERS} other timers already hold an id
   */
  synchronized void arm(Timer timer, long at) {
    at = Math.max(Long.MIN_VALUE + 1, Math.min(at, Long.MAX_VALUE - 1));   // Long.MIN_VALUE means "not armed"
    long key = timer.timerKey;
    if (key != NOT_ARMED && at >= key) {
      // Later than (or at) the live key: the key stays a lower bound, corrected at the head.
      timer.timerDue = at;
      if (size > 0 && entries[0] == timer.timerEntry && keys[0] == key) {
        reschedule();   // the head's real due time moved: plan the task for the new head
      }
      if (sweepAt >= 0) {
        sweepSome();
      }
      return;
    }
    int entry = timer.timerEntry;
    if (entry == NO_ENTRY) {
      entry = takeId(timer);
    }
    int id = entry >>> 8;
    entry = id << 8 | (entry + 1) & 0xFF;   // a new tag: any older entry of this timer is stale from now on
    if (pendingCount == PENDING_TAGS) {
      writeTags();
    }
    pendingIds[pendingCount] = id;
    pendingTags[pendingCount++] = (byte) entry;
    timer.timerEntry = entry;
    timer.timerDue = at;
    timer.timerKey = at;
    if (key == NOT_ARMED) {
      live++;
    }
    push(at, entry);
    sweepSome();
    reschedule();
  }

  /** Disarms {@code timer}, if armed: its entry goes stale in place, a fire under way is superseded, its id freed. */
  synchronized void disarm(Timer timer) {
    int entry = timer.timerEntry;
    if (entry == NO_ENTRY) {
      return;
    }
    int id = entry >>> 8;
    writeTags();   // the id's next owner reads its tag
    tags[id] = (byte) (entry + 1);
    owners[id] = null;
    if (freeCount == free.length) {
      free = Arrays.copyOf(free, freeCount * 2);
    }
    free[freeCount++] = id;
    timer.timerEntry = NO_ENTRY;
    if (timer.timerKey != NOT_ARMED) {
      timer.timerKey = NOT_ARMED;
      live--;
    }
    // The scheduler task may now be early; it finds nothing due and re-arms for the new head.
    sweepSome();
  }

  /** {@return whether {@code token}, which a fire carried, is still {@code timer}'s: not re-armed or disarmed since} */
  synchronized boolean isCurrent(Timer timer, int token) {
    return timer.timerEntry == token && token != NO_ENTRY;
  }

  /** {@return how many timers are armed} */
  synchronized int size() {
    return live;
  }

  /** {@return how many entries the heap holds, stale ones included} (tests) */
  synchronized int entries() {
    return size;
  }

  /** {@return how many timers hold an id: armed, or fired and not yet re-armed or disarmed} (tests) */
  synchronized int idsHeld() {
    return ids - freeCount;
  }

  /** {@return how many entries a sweep would drop now} (tests; makes the held-back tag writes, as a sweep does) */
  synchronized int staleForSure() {
    writeTags();
    int stale = 0;
    for (int i = 0; i < size; i++) {
      stale += staleForSure(entries[i]) ? 1 : 0;
    }
    return stale;
  }

  /** {@return whether a sweep of stale entries is under way} (tests) */
  synchronized boolean sweeping() {
    return sweepAt >= 0;
  }

  private void onTick(long generation) {
    Timer[] due;
    int[] tokens;
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
      tokens = new int[due.length];
      while (settleHead() && keys[0] <= now) {
        int entry = entries[0];
        Timer head = owners[entry >>> 8];
        if (count == due.length) {
          due = Arrays.copyOf(due, Math.max(16, count * 2));
          tokens = Arrays.copyOf(tokens, due.length);
        }
        due[count] = head;
        tokens[count++] = entry;   // the timer keeps this entry until it re-arms or disarms: isCurrent holds till then
        head.timerKey = NOT_ARMED;
        live--;
        removeAt(0);
      }
      reschedule();
    }
    for (int i = 0; i < count; i++) {
      try {
        due[i].onTimer(tokens[i]);
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
    tickDue = Long.MAX_VALUE;
    if (head != Long.MAX_VALUE) {
      long delay = head - nanos(clock.instant());
      try {
        tick = scheduler.schedule(() -> onTick(generation), Duration.ofNanos(Math.max(0, delay)));
        tickDue = head;
      } catch (RuntimeException e) {
        // A scheduler shut down (or full) refuses: the timers stay armed, and the next arm plans the task again.
        // Thrown on, it would leave a handle that was starting a refresh marked as refreshing for good.
        LOG.warn("the scheduler refused the managed tokens' timer ({}); they are not renewed until it accepts a task",
            e.getClass().getName());
      }
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
      int entry = entries[0];
      long key = keys[0];
      Timer head = owners[entry >>> 8];
      if (head == null || head.timerEntry != entry || head.timerKey != key) {
        removeAt(0);                  // re-armed earlier, or disarmed, since this entry was made
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

  /**
   * Whether {@code entry}'s tag is not its id's live tag (a match may still be stale: see the class comment). Reads
   * {@code tags}: the pending writes must have been made.
   */
  private boolean staleForSure(int entry) {
    return tags[entry >>> 8] != (byte) entry;
  }

  private void writeTags() {
    for (int i = 0; i < pendingCount; i++) {
      tags[pendingIds[i]] = pendingTags[i];
    }
    pendingCount = 0;
  }

  /** Gives {@code timer} a free id; returns its entry with the id's current tag, which the caller bumps. */
  private int takeId(Timer timer) {
    int id;
    if (freeCount > 0) {
      id = free[--freeCount];
    } else {
      if (ids == MAX_TIMERS) {
        throw new IllegalStateException("more than " + MAX_TIMERS + " timers in one queue");
      }
      if (ids == owners.length) {
        owners = Arrays.copyOf(owners, ids + (ids >> 1));
        tags = Arrays.copyOf(tags, owners.length);
      }
      id = ids++;
    }
    owners[id] = timer;
    return id << 8 | tags[id] & 0xFF;
  }

  private void push(long key, int entry) {
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size + (size >> 1));
      entries = Arrays.copyOf(entries, keys.length);
    }
    keys[size] = key;
    entries[size] = entry;
    up(size++);
  }

  /**
   * Checks up to {@value #SWEEP_STEP} slots of the sweep under way, or starts one when stale entries outnumber live
   * ones by more than {@value #STALE_SLACK}. A sweep goes from the last slot towards the root, a window of slots at a
   * time. O(1) per call, and O(1) per stale entry amortised: a sweep starts only after as many stale entries as live
   * ones accumulated, and checks each slot about once. A sweep drops the entries that are stale for sure; an entry that
   * a push moves past it (a sift-up moves parents down its path, of which one pair at most straddles the sweep's
   * position), or whose tag wrapped around to its id's live one, is left to the head or the next sweep. A sweep of n
   * slots takes n/16 calls, so it leaves about n/16 such entries at most, too few to start the next sweep at once.
   */
  private void sweepSome() {
    if (sweepAt < 0) {
      if (size - live <= live + STALE_SLACK) {
        return;
      }
      sweepAt = size - 1;
    }
    // First find the stale slots of the next SWEEP_STEP, then drop them: the finding reads are independent of each
    // other, so the CPU overlaps their cache misses, which a check-then-remove loop serialises.
    writeTags();
    int found = 0;
    int end = Math.max(-1, sweepAt - SWEEP_STEP);
    int start = Math.min(sweepAt, size - 1);
    // The same goes for the lines the drops below write and sift through (this window's keys, its parents' keys) and
    // the ones the next call reads (the next window's): loaded here beside the tags, a million timers' cold lines are
    // fetched together instead of one after another (measured: a move earlier at 1M about 7 % cheaper).
    long touched = 0;
    for (int i = start; i > end; i--) {
      touched += keys[i];
      if (staleForSure(entries[i])) {
        sweepFound[found++] = i;
      }
    }
    if (start > 0) {
      touched += keys[(start - 1) >>> 3];
    }
    if (end > SWEEP_STEP) {
      touched += keys[end - 1] + keys[end - SWEEP_STEP] + entries[end - 1] + entries[end - SWEEP_STEP];
    }
    sweepTouched = touched;   // used, so that the JIT keeps the loads
    sweepAt = end;
    // Highest first: a removal refills its slot from the heap's end, and the refill sifts down into slots already
    // checked or up through ancestors, which lie below this window; a refill that is stale too goes at once.
    for (int k = 0; k < found; k++) {
      int i = sweepFound[k];
      while (i < size && staleForSure(entries[i])) {
        removeAt(i);
      }
    }
  }

  /** Drops the entry at {@code i}: the last entry takes its slot and sifts to where it belongs. */
  private void removeAt(int i) {
    int last = --size;
    if (i < last) {
      int entry = entries[last];
      keys[i] = keys[last];
      entries[i] = entry;
      if (up(i) == i) {
        down(i);
      }
    }
  }

  /** Sifts the entry at {@code i} up; returns where it landed. */
  private int up(int i) {
    int x = entries[i];
    long xKey = keys[i];
    while (i > 0) {
      int parent = (i - 1) >>> 3;
      long pKey = keys[parent];
      if (pKey <= xKey) {
        break;
      }
      entries[i] = entries[parent];
      keys[i] = pKey;
      i = parent;
    }
    entries[i] = x;
    keys[i] = xKey;
    return i;
  }

  private void down(int i) {
    int x = entries[i];
    long xKey = keys[i];
    while (true) {
      int first = 8 * i + 1;
      if (first >= size) {
        break;
      }
      int child = first;
      long cKey = keys[first];
      for (int c = first + 1, end = Math.min(first + 8, size); c < end; c++) {
        if (keys[c] < cKey) {
          cKey = keys[c];
          child = c;
        }
      }
      if (xKey <= cKey) {
        break;
      }
      entries[i] = entries[child];
      keys[i] = cKey;
      i = child;
    }
    entries[i] = x;
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
