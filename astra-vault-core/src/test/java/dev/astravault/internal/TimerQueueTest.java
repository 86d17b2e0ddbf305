package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The engine's timer heap, lazy re-arm included: a postponed timer keeps an earlier key in the heap until it reaches
 * the head, and a timer moved earlier or disarmed leaves a stale entry behind. Whatever the heap does inside, each
 * timer must fire once, at its last armed due time, with a token that is current, the scheduler task must never be
 * planned before the earliest real due time, and stale entries must be swept away a few at a time.
 */
class TimerQueueTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private final HandClock clock = new HandClock(T0);
  private final HandScheduler scheduler = new HandScheduler(clock);
  private final TimerQueue queue = new TimerQueue(scheduler, clock);
  private final List<String> allFires = new ArrayList<>();

  @Test
  void aPostponedTimerFiresAtItsNewDueTimeNotAtItsStaleKey() {
    Recorder a = new Recorder("a");
    Recorder b = new Recorder("b");
    queue.arm(a, at(10));
    queue.arm(b, at(20));
    queue.arm(b, at(50));          // not the head: only its due time changes, its key stays 20

    scheduler.runUntil(at(49));
    assertThat(a.fired).containsExactly("a@10");
    assertThat(b.fired).as("not at the stale key 20").isEmpty();
    scheduler.runUntil(at(50));
    assertThat(b.fired).containsExactly("b@50");
    assertThat(queue.size()).isZero();
  }

  @Test
  void aSchedulerThatRefusesATaskLeavesTheTimersArmedAndTheNextArmPlansThemAgain() {
    Recorder a = new Recorder("a");
    Recorder b = new Recorder("b");
    scheduler.rejecting = true;
    queue.arm(a, at(10));          // no exception reaches the caller (a handle mid-rotation would stay stuck)
    assertThat(queue.size()).isEqualTo(1);

    scheduler.rejecting = false;
    queue.arm(b, at(20));          // the head (a at 10) did not change, but it has no task: one is planned now
    scheduler.runUntil(at(100));
    assertThat(a.fired).containsExactly("a@10");
    assertThat(b.fired).containsExactly("b@20");
  }

  @Test
  void postponingTheHeadReplansTheSchedulerTaskForTheNextRealDueTime() {
    Recorder a = new Recorder("a");
    Recorder b = new Recorder("b");
    queue.arm(a, at(10));
    queue.arm(b, at(30));
    assertThat(scheduler.earliestPending()).isEqualTo(at(10));

    queue.arm(a, at(40));
    assertThat(scheduler.earliestPending()).as("the head is exact: no early wake-up").isEqualTo(at(30));
    scheduler.runUntil(at(100));
    assertThat(a.fired).containsExactly("a@40");
    assertThat(b.fired).containsExactly("b@30");
  }

  @Test
  void reArmingEarlierAfterAPostponementFiresAtTheEarlierTime() {
    Recorder a = new Recorder("a");
    Recorder b = new Recorder("b");
    queue.arm(a, at(5));
    queue.arm(b, at(20));
    queue.arm(b, at(60));          // lazily postponed, key 20
    queue.arm(b, at(15));          // earlier than the key: a new entry at 15, the one at 20 goes stale
    assertThat(queue.entries()).isEqualTo(3);
    scheduler.runUntil(at(100));
    assertThat(b.fired).as("once, at 15: the stale entry at 20 does not fire").containsExactly("b@15");
    assertThat(queue.entries()).isZero();
  }

  @Test
  void aStaleEntryThatItsTimersNewKeyCatchesUpWithFiresOnlyOnce() {
    Recorder a = new Recorder("a");
    queue.arm(a, at(100));
    queue.arm(a, at(50));          // new entry at 50; the one at 100 goes stale
    queue.arm(a, at(100));         // postponed lazily: key 50, due 100
    scheduler.runUntil(at(60));       // the entry at 50 reaches the head and is re-keyed to 100: so is the stale one
    assertThat(a.fired).isEmpty();
    scheduler.runUntil(at(200));
    assertThat(a.fired).containsExactly("a@100");
    assertThat(queue.entries()).isZero();
  }

  @Test
  void staleEntriesAreSweptAwayOnceTheyOutnumberLiveOnes() {
    List<Recorder> timers = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      Recorder t = new Recorder("t" + i);
      timers.add(t);
      queue.arm(t, at(10_000 + i));
    }
    for (int round = 2; round < 12; round++) {   // every timer moves earlier ten times: 10,000 stale entries made
      for (Recorder t : timers) {
        queue.arm(t, at(10_000 - round * 100 + Integer.parseInt(t.name.substring(1)) % 100));
        assertThat(queue.entries()).isLessThanOrEqualTo(3 * queue.size() + 128);
      }
    }
    assertThat(queue.entries()).as("10,000 stale entries made, few kept").isLessThan(2_600);
    for (int i = 0; i < 900; i++) {
      queue.disarm(timers.get(i));
      assertThat(queue.entries()).isLessThanOrEqualTo(3 * queue.size() + 128);
    }
    assertThat(queue.size()).isEqualTo(100);
    scheduler.runUntil(at(20_000));
    assertThat(allFires).as("each at its last due time").hasSize(100)
        .allMatch(f -> f.equals("t" + f.substring(1, f.indexOf('@')) + "@" + (8_900 + Integer.parseInt(f.substring(1, f.indexOf('@'))) % 100)));
    assertThat(queue.entries()).isZero();
  }

  @Test
  void aSweepChecksAFewSlotsPerCallSoNoCallHoldsTheLockForLong() {
    List<Recorder> timers = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      Recorder t = new Recorder("t" + i);
      timers.add(t);
      queue.arm(t, at(10_000 + i));
    }
    for (int i = 0; i < 20_000 && !queue.sweeping(); i++) {
      // Each moves a timer earlier than its key and leaves a stale entry, until a sweep starts (10,065 of them).
      queue.arm(timers.get(i % 10_000), at(i < 10_000 ? 5_000 + i : 1_000 + (i - 10_000) / 10));
    }
    assertThat(queue.sweeping()).isTrue();
    int calls = 0;
    while (queue.sweeping()) {
      int before = queue.entries();
      queue.arm(timers.get(9_999), at(20_000 + calls));   // a renewal's re-arm (later): it helps the sweep along
      // 16 slots checked a call; a slot a removal refilled with a stale parent is dropped again at once.
      assertThat(before - queue.entries()).as("a bounded number of removals per call").isBetween(0, 32);
      calls++;
    }
    assertThat(calls).as("one pass over the heap, 16 slots a call").isBetween(20_065 / 16, 20_065 / 16 + 2);
    assertThat(queue.entries()).as("every stale entry dropped").isEqualTo(queue.size());
  }

  @Test
  void staleEntriesWithTheKeyOfTheirTimersLiveEntryAreStillToldApartAndSwept() {
    List<Recorder> timers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Recorder t = new Recorder("t" + i);
      timers.add(t);
      queue.arm(t, at(1_000));
    }
    for (int k = 1; k <= 6; k++) {
      for (Recorder t : timers) {
        queue.arm(t, at(1_000 - 100 * k));   // a new entry, earlier; the older ones go stale
        queue.arm(t, at(1_000));             // postponed lazily back to 1,000
      }
      // The earlier entries reach the head and are re-keyed to 1,000, the key of every stale entry of theirs: each
      // timer now has k + 1 entries keyed 1,000, of which only the one with the timer's current tag is live.
      scheduler.runUntil(at(1_000 - 100 * k + 10));
    }
    for (int i = 0; i < 100 && queue.sweeping(); i++) {
      queue.arm(timers.get(0), at(1_000));   // a renewal's re-arm helps a sweep along
    }
    assertThat(queue.entries() - queue.size()).as("300 stale entries made, swept though their key is a live one's")
        .isLessThanOrEqualTo(queue.size() + 64);
    scheduler.runUntil(at(2_000));
    assertThat(allFires).as("each timer once").hasSize(50).allMatch(f -> f.endsWith("@1000"));
    assertThat(queue.entries()).isZero();
  }

  @Test
  void aStaleEntryWhoseEightBitTagWrappedAroundToTheLiveOneStillFiresNothingExtra() {
    for (int i = 0; i < 300; i++) {
      queue.arm(new Recorder("other" + i), at(50_000 + i));   // enough live timers that no sweep starts meanwhile
    }
    Recorder a = new Recorder("a");
    queue.arm(a, at(10_000));                  // tag 1
    for (int k = 1; k <= 256; k++) {
      queue.arm(a, at(9_000 - k));             // tags 2 .. 257: the last wraps around to 1, the first entry's tag
    }
    queue.arm(a, at(10_000));                  // postponed lazily: key 8,744, due 10,000
    scheduler.runUntil(at(9_500));             // re-keyed at the head to 10,000: an exact look-alike of the first entry
    assertThat(a.fired).isEmpty();
    assertThat(queue.sweeping()).isFalse();
    assertThat(queue.entries()).as("the others, a's live entry and its look-alike (the rest left at the head)")
        .isEqualTo(300 + 2);

    scheduler.runUntil(at(20_000));
    assertThat(a.fired).as("once, at its due time").containsExactly("a@10000");
    assertThat(queue.entries()).isEqualTo(300);
    assertThat(queue.size()).isEqualTo(300);

    Recorder b = new Recorder("b");
    queue.arm(b, at(30_000));
    for (int k = 1; k <= 256; k++) {
      queue.arm(b, at(25_000 - k));            // the entry at 30,000 gets a tag twin, but not its key
    }
    scheduler.runUntil(at(40_000));
    assertThat(b.fired).as("the twin at 30,000 is told stale by its key").containsExactly("b@24744");
    assertThat(queue.entries()).isEqualTo(300);
    assertThat(allFires).as("no other timer fired early").hasSize(2);
  }

  @Test
  void aSweepThatStartsRightAfterNewEntriesSeesTheirTagsThoughTheirWritesWereHeldBack() {
    List<Recorder> timers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Recorder t = new Recorder("t" + i);
      timers.add(t);
      queue.arm(t, at(10_000 + i));
    }
    boolean sweptAfterAnEarlierMove = false;
    for (int round = 1; round <= 2; round++) {
      for (int i = 0; i < 200; i++) {
        boolean wasSweeping = queue.sweeping();
        queue.arm(timers.get(i), at(9_000 - 500 * round + i));   // the 265th starts a sweep, its own entry the newest
        sweptAfterAnEarlierMove |= !wasSweeping && queue.sweeping();
      }
    }
    assertThat(sweptAfterAnEarlierMove).as("a sweep started on a call that had just made a new entry").isTrue();
    scheduler.runUntil(at(20_000));
    assertThat(allFires).as("each timer once, at its last due time: no live entry swept away").hasSize(200)
        .allMatch(f -> f.equals("t" + f.substring(1, f.indexOf('@')) + "@"
            + (8_000 + Integer.parseInt(f.substring(1, f.indexOf('@'))))));
  }

  @Test
  void aDisarmAfterAHeldBackTagWriteLeavesEveryEntryOfTheTimerStaleForSure() {
    Recorder live = new Recorder("live");
    queue.arm(live, at(50_000));
    Recorder a = new Recorder("a");
    queue.arm(a, at(20_000));
    queue.arm(a, at(15_000));        // a new entry, its tag write held back
    queue.disarm(a);
    assertThat(queue.staleForSure()).as("both of a's entries, for a sweep to drop").isEqualTo(2);
    assertThat(queue.entries()).isEqualTo(3);
  }

  @Test
  void disarmingALazilyPostponedTimerRemovesIt() {
    Recorder a = new Recorder("a");
    Recorder b = new Recorder("b");
    queue.arm(a, at(10));
    queue.arm(b, at(20));
    queue.arm(b, at(70));
    queue.disarm(b);
    scheduler.runUntil(at(100));
    assertThat(b.fired).isEmpty();
    assertThat(a.fired).containsExactly("a@10");
  }

  @Test
  void aFireIsCurrentUntilItsTimerReArmsOrDisarms() {
    List<String> seen = new ArrayList<>();
    TimerQueue.Timer plain = new TimerQueue.Timer() {
      @Override
      void onTimer(int token) {
        seen.add("plain " + queue.isCurrent(this, token));
      }
    };
    TimerQueue.Timer reArmedFirst = new TimerQueue.Timer() {
      @Override
      void onTimer(int token) {
        queue.arm(this, at(90));   // what a re-arm racing the fire on another thread does
        seen.add("re-armed " + queue.isCurrent(this, token));
        queue.disarm(this);
      }
    };
    TimerQueue.Timer disarmedFirst = new TimerQueue.Timer() {
      @Override
      void onTimer(int token) {
        queue.disarm(this);
        seen.add("disarmed " + queue.isCurrent(this, token));
      }
    };
    queue.arm(plain, at(10));
    queue.arm(plain, at(20));           // lazily postponed: the entry is still in the heap, no fire of it under way
    queue.arm(reArmedFirst, at(30));
    queue.arm(disarmedFirst, at(40));
    scheduler.runUntil(at(50));
    assertThat(seen).containsExactly("plain true", "re-armed false", "disarmed false");
    assertThat(queue.idsHeld()).as("a fired timer keeps its id until it re-arms or disarms").isEqualTo(1);
  }

  @Test
  void anIdPassedToAnotherTimerNeverMakesAnOldFireOrStaleEntryCurrent() {
    int[] firedToken = new int[1];
    TimerQueue.Timer first = new TimerQueue.Timer() {
      @Override
      void onTimer(int token) {
        firedToken[0] = token;
      }
    };
    queue.arm(first, at(10));
    queue.arm(first, at(20));
    queue.arm(first, at(5));            // stale entry at 10 (the postponed one), live at 5
    scheduler.runUntil(at(5));
    int id = first.timerEntry >>> 8;
    queue.disarm(first);
    assertThat(queue.isCurrent(first, firedToken[0])).isFalse();

    Recorder second = new Recorder("second");
    queue.arm(second, at(15));
    assertThat(second.timerEntry >>> 8).as("the freed id is handed on").isEqualTo(id);
    assertThat(queue.isCurrent(second, firedToken[0])).as("the tag moved on with the id").isFalse();
    scheduler.runUntil(at(100));
    assertThat(second.fired).as("the first timer's stale entry at 10 is not the second's").containsExactly("second@15");
    assertThat(queue.entries()).isZero();
    assertThat(queue.idsHeld()).isEqualTo(1);
    queue.disarm(second);
    assertThat(queue.idsHeld()).isZero();
  }

  @Test
  void randomArmsPostponementsAndDisarmsFireExactlyAsAReferenceModelSays() {
    SplittableRandom random = new SplittableRandom(15);
    List<Recorder> timers = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      timers.add(new Recorder("t" + i));
    }
    Map<Recorder, Long> due = new HashMap<>();          // seconds after T0; absent: not armed
    java.util.Set<Recorder> holdingIds = new java.util.HashSet<>();   // armed, or fired and not disarmed since
    List<String> expected = new ArrayList<>();
    long now = 0;
    for (int step = 0; step < 10_000; step++) {
      Recorder t = timers.get(random.nextInt(timers.size()));
      int op = random.nextInt(10);
      if (op < 6) {                                       // arm, mostly later (what renewals do)
        Long current = due.get(t);
        long when = current != null && random.nextInt(4) != 0
            ? current + 1 + random.nextInt(500) : now + 1 + random.nextInt(1000);
        due.put(t, when);
        holdingIds.add(t);
        queue.arm(t, at(when));
      } else if (op < 7) {
        due.remove(t);
        holdingIds.remove(t);
        queue.disarm(t);
      } else if (op < 8) {                                 // moved earlier than its live key: a stale entry
        Long current = due.get(t);
        if (current != null && current > now + 1) {
          long when = now + 1 + random.nextInt((int) (current - now - 1));
          due.put(t, when);
          queue.arm(t, at(when));
        }
      } else {                                            // time passes: what was due fires, in due order
        long until = now + random.nextInt(200);
        due.entrySet().stream().filter(e -> e.getValue() <= until)
            .sorted(Map.Entry.<Recorder, Long>comparingByValue().thenComparing(e -> e.getKey().name))
            .forEach(e -> expected.add(e.getKey().name + "@" + e.getValue()));
        due.values().removeIf(d -> d <= until);
        scheduler.runUntil(at(until));
        now = until;
        assertThat(sortedWithinSameSecond(allFires)).isEqualTo(sortedWithinSameSecond(expected));
      }
      assertThat(queue.entries()).isLessThanOrEqualTo(3 * queue.size() + 128);
      assertThat(queue.idsHeld()).isEqualTo(holdingIds.size());
    }
    assertThat(expected).hasSizeGreaterThan(1_000);
    assertThat(queue.size()).isEqualTo(due.size());
    assertThat(queue.idsHeld()).as("ids of disarmed timers freed").isEqualTo(holdingIds.size());
  }

  /** Timers due in the same second may fire in any order among themselves. */
  private static List<String> sortedWithinSameSecond(List<String> fires) {
    List<String> copy = new ArrayList<>(fires);
    copy.sort(Comparator.comparingLong((String f) -> Long.parseLong(f.substring(f.indexOf('@') + 1)))
        .thenComparing(Comparator.naturalOrder()));
    return copy;
  }

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** A timer that records "name@second" when it fires, and "name!stale@second" for a fire that is not current. */
  private final class Recorder extends TimerQueue.Timer {
    final String name;
    final List<String> fired = new ArrayList<>();

    Recorder(String name) {
      this.name = name;
    }

    @Override
    void onTimer(int token) {
      String fire = name + (queue.isCurrent(this, token) ? "" : "!stale") + "@"
          + Duration.between(T0, clock.instant()).toSeconds();
      fired.add(fire);
      allFires.add(fire);
    }
  }

  private static final class HandClock extends Clock {
    private Instant now;

    HandClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** Runs due tasks in due order, moving the clock to each task's due time. */
  private static final class HandScheduler implements Scheduler {
    private final HandClock clock;
    private final List<Planned> planned = new ArrayList<>();
    boolean rejecting;   // as an executor that was shut down

    HandScheduler(HandClock clock) {
      this.clock = clock;
    }

    @Override
    public Task schedule(Runnable task, Duration delay) {
      if (rejecting) {
        throw new RejectedExecutionException("shut down");
      }
      Planned p = new Planned(clock.instant().plus(delay), task);
      planned.add(p);
      return () -> planned.remove(p);
    }

    Instant earliestPending() {
      return planned.stream().map(p -> p.due).min(Comparator.naturalOrder()).orElseThrow();
    }

    void runUntil(Instant until) {
      while (true) {
        Planned next = planned.stream().filter(p -> !p.due.isAfter(until)).min(Comparator.comparing(p -> p.due))
            .orElse(null);
        if (next == null) {
          break;
        }
        planned.remove(next);
        clock.now = next.due;
        next.task.run();
      }
      clock.now = until;
    }

    private record Planned(Instant due, Runnable task) {}
  }
}
