package dev.astravault.scope;

import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.Scope;
import dev.astravault.TokenManager;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.CustomRoles;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the scoped-token end-to-end tests share: FakeAstra (one per test), a hand-driven clock and scheduler, managers
 * as "processes" over one store's data ({@link #start}, {@link #crashAndRestart}), an org with a reader role, and
 * helpers for scoped issues. Subclasses say which store holds the data ({@link #openStore}).
 */
abstract class ScopedFixture {
  // Per test (an instance field): the fake is started before and closed after each test, so the subclasses, which
  // may run in one JVM, never share one.
  @RegisterExtension final FakeAstra astra = FakeAstra.create();
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  static final String DB = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
  static final String DEPLOYMENT = "orders-svc";
  static final Duration GRACE = Duration.ofMinutes(5);

  final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T00:00:00Z"));
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  final List<TokenManager> managers = new ArrayList<>();
  final List<LeaseStore> stores = new ArrayList<>();
  ManualScheduler scheduler;
  // What start() puts around each new store instance, and its recovery interval (tests may change both).
  UnaryOperator<LeaseStore> wrapStore = UnaryOperator.identity();
  Duration recoveryInterval = Duration.ofMinutes(1);
  TokenManager tokens;
  LeaseStore store;
  FakeOrg org;

  /** {@return a new store instance over this test's data (the same data on every call), its schema migrated} */
  abstract LeaseStore openStore();

  @BeforeEach
  void setUp() {
    astra.useClock(clock);
    org = astra.defaultOrg();
    start(true);
    tokens.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  /** A "process": its own scheduler, a fresh store instance on the same data. */
  void start(boolean addOrg) {
    scheduler = new ManualScheduler(clock);
    store = wrapStore.apply(openStore());
    var b = TokenManager.builder().clock(clock).scheduler(scheduler).leaseStore(store).auditSink(events::add)
        .callTimeout(Duration.ofSeconds(5)).sweepInterval(Duration.ZERO).recoveryInterval(recoveryInterval)
        .pendingSettleAfter(Duration.ofMinutes(2)).deploymentId(DEPLOYMENT).customRoleGracePeriod(GRACE)
        .managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run);
    if (addOrg) {
      b.org(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
          .logicalName("acme").build());
    }
    tokens = b.build();
    managers.add(tokens);
    stores.add(store);
  }

  /** Drops the current manager without closing it (a crash) and starts another on the same store data. */
  void crashAndRestart() {
    start(false);
  }

  @AfterEach
  void tearDown() {
    managers.forEach(TokenManager::close);
    stores.forEach(LeaseStore::close);
  }

  static Scope.Builder orders(Scope.Access access) {
    return Scope.database(DB).keyspace("orders").actions(access);
  }

  AstraToken issue(String name, Scope.Builder scope) {
    return tokens.request().org("acme").role("reader").logicalName(name).scope(scope).issue();
  }

  List<String> customRoles() {
    return astra.roleNames(org).stream().filter(n -> n.startsWith(CustomRoles.PREFIX)).toList();
  }

  void advance(Duration d) {
    scheduler.advance(d);
  }
}
