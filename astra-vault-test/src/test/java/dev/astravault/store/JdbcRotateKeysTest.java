package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.SecretDecryptionException;
import dev.astravault.test.vault.FakeVault;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JdbcLeaseStore#rotateKeys()} reads and opens every stale lease, org and role row before it writes any, so a
 * rotation refused for a rewritten row changes nothing. Before, it resealed the leases, then read the orgs, then the
 * roles: a rewritten org or role stopped it as TAMPERED with the leases (and orgs) already under the new key.
 */
class JdbcRotateKeysTest {
  @RegisterExtension static final FakeVault vault = FakeVault.create();
  static final EncryptionKey OLD = EncryptionKey.generate();
  static final EncryptionKey NEW = EncryptionKey.generate();

  @TempDir Path dir;

  /** Every row's key id and seal, as a writer outside the store sees them. */
  static List<List<String>> seals(DurableStores stores, String kind) throws Exception {
    return List.of(
        stores.column(kind, "SELECT lease_id || ' ' || key_id || ' ' || secret_ct FROM av_lease ORDER BY lease_id"),
        stores.column(kind, "SELECT org_id || ' ' || key_id || ' ' || root_token_ct FROM av_org ORDER BY org_id"),
        stores.column(kind, "SELECT name || ' ' || key_id || ' ' || tag FROM av_role ORDER BY name"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "sqlite   | UPDATE av_org SET url = 'https://collector.example.net' | org org-1"
          + " | UPDATE av_org SET url = 'https://astra.example.com'",
      "postgres | UPDATE av_org SET url = 'https://collector.example.net' | org org-1"
          + " | UPDATE av_org SET url = 'https://astra.example.com'",
      "sqlite   | UPDATE av_role SET role_id = 'rid-admin' | role reader of org org-1"
          + " | UPDATE av_role SET role_id = 'rid-reader'",
      "postgres | UPDATE av_role SET role_id = 'rid-admin' | role reader of org org-1"
          + " | UPDATE av_role SET role_id = 'rid-reader'"})
  void aRewrittenOrgOrRoleStopsTheRotationBeforeAnyRowIsResealed(String kind, String rewrite, String named,
      String undo) throws Exception {
    DurableStores stores = new DurableStores(dir, vault, "rotate");
    try (LeaseStore old = stores.open(kind, KeyProvider.of(OLD))) {
      old.insert(EncryptionAtRestTest.active(RewrittenRowsTest.LEASE));
      old.insert(RewrittenRowsTest.pendingRow("astra/org-1/reader/b").toBuilder().logicalName("b").build());
      old.putOrg(EncryptionAtRestTest.org());
      old.putRole(RewrittenRowsTest.ROLE);
    }
    stores.sql(kind, rewrite);
    List<List<String>> before = seals(stores, kind);
    assertThat(before.get(0)).hasSize(2).allSatisfy(row -> assertThat(row).contains(" " + OLD.id() + " "));

    try (LeaseStore rotating = stores.open(kind, KeyProvider.of(NEW, OLD))) {
      assertThatThrownBy(rotating::rotateKeys).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining(named).hasMessageNotContaining(EncryptionAtRestTest.ROOT)
          .hasMessageNotContaining(EncryptionAtRestTest.SECRET);
    }
    assertThat(seals(stores, kind)).as("a refused rotation changes no row").isEqualTo(before);

    // Once the operator undid the rewrite, the rotation goes through: two leases, the org, the role.
    stores.sql(kind, undo);
    try (LeaseStore rotating = stores.open(kind, KeyProvider.of(NEW, OLD))) {
      assertThat(rotating.rotateKeys()).isEqualTo(4);
      assertThat(rotating.rotateKeys()).isZero();
    }
  }

  /**
   * Reading every row first widens the window between a row's read and its write; a manager's write in that window
   * (here: after the last read, before the first write) still wins. The rotation leaves the row as written, under the
   * writer's key, for its next run.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void aWriteBetweenTheReadsAndTheWritesWins(String kind) throws Exception {
    DurableStores stores = new DurableStores(dir, vault, "rotate_race");
    LeaseRecord v1 = EncryptionAtRestTest.active(RewrittenRowsTest.LEASE);
    LeaseRecord v2 = v1.next().expiresAt(v1.expiresAt().plusSeconds(600)).lastRenewedAt(v1.issuedAt()).build();
    Role longer = new Role("org-1", "reader", "rid-reader", Duration.ofHours(2), Duration.ofHours(3));
    OrgConfig moved = EncryptionAtRestTest.org().toBuilder()
        .rootToken("AstraCS:RootTokenMOVEDxxxxxxxxxx:" + "cd".repeat(32)).build();
    try (LeaseStore old = stores.open(kind, KeyProvider.of(OLD))) {
      old.insert(v1);
      old.insert(RewrittenRowsTest.pendingRow("astra/org-1/reader/b").toBuilder().logicalName("b").build());
      old.putOrg(EncryptionAtRestTest.org());
      old.putRole(RewrittenRowsTest.ROLE);
    }
    // A manager still on the old key renews the lease and writes the org and the role while the rotation runs.
    Runnable manager = () -> {
      try (LeaseStore m = stores.open(kind, KeyProvider.of(OLD))) {
        assertThat(m.compareAndSet(v1, v2)).isTrue();
        m.putOrg(moved);
        m.putRole(longer);
      }
    };
    try (LeaseStore rotating = JdbcLeaseStore.builder().dataSource(beforeFirstReseal(stores.dataSource(kind), manager))
        .keyProvider(KeyProvider.of(NEW, OLD)).build()) {
      assertThat(rotating.rotateKeys()).as("only the PENDING row was left as read").isEqualTo(1);
      assertThat(rotating.get(v1.leaseId())).contains(v2);
      assertThat(rotating.get(v1.leaseId()).orElseThrow().secret()).isEqualTo(v1.secret());
      assertThat(rotating.org("org-1").map(OrgConfig::rootToken)).contains(moved.rootToken());
      assertThat(rotating.role("org-1", "reader")).contains(longer);
      assertThat(rotating.rotateKeys()).as("the manager's three rows, on the next run").isEqualTo(3);
    }
  }

  /** {@code ds}, running {@code hook} once, just before the first reseal statement is prepared. */
  static DataSource beforeFirstReseal(DataSource ds, Runnable hook) {
    AtomicBoolean fired = new AtomicBoolean();
    return proxy(DataSource.class, (p, m, a) -> {
      Object result = invoke(ds, m, a);
      return !(result instanceof Connection c) ? result : proxy(Connection.class, (cp, cm, ca) -> {
        if (cm.getName().equals("prepareStatement") && RESEAL.matcher(String.valueOf(ca[0])).matches()
            && fired.compareAndSet(false, true)) {
          hook.run();
        }
        return invoke(c, cm, ca);
      });
    });
  }

  static final Pattern RESEAL = Pattern.compile("UPDATE av_\\w+ SET (secret_ct|root_token_ct|tag) = \\?, key_id = .*");

  static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }

  static Object invoke(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
