package dev.astravault.internal;

import dev.astravault.ManagedToken;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Benchmarks only (in the engine's package to reach its timer heap): the cost of re-arming managed tokens' timers in
 * the engine's {@code TimerQueue} while it holds every handle's timer.
 *
 * <p>Three kinds of re-arm, measured two ways:
 * <ul>
 *   <li><b>postpone</b>: the timer moves later (to its due time plus one second to an hour), which is what a handle
 *       does when a refresh completes and the next one is planned further out. With lazy re-arm the heap is not
 *       touched, only the handle.
 *   <li><b>random</b>: the timer moves to a random time one to two hours ahead: later than its heap key, earlier or
 *       later than its due time.
 *   <li><b>earlier</b>: the timer moves earlier than its heap key (by a millisecond to a second), as a retry after a
 *       failed refresh does: a new heap entry, and the old one left stale until a sweep drops it. Reported three
 *       ways: the median batch like the others; the mean over every re-arm of the pass, sweeps included; and the mean
 *       over whole sweep cycles only (from one sweep's start to a later one's), the amortised cost, since at a
 *       million timers a cycle is about a million re-arms and a pass's plain mean also counts the part of a sweep it
 *       inherited or left behind.
 *   <li><b>hot</b>: the handle's timer fields were just read (as in the engine, where the caller re-arms inside its
 *       own {@code synchronized} block after reading the handle's state); batches of 64 re-arms timed with
 *       {@code System.nanoTime}, and the median batch reported, so that a batch in which the thread was descheduled
 *       does not count. Every kind reads the same fields first: a field on another cache line than the ones read
 *       (one handle in eight, by where it starts) is otherwise a miss that only some kinds pay.
 *   <li><b>cold</b>: a random handle touched for the first time, timed in this thread's CPU time. At a million
 *       handles that first touch is a cache and TLB miss that no timer structure can avoid; the floors below show it.
 * </ul>
 */
public final class TimerRearmProbe {
  private static final int BATCH = 64;
  private static final long SECOND = 1_000_000_000L;

  @SuppressWarnings("unused")
  private static volatile long sink;

  private final ManagedLease[] leases;
  private final TimerQueue timers;
  private final int[] picks;
  private final long[] offsets;
  private double lastMean;
  private double lastCycleMean;
  private int lastCycles;

  private TimerRearmProbe(List<ManagedToken> handles, int rounds) {
    this.leases = handles.stream().map(ManagedLease.class::cast).toArray(ManagedLease[]::new);
    this.timers = leases[0].engine().timers();
    SplittableRandom random = new SplittableRandom(15);
    this.picks = new int[rounds];
    for (int i = 0; i < rounds; i++) {
      picks[i] = random.nextInt(leases.length);
    }
    this.offsets = new long[1 << 16];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = SECOND + random.nextLong(3_599 * SECOND);
    }
  }

  /**
   * A probe over {@code handles}, which must be managed tokens of one manager whose timers do not fire meanwhile.
   *
   * @param handles the managed tokens
   * @param rounds re-arms per measurement
   * @return the probe
   */
  public static TimerRearmProbe over(List<ManagedToken> handles, int rounds) {
    return new TimerRearmProbe(handles, rounds);
  }

  /** {@return the median nanoseconds per postpone of a handle just read, over batches of 64} */
  public double postponeHot() {
    return hot(Kind.POSTPONE);
  }

  /** {@return the median nanoseconds per random re-arm of a handle just read, over batches of 64} */
  public double randomHot() {
    return hot(Kind.RANDOM);
  }

  /** {@return the median nanoseconds per re-arm earlier than the heap key of a handle just read, over batches of 64} */
  public double earlierHot() {
    return hot(Kind.EARLIER);
  }

  /** {@return the mean nanoseconds per re-arm of the last hot pass, over all its batches (sweeps included)} */
  public double lastHotMean() {
    return lastMean;
  }

  /**
   * The mean nanoseconds per re-arm of the last hot pass over whole sweep cycles only: from the batch in which a sweep
   * of stale entries started to the batch in which a later one started. Each cycle removes about as many stale
   * entries as its re-arms made, so this is the amortised cost; {@link #lastHotMean()} also counts the part of a
   * sweep that the pass inherited or left behind, which at a million timers (a cycle of about a million re-arms) is
   * a large share of one pass. {@code NaN} if fewer than two sweeps started in the pass.
   *
   * @return nanoseconds per re-arm over whole sweep cycles
   */
  public double lastHotCycleMean() {
    return lastCycleMean;
  }

  /** {@return how many whole sweep cycles {@link #lastHotCycleMean()} covers} */
  public int lastHotCycles() {
    return lastCycles;
  }

  /** {@return the mean CPU nanoseconds per postpone of a handle not touched before} */
  public double postponeCold() {
    return cold(true);
  }

  /** {@return the mean CPU nanoseconds per random re-arm of a handle not touched before} */
  public double randomCold() {
    return cold(false);
  }

  /**
   * The floor under the cold re-arms: the same picks, taking the queue's lock and reading each handle's timer fields.
   *
   * @return mean CPU nanoseconds per touch
   */
  public double touchColdLocked() {
    long sum = 0;
    long t0 = cpuNanos();
    for (int pick : picks) {
      ManagedLease l = leases[pick];
      synchronized (timers) {
        sum += l.timerDue + l.timerEntry;
      }
    }
    double nanos = (cpuNanos() - t0) / (double) picks.length;
    sink = sum;
    return nanos;
  }

  private enum Kind { POSTPONE, RANDOM, EARLIER }

  private double hot(Kind kind) {
    long base = System.currentTimeMillis() * 1_000_000L + 3_600 * SECOND;
    int batches = picks.length / BATCH;
    double[] perOp = new double[batches];
    long[] due = new long[BATCH];
    long touched = 0;
    boolean sweeping = timers.sweeping();
    int firstStart = -1;
    int lastStart = -1;
    int starts = 0;
    for (int b = 0; b < batches; b++) {
      int from = b * BATCH;
      // The caller's read of its handle: what makes it hot in the engine.
      for (int k = 0; k < BATCH; k++) {
        ManagedLease l = leases[picks[from + k]];
        long offset = offsets[(from + k) & (offsets.length - 1)];
        long timerDue = l.timerDue;
        long timerKey = l.timerKey;
        touched += timerDue ^ timerKey ^ l.timerEntry;   // used, so that the JIT keeps the reads for every kind
        due[k] = switch (kind) {
          case POSTPONE -> timerDue + offset;
          case RANDOM -> base + offset;
          case EARLIER -> timerKey - 1_000_000L - offset % SECOND;   // a millisecond to a second before the key
        };
      }
      long t0 = System.nanoTime();
      for (int k = 0; k < BATCH; k++) {
        timers.arm(leases[picks[from + k]], due[k]);
      }
      perOp[b] = (System.nanoTime() - t0) / (double) BATCH;
      // Outside the timed part: did a sweep start in this batch?
      boolean now = timers.sweeping();
      if (now && !sweeping) {
        if (firstStart < 0) {
          firstStart = b;
        }
        lastStart = b;
        starts++;
      }
      sweeping = now;
    }
    sink = touched;
    lastMean = Arrays.stream(perOp).average().orElse(Double.NaN);
    lastCycles = Math.max(0, starts - 1);
    lastCycleMean = lastCycles == 0 ? Double.NaN : Arrays.stream(perOp, firstStart, lastStart).average().orElseThrow();
    Arrays.sort(perOp);
    return perOp[batches / 2];
  }

  private double cold(boolean postpone) {
    long base = System.currentTimeMillis() * 1_000_000L + 3_600 * SECOND;
    long t0 = cpuNanos();
    for (int i = 0; i < picks.length; i++) {
      ManagedLease l = leases[picks[i]];
      long offset = offsets[(i * 7) & (offsets.length - 1)];
      timers.arm(l, postpone ? l.timerDue + offset : base + offset);
    }
    return (cpuNanos() - t0) / (double) picks.length;
  }

  /**
   * This thread's CPU time: on a shared machine wall time also counts the time other processes held the core, which
   * at a load of 10 on 2 cores is most of it; CPU time counts only this thread's work (its cache misses included).
   */
  private static long cpuNanos() {
    return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }
}
