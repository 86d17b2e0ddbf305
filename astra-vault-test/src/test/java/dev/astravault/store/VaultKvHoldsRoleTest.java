package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.LeaseRecord;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code holdsRole} on the Vault KV store answers from the role's holder folder: its cost follows the role's own
 * holders, not every lease of the org (the engine asks on every scoped lease's end and in every recovery pass).
 */
class VaultKvHoldsRoleTest {
  @RegisterExtension final FakeVault vault = FakeVault.create();

  VaultKvLeaseStore open() {
    return VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken())))
        .mount("secret").pathPrefix("apps/orders/astra-vault").keyProvider(VaultKvEngineShapesTest.KEYS).build();
  }

  static LeaseRecord record(String name, String roleId) {
    return VaultKvEngineShapesTest.pending("astra/org-1/reader/" + name, name).toBuilder().roleId(roleId).build();
  }

  @Test
  void holdsRoleReadsTheRolesHoldersNotTheOrgsLeases() {
    VaultKvLeaseStore store = open();
    for (int i = 0; i < 30; i++) {
      store.insert(record("bulk-" + i, "role-bulk"));
    }
    LeaseRecord scoped = record("scoped", "role-scoped");
    store.insert(scoped);

    vault.clearRequests();
    assertThat(store.holdsRole("org-1", "role-scoped")).isTrue();
    assertThat(vault.requests()).hasSizeLessThanOrEqualTo(2);   // one LIST, one read of its holder
    vault.clearRequests();
    assertThat(store.holdsRole("org-1", "role-unused")).isFalse();
    assertThat(vault.requests()).hasSizeLessThanOrEqualTo(1);

    assertThat(store.delete(scoped)).isTrue();
    vault.clearRequests();
    assertThat(store.holdsRole("org-1", "role-scoped")).isFalse();
    assertThat(vault.requests()).hasSizeLessThanOrEqualTo(1);
    assertThat(store.holdsRole("org-1", "role-bulk")).isTrue();
  }

  @Test
  void aCompareAndSetThatChangesTheRoleIdMovesTheHold() {
    VaultKvLeaseStore store = open();
    LeaseRecord a = record("a", "role-1");
    store.insert(a);
    assertThat(store.compareAndSet(a, a.next().roleId("role-2").build())).isTrue();
    assertThat(store.holdsRole("org-1", "role-2")).isTrue();
    assertThat(store.holdsRole("org-1", "role-1")).isFalse();
    assertThat(store.holdsRole("org-2", "role-2")).isFalse();
  }

  @Test
  void aHolderEntryLeftBehindByACrashIsNoHolder() {
    VaultKvLeaseStore store = open();
    LeaseRecord a = record("a", "role-1");
    store.insert(a);
    // A manager that died between the record's hard delete and its holder entry's removal.
    String leaseKey = vault.kvKeys("secret").stream().filter(k -> k.contains("/leases/")).findFirst().orElseThrow();
    vault.putKv("secret/" + leaseKey, java.util.Map.of("deleted", "true"));
    assertThat(store.holdsRole("org-1", "role-1")).isFalse();
  }
}
