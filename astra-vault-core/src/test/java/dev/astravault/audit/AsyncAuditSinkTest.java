package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AuditSink;
import dev.astravault.event.AuditEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AsyncAuditSinkTest {

  /** A delegate stuck until released: the caller must not wait for it. */
  static final class StuckSink implements AuditSink {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.add(event);
    }
  }

  @Test
  void neverBlocksTheCallerAndRejectsWhenFull() throws InterruptedException {
    StuckSink stuck = new StuckSink();
    AsyncAuditSink async = AsyncAuditSink.builder(stuck).capacity(2).build();
    async.record(AuditLogVerifierTest.event(1));
    assertThat(stuck.entered.await(5, TimeUnit.SECONDS)).isTrue(); // the worker holds event 1
    async.record(AuditLogVerifierTest.event(2));
    async.record(AuditLogVerifierTest.event(3));
    assertThatThrownBy(() -> async.record(AuditLogVerifierTest.event(4)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("queue full");
    assertThat(async.dropped()).isEqualTo(1);
    stuck.release.countDown();
    assertThat(async.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(stuck.events).hasSize(3);
    assertThat(async.recorded()).isEqualTo(3);
    async.close();
    assertThatThrownBy(() -> async.record(AuditLogVerifierTest.event(5))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void dropOldestKeepsTheNewest() throws InterruptedException {
    StuckSink stuck = new StuckSink();
    AsyncAuditSink async = AsyncAuditSink.builder(stuck).capacity(2).overflow(AsyncAuditSink.Overflow.DROP_OLDEST)
        .build();
    async.record(AuditLogVerifierTest.event(1));
    assertThat(stuck.entered.await(5, TimeUnit.SECONDS)).isTrue();
    for (int i = 2; i <= 5; i++) {
      async.record(AuditLogVerifierTest.event(i));
    }
    assertThat(async.dropped()).isEqualTo(2);
    stuck.release.countDown();
    assertThat(async.close(Duration.ofSeconds(5))).isTrue();
    assertThat(stuck.events).extracting(e -> e.leaseId().orElseThrow())
        .containsExactly("astra/org-1/reader/1", "astra/org-1/reader/4", "astra/org-1/reader/5");
  }

  @Test
  void aFailingDelegateIsCountedNotPropagated() {
    AsyncAuditSink async = AsyncAuditSink.builder(e -> {
      throw new IllegalStateException("db down");
    }).build();
    async.record(AuditLogVerifierTest.event(1));
    assertThat(async.flush(Duration.ofSeconds(5))).isTrue();
    assertThat(async.failed()).isEqualTo(1);
    async.close();
  }

  @Test
  void compositeThrowsOnlyWhenNoSinkRecorded() {
    List<AuditEvent> seen = new CopyOnWriteArrayList<>();
    AuditSink down = e -> {
      throw new IllegalStateException("down");
    };
    AuditSink.composite(down, seen::add).record(AuditLogVerifierTest.event(1));
    assertThat(seen).hasSize(1);
    assertThatThrownBy(() -> AuditSink.composite(down, down).record(AuditLogVerifierTest.event(2)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no audit sink recorded lease.revoked");
  }
}
