package dev.astravault.managed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AuditSink;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.OrgConfig;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A burst of renewals all due in the same instant, on the engine's default I/O pool: every one is accepted and
 * renewed before its lease expires, none is rejected into back-off. 4,000 leases to stay fast (each logs its
 * issue); IoPoolTest queues a burst of 100,000 on the default pool, and ScaleHarness runs 100,000 end to end.
 */
class RenewalBurstTest {
  private static final int LEASES = 4_000;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aBurstOfRenewalsDueAtOnceAreAllRenewedInTheirWindow() throws Exception {
    MutableClock clock = MutableClock.at(START);
    ManualScheduler scheduler = new ManualScheduler(clock);
    NoIoBackend backend = new NoIoBackend(clock);
    OrgConfig org = OrgConfig.builder().orgId("00000000-0000-0000-0000-000000000001")
        .rootToken("AstraCS:" + "A".repeat(24) + ":" + "0".repeat(64)).url(URI.create("http://127.0.0.1:1"))
        .logicalName("acme").build();
    CountDownLatch renewed = new CountDownLatch(LEASES);
    ConcurrentLinkedQueue<ManagedTokenEvent> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger renewedInWindow = new AtomicInteger();
    Duration ttl = Duration.ofHours(1);
    try (TokenManager tokens = TokenManager.builder().clock(clock).scheduler(scheduler).org(org)
        .backend(ctx -> backend).auditSink(AuditSink.noop()).sweepInterval(Duration.ZERO)
        .revokeManagedOnClose(false).managedEventExecutor(Runnable::run).build()) {
      tokens.writeRole(RoleSpec.builder().org("acme").name("reader").roleId("role-1").ttl(ttl)
          .maxTtl(Duration.ofHours(24)).build());
      RenewalSettings settings = RenewalSettings.builder().jitter(0).maxWait(Duration.ZERO)
          .listener(ManagedTokenListener.of(e -> {
            if (e instanceof ManagedTokenEvent.Renewed r) {
              if (r.time().isBefore(START.plus(ttl)) && r.token().expiresAt().isAfter(START.plus(ttl))) {
                renewedInWindow.incrementAndGet();
              }
              renewed.countDown();
            } else if (e instanceof ManagedTokenEvent.Error) {
              failures.add(e);
            }
          })).build();
      List<ManagedToken> handles = new ArrayList<>(LEASES);
      TokenRequest request = TokenRequest.forRole("reader").org("acme").perRequest().build();
      for (int i = 0; i < LEASES; i++) {
        handles.add(tokens.manage(request, settings));
      }
      // Every handle was issued at START with no jitter: all refresh timers are due at the same instant.
      scheduler.advance(Duration.ofMinutes(59));

      assertThat(renewed.await(60, TimeUnit.SECONDS)).as("all renewals done").isTrue();
      assertThat(failures).as("renewals rejected or failed").isEmpty();
      assertThat(renewedInWindow.get()).isEqualTo(LEASES);
      assertThat(backend.creates()).as("renewals call no backend").isEqualTo(LEASES);
      assertThat(handles).allSatisfy(h -> assertThat(h.snapshot().expiresAt()).isAfter(START.plus(ttl)));
    }
  }
}
