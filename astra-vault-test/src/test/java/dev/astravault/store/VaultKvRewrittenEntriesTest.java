package dev.astravault.store;

import static dev.astravault.store.EncryptionAtRestTest.ROOT;
import static dev.astravault.store.EncryptionAtRestTest.SECRET;
import static dev.astravault.store.EncryptionAtRestTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.SecretDecryptionException;
import dev.astravault.StoreException;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RewrittenRowsTest} for the Vault KV store: someone who can write the KV path but holds no store key. */
class VaultKvRewrittenEntriesTest {
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  static final String PREFIX = "secret/apps/orders/astra-vault";

  @RegisterExtension static final FakeVault vault = FakeVault.create();

  static VaultKvLeaseStore open() {
    return VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken())))
        .mount("secret").pathPrefix("apps/orders/astra-vault").keyProvider(KEYS).build();
  }

  static void rewrite(String path, String field, String value) {
    Map<String, Object> data = new LinkedHashMap<>(vault.kv(path).orElseThrow());
    data.put(field, value);
    vault.putKv(path, data);
  }

  @Test
  void anOrgUrlPointedAtAnotherServerDoesNotReleaseTheRootToken() {
    VaultKvLeaseStore store = open();
    store.putOrg(EncryptionAtRestTest.org());
    rewrite(PREFIX + "/orgs/org-1", "url", "https://collector.example.net");
    assertThatThrownBy(() -> store.org("org-1")).isInstanceOf(SecretDecryptionException.class)
        .hasMessageContaining("org-1").hasMessageNotContaining(ROOT);
  }

  @Test
  void anOrgEntryCopiedUnderAnotherIdIsRefused() {
    VaultKvLeaseStore store = open();
    store.putOrg(EncryptionAtRestTest.org());
    vault.putKv(PREFIX + "/orgs/org-2", vault.kv(PREFIX + "/orgs/org-1").orElseThrow());
    assertThatThrownBy(() -> store.org("org-2")).isInstanceOf(StoreException.class)
        .hasMessageContaining("org-2").hasMessageContaining("org_id").hasMessageNotContaining(ROOT);
  }

  /** The finders of the sweeper and recovery pass a rewritten entry by, so it cannot hold up the leases behind it. */
  @Test
  void theFindersLeaveOutARewrittenEntryAndGetStillRefusesIt() {
    VaultKvLeaseStore store = open();
    String leaseId = "astra/org-1/reader/a";
    String other = "astra/org-1/reader/b";
    store.insert(EncryptionAtRestTest.active(leaseId));
    dev.astravault.LeaseRecord b = EncryptionAtRestTest.active(other);
    store.insert(b.toBuilder().logicalName("other").clientId("ClientCCCCCCCCCCCCCCCCCC")
        .token("AstraCS:ClientCCCCCCCCCCCCCCCCCC:" + "cd".repeat(32)).expiresAt(b.expiresAt().plusSeconds(1)).build());
    String path = vault.kvKeys("secret").stream().map(k -> "secret/" + k)
        .filter(k -> k.startsWith(PREFIX + "/leases/") && k.endsWith("~2Fa")).findFirst().orElseThrow();
    for (String[] rewrite : new String[][] {{"client_id", "ClientBBBBBBBBBBBBBBBBBB"}, {"expires_at", "soon"}}) {
      rewrite(path, rewrite[0], rewrite[1]);
      assertThat(store.expiringBefore(java.time.Instant.parse("2100-01-01T00:00:00Z"), 1))
          .extracting(dev.astravault.LeaseRecord::leaseId).containsExactly(other);
      assertThatThrownBy(() -> store.get(leaseId)).isInstanceOf(StoreException.class).hasMessageContaining(leaseId);
    }
  }

  /** Every field the engine acts on is bound to the sealed secret, as in {@link RewrittenRowsTest}. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0} = {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "expires_at|2250-01-01T00:00:00Z", "max_expires_at|2250-01-01T00:00:00Z", "issued_at|2026-01-01T00:00:01Z",
      "ttl|PT24H", "renewable|false", "state|REVOKE_FAILED", "logical_name|payments", "style|PER_REQUEST",
      "successor|true", "metadata|{\"team\":\"payments\"}", "description|payments", "role_id|rid-admin",
      "generated_on|2026-01-01T00:00:01Z", "version|7", "last_renewed_at|2026-01-01T00:00:01Z",
      "last_error|payments", "revoke_attempts|3", "state_changed_at|2026-01-01T00:00:01Z",
      "client_id|ClientBBBBBBBBBBBBBBBBBB", "org_id|org-2", "role_name|writer"})
  void rewritingABoundFieldOfALeaseMakesItsSecretFailAuthentication(String field, String value) {
    VaultKvLeaseStore store = open();
    String leaseId = "astra/org-1/reader/bound-" + field;
    String client = String.format("ClientV%017d", field.hashCode() & 0x7fffffff);
    store.insert(EncryptionAtRestTest.active(leaseId).toBuilder().logicalName("orders-" + field).clientId(client)
        .token("AstraCS:" + client + ":" + "cd".repeat(32)).build());
    String path = vault.kvKeys("secret").stream().map(k -> "secret/" + k)
        .filter(k -> k.startsWith(PREFIX + "/leases/") && k.endsWith("bound-" + field)).findFirst().orElseThrow();
    rewrite(path, field, value);
    assertThatThrownBy(() -> store.get(leaseId))
        .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
            assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
        .hasMessageContaining(leaseId).hasMessageNotContaining(SECRET).hasMessageNotContaining(TOKEN);
    if (value.length() > 5) {   // not a digit or two, which a key id may hold
      assertThatThrownBy(() -> store.get(leaseId)).hasMessageNotContaining(value);
    }
    assertThat(store.expiringBefore(java.time.Instant.parse("2260-01-01T00:00:00Z"), 100))
        .extracting(dev.astravault.LeaseRecord::leaseId).doesNotContain(leaseId);
  }

  static final String[][] ENTRY_REWRITES = {
      {"expires_at", "2250-01-01T00:00:00Z"}, {"max_expires_at", "2250-01-01T00:00:00Z"},
      {"issued_at", "2250-01-01T00:00:00Z"}, {"ttl", "PT24H"}, {"renewable", "false"}, {"state", "REVOKE_FAILED"},
      {"logical_name", "payments"}, {"style", "PER_REQUEST"}, {"successor", "true"},
      {"metadata", "{\"team\":\"payments\"}"}, {"description", "payments"}, {"role_id", "rid-admin"},
      {"generated_on", "2026-01-01T00:00:01Z"}, {"version", "7"}, {"last_renewed_at", "2026-01-01T00:00:01Z"},
      {"last_error", "payments"}, {"revoke_attempts", "3"}, {"state_changed_at", "2250-01-01T00:00:00Z"},
      {"client_id", "ClientBBBBBBBBBBBBBBBBBB"}, {"org_id", "org-2"}, {"role_name", "writer"}};

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> entriesWithoutASecret() {
    return java.util.stream.Stream.of("pending", "without-secret").flatMap(shape -> java.util.Arrays
        .stream(ENTRY_REWRITES).map(r -> org.junit.jupiter.params.provider.Arguments.of(shape, r[0], r[1])));
  }

  /** The KV path of the lease entry whose id ends in {@code suffix}. */
  static String leaseEntry(String suffix) {
    return vault.kvKeys("secret").stream().map(k -> "secret/" + k)
        .filter(k -> k.startsWith(PREFIX + "/leases/") && k.endsWith(suffix)).findFirst().orElseThrow();
  }

  /** A PENDING entry, or one kept without its secret, written by a store with a key; named apart per case. */
  static dev.astravault.LeaseRecord rowWithoutASecret(String shape, String leaseId, String name) {
    dev.astravault.LeaseRecord r = EncryptionAtRestTest.active(leaseId).toBuilder().logicalName(name).build();
    String client = String.format("ClientT%017d", name.hashCode() & 0x7fffffff);
    return shape.equals("pending") ? r.toBuilder().state(dev.astravault.LeaseState.PENDING).clientId(null)
        .token(null).secret(null).generatedOn(null).build() : r.withoutSecret().toBuilder().clientId(client).build();
  }

  /**
   * An entry without a token is bound by its tag as an entry with one is by its sealed secret, as in
   * {@link RewrittenRowsTest}: every field rewritten fails authentication, and the finders pass it by.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}: {1} = {2}")
  @org.junit.jupiter.params.provider.MethodSource("entriesWithoutASecret")
  void rewritingAFieldOfAnEntryWithoutASecretMakesItsTagFail(String shape, String field, String value) {
    VaultKvLeaseStore store = open();
    String leaseId = "astra/org-1/reader/tag-" + shape + "-" + field;
    dev.astravault.LeaseRecord row = rowWithoutASecret(shape, leaseId, shape + "-" + field);
    store.insert(row);
    assertThat(store.get(leaseId)).contains(row);
    String path = leaseEntry("tag-" + shape + "-" + field);
    if (field.equals("state")) {
      // A PENDING entry's state alone cannot change (past PENDING a record needs a client id): all three together.
      rewrite(path, "client_id", "ClientBBBBBBBBBBBBBBBBBB");
      rewrite(path, "generated_on", "2026-01-01T00:00:01Z");
    }
    rewrite(path, field, value);
    assertThatThrownBy(() -> store.get(leaseId))
        .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
            assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
        .hasMessageContaining(leaseId);
    if (value.length() > 5) {   // not a digit or two, which a key id may hold
      assertThatThrownBy(() -> store.get(leaseId)).hasMessageNotContaining(value);
    }
    java.time.Instant far = java.time.Instant.parse("2260-01-01T00:00:00Z");
    assertThat(store.pendingBefore(far, 1000)).extracting(dev.astravault.LeaseRecord::leaseId)
        .doesNotContain(leaseId);
    assertThat(store.expiringBefore(far, 1000)).extracting(dev.astravault.LeaseRecord::leaseId)
        .doesNotContain(leaseId);
  }

  /** A removed seal does not unbind an entry, whether it held a tag or a sealed secret; nor does a copied tag. */
  @Test
  void anEntryWhoseSealWasRemovedOrCopiedIsRefused() {
    VaultKvLeaseStore store = open();
    String pending = "astra/org-1/reader/seal-pending";
    String active = "astra/org-1/reader/seal-active";
    String donor = "astra/org-1/reader/seal-donor";
    String copied = "astra/org-1/reader/seal-copied";
    store.insert(rowWithoutASecret("pending", pending, "seal-pending"));
    store.insert(EncryptionAtRestTest.active(active).toBuilder().logicalName("seal-active")
        .clientId("ClientSEALAAAAAAAAAAAAAA").token("AstraCS:ClientSEALAAAAAAAAAAAAAA:" + "cd".repeat(32)).build());
    store.insert(rowWithoutASecret("pending", donor, "seal-donor").toBuilder()
        .issuedAt(java.time.Instant.parse("2030-01-01T00:00:00Z")).build());
    store.insert(rowWithoutASecret("pending", copied, "seal-copied"));
    for (String id : java.util.List.of(pending, active)) {
      Map<String, Object> data = new LinkedHashMap<>(vault.kv(leaseEntry(id.substring(id.lastIndexOf('/') + 1)))
          .orElseThrow());
      data.remove("secret_ct");
      data.put("expires_at", "2250-01-01T00:00:00Z");
      vault.putKv(leaseEntry(id.substring(id.lastIndexOf('/') + 1)), data);
    }
    Map<String, Object> donorData = vault.kv(leaseEntry("seal-donor")).orElseThrow();
    rewrite(leaseEntry("seal-copied"), "secret_ct", String.valueOf(donorData.get("secret_ct")));
    rewrite(leaseEntry("seal-copied"), "issued_at", String.valueOf(donorData.get("issued_at")));
    for (String id : java.util.List.of(pending, active, copied)) {
      assertThatThrownBy(() -> store.get(id))
          .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining(id).hasMessageNotContaining(SECRET).hasMessageNotContaining(TOKEN);
    }
    assertThat(store.pendingBefore(java.time.Instant.parse("2260-01-01T00:00:00Z"), 1000))
        .extracting(dev.astravault.LeaseRecord::leaseId).contains(donor).doesNotContain(pending, copied);
  }

  @Test
  void aLeasePointedAtAnotherTokenIsRefusedAndAGarbageRoleIsTyped() {
    VaultKvLeaseStore store = open();
    String leaseId = "astra/org-1/reader/a";
    store.insert(EncryptionAtRestTest.active(leaseId));
    String path = vault.kvKeys("secret").stream().map(k -> "secret/" + k)
        .filter(k -> k.startsWith(PREFIX + "/leases/")).findFirst().orElseThrow();
    rewrite(path, "client_id", "ClientBBBBBBBBBBBBBBBBBB");
    assertThatThrownBy(() -> store.get(leaseId)).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
            assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
        .hasMessageContaining(leaseId).hasMessageNotContaining(SECRET).hasMessageNotContaining(TOKEN);

    store.putRole(new dev.astravault.Role("org-1", "reader", "rid", java.time.Duration.ofHours(1),
        java.time.Duration.ofHours(2)));
    rewrite(PREFIX + "/roles/org-1/reader", "ttl", "an hour");
    assertThatThrownBy(() -> store.role("org-1", "reader")).isInstanceOf(StoreException.class)
        .hasMessageContaining("reader").hasMessageNotContaining("an hour");
    assertThat(store.org("org-1")).isEmpty();
  }

  static dev.astravault.Role role(String org, String name, String roleId, long ttlHours, long maxTtlHours) {
    return new dev.astravault.Role(org, name, roleId, java.time.Duration.ofHours(ttlHours),
        java.time.Duration.ofHours(maxTtlHours));
  }

  /** Each field of a role entry is bound to its tag, as in {@link RewrittenRowsTest}; never the value in the error. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0} = {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "role_id|rid-admin", "ttl|PT2H", "max_ttl|PT2400H", "tag|"})
  void rewritingAFieldOfARoleMakesItsTagFail(String field, String value) {
    VaultKvLeaseStore store = open();
    String org = "org-r-" + field;
    store.putRole(role(org, "reader", "rid-reader", 1, 2));
    store.putRole(role(org, "other", "rid-other", 1, 1));
    if (value == null) {
      Map<String, Object> data = new LinkedHashMap<>(vault.kv(PREFIX + "/roles/" + org + "/reader").orElseThrow());
      data.remove(field);
      vault.putKv(PREFIX + "/roles/" + org + "/reader", data);
    } else {
      rewrite(PREFIX + "/roles/" + org + "/reader", field, value);
    }
    // A removed tag (value null) is TAMPERED too, as a lease entry whose seal was removed.
    var thrown = assertThatThrownBy(() -> store.role(org, "reader"))
        .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
            assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
        .hasMessageContaining("role reader of org " + org);
    if (value != null) {
      thrown.hasMessageNotContaining(value);
    }
    // Left out of the listing (with a WARN); the org's other roles stay listed.
    assertThat(store.roles(org)).extracting(dev.astravault.Role::name).containsExactly("other");
  }

  /** The org and name are the entry's path: an entry copied to another org or name fails its tag. */
  @Test
  void aRoleEntryCopiedToAnotherOrgOrNameIsRefused() {
    VaultKvLeaseStore store = open();
    store.putRole(role("org-c", "reader", "rid-admin", 1, 2));
    Map<String, Object> data = vault.kv(PREFIX + "/roles/org-c/reader").orElseThrow();
    vault.putKv(PREFIX + "/roles/org-d/reader", data);
    vault.putKv(PREFIX + "/roles/org-c/writer", data);
    for (String[] at : new String[][] {{"org-d", "reader"}, {"org-c", "writer"}}) {
      assertThatThrownBy(() -> store.role(at[0], at[1])).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
              assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
          .hasMessageContaining("role " + at[1] + " of org " + at[0]).hasMessageNotContaining("rid-admin");
    }
    assertThat(store.roles("org-c")).extracting(dev.astravault.Role::name).containsExactly("reader");
  }

  /** putRole and compareAndSetRole tag the new fields afresh; the conditional writes compare fields, not tags. */
  @Test
  void everyRoleWriteResealsItsTag() {
    VaultKvLeaseStore store = open();
    dev.astravault.Role first = role("org-w", "reader", "rid-reader", 1, 2);
    dev.astravault.Role longer = role("org-w", "reader", "rid-reader", 2, 3);
    dev.astravault.Role moved = role("org-w", "reader", "rid-writer", 2, 3);
    store.putRole(first);
    assertThat(store.compareAndSetRole(first, longer)).isTrue();
    assertThat(store.role("org-w", "reader")).contains(longer);
    store.putRole(moved);
    assertThat(store.role("org-w", "reader")).contains(moved);
    assertThat(store.compareAndSetRole(null, role("org-w", "writer", "rid-writer", 1, 1))).isTrue();
    assertThat(store.roles("org-w")).extracting(dev.astravault.Role::name).containsExactly("reader", "writer");
    rewrite(PREFIX + "/roles/org-w/reader", "max_ttl", "PT2400H");
    assertThatThrownBy(() -> store.role("org-w", "reader")).isInstanceOfSatisfying(SecretDecryptionException.class,
        e -> assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED));
    // The conditional writes act on the fields as stored: this delete matches none, the rewritten ones are replaced.
    assertThat(store.deleteRole(moved)).isFalse();
    dev.astravault.Role rewritten = role("org-w", "reader", "rid-writer", 2, 2400);
    assertThat(store.compareAndSetRole(rewritten, moved)).isTrue();
    assertThat(store.role("org-w", "reader")).contains(moved);
  }

  /** Callers pick an org by its logical name: one rewritten fails authentication like a rewritten URL. */
  @Test
  void anOrgLogicalNameRewrittenIsRefused() {
    VaultKvLeaseStore store = open();
    store.putOrg(EncryptionAtRestTest.org());
    rewrite(PREFIX + "/orgs/org-1", "logical_name", "payments");
    assertThatThrownBy(() -> store.org("org-1")).isInstanceOfSatisfying(SecretDecryptionException.class, e ->
            assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
        .hasMessageContaining("org-1").hasMessageNotContaining("payments").hasMessageNotContaining(ROOT);
    assertThatThrownBy(() -> store.orgByLogicalName("payments")).isInstanceOf(SecretDecryptionException.class);
    assertThat(store.orgs()).isEmpty();
  }
}
