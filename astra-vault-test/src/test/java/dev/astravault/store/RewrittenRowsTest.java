package dev.astravault.store;

import static dev.astravault.store.EncryptionAtRestTest.ROOT;
import static dev.astravault.store.EncryptionAtRestTest.SECRET;
import static dev.astravault.store.EncryptionAtRestTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.SecretDecryptionException;
import dev.astravault.StoreException;
import dev.astravault.internal.SecretCipher;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Someone who can write the database but holds no key: a lease or org row rewritten outside the library must not
 * send a root token elsewhere, make the engine revoke another token or another org's, or fail with an untyped error.
 * What they change is refused with a {@link StoreException} naming the row and the column, never quoting a secret.
 */
class RewrittenRowsTest {
  static final String LEASE = "astra/org-1/reader/a";
  static final EncryptionKey KEY = EncryptionKey.generate();

  @TempDir Path dir;

  JdbcLeaseStore store() {
    return JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KeyProvider.of(KEY));
  }

  void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("leases.db"));
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  @Test
  void anOrgUrlPointedAtAnotherServerDoesNotReleaseTheRootToken() throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.putOrg(EncryptionAtRestTest.org());
    }
    // Without the key one cannot read the root token, but the library would send it to this URL.
    sql("UPDATE av_org SET url = 'https://collector.example.net'");
    try (JdbcLeaseStore store = store()) {
      assertThatThrownBy(() -> store.org("org-1"))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining("org-1").hasMessageNotContaining(ROOT);
      // Listings leave it out (so other orgs stay listed) but still count it: docs/stores.md.
      assertThat(store.orgs()).isEmpty();
      assertThat(store.storedOrgIds()).containsExactly("org-1");
    }
  }

  @Test
  void aRootTokenSealedWithoutItsUrlDoesNotOpen() throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.putOrg(EncryptionAtRestTest.org());
    }
    // The form earlier snapshots wrote: opening it would let an old ciphertext travel with any URL.
    String unbound = new SecretCipher(KeyProvider.of(KEY)).seal(ROOT, "astra-vault/org/org-1");
    sql("UPDATE av_org SET root_token_ct = '" + unbound + "', url = 'https://collector.example.net'");
    try (JdbcLeaseStore store = store()) {
      assertThatThrownBy(() -> store.org("org-1"))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageNotContaining(ROOT);
    }
  }

  @Test
  void aRotationKeepsTheUrlBound() throws Exception {
    EncryptionKey next = EncryptionKey.generate();
    try (JdbcLeaseStore store = store()) {
      store.putOrg(EncryptionAtRestTest.org());
    }
    try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KeyProvider.of(next, KEY))) {
      assertThat(store.rotateKeys()).isEqualTo(1);
      assertThat(store.org("org-1").orElseThrow().rootToken()).isEqualTo(ROOT);
    }
    sql("UPDATE av_org SET url = 'https://collector.example.net'");
    try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KeyProvider.of(next))) {
      assertThatThrownBy(() -> store.org("org-1")).isInstanceOf(SecretDecryptionException.class);
    }
  }

  /** Each rewrite would make the engine revoke another token, or this token in the wrong org (where it is gone). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "client_id = 'ClientBBBBBBBBBBBBBBBBBB'|client_id",
      "org_id = 'org-2'|org_id",
      "role_name = 'writer'|role_name"})
  void aLeaseRowPointedAtAnotherTokenOrgOrRoleIsRefused(String assignment, String column) throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.insert(EncryptionAtRestTest.active(LEASE));
    }
    sql("UPDATE av_lease SET " + assignment);
    try (JdbcLeaseStore store = store()) {
      assertThatThrownBy(() -> store.get(LEASE)).isInstanceOf(StoreException.class)
          .hasMessageContaining(LEASE).hasMessageContaining(column)
          .hasMessageNotContaining(SECRET).hasMessageNotContaining(TOKEN);
      assertThatThrownBy(() -> store.list("astra/")).isInstanceOf(StoreException.class);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "style = 'SHARED_BY_ALL'|style",
      "state = 'GONE'|state",
      "metadata = '[1, 2]'|metadata",
      "metadata = '{\"team\": {\"a\": 1}}'|metadata",
      "version = 0|version",
      "logical_name = NULL|logicalName",
      "generated_on = NULL|generatedOn",
      "client_id = NULL|client"})
  void aGarbageValueIsAStoreExceptionNamingTheLeaseAndField(String assignment, String field) throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.insert(EncryptionAtRestTest.active(LEASE));
    }
    sql("UPDATE av_lease SET " + assignment);
    try (JdbcLeaseStore store = store()) {
      assertThatThrownBy(() -> store.get(LEASE)).isInstanceOf(StoreException.class)
          .hasMessageContaining(LEASE).hasMessageContaining(field)
          .hasMessageNotContaining(SECRET).hasMessageNotContaining(TOKEN);
    }
  }

  /** The finders of the sweeper and recovery pass a rewritten row by, so it cannot hold up the leases behind it. */
  @ParameterizedTest
  @ValueSource(strings = {"client_id = 'ClientBBBBBBBBBBBBBBBBBB'", "style = 'SHARED_BY_ALL'",
      "metadata = '[1, 2]'", "secret_ct = 'v1:nokey:AAAA'"})
  void theFindersLeaveOutARewrittenRowAndGetStillRefusesIt(String assignment) throws Exception {
    String other = "astra/org-1/reader/b";
    try (JdbcLeaseStore store = store()) {
      store.insert(EncryptionAtRestTest.active(LEASE));
      LeaseRecord b = EncryptionAtRestTest.active(other);
      store.insert(b.toBuilder().logicalName("other").clientId("ClientCCCCCCCCCCCCCCCCCC")
          .token("AstraCS:ClientCCCCCCCCCCCCCCCCCC:" + "cd".repeat(32)).expiresAt(b.expiresAt().plusSeconds(1))
          .build());
    }
    sql("UPDATE av_lease SET " + assignment + " WHERE lease_id = '" + LEASE + "'");
    try (JdbcLeaseStore store = store()) {
      assertThat(store.expiringBefore(Instant.parse("2100-01-01T00:00:00Z"), 1))
          .extracting(LeaseRecord::leaseId).containsExactly(other);
      assertThatThrownBy(() -> store.get(LEASE)).isInstanceOf(StoreException.class).hasMessageContaining(LEASE);
    }
  }

  @Test
  void aGarbageRoleIsAStoreExceptionNamingTheRole() throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.putRole(new dev.astravault.Role("org-1", "reader", "rid", java.time.Duration.ofHours(1),
          java.time.Duration.ofHours(2)));
    }
    sql("UPDATE av_role SET ttl_nanos = -5");
    try (JdbcLeaseStore store = store()) {
      assertThatThrownBy(() -> store.role("org-1", "reader")).isInstanceOf(StoreException.class)
          .hasMessageContaining("reader").hasMessageContaining("org-1");
      assertThatThrownBy(() -> store.roles("org-1")).isInstanceOf(StoreException.class);
    }
  }
}
