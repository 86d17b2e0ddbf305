package dev.astravault.store;

import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** A TokenManager on a given store against FakeAstra, with manual time and recorded audit events; restartable. */
final class StoreFixture implements AutoCloseable {
  static final String ORG = "acme";
  static final String ROLE = "reader";

  final FakeAstra astra;
  final MutableClock clock;
  final ManualScheduler scheduler;
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  final OrgConfig org;
  final Supplier<LeaseStore> stores;
  final Consumer<TokenManagerBuilder> customizer;
  TokenManager tokens;
  LeaseStore store;

  StoreFixture(FakeAstra astra, MutableClock clock, Supplier<LeaseStore> stores,
      Consumer<TokenManagerBuilder> customizer) {
    this.astra = astra;
    this.clock = clock;
    this.scheduler = new ManualScheduler(clock);
    this.stores = stores;
    this.customizer = customizer;
    astra.useClock(clock);
    FakeOrg fakeOrg = astra.defaultOrg();
    this.org = OrgConfig.builder().orgId(fakeOrg.orgId()).rootToken(fakeOrg.rootToken()).url(astra.url().uri())
        .logicalName(ORG).build();
    start(true);
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  /** Builds a manager on a fresh store instance; a restart does not re-add the org (the store has it). */
  void start(boolean addOrg) {
    store = stores.get();
    TokenManagerBuilder b = TokenManager.builder().clock(clock).scheduler(scheduler).leaseStore(store)
        .auditSink(events::add).callTimeout(Duration.ofSeconds(5));
    if (addOrg) {
      b.org(org);
    }
    customizer.accept(b);
    tokens = b.build();
  }

  /** Closes the manager and its store, and starts again on the same data. */
  void restart() {
    close();
    start(false);
  }

  RealTokenManager engine() {
    return (RealTokenManager) tokens;
  }

  <T extends AuditEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void close() {
    tokens.close();
    store.close();
  }
}
