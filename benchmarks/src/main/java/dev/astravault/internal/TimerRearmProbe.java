package dev.astravault.internal;

import dev.astravault.ManagedToken;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Benchmarks only (in the engine's package to reach its timer heap): the cost of re-arming managed tokens' renewal
 * timers in the engine's {@code TimerQueue} while it holds every handle's timer, as a handle does after each renewal.
 */
public final class TimerRearmProbe {
  private TimerRearmProbe() {}

  /**
   * Re-arms {@code rounds} timers of random handles to random due times one to two hours ahead, keeping each
   * handle's armed generation, and returns the mean nanoseconds per re-arm. About half of these move a timer
   * earlier, which sifts it up the heap at once: the worst case, rarer in the engine than {@link #postponeNanos}.
   *
   * @param handles managed tokens of one manager, none of whose timers fire meanwhile
   * @param rounds how many re-arms to time
   * @return mean nanoseconds per re-arm
   */
  public static double rearmNanos(List<ManagedToken> handles, int rounds) throws ReflectiveOperationException {
    ManagedLease[] leases = handles.stream().map(ManagedLease.class::cast).toArray(ManagedLease[]::new);
    TimerQueue timers = engineOf(leases[0]).timers();
    SplittableRandom random = new SplittableRandom(15);
    Instant base = Instant.now().plusSeconds(3600);
    int n = leases.length;
    int[] picks = new int[rounds];
    Instant[] dues = new Instant[1 << 16];
    for (int i = 0; i < rounds; i++) {
      picks[i] = random.nextInt(n);
    }
    for (int i = 0; i < dues.length; i++) {
      dues[i] = base.plusMillis(random.nextLong(3_600_000));
    }
    // Warm up on the same heap, then time.
    for (int i = 0; i < Math.min(rounds, 200_000); i++) {
      ManagedLease l = leases[picks[i]];
      timers.arm(l, dues[i & (dues.length - 1)], l.timerArmed);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      ManagedLease l = leases[picks[i]];
      timers.arm(l, dues[(i * 7) & (dues.length - 1)], l.timerArmed);
    }
    return (System.nanoTime() - t0) / (double) rounds;
  }

  /**
   * What a renewal's re-arm is: random handles' timers moved <em>later</em> (each to its current due time plus one
   * second to an hour), as {@code ManagedLease} does when a refresh completes and the next one is planned further
   * out. The queue records the new due time on the handle and leaves the heap alone until that entry reaches the
   * head (lazy re-arm), so this is the cost renewals pay at scale.
   *
   * @param handles managed tokens of one manager, none of whose timers fire meanwhile
   * @param rounds how many re-arms to time
   * @return mean nanoseconds per re-arm
   */
  public static double postponeNanos(List<ManagedToken> handles, int rounds) throws ReflectiveOperationException {
    ManagedLease[] leases = handles.stream().map(ManagedLease.class::cast).toArray(ManagedLease[]::new);
    TimerQueue timers = engineOf(leases[0]).timers();
    SplittableRandom random = new SplittableRandom(15);
    int n = leases.length;
    int[] picks = new int[rounds];
    long[] delays = new long[1 << 16];
    for (int i = 0; i < rounds; i++) {
      picks[i] = random.nextInt(n);
    }
    for (int i = 0; i < delays.length; i++) {
      delays[i] = 1_000_000_000L + random.nextLong(3_599_000_000_000L);
    }
    for (int i = 0; i < Math.min(rounds, 200_000); i++) {
      ManagedLease l = leases[picks[i]];
      timers.arm(l, Instant.ofEpochSecond(0, l.timerDue + delays[i & (delays.length - 1)]), l.timerArmed);
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      ManagedLease l = leases[picks[i]];
      timers.arm(l, Instant.ofEpochSecond(0, l.timerDue + delays[(i * 7) & (delays.length - 1)]), l.timerArmed);
    }
    return (System.nanoTime() - t0) / (double) rounds;
  }

  private static LeaseEngine engineOf(ManagedLease lease) throws ReflectiveOperationException {
    Field engineField = ManagedLease.class.getDeclaredField("engine");
    engineField.setAccessible(true);
    return (LeaseEngine) engineField.get(lease);
  }

  /**
   * The floor under {@link #rearmNanos}: the same random picks, only reading each picked handle's timer fields, as
   * any re-arm must. At a million handles this alone is a cache (and TLB) miss per pick, which no timer structure can
   * avoid; the difference {@code rearmNanos - touchNanos} is what the structure itself costs.
   *
   * @param handles managed tokens of one manager
   * @param rounds how many handles to touch
   * @return mean nanoseconds per touch
   */
  public static double touchNanos(List<ManagedToken> handles, int rounds) {
    ManagedLease[] leases = handles.stream().map(ManagedLease.class::cast).toArray(ManagedLease[]::new);
    SplittableRandom random = new SplittableRandom(15);
    int n = leases.length;
    int[] picks = new int[rounds];
    for (int i = 0; i < rounds; i++) {
      picks[i] = random.nextInt(n);
    }
    long sum = 0;
    for (int i = 0; i < Math.min(rounds, 200_000); i++) {
      ManagedLease l = leases[picks[i]];
      sum += l.timerArmed + l.timerIndex;
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      ManagedLease l = leases[picks[i]];
      sum += l.timerArmed + l.timerIndex;
    }
    double nanos = (System.nanoTime() - t0) / (double) rounds;
    sink = sum;
    return nanos;
  }

  @SuppressWarnings("unused")
  private static volatile long sink;
}
