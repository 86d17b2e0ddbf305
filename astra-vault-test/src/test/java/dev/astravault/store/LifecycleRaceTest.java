package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.ConflictException;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseExpiredException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.ReconcileReport;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.LeaseRenewed;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenIssued;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two managers of a fleet over one store (a SQLite file or an embedded PostgreSQL database) and one FakeAstra, one
 * lifecycle step of each landing inside the other's (store hooks, no sleeps): renew and revoke, revoke and the
 * sweeper, a rotation and close, recovery and an issue, deleteOrg/deleteRole and an issue, reconcile and an issue.
 * After each: every token is revoked once or held by a live record, no record is left ACTIVE for a dead token, every
 * audit event happened, and every call returned or threw an {@link AstraVaultException}. Complements
 * {@link FleetInterleavingTest}.
 */
class LifecycleRaceTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  private static final String ORG = "acme";
  private static final String ROLE = "reader";

  enum Backend { SQLITE, POSTGRES }

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> open = new ArrayList<>();
  private Backend backend;
  private String pgUrl;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private void on(Backend chosen) {
    astra.useClock(clock);
    backend = chosen;
    if (chosen == Backend.POSTGRES) {
      pgUrl = EmbeddedPg.newDatabase("races");
    }
  }

  private LeaseStore newStore() {
    return backend == Backend.SQLITE ? JdbcLeaseStore.sqlite(dir.resolve("fleet.db"), KEYS)
        : JdbcLeaseStore.builder().jdbcUrl(pgUrl).credentials("postgres", "postgres").keyProvider(KEYS)
            .maxConnections(2).build();
  }

  private RealTokenManager manager(UnaryOperator<LeaseStore> wrap) {
    return manager(wrap, new ManualScheduler(clock));
  }

  /** A manager on a new store instance seen through {@code wrap}; managed I/O runs on the thread that advances it. */
  private RealTokenManager manager(UnaryOperator<LeaseStore> wrap, ManualScheduler scheduler) {
    LeaseStore real = newStore();
    open.add(real);
    FakeOrg fake = astra.defaultOrg();
    OrgConfig org = OrgConfig.builder().orgId(fake.orgId()).rootToken(fake.rootToken()).url(astra.url().uri())
        .logicalName(ORG).build();
    TokenManager tokens = TokenManager.builder().org(org).leaseStore(wrap.apply(real)).clock(clock)
        .scheduler(scheduler).managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run)
        .auditSink(events::add).sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO).callTimeout(Duration.ofSeconds(5)).build();
    open.add(tokens);
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    return (RealTokenManager) tokens;
  }

  private static TokenRequest orders() {
    return TokenRequest.forRole(ROLE).org(ORG).logicalName("orders").build();
  }

  private static AstraToken issue(TokenManager m) {
    return m.request().org(ORG).role(ROLE).logicalName("orders").issue();
  }

  private List<LeaseRevoked> revokedEvents(String leaseId) {
    return events.stream().filter(LeaseRevoked.class::isInstance).map(LeaseRevoked.class::cast)
        .filter(e -> e.token().leaseId().equals(leaseId)).toList();
  }

  private List<AuditEvent> issuedOrRenewed(String leaseId) {
    return events.stream().filter(e -> e instanceof TokenIssued i && i.token().leaseId().equals(leaseId)
        || e instanceof LeaseRenewed r && r.token().leaseId().equals(leaseId)).toList();
  }

  private static boolean pendingOf(Object[] args) {
    return args.length > 0 && args[0] instanceof LeaseRecord r && r.state() == LeaseState.PENDING;
  }

  private static boolean leaseOf(Object[] args, String leaseId) {
    return args.length > 0 && args[0] instanceof LeaseRecord r && r.leaseId().equals(leaseId);
  }

  /** No store record of the org is left, and Astra holds no token of it. */
  private void nothingLeft(RealTokenManager m) {
    assertThat(m.store().list("astra/").stream().map(LeaseRecord::leaseId)).isEmpty();
    assertThat(astra.liveTokens()).isEmpty();
  }

  // ------------------------------------------------------------------ renew and revoke

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRenewalWhoseLeaseAnotherManagerRevokedBeforeItsWriteThrowsNotFoundAndAuditsNoRenewal(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksA = new HookedLeaseStore();
    RealTokenManager a = manager(hooksA::wrap);
    RealTokenManager b = manager(s -> s);
    AstraToken token = issue(a);
    String leaseId = token.lease().leaseId();
    // A read the lease and computed its renewal; B's whole revoke lands before A's compare-and-set.
    hooksA.before("compareAndSet", args -> leaseOf(args, leaseId), () -> b.revoke(leaseId));

    assertThatThrownBy(() -> a.renew(leaseId)).isInstanceOf(NotFoundException.class);

    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(revokedEvents(leaseId)).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(RevokeReason.EXPLICIT);
      assertThat(e.alreadyGone()).isFalse();
    });
    assertThat(issuedOrRenewed(leaseId)).as("the issue only, no renewal").hasSize(1);
    nothingLeft(a);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRenewalOfALeaseWhoseRevokeIsClaimedThrowsExpiredAndTheRevokeEndsIt(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksB = new HookedLeaseStore();
    RealTokenManager a = manager(s -> s);
    RealTokenManager b = manager(hooksB::wrap);
    AstraToken token = issue(a);
    String leaseId = token.lease().leaseId();
    // B claimed the revoke (REVOKING stored) and has not yet deleted the token when A renews.
    List<Throwable> renewal = new ArrayList<>();
    hooksB.after("compareAndSet", args -> leaseOf(args, leaseId), () -> {
      try {
        a.renew(leaseId);
      } catch (RuntimeException e) {
        renewal.add(e);
      }
    });

    b.revoke(leaseId);

    assertThat(renewal).singleElement().isInstanceOf(LeaseExpiredException.class);
    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(revokedEvents(leaseId)).hasSize(1);
    assertThat(issuedOrRenewed(leaseId)).hasSize(1);
    nothingLeft(a);
  }

  // ------------------------------------------------------------------ revoke and the sweeper

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRevokeBetweenTheSweepersListAndItsClaimIsTheOnlyRevoke(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksB = new HookedLeaseStore();
    RealTokenManager a = manager(s -> s);
    RealTokenManager b = manager(hooksB::wrap);
    AstraToken token = issue(a);
    String leaseId = token.lease().leaseId();
    clock.advance(Duration.ofMinutes(61));
    hooksB.after("expiringBefore", args -> true, () -> a.revoke(leaseId));

    assertThat(b.reapExpired()).as("leases B's sweeper ended").isZero();

    assertThat(revokedEvents(leaseId)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.EXPLICIT));
    nothingLeft(a);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anExplicitRevokeWhileTheSweeperHoldsTheClaimLeavesItToTheSweeper(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksB = new HookedLeaseStore();
    RealTokenManager a = manager(s -> s);
    RealTokenManager b = manager(hooksB::wrap);
    AstraToken token = issue(a);
    String leaseId = token.lease().leaseId();
    clock.advance(Duration.ofMinutes(61));
    // B's sweeper has claimed the lease; A's revoke finds the claim and returns without a second DELETE.
    int deletesBefore = astra.requestCount("DELETE", "/v2/clientIdSecrets");
    hooksB.after("compareAndSet", args -> leaseOf(args, leaseId), () -> a.revoke(leaseId));

    assertThat(b.reapExpired()).isEqualTo(1);

    assertThat(astra.requestCount("DELETE", "/v2/clientIdSecrets") - deletesBefore).isEqualTo(1);
    assertThat(revokedEvents(leaseId)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.EXPIRED));
    nothingLeft(a);
  }

  // ------------------------------------------------------------------ a rotation and close

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aHandleClosedWhileItsRotationIssuesRevokesBothTokensOnceEach(Backend chosen) throws Exception {
    on(chosen);
    HookedLeaseStore hooksA = new HookedLeaseStore();
    ManualScheduler schedulerA = new ManualScheduler(clock);
    RealTokenManager a = manager(hooksA::wrap, schedulerA);
    ManagedToken handle = a.manage(orders(), RenewalSettings.builder().jitter(0).build());
    String t1 = handle.snapshot().leaseId();
    // The rotation's new token is minted and about to be committed when another thread closes the handle; the
    // rotation goes on once close() has begun revoking the old token (its first store read of T1).
    CountDownLatch closing = new CountDownLatch(1);
    AtomicReference<Throwable> closeFailed = new AtomicReference<>();
    Thread closer = new Thread(() -> {
      try {
        handle.close();
      } catch (Throwable e) {
        closeFailed.set(e);
      }
    }, "closer");
    hooksA.before("compareAndSet", LifecycleRaceTest::pendingOf, () -> {
      hooksA.before("get", args -> args[0].equals(t1), closing::countDown);
      closer.start();
      try {
        assertThat(closing.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });

    handle.rotateNow();
    schedulerA.runDue();
    closer.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(closer.isAlive()).isFalse();
    assertThat(closeFailed.get()).isNull();
    List<String> leases = events.stream().filter(TokenIssued.class::isInstance)
        .map(e -> ((TokenIssued) e).token().leaseId()).toList();
    assertThat(leases).as("T1 and the rotation's T2").hasSize(2).contains(t1);
    for (String leaseId : leases) {
      assertThat(revokedEvents(leaseId)).as("revokes of " + leaseId).singleElement()
          .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.SHUTDOWN));
    }
    assertThat(handle.snapshot().leaseId()).as("the closed handle never served T2").isEqualTo(t1);
    nothingLeft(a);
  }

  // ------------------------------------------------------------------ recovery and an issue

  @ParameterizedTest
  @EnumSource(Backend.class)
  void recoverySettlingAnIssueInFlightEndsItsTokenOnceAndTheIssueFailsTyped(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksA = new HookedLeaseStore();
    RealTokenManager a = manager(hooksA::wrap);
    RealTokenManager b = manager(s -> s);
    // A's token is minted; before A commits it the issue stalls past pendingSettleAfter and B's recovery settles it.
    hooksA.before("compareAndSet", LifecycleRaceTest::pendingOf, () -> {
      clock.advance(Duration.ofMinutes(6));
      b.recover();
    });

    assertThatThrownBy(() -> issue(a)).isInstanceOf(AstraVaultException.class).hasMessageContaining("recovery");

    assertThat(astra.liveTokens()).isEmpty();
    assertThat(events).noneMatch(TokenIssued.class::isInstance);
    assertThat(events).filteredOn(LeaseRevoked.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((LeaseRevoked) e).reason()).isEqualTo(RevokeReason.REAPED));
    assertThat(events).filteredOn(IssueFailed.class::isInstance).hasSize(1);
    nothingLeft(a);
  }

  // ------------------------------------------------------------------ deleteOrg / deleteRole and an issue

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anOrgDeletedWhileAnIssueWritesItsRecordIsRestoredAndTheDeletionRefused(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksB = new HookedLeaseStore();
    RealTokenManager a = manager(s -> s);
    RealTokenManager b = manager(hooksB::wrap);
    // B counted no lease of the org; A's whole issue lands before B deletes the config.
    List<AstraToken> issued = new ArrayList<>();
    hooksB.before("deleteOrg", args -> true, () -> issued.add(issue(a)));

    assertThatThrownBy(() -> b.deleteOrg(ORG)).isInstanceOf(ConflictException.class);

    assertThat(issued).hasSize(1);
    String leaseId = issued.get(0).lease().leaseId();
    assertThat(a.org(ORG)).as("the org's config is back").isPresent();
    assertThat(b.org(ORG)).isPresent();
    a.revoke(leaseId);
    assertThat(revokedEvents(leaseId)).singleElement().satisfies(e -> assertThat(e.alreadyGone()).isFalse());
    nothingLeft(a);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anIssueThatReadItsOrgBeforeAnotherManagerDeletedItMintsNothing(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksA = new HookedLeaseStore();
    RealTokenManager a = manager(hooksA::wrap);
    RealTokenManager b = manager(s -> s);
    // A read the org; B's whole deleteOrg (no lease yet) lands before A writes its write-ahead record.
    hooksA.before("insert", LifecycleRaceTest::pendingOf, () -> b.deleteOrg(ORG));
    int postsBefore = astra.requestCount("POST", "/v2/clientIdSecrets");

    assertThatThrownBy(() -> issue(a)).isInstanceOfSatisfying(NotFoundException.class,
        e -> assertThat(e.kind()).isEqualTo(NotFoundException.Kind.ORG));

    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).as("no token minted").isEqualTo(postsBefore);
    assertThat(events).noneMatch(TokenIssued.class::isInstance);
    assertThat(events).filteredOn(IssueFailed.class::isInstance).hasSize(1);
    nothingLeft(a);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRoleDeletedWhileAnIssueUsesItLeavesARevocableLease(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksA = new HookedLeaseStore();
    RealTokenManager a = manager(hooksA::wrap);
    RealTokenManager b = manager(s -> s);
    hooksA.before("insert", LifecycleRaceTest::pendingOf, () -> b.deleteRole(ORG, ROLE));

    AstraToken token = issue(a);

    assertThat(b.role(ORG, ROLE)).isEmpty();
    assertThat(astra.isLive(token.token())).isTrue();
    // Renewing needs the role, which is gone: a typed refusal. Revoking needs only the org.
    assertThatThrownBy(() -> b.renew(token.lease().leaseId())).isInstanceOf(AstraVaultException.class);
    b.revoke(token.lease().leaseId());
    assertThat(revokedEvents(token.lease().leaseId())).hasSize(1);
    nothingLeft(a);
  }

  // ------------------------------------------------------------------ reconcile --fix and an issue

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aFixingReconcileWhileAnIssueIsMintedButNotCommittedLeavesItsToken(Backend chosen) {
    on(chosen);
    HookedLeaseStore hooksA = new HookedLeaseStore();
    RealTokenManager a = manager(hooksA::wrap);
    RealTokenManager b = manager(s -> s);
    List<ReconcileReport> reports = new ArrayList<>();
    hooksA.before("compareAndSet", LifecycleRaceTest::pendingOf, () -> reports.add(b.reconcile(ORG, true)));

    AstraToken token = issue(a);

    assertThat(reports).singleElement().satisfies(r -> {
      assertThat(r.unknownTokens()).isEmpty();
      assertThat(r.missingTokens()).isEmpty();
    });
    assertThat(astra.isLive(token.token())).isTrue();
    assertThat(b.store().get(token.lease().leaseId())).hasValueSatisfying(r ->
        assertThat(r.state()).isEqualTo(LeaseState.ACTIVE));
    assertThat(revokedEvents(token.lease().leaseId())).isEmpty();
  }
}
