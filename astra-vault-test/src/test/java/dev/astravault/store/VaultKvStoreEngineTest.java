package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.StoreException;
import dev.astravault.test.vault.Capability;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.MountLookup;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import dev.astravault.vault.VaultKvMountException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Vault KV store asks Vault its mount's engine and KV version at its first use (or {@code checkMount()}), as
 * {@code vault kv get} does, and refuses a KV version 1 mount or one that is not KV before reading or writing
 * anything. Its compare-and-set is KV v2's check-and-set, so it cannot be correct on v1. Before, it asked nothing:
 * on a KV v1 mount every read found nothing ("no leases") and the first write failed after storing its body.
 */
class VaultKvStoreEngineTest {
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  static final String PREFIX = "astra-vault/orders";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String LOOKUP = "/v1/sys/internal/ui/mounts/";

  @RegisterExtension final FakeVault vault = FakeVault.builder().kvMount("secret", 2).kvMount("kv", 1)
      .kvMount("team/kv", 2)
      .policy(Policy.builder("kv-store")
          .path("secret/data/" + PREFIX + "/*", Capability.CREATE, Capability.READ, Capability.UPDATE)
          .path("secret/metadata/" + PREFIX + "/*", Capability.READ, Capability.LIST, Capability.DELETE).build())
      .build();

  VaultKvLeaseStore open(String mount, String token) {
    return open(mount, PREFIX, token);
  }

  VaultKvLeaseStore open(String mount, String prefix, String token) {
    VaultConfig config = VaultConfig.of(URI.create(vault.address()), VaultAuth.token(token));
    return VaultKvLeaseStore.builder(config).mount(mount).pathPrefix(prefix).keyProvider(KEYS).build();
  }

  VaultKvLeaseStore open(String mount) {
    return open(mount, vault.rootToken());
  }

