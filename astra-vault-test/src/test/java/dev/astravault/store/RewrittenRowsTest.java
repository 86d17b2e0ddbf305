package dev.astravault.store;

import static dev.astravault.store.EncryptionAtRestTest.ROOT;
import static dev.astravault.store.EncryptionAtRestTest.SECRET;
import static dev.astravault.store.EncryptionAtRestTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.SecretDecryptionException;
import dev.astravault.StoreException;
import dev.astravault.internal.crypto.SecretCipher;
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

  /** A store on {@code sqlite} (this test's file) or {@code postgres} (a new database per test). */
  JdbcLeaseStore store(String kind) {
    return store(kind, KeyProvider.of(KEY));
  }

  JdbcLeaseStore store(String kind, KeyProvider keys) {
    if (kind.equals("sqlite")) {
      return JdbcLeaseStore.sqlite(dir.resolve("leases.db"), keys);
    }
    if (pgUrl == null) {
      pgUrl = EmbeddedPg.newDatabase("rewritten");
    }
    return JdbcLeaseStore.builder().jdbcUrl(pgUrl).credentials("postgres", "postgres").keyProvider(keys).build();
  }

  void sql(String kind, String statement) throws Exception {
    if (kind.equals("sqlite")) {
      sql(statement);
      return;
    }
    try (Connection c = DriverManager.getConnection(pgUrl, "postgres", "postgres");
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  String pgUrl;

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

  /**
   * Each rewrite would make the engine revoke another token, or this token in the wrong org (where it is gone). The
   * columns are bound to the sealed secret, which fails authentication; the error cannot tell which column changed.
   */
  @ParameterizedTest
  @ValueSource(strings = {"client_id = 'ClientBBBBBBBBBBBBBBBBBB'", "org_id = 'org-2'", "role_name = 'writer'"})
  void aLeaseRowPointedAtAnotherTokenOrgOrRoleIsRefused(String assignment) throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.insert(EncryptionAtRestTest.active(LEASE));
    }
    sql("UPDATE av_lease SET " + assignment);
    try (JdbcLeaseStore store = store()) {
      assertThatThrownBy(() -> store.get(LEASE)).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining(LEASE)
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

  /**
   * Every column the engine acts on is bound to the sealed secret: pushing expires_at into the future (or
   * max_expires_at, the ttl, the state, ...) would otherwise make a short-lived token outlive its lease, silently. The
   * error names the lease, never the value written.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "sqlite|expires_at = 9000000000000000000", "sqlite|max_expires_at = 9000000000000000000",
      "sqlite|issued_at = issued_at + 1", "sqlite|ttl_nanos = 86400000000000", "sqlite|renewable = 0",
      "sqlite|state = 'REVOKE_FAILED'", "sqlite|logical_name = 'payments'", "sqlite|style = 'PER_REQUEST'",
      "sqlite|successor = 1", "sqlite|metadata = '{\"team\":\"payments\"}'", "sqlite|description = 'payments'",
      "sqlite|role_id = 'rid-admin'", "sqlite|generated_on = generated_on + 1", "sqlite|version = 7",
      "sqlite|last_renewed_at = 1", "sqlite|last_error = 'payments'", "sqlite|revoke_attempts = 3",
      "sqlite|state_changed_at = 1", "sqlite|client_id = 'ClientBBBBBBBBBBBBBBBBBB'", "sqlite|org_id = 'org-2'",
      "sqlite|role_name = 'writer'",
      "postgres|expires_at = 9000000000000000000", "postgres|max_expires_at = 9000000000000000000",
      "postgres|state = 'REVOKE_FAILED'", "postgres|renewable = 0", "postgres|ttl_nanos = 86400000000000",
      "postgres|role_id = 'rid-admin'", "postgres|metadata = '{\"team\":\"payments\"}'", "postgres|version = 7"})
  void rewritingABoundColumnOfALeaseMakesItsSecretFailAuthentication(String kind, String assignment)
      throws Exception {
    try (JdbcLeaseStore store = store(kind)) {
      store.insert(EncryptionAtRestTest.active(LEASE));
    }
    sql(kind, "UPDATE av_lease SET " + assignment);
    try (JdbcLeaseStore store = store(kind)) {
      assertThatThrownBy(() -> store.get(LEASE))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining(LEASE).hasMessageNotContaining("payments").hasMessageNotContaining("9000000000")
          .hasMessageNotContaining(SECRET).hasMessageNotContaining(TOKEN);
      assertThatThrownBy(() -> store.list("")).isInstanceOf(SecretDecryptionException.class);
      // The sweeper's finder passes it by (UnreadableRows) rather than act on rewritten times.
      assertThat(store.expiringBefore(Instant.parse("2260-01-01T00:00:00Z"), 10)).isEmpty();
    }
  }

  /** A PENDING row (the write-ahead record of a create): no token yet. */
  static LeaseRecord pendingRow(String leaseId) {
    return EncryptionAtRestTest.active(leaseId).toBuilder().state(dev.astravault.LeaseState.PENDING).clientId(null)
        .token(null).secret(null).generatedOn(null).build();
  }

  /** A record kept without its secret (what a metadata-only store keeps), in a store with a key. */
  static LeaseRecord withoutSecretRow(String leaseId) {
    return EncryptionAtRestTest.active(leaseId).withoutSecret();
  }

  static final java.util.List<String> ROW_REWRITES = java.util.List.of(
      "expires_at = 9000000000000000000", "max_expires_at = 9000000000000000000", "issued_at = 9000000000000000000",
      "ttl_nanos = 86400000000000", "renewable = 0", "logical_name = 'payments'",
      // A PENDING row's state alone cannot change (past PENDING a record needs a client id): these three together.
      "state = 'REVOKE_FAILED', client_id = 'ClientBBBBBBBBBBBBBBBBBB', generated_on = 1",
      "style = 'PER_REQUEST'", "successor = 1", "metadata = '{\"team\":\"payments\"}'", "description = 'payments'",
      "role_id = 'rid-admin'", "generated_on = 1", "version = 7", "last_renewed_at = 1", "last_error = 'payments'",
      "revoke_attempts = 3", "state_changed_at = 9000000000000000000", "client_id = 'ClientBBBBBBBBBBBBBBBBBB'",
      "org_id = 'org-2'", "role_name = 'writer'");

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> rowsWithoutASecret() {
    return java.util.stream.Stream.of("sqlite", "postgres").flatMap(kind -> java.util.stream.Stream.of(
        "pending", "without-secret").flatMap(shape -> ROW_REWRITES.stream().map(a ->
            org.junit.jupiter.params.provider.Arguments.of(kind, shape, a))));
  }

  /**
   * A row without a token is bound by its tag as tightly as a sealed one: pushing a PENDING row's issued_at or
   * state_changed_at ahead would hide a crashed create's token from recovery, and a rewritten org, role or
   * description would misdirect recovery's settle. Every column fails authentication, naming the lease, never the
   * value written.
   */
  @ParameterizedTest(name = "{0}, {1}: {2}")
  @org.junit.jupiter.params.provider.MethodSource("rowsWithoutASecret")
  void rewritingAColumnOfARowWithoutASecretMakesItsTagFailAuthentication(String kind, String shape,
      String assignment) throws Exception {
    LeaseRecord row = shape.equals("pending") ? pendingRow(LEASE) : withoutSecretRow(LEASE);
    try (JdbcLeaseStore store = store(kind)) {
      store.insert(row);
      assertThat(store.get(LEASE)).contains(row);
    }
    sql(kind, "UPDATE av_lease SET " + assignment);
    try (JdbcLeaseStore store = store(kind)) {
      assertThatThrownBy(() -> store.get(LEASE))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining(LEASE).hasMessageNotContaining("payments").hasMessageNotContaining("9000000000");
      assertThatThrownBy(() -> store.list("")).isInstanceOf(SecretDecryptionException.class);
      // Recovery's and the sweeper's finders pass it by rather than act on rewritten fields.
      Instant far = Instant.parse("2260-01-01T00:00:00Z");
      assertThat(store.pendingBefore(far, 10)).isEmpty();
      assertThat(store.expiringBefore(far, 10)).isEmpty();
      assertThat(store.changedBefore(dev.astravault.LeaseState.REVOKE_FAILED, far, 10)).isEmpty();
    }
  }

  /**
   * Removing the seal does not unbind a row: a row with no secret_ct (or an empty one) is refused, whether it had a
   * tag or a sealed secret (else stripping an ACTIVE row's secret would free its expiry to be rewritten).
   */
  @ParameterizedTest(name = "{0}, {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "sqlite|pending|secret_ct = NULL", "sqlite|pending|secret_ct = ''",
      "sqlite|pending|secret_ct = NULL, key_id = NULL, issued_at = 9000000000000000000",
      "sqlite|active|secret_ct = NULL, key_id = NULL, expires_at = 9000000000000000000",
      "sqlite|without-secret|secret_ct = NULL, key_id = NULL",
      "postgres|pending|secret_ct = NULL, key_id = NULL, issued_at = 9000000000000000000",
      "postgres|active|secret_ct = NULL, key_id = NULL, expires_at = 9000000000000000000"})
  void aRowWhoseSealWasRemovedIsRefused(String kind, String shape, String assignment) throws Exception {
    LeaseRecord row = switch (shape) {
      case "pending" -> pendingRow(LEASE);
      case "active" -> EncryptionAtRestTest.active(LEASE);
      default -> withoutSecretRow(LEASE);
    };
    try (JdbcLeaseStore store = store(kind)) {
      store.insert(row);
    }
    sql(kind, "UPDATE av_lease SET " + assignment);
    try (JdbcLeaseStore store = store(kind)) {
      assertThatThrownBy(() -> store.get(LEASE))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining(LEASE).hasMessageContaining("it has none")
          .hasMessageNotContaining(SECRET).hasMessageNotContaining(TOKEN);
      assertThat(store.pendingBefore(Instant.parse("2260-01-01T00:00:00Z"), 10)).isEmpty();
    }
  }

  /** A tag copied from another row (with its key id) is bound to that row's fields, not this one's. */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void aTagCopiedFromAnotherRowFails(String kind) throws Exception {
    String other = "astra/org-1/reader/b";
    try (JdbcLeaseStore store = store(kind)) {
      store.insert(pendingRow(LEASE));
      store.insert(pendingRow(other).toBuilder().logicalName("other").issuedAt(Instant.parse("2030-01-01T00:00:00Z"))
          .build());
    }
    sql(kind, "UPDATE av_lease SET secret_ct = (SELECT secret_ct FROM av_lease WHERE lease_id = '" + other
        + "'), issued_at = (SELECT issued_at FROM av_lease WHERE lease_id = '" + other + "') WHERE lease_id = '"
        + LEASE + "'");
    try (JdbcLeaseStore store = store(kind)) {
      assertThatThrownBy(() -> store.get(LEASE))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining(LEASE);
      assertThat(store.pendingBefore(Instant.parse("2260-01-01T00:00:00Z"), 10)).extracting(LeaseRecord::leaseId)
          .containsExactly(other);
    }
  }

  /**
   * Every write tags a row without a secret afresh (a recovery claim, a state change), and a key rotation re-tags it
   * under the new key, only after its old tag verified: a rewritten row is refused, not blessed with a fresh tag.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void everyWriteAndAKeyRotationReTagARowWithoutASecret(String kind) throws Exception {
    EncryptionKey next = EncryptionKey.generate();
    String rewritten = "astra/org-1/reader/rewritten";
    LeaseRecord claimed;
    try (JdbcLeaseStore store = store(kind)) {
      LeaseRecord v1 = pendingRow(LEASE);
      store.insert(v1);
      claimed = v1.next().stateChangedAt(v1.issuedAt().plusSeconds(300)).build();
      assertThat(store.compareAndSet(v1, claimed)).isTrue();
      assertThat(store.get(LEASE)).contains(claimed);
      store.insert(pendingRow(rewritten).toBuilder().logicalName("rewritten").build());
    }
    sql(kind, "UPDATE av_lease SET issued_at = 9000000000000000000 WHERE lease_id = '" + rewritten + "'");
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next, KEY))) {
      assertThatThrownBy(store::rotateKeys).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
          assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining(rewritten);
    }
    sql(kind, "DELETE FROM av_lease WHERE lease_id = '" + rewritten + "'");
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next, KEY))) {
      assertThat(store.rotateKeys()).isEqualTo(1);
      assertThat(store.rotateKeys()).isZero();
    }
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next))) {
      assertThat(store.get(LEASE)).contains(claimed);
    }
    sql(kind, "UPDATE av_lease SET state_changed_at = 9000000000000000000");
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next))) {
      assertThatThrownBy(() -> store.get(LEASE)).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
          assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED));
    }
  }

  /** Each write seals the record's fields afresh: a renewal, a state change and a key rotation read back intact. */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void everyWriteResealsWithTheNewFields(String kind) throws Exception {
    EncryptionKey next = EncryptionKey.generate();
    try (JdbcLeaseStore store = store(kind)) {
      LeaseRecord v1 = EncryptionAtRestTest.active(LEASE);
      store.insert(v1);
      LeaseRecord v2 = v1.next().expiresAt(v1.expiresAt().plusSeconds(600)).lastRenewedAt(v1.issuedAt())
          .metadata(java.util.Map.of("b", "2", "a", "1")).build();
      assertThat(store.compareAndSet(v1, v2)).isTrue();
      LeaseRecord v3 = v2.next().state(dev.astravault.LeaseState.REVOKE_FAILED).lastError("refused")
          .revokeAttempts(2).stateChangedAt(v1.issuedAt()).build();
      assertThat(store.compareAndSet(v2, v3)).isTrue();
      assertThat(store.get(LEASE).orElseThrow().version()).isEqualTo(3);
    }
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next, KEY))) {
      assertThat(store.rotateKeys()).isEqualTo(1);
      LeaseRecord r = store.get(LEASE).orElseThrow();
      assertThat(r.secret()).contains(SECRET);
      assertThat(r.metadata()).containsEntry("a", "1").containsEntry("b", "2");
      assertThat(r.revokeAttempts()).isEqualTo(2);
    }
    // The rotated row is bound as tightly as before.
    sql(kind, "UPDATE av_lease SET expires_at = 9000000000000000000");
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next))) {
      assertThatThrownBy(() -> store.get(LEASE)).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
          assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED));
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
      // Listings leave it out, as they do an unreadable org: docs/stores.md.
      assertThat(store.roles("org-1")).isEmpty();
    }
  }

  static final dev.astravault.Role ROLE = new dev.astravault.Role("org-1", "reader", "rid-reader",
      java.time.Duration.ofHours(1), java.time.Duration.ofHours(2));

  /**
   * A role holds no secret, but the engine issues with its role id and ttls: each field is bound to its tag, so a
   * longer max ttl, another Astra role, or a role moved to another org or name is refused, naming the role and
   * never the value written.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "sqlite|role_id = 'rid-admin'|org-1|reader", "sqlite|ttl_nanos = 7200000000000|org-1|reader",
      "sqlite|max_ttl_nanos = 8640000000000000|org-1|reader", "sqlite|org_id = 'org-2'|org-2|reader",
      "sqlite|name = 'writer'|org-1|writer",
      "postgres|role_id = 'rid-admin'|org-1|reader", "postgres|ttl_nanos = 7200000000000|org-1|reader",
      "postgres|max_ttl_nanos = 8640000000000000|org-1|reader", "postgres|name = 'writer'|org-1|writer"})
  void rewritingAFieldOfARoleMakesItsTagFailAuthentication(String kind, String assignment, String org, String name)
      throws Exception {
    try (JdbcLeaseStore store = store(kind)) {
      store.putRole(ROLE);
      store.putRole(new dev.astravault.Role(org, "other", "rid-other", java.time.Duration.ofHours(1),
          java.time.Duration.ofHours(1)));
    }
    sql(kind, "UPDATE av_role SET " + assignment + " WHERE name = 'reader'");
    try (JdbcLeaseStore store = store(kind)) {
      assertThatThrownBy(() -> store.role(org, name))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining("role " + name).hasMessageContaining("org " + org)
          .hasMessageNotContaining("rid-admin").hasMessageNotContaining("7200000000000")
          .hasMessageNotContaining("8640000000000000");
      // Left out of the listing (with a WARN); the org's other roles stay listed.
      assertThat(store.roles(org)).extracting(dev.astravault.Role::name).containsExactly("other");
    }
  }

  /**
   * A role without a tag (written before role tags, or with its tag removed) is refused, not trusted: TAMPERED, as a
   * lease row whose seal was removed, since stripping the tag is the same attack.
   */
  @ParameterizedTest
  @ValueSource(strings = {"tag = NULL", "tag = ''"})
  void aRoleWithoutItsTagIsRefused(String assignment) throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.putRole(ROLE);
    }
    sql("UPDATE av_role SET " + assignment + ", max_ttl_nanos = 8640000000000000");
    try (JdbcLeaseStore store = store()) {
      assertThatThrownBy(() -> store.role("org-1", "reader"))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining("role reader of org org-1").hasMessageContaining("it has none")
          .hasMessageNotContaining("8640000000000000");
      // Left out of the listing with one WARN, as a role whose tag fails.
      ListAppender<ILoggingEvent> logs = new ListAppender<>();
      logs.start();
      DurableStores.captureLogs(logs, true);
      try {
        assertThat(store.roles("org-1")).isEmpty();
      } finally {
        DurableStores.captureLogs(logs, false);
      }
      assertThat(logs.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
          .contains("left out role reader of org org-1").contains("(TAMPERED)"));
      // Written again by a key holder, it reads back.
      store.putRole(ROLE);
      assertThat(store.role("org-1", "reader")).contains(ROLE);
    }
  }

  /** Every role write tags the new fields afresh, and a key rotation re-tags roles under the new key. */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void everyRoleWriteResealsItsTag(String kind) throws Exception {
    EncryptionKey next = EncryptionKey.generate();
    dev.astravault.Role longer = new dev.astravault.Role("org-1", "reader", "rid-reader",
        java.time.Duration.ofHours(2), java.time.Duration.ofHours(3));
    dev.astravault.Role moved = new dev.astravault.Role("org-1", "reader", "rid-writer",
        java.time.Duration.ofHours(2), java.time.Duration.ofHours(3));
    dev.astravault.Role inserted = new dev.astravault.Role("org-1", "writer", "rid-writer",
        java.time.Duration.ofHours(1), java.time.Duration.ofHours(1));
    try (JdbcLeaseStore store = store(kind)) {
      store.putRole(ROLE);
      assertThat(store.compareAndSetRole(ROLE, longer)).isTrue();
      assertThat(store.role("org-1", "reader")).contains(longer);
      store.putRole(moved);
      assertThat(store.role("org-1", "reader")).contains(moved);
      assertThat(store.compareAndSetRole(null, inserted)).isTrue();
      assertThat(store.compareAndSetRole(ROLE, longer)).as("compares fields, not tags").isFalse();
      assertThat(store.roles("org-1")).containsExactly(moved, inserted);
    }
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next, KEY))) {
      assertThat(store.rotateKeys()).isEqualTo(2);
      assertThat(store.rotateKeys()).isZero();
    }
    // The old key gone: the re-tagged roles read, and are bound as tightly as before.
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next))) {
      assertThat(store.roles("org-1")).containsExactly(moved, inserted);
      assertThat(store.deleteRole(inserted)).isTrue();
    }
    sql(kind, "UPDATE av_role SET max_ttl_nanos = 8640000000000000");
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(next))) {
      assertThatThrownBy(() -> store.role("org-1", "reader")).isInstanceOfSatisfying(SecretDecryptionException.class,
          e -> assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED));
    }
  }

  /**
   * A role that no longer verifies is refused by every read, so deleting it by name must not need to read it: the
   * operator deletes it (then writes or syncs it again) without going into the database.
   */
  @ParameterizedTest
  @ValueSource(strings = {"role_id = 'rid-admin'", "tag = NULL"})
  void aRoleThatNoLongerVerifiesIsDeletedByName(String assignment) throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.putOrg(EncryptionAtRestTest.org());
      store.putRole(ROLE);
    }
    sql("UPDATE av_role SET " + assignment);
    dev.astravault.test.MutableClock clock = dev.astravault.test.MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    java.util.List<dev.astravault.event.AuditEvent> events = new java.util.ArrayList<>();
    try (JdbcLeaseStore store = store(); dev.astravault.TokenManager tokens = dev.astravault.TokenManager.builder()
        .leaseStore(store).clock(clock).scheduler(new dev.astravault.test.ManualScheduler(clock))
        .auditSink(events::add).sweepInterval(java.time.Duration.ZERO).recoveryInterval(java.time.Duration.ZERO)
        .build()) {
      assertThatThrownBy(() -> tokens.role("acme", "reader")).isInstanceOf(StoreException.class)
          .hasMessageContaining("role reader of org org-1").hasMessageNotContaining("rid-admin");
      tokens.deleteRole("acme", "reader");
      assertThat(tokens.role("acme", "reader")).isEmpty();
      assertThat(events).filteredOn(dev.astravault.event.RoleDeleted.class::isInstance).hasSize(1);
      assertThat(events.toString()).doesNotContain("rid-admin");
    }
  }

  /**
   * A lease row or role whose seal was stripped together with its key id is refused by a rotation, as the Vault KV
   * store's rotation refuses an entry without one, instead of being passed over as "nothing left under an old key".
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void aRotationRefusesARowOrRoleWhoseSealWasRemoved(String kind) throws Exception {
    try (JdbcLeaseStore store = store(kind)) {
      store.insert(pendingRow(LEASE));
      store.putRole(ROLE);
    }
    sql(kind, "UPDATE av_lease SET secret_ct = NULL, key_id = NULL");
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(EncryptionKey.generate(), KEY))) {
      assertThatThrownBy(store::rotateKeys).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
          assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED)).hasMessageContaining(LEASE);
    }
    sql(kind, "DELETE FROM av_lease");
    sql(kind, "UPDATE av_role SET tag = NULL, key_id = NULL");
    try (JdbcLeaseStore store = store(kind, KeyProvider.of(EncryptionKey.generate(), KEY))) {
      assertThatThrownBy(store::rotateKeys).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
          assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining("role reader of org org-1");
    }
  }

  /** A rotation does not bless a rewritten role with a fresh tag: it refuses it. */
  @Test
  void aRotationRefusesARewrittenRole() throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.putRole(ROLE);
    }
    sql("UPDATE av_role SET role_id = 'rid-admin'");
    try (JdbcLeaseStore store = store("sqlite", KeyProvider.of(EncryptionKey.generate(), KEY))) {
      assertThatThrownBy(store::rotateKeys).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
          assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining("role reader of org org-1").hasMessageNotContaining("rid-admin");
    }
  }

  /**
   * Callers pick an org by its logical name: one moved to this org (so that calls meant for another org use this
   * org's root token) fails authentication like a rewritten URL.
   */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void anOrgLogicalNameRewrittenIsRefused(String kind) throws Exception {
    try (JdbcLeaseStore store = store(kind)) {
      store.putOrg(EncryptionAtRestTest.org());
    }
    sql(kind, "UPDATE av_org SET logical_name = 'payments'");
    try (JdbcLeaseStore store = store(kind)) {
      assertThatThrownBy(() -> store.org("org-1"))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining("org-1").hasMessageNotContaining("payments").hasMessageNotContaining(ROOT);
      assertThatThrownBy(() -> store.orgByLogicalName("payments")).isInstanceOf(SecretDecryptionException.class);
      assertThat(store.orgs()).isEmpty();
      assertThat(store.storedOrgIds()).containsExactly("org-1");
    }
  }

  /** The form before logical names were bound: opening it would let an old ciphertext travel with any name. */
  @Test
  void aRootTokenBoundToItsUrlAloneDoesNotOpen() throws Exception {
    try (JdbcLeaseStore store = store()) {
      store.putOrg(EncryptionAtRestTest.org());
      String url = store.org("org-1").orElseThrow().url().toString();
      String urlOnly = new SecretCipher(KeyProvider.of(KEY)).seal(ROOT, "astra-vault/org/org-1\nurl=" + url);
      sql("UPDATE av_org SET root_token_ct = '" + urlOnly + "', logical_name = 'payments'");
    }
    try (JdbcLeaseStore store = store()) {
      assertThatThrownBy(() -> store.org("org-1"))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageNotContaining(ROOT);
    }
  }
}
