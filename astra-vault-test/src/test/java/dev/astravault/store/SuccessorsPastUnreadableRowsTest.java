package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.OrgConfig;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The successor slot's rare paths list the role's leases ({@code Successors.of}): an issuer whose primary insert
 * was refused by a lone successor, and a rotation whose successor slot an earlier rotation left taken. One lease of
 * the same role that this instance cannot read (here rewritten without the key) made both throw a
 * {@link StoreException}; they now pass it by, as the finders do. Safe because the store itself, not the list,
 * decides the triple: a promotion is a compare-and-set the store refuses while a primary holds the triple, readable
 * or not, and only a readable successor of the triple is ever promoted or revoked.
 */
class SuccessorsPastUnreadableRowsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension static final FakeVault vault = FakeVault.create();
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  private static final String ORG = "acme";
  private static final String ROLE = "reader";

  enum Backend { SQLITE, POSTGRES, VAULT_KV }

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final List<AutoCloseable> open = new ArrayList<>();
  private Backend backend;
  private String pgUrl;
  private Supplier<LeaseStore> stores;

  @AfterEach
  void tearDown() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private void on(Backend b) {
    backend = b;
    astra.useClock(clock);
    stores = switch (b) {
      case SQLITE -> () -> JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS);
      case POSTGRES -> {
        pgUrl = EmbeddedPg.newDatabase("successors");
        yield () -> JdbcLeaseStore.builder().jdbcUrl(pgUrl).credentials("postgres", "postgres").keyProvider(KEYS)
            .maxConnections(2).build();
      }
      case VAULT_KV -> () -> VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()),
          VaultAuth.token(vault.rootToken()))).mount("secret").pathPrefix(prefix()).keyProvider(KEYS).build();
    };
  }

  private String prefix() {
    return "apps/successors-" + dir.getFileName();
  }

  private RealTokenManager manager(ManualScheduler scheduler) {
    LeaseStore store = stores.get();
    open.add(store);
    FakeOrg fake = astra.defaultOrg();
    OrgConfig org = OrgConfig.builder().orgId(fake.orgId()).rootToken(fake.rootToken()).url(astra.url().uri())
        .logicalName(ORG).build();
    TokenManager tokens = TokenManager.builder().org(org).leaseStore(store).clock(clock).scheduler(scheduler)
        .managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run).sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO).callTimeout(Duration.ofSeconds(5)).build();
    open.add(tokens);
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    return (RealTokenManager) tokens;
  }

  private static TokenRequest orders() {
    return TokenRequest.forRole(ROLE).org(ORG).logicalName("orders").build();
  }

  /** Another lease of the same role, its row then rewritten by someone without the key. */
  private String unreadableLeaseOfTheRole(RealTokenManager m) throws Exception {
    AstraToken other = m.request().org(ORG).role(ROLE).logicalName("payments").issue();
    String leaseId = other.lease().leaseId();
    if (backend == Backend.VAULT_KV) {
      String tail = leaseId.substring(leaseId.lastIndexOf('/') + 1);
      String path = vault.kvKeys("secret").stream().filter(k -> k.startsWith(prefix() + "/leases/"))
          .filter(k -> k.endsWith(tail)).map(k -> "secret/" + k).findFirst().orElseThrow();
      Map<String, Object> data = new LinkedHashMap<>(vault.kv(path).orElseThrow());
      data.put("expires_at", "2250-01-01T00:00:00Z");
      vault.putKv(path, data);
    } else {
      try (Connection c = backend == Backend.SQLITE
          ? DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("leases.db"))
          : DriverManager.getConnection(pgUrl, "postgres", "postgres");
          Statement s = c.createStatement()) {
        assertThat(s.executeUpdate("UPDATE av_lease SET expires_at = expires_at + 1 WHERE lease_id = '" + leaseId
            + "'")).isEqualTo(1);
      }
    }
    return leaseId;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aLoneSuccessorIsPromotedByTheNextIssuerPastAnUnreadableLeaseOfItsRole(Backend b) throws Exception {
    on(b);
    ManualScheduler schedulerA = new ManualScheduler(clock);
    RealTokenManager a = manager(schedulerA);
    ManagedToken dying = a.manage(orders(), RenewalSettings.builder().jitter(0).build());
    String t1 = dying.snapshot().leaseId();
    dying.rotateNow();
    schedulerA.runDue();
    String t2 = dying.snapshot().leaseId();
    // A's process dies right after it deleted T1's record at the end of the overlap: T2 is never promoted by A.
    a.store().get(t1).ifPresent(r -> a.store().delete(r));
    String unreadable = unreadableLeaseOfTheRole(a);

    RealTokenManager next = manager(new ManualScheduler(clock));
    ManagedToken adopted = next.manage(orders(), RenewalSettings.builder().jitter(0).build());

    assertThat(adopted.snapshot().leaseId()).as("the successor, promoted").isEqualTo(t2);
    assertThat(next.store().get(t2).orElseThrow().successor()).isFalse();
    assertThat(unreadable).isNotEqualTo(t2);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRotationWhoseSlotAnEarlierOneLeftTakenRevokesThatSuccessorPastAnUnreadableLeaseOfItsRole(Backend b)
      throws Exception {
    on(b);
    ManualScheduler schedulerA = new ManualScheduler(clock);
    RealTokenManager a = manager(schedulerA);
    ManagedToken dying = a.manage(orders(), RenewalSettings.builder().jitter(0).build());
    String t1 = dying.snapshot().leaseId();
    dying.rotateNow();
    schedulerA.runDue();
    String t2 = dying.snapshot().leaseId();
    String t2Token = dying.current();
    assertThat(t2).isNotEqualTo(t1);
    // A's process dies in the overlap: T1 is still the primary and T2 sits in the successor slot.
    unreadableLeaseOfTheRole(a);

    ManualScheduler schedulerB = new ManualScheduler(clock);
    RealTokenManager bm = manager(schedulerB);
    ManagedToken handle = bm.manage(orders(), RenewalSettings.builder().jitter(0).build());
    assertThat(handle.snapshot().leaseId()).isEqualTo(t1);
    handle.rotateNow();
    schedulerB.runDue();
    schedulerB.advance(Duration.ofMinutes(5));

    String t3 = handle.snapshot().leaseId();
    assertThat(t3).as("rotated").isNotIn(t1, t2);
    assertThat(astra.isLive(t2Token)).as("the successor left over was revoked").isFalse();
    assertThat(bm.store().get(t3).orElseThrow().successor()).isFalse();
  }
}
