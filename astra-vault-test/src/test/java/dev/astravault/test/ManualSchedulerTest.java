package dev.astravault.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final MutableClock clock = MutableClock.at(T0);
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

  @Test
  void runsNothingBeforeItIsDue() {
    scheduler.schedule(() -> ran.add("a"), Duration.ofSeconds(10));
    assertThat(scheduler.runDue()).isZero();
    clock.advance(Duration.ofSeconds(9));
    assertThat(scheduler.runDue()).isZero();
    assertThat(scheduler.nextDueAt()).contains(T0.plusSeconds(10));
    clock.advance(Duration.ofSeconds(1));
    assertThat(scheduler.runDue()).isEqualTo(1);
    assertThat(ran).containsExactly("a");
    assertThat(scheduler.pendingCount()).isZero();
    assertThat(scheduler.nextDueAt()).isEmpty();
  }

  @Test
  void runsInDueOrderThenSchedulingOrder() {
    scheduler.schedule(() -> ran.add("late"), Duration.ofSeconds(30));
    scheduler.schedule(() -> ran.add("first-tie"), Duration.ofSeconds(10));
    scheduler.schedule(() -> ran.add("early"), Duration.ofSeconds(5));
    scheduler.schedule(() -> ran.add("second-tie"), Duration.ofSeconds(10));
    clock.advance(Duration.ofMinutes(1));
    assertThat(scheduler.runDue()).isEqualTo(4);
    assertThat(ran).containsExactly("early", "first-tie", "second-tie", "late");
  }

  @Test
  void runsTasksScheduledByTasksWhenTheyAreDue() {
    scheduler.schedule(() -> {
      ran.add("parent");
      scheduler.schedule(() -> ran.add("child-now"), Duration.ZERO);
      scheduler.schedule(() -> ran.add("child-later"), Duration.ofSeconds(1));
    }, Duration.ZERO);
    assertThat(scheduler.runDue()).isEqualTo(2);
    assertThat(ran).containsExactly("parent", "child-now");
    assertThat(scheduler.pendingCount()).isEqualTo(1);
  }

  @Test
  void advanceStopsAtEachDueInstantSoPeriodicTasksWork() {
    List<Instant> seen = new ArrayList<>();
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      seen.add(clock.instant());
      scheduler.schedule(tick[0], Duration.ofSeconds(10));
    };
    scheduler.schedule(tick[0], Duration.ofSeconds(10));
    assertThat(scheduler.advance(Duration.ofSeconds(65))).isEqualTo(6);
    assertThat(seen).containsExactly(T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(30),
        T0.plusSeconds(40), T0.plusSeconds(50), T0.plusSeconds(60));
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(65));
    assertThat(scheduler.nextDueAt()).contains(T0.plusSeconds(70));
  }

  @Test
  void cancelledTasksNeverRun() {
    Scheduler.Task task = scheduler.schedule(() -> ran.add("cancelled"), Duration.ofSeconds(1));
    scheduler.schedule(() -> ran.add("kept"), Duration.ofSeconds(2));
    task.cancel();
    task.cancel();
    assertThat(scheduler.pendingCount()).isEqualTo(1);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("kept");
  }

  @Test
  void aTaskCanCancelALaterOne() {
    Scheduler.Task[] later = new Scheduler.Task[1];
    scheduler.schedule(() -> later[0].cancel(), Duration.ofSeconds(1));
    later[0] = scheduler.schedule(() -> ran.add("later"), Duration.ofSeconds(1));
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(ran).isEmpty();
  }

  @Test
  void negativeDelayIsDueNow() {
    scheduler.schedule(() -> ran.add("now"), Duration.ofSeconds(-5));
    assertThat(scheduler.nextDueAt()).contains(T0);
    assertThat(scheduler.runDue()).isEqualTo(1);
  }

  @Test
  void aThrowingTaskStopsTheRunAndLeavesTheRestPending() {
    scheduler.schedule(() -> {
      throw new IllegalStateException("boom");
    }, Duration.ZERO);
    scheduler.schedule(() -> ran.add("after"), Duration.ZERO);
    assertThatThrownBy(scheduler::runDue).hasMessage("boom");
    assertThat(scheduler.pendingCount()).isEqualTo(1);
    assertThat(scheduler.runDue()).isEqualTo(1);
    assertThat(ran).containsExactly("after");
  }

  @Test
  void rejectsNegativeAdvance() {
    assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scheduleIsThreadSafe() throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 800; i++) {
      int n = i;
      pool.execute(() -> scheduler.schedule(() -> ran.add("t" + n), Duration.ofMillis(n % 10)));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduler.pendingCount()).isEqualTo(800);
    assertThat(scheduler.advance(Duration.ofSeconds(1))).isEqualTo(800);
    assertThat(ran).hasSize(800).doesNotHaveDuplicates();
  }
}
