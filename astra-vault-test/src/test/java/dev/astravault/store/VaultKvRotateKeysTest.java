package dev.astravault.store;

import static dev.astravault.store.StoreFixture.ORG;
import static dev.astravault.store.StoreFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.SecretDecryptionException;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link VaultKvLeaseStore#rotateKeys()}: before, the Vault KV store had none, and an operator had to write every role
 * again by hand before dropping an old key (lease and org entries were resealed only when next written). Now it
 * reseals every entry under an old key, refuses a rewritten one, and loses no concurrent write in either direction.
 */
class VaultKvRotateKeysTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension static final FakeVault vault = FakeVault.create();
  static final String PREFIX = "apps/rotate/astra-vault";
  static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  final EncryptionKey oldKey = EncryptionKey.generate();
  final EncryptionKey newKey = EncryptionKey.generate();
  final MutableClock clock = MutableClock.at(T0);
  KeyProvider keys = KeyProvider.of(oldKey);
  StoreFixture f;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  static VaultKvLeaseStore open(KeyProvider keys) {
    return VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken())))
        .mount("secret").pathPrefix(PREFIX).keyProvider(keys).build();
  }

  static String kvPath(String kindPrefix) {
    return vault.kvKeys("secret").stream().map(k -> "secret/" + k)
        .filter(k -> k.startsWith("secret/" + PREFIX + "/" + kindPrefix)).findFirst().orElseThrow();
  }

  static String field(String path, String field) {
    return String.valueOf(vault.kv(path).orElseThrow().get(field));
  }

  static LeaseRecord pending(String leaseId, String name) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("role-id-1")
        .logicalName(name).style(IssueStyle.UNIQUE).state(LeaseState.PENDING).description("lease " + leaseId)
        .issuedAt(T0).ttl(Duration.ofMinutes(30)).expiresAt(T0.plus(Duration.ofMinutes(30)))
        .maxExpiresAt(T0.plus(Duration.ofHours(24))).build();
  }

  static LeaseRecord active(LeaseRecord pending) {
    return pending.next().state(LeaseState.ACTIVE).clientId("ClientROTAAAAAAAAAAAAAAA")
        .token("AstraCS:ClientROTAAAAAAAAAAAAAAA:" + "ab".repeat(32)).secret("s3cr3t-rot").generatedOn(T0).build();
  }

  @Test
  void withAManagerRunningEveryEntryUnderTheOldKeyIsResealedAndTheOldKeyCanBeDropped() {
    f = new StoreFixture(astra, clock, () -> open(keys), b -> b.sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO));
    AstraToken issued = f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
    LeaseRecord waiting = pending("astra/acme/reader/waiting", "waiting").toBuilder()
        .orgId(f.org.orgId()).build();
    f.store.insert(waiting);
    assertThat(field(kvPath("roles/"), "tag")).startsWith("v1:" + oldKey.id() + ":");

    // The new key made current everywhere, the old one kept; the manager keeps running while the CLI rotates.
    keys = KeyProvider.of(newKey, oldKey);
    f.restart();
    try (VaultKvLeaseStore operator = open(keys)) {
      assertThat(operator.rotateKeys()).isEqualTo(4);   // the ACTIVE and the PENDING lease, the org, the role
      assertThat(operator.rotateKeys()).isZero();
    }
    assertThat(field(kvPath("roles/"), "tag")).startsWith("v1:" + newKey.id() + ":");
    assertThat(field(kvPath("orgs/"), "root_token_ct")).startsWith("v1:" + newKey.id() + ":");

    keys = KeyProvider.of(newKey);
    f.restart();
    LeaseRecord lease = f.store.findByClientId(issued.clientId()).orElseThrow();
    assertThat(lease.secret()).isEqualTo(Optional.of(issued.secret()));
    assertThat(f.store.get(waiting.leaseId())).contains(waiting);
    assertThat(f.store.org(f.org.orgId()).map(OrgConfig::rootToken)).contains(f.org.rootToken());
    assertThat(f.store.role(f.org.orgId(), ROLE)).isPresent();
    // The manager on the new key alone still issues (root token and role read) and reads its leases.
    assertThat(f.tokens.request().org(ORG).role(ROLE).logicalName("billing").issue().secret()).isNotEmpty();
  }

  @Test
  void aRewrittenEntryStopsTheRotationNamingItAndIsNotResealed() {
    VaultKvLeaseStore old = open(keys);
    Role role = new Role("org-1", "reader", "role-id-1", Duration.ofHours(1), Duration.ofHours(2));
    old.putRole(role);
    old.insert(pending("astra/org-1/reader/a", "a"));
    String rolePath = kvPath("roles/");
    Map<String, Object> data = new LinkedHashMap<>(vault.kv(rolePath).orElseThrow());
    data.put("role_id", "rid-admin");   // without the key: the tag no longer verifies
    vault.putKv(rolePath, data);

    VaultKvLeaseStore rotating = open(KeyProvider.of(newKey, oldKey));
    assertThatThrownBy(rotating::rotateKeys)
        .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
            assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
        .hasMessageContaining("role reader of org org-1").hasMessageNotContaining("rid-admin");
    // Not blessed with a fresh tag, and (every entry is checked before any is written) nothing else was rewritten.
    assertThat(field(rolePath, "tag")).startsWith("v1:" + oldKey.id() + ":");
    assertThat(field(rolePath, "role_id")).isEqualTo("rid-admin");
    assertThat(field(kvPath("leases/"), "secret_ct")).startsWith("v1:" + oldKey.id() + ":");

    // Once the operator deleted the rewritten role, the rotation goes through.
    assertThat(rotating.deleteRole("org-1", "reader")).isTrue();
    assertThat(rotating.rotateKeys()).isEqualTo(1);
  }

  /**
   * A plain key put by hand directly under {@code roles/} (where the store keeps only per-org folders) is skipped: it
   * is not read as the roles of an org named "" (whose folder would be {@code roles/} itself, stray key included).
   */
  @Test
  void aStrayKeyDirectlyUnderRolesIsNotTakenForAnOrg() {
    VaultKvLeaseStore old = open(keys);
    old.putRole(new Role("org-1", "reader", "role-id-1", Duration.ofHours(1), Duration.ofHours(2)));
    String rolePath = kvPath("roles/");
    String stray = "secret/" + PREFIX + "/roles/notes";
    vault.putKv(stray, Map.of("written", "by hand"));

    VaultKvLeaseStore rotating = open(KeyProvider.of(newKey, oldKey));
    assertThat(rotating.rotateKeys()).isEqualTo(1);   // the role, and nothing for the stray key
    assertThat(field(rolePath, "tag")).startsWith("v1:" + newKey.id() + ":");
    assertThat(vault.kv(stray).orElseThrow()).isEqualTo(Map.of("written", "by hand"));
    assertThat(rotating.rotateKeys()).isZero();
  }

  @Test
  void aRewrittenLeaseStopsTheRotationNamingIt() {
    open(keys).insert(pending("astra/org-1/reader/a", "a"));
    String path = kvPath("leases/");
    Map<String, Object> data = new LinkedHashMap<>(vault.kv(path).orElseThrow());
    data.put("issued_at", "2250-01-01T00:00:00Z");
    vault.putKv(path, data);
    assertThatThrownBy(open(KeyProvider.of(newKey, oldKey))::rotateKeys)
        .isInstanceOfSatisfying(SecretDecryptionException.class, e ->
            assertThat(e.reason()).isEqualTo(SecretDecryptionException.Reason.TAMPERED))
        .hasMessageContaining("astra/org-1/reader/a");
    assertThat(field(path, "secret_ct")).startsWith("v1:" + oldKey.id() + ":");
  }

  /** A manager's write lands between the rotation's read of a lease and its check-and-set: the manager's wins. */
  @Test
  void aWriteBetweenTheRotationsReadAndItsWriteIsNotLost() {
    LeaseRecord p = pending("astra/org-1/reader/a", "a");
    VaultKvLeaseStore old = open(keys);
    old.insert(p);
    LeaseRecord a = active(p);
    assertThat(old.compareAndSet(p, a)).isTrue();
    VaultKvLeaseStore manager = open(KeyProvider.of(newKey, oldKey));
    LeaseRecord renewed = a.next().expiresAt(a.expiresAt().plusSeconds(60)).lastRenewedAt(T0).build();
    HookedKeys hooked = new HookedKeys(KeyProvider.of(newKey, oldKey));
    VaultKvLeaseStore rotating = open(hooked);
    hooked.onOldKey = () -> assertThat(manager.compareAndSet(a, renewed)).isTrue();

    assertThat(rotating.rotateKeys()).isZero();   // lost its check-and-set: nothing resealed by it

    assertThat(hooked.fired).isTrue();
    assertThat(open(KeyProvider.of(newKey)).get(a.leaseId())).contains(renewed);
    assertThat(rotating.rotateKeys()).isZero();   // the manager sealed it under the new key
  }

  /**
   * The rotation's reseal lands between a manager's read of a lease and its check-and-set: the reseal leaves the
   * record's version as it was, so the manager's compare-and-set still succeeds (it used to return false, which the
   * engine takes for another manager's change).
   */
  @Test
  void aResealBetweenAManagersReadAndItsWriteDoesNotFailItsCompareAndSet() {
    LeaseRecord p = pending("astra/org-1/reader/a", "a");
    VaultKvLeaseStore old = open(keys);
    old.insert(p);
    LeaseRecord a = active(p);
    assertThat(old.compareAndSet(p, a)).isTrue();
    Role role = new Role("org-1", "reader", "role-id-1", Duration.ofHours(1), Duration.ofHours(2));
    old.putRole(role);
    HookedKeys hooked = new HookedKeys(KeyProvider.of(newKey, oldKey));
    VaultKvLeaseStore manager = open(hooked);
    VaultKvLeaseStore operator = open(KeyProvider.of(newKey, oldKey));

    hooked.onCurrentKey = () -> assertThat(operator.rotateKeys()).isEqualTo(2);
    LeaseRecord renewed = a.next().expiresAt(a.expiresAt().plusSeconds(60)).lastRenewedAt(T0).build();
    assertThat(manager.compareAndSet(a, renewed)).isTrue();
    assertThat(hooked.fired).isTrue();
    assertThat(manager.get(a.leaseId())).contains(renewed);

    old.putRole(role);   // under the old key again
    hooked.fired = false;
    hooked.onCurrentKey = () -> assertThat(operator.rotateKeys()).isEqualTo(1);
    Role longer = new Role("org-1", "reader", "role-id-1", Duration.ofHours(2), Duration.ofHours(2));
    assertThat(manager.compareAndSetRole(role, longer)).isTrue();
    assertThat(hooked.fired).isTrue();
    assertThat(manager.role("org-1", "reader")).contains(longer);

    // A delete: its tombstone's check-and-set after a reseal still goes through.
    LeaseRecord current = manager.get(a.leaseId()).orElseThrow();
    LeaseRecord underOldKey = current.next().lastError("renewal failed").build();
    // Written by an instance that still has the old key current (and holds the new one).
    assertThat(open(KeyProvider.of(oldKey, newKey)).compareAndSet(current, underOldKey)).isTrue();
    hooked.fired = false;
    hooked.onCurrentKey = null;
    hooked.onOldKey = () -> assertThat(operator.rotateKeys()).isEqualTo(1);
    assertThat(manager.delete(underOldKey)).isTrue();
    assertThat(hooked.fired).isTrue();
    assertThat(manager.get(a.leaseId())).isEmpty();
  }

  /** Runs a hook once, from inside the store: at the first open under the old key, or the first seal. */
  static final class HookedKeys implements KeyProvider {
    private final KeyProvider keys;
    @Nullable Runnable onOldKey;
    @Nullable Runnable onCurrentKey;
    boolean fired;

    HookedKeys(KeyProvider keys) {
      this.keys = keys;
    }

    @Override
    public EncryptionKey currentKey() {
      fire(onCurrentKey);
      return keys.currentKey();
    }

    @Override
    public Optional<EncryptionKey> key(String id) {
      if (!id.equals(keys.currentKey().id())) {
        fire(onOldKey);
      }
      return keys.key(id);
    }

    private void fire(@Nullable Runnable hook) {
      if (hook != null && !fired) {
        fired = true;
        hook.run();
      }
    }
  }
}
