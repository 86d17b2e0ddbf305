package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.Scheduler;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The default scheduler: one named daemon thread; cancelled tasks never run. Waits on latches, never sleeps. */
class ExecutorSchedulerTest {

  @Test
  void runsTasksOnOneNamedDaemonThread() throws InterruptedException {
    try (ExecutorScheduler scheduler = ExecutorScheduler.singleThread("astra-vault-test-scheduler")) {
      CountDownLatch ran = new CountDownLatch(1);
      AtomicReference<Thread> thread = new AtomicReference<>();
      scheduler.schedule(() -> {
        thread.set(Thread.currentThread());
        ran.countDown();
      }, Duration.ofNanos(-5));
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(thread.get().getName()).isEqualTo("astra-vault-test-scheduler");
      assertThat(thread.get().isDaemon()).isTrue();
    }
  }

  @Test
  void aCancelledTaskNeverRunsAndHugeDelaysDoNotOverflow() throws InterruptedException {
    try (ExecutorScheduler scheduler = ExecutorScheduler.singleThread("s")) {
      AtomicBoolean ran = new AtomicBoolean();
      Scheduler.Task far = scheduler.schedule(() -> ran.set(true), Duration.ofSeconds(Long.MAX_VALUE));
      Scheduler.Task soon = scheduler.schedule(() -> ran.set(true), Duration.ofHours(1));
      far.cancel();
      soon.cancel();
      // A later task on the same single thread runs after any earlier-due task would have.
      CountDownLatch marker = new CountDownLatch(1);
      scheduler.schedule(marker::countDown, Duration.ZERO);
      assertThat(marker.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ran).isFalse();
    }
  }
}