  static LeaseRecord lease(String leaseId) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("role-id-1")
        .logicalName("orders").style(IssueStyle.UNIQUE).state(LeaseState.PENDING).description("lease " + leaseId)
        .issuedAt(T0).ttl(Duration.ofMinutes(30)).expiresAt(T0.plus(Duration.ofMinutes(30)))
        .maxExpiresAt(T0.plus(Duration.ofHours(24))).build();
  }

  long lookups() {
    return vault.requests().stream().filter(r -> r.path().startsWith(LOOKUP)).count();
  }

  static VaultKvMountException mountError(Throwable t) {
    assertThat(t).isInstanceOf(StoreException.class).hasCauseInstanceOf(VaultKvMountException.class);
    return (VaultKvMountException) t.getCause();
  }

  @Test
  void aKvVersion1MountIsRefusedAtFirstUseEvenByAReadNamingTheVersionItNeeds() {
    VaultKvLeaseStore store = open("kv");

    Throwable read = catchThrowable(() -> store.list(""));
    assertThat(read).hasMessageContaining("mount 'kv' is a KV version 1 engine")
        .hasMessageContaining("needs KV version 2").hasMessageContaining("vault kv enable-versioning kv");
    VaultKvMountException typed = mountError(read);
    assertThat(typed.mount()).isEqualTo("kv");
    assertThat(typed.type()).isEqualTo("kv");
    assertThat(typed.kvVersion()).isEqualTo(1);
    assertThat(typed.requiredKvVersion()).isEqualTo(2);
    assertThat(mountError(catchThrowable(() -> store.get("lease-1"))).kvVersion()).isEqualTo(1);
    assertThat(mountError(catchThrowable(() -> store.insert(lease("lease-1")))).kvVersion()).isEqualTo(1);
    assertThat(vault.kvKeys("kv")).as("nothing written to a mount without check-and-set").isEmpty();
  }

  @Test
  void aMountThatIsNotKvIsRefusedNamingItsEngine() {
    String astra = vault.astraMount().replaceAll("/$", "");
    Throwable t = catchThrowable(() -> open(astra).findByTriple("org-1", "reader", "orders"));
    assertThat(t).hasMessageContaining("mount '" + astra + "'").hasMessageContaining("not KV")
        .hasMessageContaining("KV version 2 mount");
    VaultKvMountException typed = mountError(t);
    assertThat(typed.type()).isNotEqualTo("kv").isNotBlank();
    assertThat(typed.kvVersion()).isZero();
    assertThat(typed.requiredKvVersion()).isEqualTo(2);
  }

  /** checkMount() asks now (build() contacts nobody); a mount that passed is not asked about again. */
  @Test
  void checkMountAsksNowAndAPassedMountIsNotAskedAgain() {
    VaultKvLeaseStore v1 = open("kv");
    VaultKvLeaseStore v2 = open("secret");
    assertThat(lookups()).as("build() contacts nobody").isZero();
    assertThat(mountError(catchThrowable(v1::checkMount)).kvVersion()).isEqualTo(1);

    vault.clearRequests();
    v2.checkMount();
    v2.insert(lease("lease-1"));
    assertThat(v2.get("lease-1")).isPresent();
    assertThat(v2.list("")).hasSize(1);
    assertThat(lookups()).isEqualTo(1);
  }

  /** The store's own policy (docs/vault.md) lets Vault answer the lookup: no new policy line. */
  @Test
  void theStoresOwnPolicySufficesForTheLookup() {
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "kv-store"));
    VaultKvLeaseStore store = open("secret", token);
    store.insert(lease("lease-1"));
    assertThat(store.get("lease-1")).isPresent();
    // A refused lookup is asked again at the next call until one succeeds: one lookup means Vault answered it.
    assertThat(vault.requests()).filteredOn(r -> r.path().startsWith(LOOKUP)).extracting(r -> r.path())
        .containsExactly(LOOKUP + "secret/" + PREFIX);
  }

  /**
   * The mount set one level too shallow ({@code team} + {@code kv/...} where the mount is {@code team/kv}) or too deep
   * ({@code team/kv/astra-vault}): Vault's lookup answers with the mount that serves the path, which is not the one
   * configured, and the store refuses it naming both and the fix. Before, the lookup found a KV v2 mount and passed:
   * the store then read {@code team/data/kv/...}, which no mount serves ("no leases"), and its writes failed.
   */
  @Test
  void aMountSetOneLevelOffIsRefusedNamingBothPaths() {
    Throwable shallow = catchThrowable(() -> open("team", "kv/" + PREFIX, vault.rootToken()).list(""));
    assertThat(shallow).hasMessageContaining("mount 'team'").hasMessageContaining("'team/kv'")
        .hasMessageContaining("team/kv/" + PREFIX).hasMessageContaining("mount 'team/kv' with path prefix '" + PREFIX);
    VaultKvMountException typed = mountError(shallow);
    assertThat(typed.mount()).isEqualTo("team/kv");
    assertThat(typed.kvVersion()).isEqualTo(2);

    VaultKvLeaseStore deep = open("team/kv/astra-vault", "orders", vault.rootToken());
    Throwable tooDeep = catchThrowable(deep::checkMount);
    assertThat(tooDeep).hasMessageContaining("mount 'team/kv/astra-vault'").hasMessageContaining("'team/kv'")
        .hasMessageContaining("mount 'team/kv' with path prefix 'astra-vault/orders'");
    assertThat(mountError(tooDeep).mount()).isEqualTo("team/kv");
    assertThat(mountError(catchThrowable(() -> deep.insert(lease("lease-1")))).mount()).isEqualTo("team/kv");
    assertThat(vault.kvKeys("team/kv")).as("nothing written").isEmpty();

    open("team/kv", PREFIX, vault.rootToken()).checkMount();   // the fix passes
  }

  /**
   * A lookup refused to every token (a proxy passing only the store's paths): before any call succeeded the refusal
   * may be a bad token's, so it is asked again; once a call succeeded, one WARN and the store proceeds, asking no more.
   * On a KV version 1 mount the first write is still refused, naming the mount.
   */
  @Test
  void aDeniedLookupIsAskedAgainUntilACallSucceedsThenTheStoreProceeds() {
    vault.mountLookup(MountLookup.DENIED);
    String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), "kv-store"));
    VaultKvLeaseStore store = open("secret", token);
    store.insert(lease("lease-1"));
    assertThat(store.get("lease-1")).isPresent();
    assertThat(store.list("")).hasSize(1);
    assertThat(lookups()).as("asked at the first call and, refused again after it succeeded, once more").isEqualTo(2);

    Throwable v1 = catchThrowable(() -> open("kv").insert(lease("lease-2")));
    assertThat(v1).isInstanceOf(StoreException.class).hasMessageContaining("mount 'kv'")
        .hasMessageContaining("not a KV version 2 engine").hasMessageContaining("vault kv enable-versioning kv");
  }

  /**
   * A Vault without the lookup (older than 0.10): 404 for a token that may read the path, so the store proceeds after
   * one lookup; the ACL's 403 for any other token, handled as a refusal. A KV version 1 mount is refused at the first
   * write either way.
   */
  @Test
  void anAbsentLookupLeavesTheCheckToTheFirstWrite() {
    vault.mountLookup(MountLookup.ABSENT);
    VaultKvLeaseStore root = open("secret");
    root.insert(lease("lease-1"));
    assertThat(root.get("lease-1")).isPresent();
    assertThat(lookups()).isEqualTo(1);

    vault.clearRequests();
    VaultKvLeaseStore limited = open("secret", vault.createToken(TokenSpec.of(Duration.ofHours(1), "kv-store")));
    assertThat(limited.get("lease-1")).isPresent();
    assertThat(limited.list("")).hasSize(1);
    assertThat(limited.list("")).hasSize(1);
    assertThat(lookups()).isEqualTo(2);

    assertThat(catchThrowable(() -> open("kv").insert(lease("lease-2")))).isInstanceOf(StoreException.class)
        .hasMessageContaining("mount 'kv' is not a KV version 2 engine");
  }
}
