package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.OrgConfig;
import dev.astravault.SecretDecryptionException;
import dev.astravault.ReconcileReport;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenInfo;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.ManagedTokenFailed;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two managers of a fleet, each with its own store instance over one SQLite file or one embedded PostgreSQL
 * database, with one step of the other landing exactly between two store calls of the first (hooks and parking, no
 * sleeps). Complements {@link FleetTest}, which mixes operations at random and checks the end state.
 */
class FleetInterleavingTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  private static final String ORG = "acme";
  private static final String ROLE = "reader";

  enum Backend { SQLITE, POSTGRES }

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> open = new ArrayList<>();
  private Supplier<LeaseStore> stores;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private void on(Backend backend) {
    on(backend, () -> KEYS);
  }

  /** Each store built gets the key provider {@code keys} gives at that moment (instances of a rolling restart). */
  private void on(Backend backend, Supplier<KeyProvider> keys) {
    astra.useClock(clock);
    if (backend == Backend.SQLITE) {
      Path file = dir.resolve("fleet.db");
      stores = () -> JdbcLeaseStore.sqlite(file, keys.get());
    } else {
      String url = EmbeddedPg.newDatabase("interleave");
      stores = () -> JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres")
          .keyProvider(keys.get()).maxConnections(2).build();
    }
  }

  /** A manager on a new store instance, seen through {@code wrap} (hooks or parking). */
  private RealTokenManager manager(UnaryOperator<LeaseStore> wrap) {
    return manager(wrap, new ManualScheduler(clock));
  }

  /** The same, on {@code scheduler}; managed tokens do their I/O on the thread that advances it. */
  private RealTokenManager manager(UnaryOperator<LeaseStore> wrap, ManualScheduler scheduler) {
    LeaseStore real = stores.get();
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

  private List<LeaseRevoked> revokedEvents(String leaseId) {
    return events.stream().filter(LeaseRevoked.class::isInstance).map(LeaseRevoked.class::cast)
        .filter(e -> e.token().leaseId().equals(leaseId)).toList();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aSweeperThatListedALeaseBeforeAnotherManagerRenewedItDoesNotRevokeIt(Backend backend) throws Exception {
    on(backend);
    HookedLeaseStore hooksA = new HookedLeaseStore();
    ParkingLeaseStore parkingB = ParkingLeaseStore.after("expiringBefore");
    RealTokenManager a = manager(hooksA::wrap);
    RealTokenManager b = manager(parkingB::wrap);
    AstraToken token = a.request().org(ORG).role(ROLE).logicalName("orders").issue();
    String leaseId = token.lease().leaseId();
    clock.advance(Duration.ofMinutes(59));

    // A reads the lease and computes its renewal one minute before expiry; before its compare-and-set lands, time
    // passes the old expiry and B's sweeper lists the lease (as it was) and stops right there.
    CompletableFuture<Integer> sweep = new CompletableFuture<>();
    hooksA.before("compareAndSet", args -> true, () -> {
      clock.advance(Duration.ofMinutes(2));
      parkingB.arm();
      new Thread(() -> {
        try {
          sweep.complete(b.reapExpired());
        } catch (RuntimeException e) {
          sweep.completeExceptionally(e);
        }
      }, "sweeper-b").start();
      try {
        assertThat(parkingB.awaitParked()).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Instant renewedUntil = a.renew(leaseId).lease().expiresAt();
    assertThat(renewedUntil).isAfter(clock.instant());
    parkingB.release();

    assertThat(sweep.get(30, TimeUnit.SECONDS)).as("leases B's sweeper ended").isZero();
    assertThat(astra.isLive(token.token())).as("the renewed token is alive").isTrue();
    LeaseRecord stored = b.store().get(leaseId).orElseThrow();
    assertThat(stored.state()).isEqualTo(LeaseState.ACTIVE);
    assertThat(stored.expiresAt()).isEqualTo(renewedUntil);
    assertThat(revokedEvents(leaseId)).isEmpty();
  }

  private static TokenRequest orders() {
    return TokenRequest.forRole(ROLE).org(ORG).logicalName("orders").build();
  }

  /** The triple's live tokens, as Astra and the store see them. */
  private List<String> liveOrders(RealTokenManager m) {
    return m.tokens(ORG).stream().filter(t -> t.logicalName().filter("orders"::equals).isPresent())
        .map(TokenInfo::clientId).toList();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anIssueBetweenARotationsOldPrimaryDeletionAndItsPromotionMintsNoSecondToken(Backend backend) {
    on(backend);
    HookedLeaseStore hooksA = new HookedLeaseStore();
    ManualScheduler schedulerA = new ManualScheduler(clock);
    RealTokenManager a = manager(hooksA::wrap, schedulerA);
    RealTokenManager b = manager(s -> s);
    ManagedToken handle = a.manage(orders(), RenewalSettings.builder().jitter(0).build());
    String t1 = handle.snapshot().leaseId();
    handle.rotateNow();
    schedulerA.runDue();
    String t2 = handle.snapshot().leaseId();
    assertThat(t2).isNotEqualTo(t1);
    assertThat(a.store().get(t2).orElseThrow().successor()).isTrue();

    // B reads and issues the triple right after A deleted T1's record at the end of the overlap, before A promotes T2.
    List<Object> seenByB = new ArrayList<>();
    hooksA.after("delete", args -> ((LeaseRecord) args[0]).leaseId().equals(t1), () -> {
      seenByB.add(b.token(ORG, ROLE, "orders"));
      try {
        seenByB.add(b.request().org(ORG).role(ROLE).logicalName("orders").issue());
      } catch (TokenAlreadyExistsException e) {
        seenByB.add(e);
      }
    });
    schedulerA.advance(Duration.ofMinutes(5));

    assertThat(seenByB).as("B's read, then B's issue").hasSize(2);
    assertThat(seenByB.get(0)).as("no primary yet: the read finds nothing").isEqualTo(Optional.empty());
    assertThat(seenByB.get(1)).as("the successor holds the triple").isInstanceOf(TokenAlreadyExistsException.class);
    assertThat(liveOrders(b)).as("the triple's live tokens").containsExactly(handle.snapshot().info().clientId());
    assertThat(astra.isLive(handle.current())).isTrue();
    assertThat(b.store().findByTriple(astra.defaultOrg().orgId(), ROLE, "orders"))
        .hasValueSatisfying(r -> assertThat(r.leaseId()).isEqualTo(t2));
    assertThat(b.token(ORG, ROLE, "orders")).hasValueSatisfying(t -> assertThat(t.token()).isEqualTo(
        handle.current()));
    assertThat(events).filteredOn(ManagedTokenFailed.class::isInstance).as("no failed promotion").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aSuccessorWhoseManagerDiedBeforeItsPromotionIsAdoptedByTheNextManagerNotDoubled(Backend backend) {
    on(backend);
    ManualScheduler schedulerA = new ManualScheduler(clock);
    RealTokenManager a = manager(s -> s, schedulerA);
    ManagedToken dying = a.manage(orders(), RenewalSettings.builder().jitter(0).build());
    String t1 = dying.snapshot().leaseId();
    dying.rotateNow();
    schedulerA.runDue();
    String t2 = dying.snapshot().leaseId();
    // A's process dies right after it deleted T1's record at the end of the overlap: T2 is never promoted by A.
    a.store().get(t1).ifPresent(r -> a.store().delete(r));
    clock.advance(Duration.ofMinutes(5));

    ManualScheduler schedulerB = new ManualScheduler(clock);
    RealTokenManager b = manager(s -> s, schedulerB);
    ManagedToken adopted = b.manage(orders(), RenewalSettings.builder().jitter(0).build());

    assertThat(adopted.snapshot().leaseId()).as("B serves A's successor, promoted").isEqualTo(t2);
    assertThat(b.store().get(t2).orElseThrow().successor()).isFalse();
    assertThat(liveOrders(b)).containsExactly(adopted.snapshot().info().clientId());
    // And B's handle rotates it as its own triple's token: the successor slot is free.
    adopted.rotateNow();
    schedulerB.runDue();
    schedulerB.advance(Duration.ofMinutes(5));
    String t3 = adopted.snapshot().leaseId();
    assertThat(t3).isNotIn(t1, t2);
    assertThat(b.store().get(t3).orElseThrow().successor()).isFalse();
    assertThat(liveOrders(b)).containsExactly(adopted.snapshot().info().clientId());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRotationWhoseOldTokenWasEndedElsewhereTakesThePrimaryAtOnceOrGivesWayToAnotherLease(Backend backend) {
    on(backend);
    ManualScheduler schedulerA = new ManualScheduler(clock);
    RealTokenManager a = manager(s -> s, schedulerA);
    RealTokenManager b = manager(s -> s);
    ManagedToken handle = a.manage(orders(), RenewalSettings.builder().jitter(0).build());
    String t1 = handle.snapshot().leaseId();

    // T1 revoked by hand: the rotation finds no primary and promotes its new token at once, not after the overlap.
    b.revoke(t1);
    handle.rotateNow();
    schedulerA.runDue();
    String t2 = handle.snapshot().leaseId();
    assertThat(t2).isNotEqualTo(t1);
    assertThat(b.store().get(t2).orElseThrow().successor()).isFalse();

    // T2 revoked by hand and the triple issued by B before A rotates: A's new token gives way, B's stays alone.
    b.revoke(t2);
    AstraToken other = b.request().org(ORG).role(ROLE).logicalName("orders").issue();
    handle.rotateNow();
    schedulerA.runDue();
    assertThat(handle.snapshot().leaseId()).as("the rotation failed").isEqualTo(t2);
    assertThat(liveOrders(b)).containsExactly(other.clientId());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aFixingReconcileDoesNotEndATokenAnotherManagerCommittedAfterItsList(Backend backend) {
    on(backend);
    RealTokenManager a = manager(s -> s);
    HookedLeaseStore hooksB = new HookedLeaseStore();
    RealTokenManager b = manager(hooksB::wrap);
    // A issues the whole token after B listed Astra's tokens and before B reads the records: Astra's list lacks the
    // token, the records hold it, committed. (Astra's generatedOn and B's clock agree to the nanosecond here; a
    // clock of B's ahead of Astra's does the same in production.)
    int listsBefore = astra.requestCount("GET", "/v2/clientIdSecrets");
    List<AstraToken> issued = new ArrayList<>();
    hooksB.before("list", args -> astra.requestCount("GET", "/v2/clientIdSecrets") > listsBefore,
        () -> issued.add(a.request().org(ORG).role(ROLE).logicalName("orders").issue()));

    ReconcileReport report = b.reconcile(ORG, true);

    assertThat(issued).as("A issued during B's reconcile").hasSize(1);
    AstraToken token = issued.get(0);
    assertThat(report.missingTokens()).isEmpty();
    assertThat(astra.isLive(token.token())).as("A's new token is alive").isTrue();
    assertThat(a.store().get(token.lease().leaseId())).isPresent();
    assertThat(revokedEvents(token.lease().leaseId())).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anOrphanDeletedByTwoManagersAtOnceIsAuditedAsRevokedOnce(Backend backend) {
    on(backend);
    RealTokenManager a = manager(s -> s);
    HookedLeaseStore hooksB = new HookedLeaseStore();
    RealTokenManager b = manager(hooksB::wrap);
    AstraToken token = a.request().org(ORG).role(ROLE).logicalName("orders").issue();
    String leaseId = token.lease().leaseId();
    // The record is lost outside the library (an old backup restored): the token is an orphan of this deployment.
    assertThat(a.store().delete(a.store().get(leaseId).orElseThrow())).isTrue();
    clock.advance(Duration.ofMinutes(20));
    // B's reconcile found the orphan; A's orphan sweep deletes it before B does.
    hooksB.before("findByClientId", args -> args[0].equals(token.clientId()), () -> a.recover());

    ReconcileReport report = b.reconcile(ORG, true);

    assertThat(report.unknownTokens()).singleElement().satisfies(u -> assertThat(u.clientId())
        .isEqualTo(token.clientId()));
    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(revokedEvents(leaseId)).as("LeaseRevoked of the orphan").singleElement()
        .satisfies(e -> assertThat(e.alreadyGone()).isFalse());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRollingKeyRotationNeedsTheNewKeyReadableEverywhereBeforeItIsCurrentAnywhere(Backend backend) {
    EncryptionKey oldKey = EncryptionKey.generate();
    EncryptionKey newKey = EncryptionKey.generate();
    AtomicReference<KeyProvider> next = new AtomicReference<>(KeyProvider.of(oldKey));
    on(backend, next::get);
    RealTokenManager old = manager(s -> s);
    AstraToken before = old.request().org(ORG).role(ROLE).logicalName("before").issue();

    // Restarted first with the new key current (docs' step 1 done instance by instance): an instance still on the old
    // key alone cannot read what it writes. A clear typed error naming the key, never a secret.
    next.set(KeyProvider.of(newKey, oldKey));
    RealTokenManager rotated = manager(s -> s);
    AstraToken after = rotated.request().org(ORG).role(ROLE).logicalName("after").issue();
    assertThatThrownBy(() -> old.renew(after.lease().leaseId()))
        .isInstanceOfSatisfying(SecretDecryptionException.class, e -> {
          assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.UNKNOWN_KEY);
          assertThat(e.keyId()).isEqualTo(newKey.id());
          assertThat(e.getMessage()).contains(newKey.id()).doesNotContain(after.secret(), after.token());
        });
    // The org's root token was sealed again under the new key when that instance started: the old one cannot issue.
    assertThatThrownBy(() -> old.request().org(ORG).role(ROLE).logicalName("stuck").issue())
        .isInstanceOfSatisfying(SecretDecryptionException.class, e -> assertThat(e.keyId()).isEqualTo(newKey.id()));

    // Staged: the new key readable (not current) on every instance first. Such an instance reads both and writes
    // under the old key, which every instance still reads; then the new key becomes current.
    next.set(KeyProvider.of(oldKey, newKey));
    RealTokenManager staged = manager(s -> s);
    assertThat(staged.renew(after.lease().leaseId()).lease().leaseId()).isEqualTo(after.lease().leaseId());
    assertThat(staged.renew(before.lease().leaseId()).lease().leaseId()).isEqualTo(before.lease().leaseId());
    assertThat(staged.token(after.clientId()).orElseThrow().secret()).isEqualTo(after.secret());
  }
}
