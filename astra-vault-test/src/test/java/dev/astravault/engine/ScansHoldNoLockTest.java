package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.LeaseState;
import dev.astravault.TokenRequest;
import dev.astravault.store.InMemoryLeaseStore;
import dev.astravault.store.ParkingLeaseStore;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 15: the expiry sweeper and recovery must never hold a lock that issue, renew or revoke need. Each test
 * parks a sweep or a recovery pass inside its store scan, then issues, renews and revokes from another thread: all
 * three must finish while the scan is still parked. (A lock held around the scan would make them wait for it; the
 * ten-second bounds only turn such a wait into a failure instead of a hang.)
 */
class ScansHoldNoLockTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private final ParkingLeaseStore parking =
      new ParkingLeaseStore("expiringBefore", "pendingBefore", "changedBefore");
  // One thread per task: a common pool of one thread would queue the issue behind the parked scan.
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private EngineFixture f;

  @AfterEach
  void tearDown() {
    parking.release();
    threads.shutdownNow();
    if (f != null) {
      f.close();
    }
  }

  @Test
  void issueRenewAndRevokeDoNotWaitForASweepInProgress() throws Exception {
    f = new EngineFixture(astra, b -> b.leaseStore(parking.wrap(new InMemoryLeaseStore())).sweepInterval(Duration.ZERO));
    AstraToken toRenew = f.tokens.issue(request());
    AstraToken toRevoke = f.tokens.issue(request());

    parking.arm();
    CompletableFuture<Integer> sweep = CompletableFuture.supplyAsync(f.tokens::reapExpired, threads);
    assertThat(parking.awaitParked()).as("the sweep reached its scan").isTrue();

    assertIssueRenewAndRevokeFinish(toRenew, toRevoke);
    assertThat(sweep).as("still parked in its scan").isNotDone();
    parking.release();
    assertThat(sweep.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void issueRenewAndRevokeDoNotWaitForARecoveryPassInProgress() throws Exception {
    Duration every = Duration.ofMinutes(5);
    f = new EngineFixture(astra, b -> b.leaseStore(parking.wrap(new InMemoryLeaseStore())).sweepInterval(Duration.ZERO)
        .recoveryInterval(every));
    AstraToken toRenew = f.tokens.issue(request());
    AstraToken toRevoke = f.tokens.issue(request());

    parking.arm();
    CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(() -> f.scheduler.advance(every), threads);
    assertThat(parking.awaitParked()).as("the recovery pass reached its scan").isTrue();

    assertIssueRenewAndRevokeFinish(toRenew, toRevoke);
    assertThat(pass).as("still parked in its scan").isNotDone();
    parking.release();
    assertThat(pass.get(10, TimeUnit.SECONDS)).isPositive();
  }

  private void assertIssueRenewAndRevokeFinish(AstraToken toRenew, AstraToken toRevoke) throws Exception {
    String renewId = toRenew.lease().leaseId();
    String revokeId = toRevoke.lease().leaseId();
    AstraToken issued = CompletableFuture.supplyAsync(() -> f.tokens.issue(request()), threads).get(10, TimeUnit.SECONDS);
    assertThat(f.tokens.lease(issued.lease().leaseId())).isPresent();
    f.clock.advance(Duration.ofMinutes(10));
    CompletableFuture.supplyAsync(() -> f.tokens.renew(renewId), threads).get(10, TimeUnit.SECONDS);
    assertThat(f.tokens.lease(renewId).orElseThrow().expiresAt())
        .isEqualTo(f.clock.instant().plus(Duration.ofHours(1)));
    CompletableFuture.runAsync(() -> f.tokens.revoke(revokeId), threads).get(10, TimeUnit.SECONDS);
    assertThat(f.tokens.tokens(ORG, LeaseState.ACTIVE)).noneMatch(t -> t.lease().leaseId().equals(revokeId));
  }

  private static TokenRequest request() {
    return TokenRequest.forRole(ROLE).org(ORG).perRequest().build();
  }
}
