package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --key-vault-path}: the store key read from a Vault KV secret by {@code VaultKeyProvider}, as an application
 * whose keys live in Vault reads it. Before, the CLI took keys only from {@code --key-file} or
 * {@code $ASTRA_VAULT_KEY}, so such a store could be rotated only from Java.
 */
class CliKeyFromVaultTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String KV_PREFIX = "apps/orders/astra-vault";
  /** As Spring Boot's {@code astra.vault.store.key-vault-path}: a path in the KV mount ({@code secret}). */
  private static final String KEY_PATH = "astra-vault/store-key";

  private final MutableClock clock = MutableClock.at(T0);
  private final EncryptionKey oldKey = EncryptionKey.generate();
  private final EncryptionKey newKey = EncryptionKey.generate();

  @RegisterExtension final FakeVault vault = FakeVault.builder().kvMount("secret", 2).kvMount("team/kv", 2)
      .kvMount("kv", 1).build();

  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();

  private static final OrgConfig ORG = OrgConfig.builder().orgId("org-1").logicalName("prod")
      .url(URI.create("https://astra.example.com"))
      .rootToken("AstraCS:abcdefghijklmnopqrstuvwx:" + "0123456789abcdef".repeat(4)).build();
  private static final Role ROLE = new Role("org-1", "reader", "role-id-1", Duration.ofHours(1), Duration.ofHours(2));
  private static final LeaseRecord PENDING = LeaseRecord.builder().leaseId("astra/org-1/reader/a").orgId("org-1")
      .roleName("reader").roleId("role-id-1").logicalName("a").style(IssueStyle.UNIQUE).state(LeaseState.PENDING)
      .description("lease a").issuedAt(T0).ttl(Duration.ofMinutes(30)).expiresAt(T0.plusSeconds(1800))
      .maxExpiresAt(T0.plusSeconds(86_400)).build();

  private CliRun cli(String... args) {
    return CliRun.of(env, clock, args);
  }

  private static CliRun ok(CliRun run) {
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    return run;
  }

  /** Exit 2 with one line naming the problem, and none of this test's keys. */
  private CliRun usage(CliRun run) {
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isEqualTo(2);
    for (EncryptionKey k : new EncryptionKey[] {oldKey, newKey}) {
      assertThat(run.stderr()).doesNotContain(k.toBase64());
      assertThat(run.stdout()).doesNotContain(k.toBase64());
    }
    return run;
  }

  private void vaultCredentials() {
    env.put("VAULT_ADDR", vault.address());
    env.put("VAULT_TOKEN", vault.rootToken());
  }

  /** The rotation's first step, done in Vault: the new key current, the old one in {@code previous}. */
  private void keysInVault(EncryptionKey current, EncryptionKey... previous) {
    Map<String, Object> secret = new HashMap<>();
    secret.put("key", current.toBase64());
    if (previous.length > 0) {
      secret.put("previous", previous[0].toBase64());
    }
    vault.putKv("secret/" + KEY_PATH, secret);
  }

  private VaultKvLeaseStore kvStore(KeyProvider keys) {
    return VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken())))
        .mount("secret").pathPrefix(KV_PREFIX).keyProvider(keys).build();
  }

  @Test
  void rotatesAVaultKvStoreWhoseKeysLiveInVault() {
    try (VaultKvLeaseStore old = kvStore(KeyProvider.of(oldKey))) {
      old.putOrg(ORG);
      old.putRole(ROLE);
      old.insert(PENDING);
    }
    keysInVault(newKey, oldKey);
    vaultCredentials();
    assertThat(ok(cli("store", "rotate-keys", "--kv-prefix", KV_PREFIX, "--key-vault-path", KEY_PATH)).stdout())
        .contains("Resealed 3 value(s)");
    assertThat(ok(cli("store", "rotate-keys", "--kv-prefix", KV_PREFIX, "--key-vault-path", KEY_PATH)).stdout())
        .contains("Resealed 0 value(s)");
    try (VaultKvLeaseStore fresh = kvStore(KeyProvider.of(newKey))) {
      assertThat(fresh.org("org-1").map(OrgConfig::rootToken)).contains(ORG.rootToken());
      assertThat(fresh.role("org-1", "reader")).contains(ROLE);
      assertThat(fresh.get(PENDING.leaseId())).contains(PENDING);
    }
  }

  /**
   * A SQL store keyed from Vault: VAULT_ADDR says where the key is, {@code --direct} keeps the command on the store
   * (VAULT_ADDR alone turns Vault mode on). Any command that opens the store takes its key the same way.
   */
  @Test
  void rotatesASqlStoreWhoseKeysLiveInVaultAndOtherCommandsReadItWithTheNewKey() {
    Path db = dir.resolve("store.db");
    try (JdbcLeaseStore old = JdbcLeaseStore.sqlite(db, KeyProvider.of(oldKey))) {
      old.putOrg(ORG);
      old.putRole(ROLE);
    }
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + db);
    keysInVault(newKey, oldKey);
    vaultCredentials();
    assertThat(ok(cli("--direct", "store", "rotate-keys", "--key-vault-path", KEY_PATH)).stdout())
        .contains("Resealed 2 value(s)");   // the root token and the role's tag

    keysInVault(newKey);   // the old key dropped
    assertThat(ok(cli("--direct", "role", "read", "--org-id", "prod", "--role-name", "reader",
        "--key-vault-path", KEY_PATH)).stdout()).contains("role-id-1");
    assertThat(ok(cli("--direct", "config", "read", "--org-id", "org-1", "--key-vault-path", KEY_PATH)).stdout())
        .contains("org-1");
    try (JdbcLeaseStore fresh = JdbcLeaseStore.sqlite(db, KeyProvider.of(newKey))) {
      assertThat(fresh.org("org-1").map(OrgConfig::rootToken)).contains(ORG.rootToken());
    }
  }

  @Test
  void bothKeySourcesAreRefused() throws Exception {
    Path keyFile = Files.writeString(dir.resolve("keys"), oldKey.toBase64() + "\n");
    keysInVault(newKey);
    vaultCredentials();
    CliRun run = usage(cli("--direct", "store", "rotate-keys", "--key-file", keyFile.toString(),
        "--key-vault-path", KEY_PATH));
    assertThat(run.stderr()).contains("--key-file").contains("--key-vault-path");
  }

  @Test
  void anEmptyPathOrAMountAloneIsRefused() {
    vaultCredentials();
    assertThat(usage(cli("--direct", "store", "rotate-keys", "--key-vault-path", "/")).stderr())
        .contains("--key-vault-path").contains("path must be a path");
    assertThat(usage(cli("--direct", "store", "rotate-keys", "--key-vault-mount", "kv")).stderr())
        .contains("--key-vault-mount").contains("--key-vault-path");
  }

  @Test
  void aSecretInAnotherMountIsReadWithItsMount() {
    Path db = dir.resolve("store.db");
    try (JdbcLeaseStore old = JdbcLeaseStore.sqlite(db, KeyProvider.of(oldKey))) {
      old.putRole(ROLE);
    }
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + db);
    vault.putKv("team/kv/" + KEY_PATH, Map.of("key", newKey.toBase64(), "previous", oldKey.toBase64()));
    vaultCredentials();
    assertThat(ok(cli("--direct", "store", "rotate-keys", "--key-vault-mount", "team/kv", "--key-vault-path",
        KEY_PATH)).stdout()).contains("Resealed 1 value(s)");
    CliRun wrongMount = usage(cli("--direct", "store", "rotate-keys", "--key-vault-path", KEY_PATH));
    assertThat(wrongMount.stderr()).contains("secret/[value of --key-vault-path not shown]")
        .contains("--key-vault-mount");
  }

  @Test
  void aPathWithNoSecretOrNoKeyIsRefusedNamingIt() {
    vaultCredentials();
    assertThat(usage(cli("--direct", "store", "rotate-keys", "--key-vault-path", "astra-vault/nothing"))
        .stderr()).contains("secret/[value of --key-vault-path not shown]").contains("no encryption key")
        .doesNotContain("astra-vault/nothing");
    vault.putKv("secret/" + KEY_PATH, Map.of("previous", oldKey.toBase64()));
    assertThat(usage(cli("--direct", "store", "rotate-keys", "--key-vault-path", KEY_PATH)).stderr())
        .contains("secret/[value of --key-vault-path not shown]").contains("'key'");
  }

  /**
   * A Vault that cannot be read (here sealed) is an operational failure, exit 1, not a usage error: the CLI branches on
   * VaultKeyException's reason. Before, it guessed from whether the exception had a cause.
   */
  @Test
  void aVaultThatCannotBeReadIsAFailureNotAUsageError() {
    vaultCredentials();
    keysInVault(newKey, oldKey);
    vault.seal();
    CliRun run = cli("--direct", "store", "rotate-keys", "--key-vault-path", KEY_PATH);
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isEqualTo(1);
    assertThat(run.stderr()).contains("cannot read the encryption key from Vault at secret/" + KEY_PATH)
        .doesNotContain("--key-vault-mount").doesNotContain(newKey.toBase64()).doesNotContain(oldKey.toBase64());
  }

  @Test
  void aMalformedKeyIsRefusedWithoutQuotingIt() {
    vaultCredentials();
    String almost = newKey.toBase64().substring(1);
    vault.putKv("secret/" + KEY_PATH, Map.of("key", almost));
    CliRun run = usage(cli("--direct", "store", "rotate-keys", "--key-vault-path", KEY_PATH));
    assertThat(run.stderr()).contains("secret/[value of --key-vault-path not shown]").contains("base64")
        .doesNotContain(almost);
  }

  @Test
  void withoutAVaultAddressItSaysWhereToSetOne() {
    env.put("VAULT_TOKEN", vault.rootToken());
    assertThat(usage(cli("store", "rotate-keys", "--key-vault-path", KEY_PATH)).stderr())
        .contains("--key-vault-path").contains("VAULT_ADDR");
  }

  /**
   * A KV version 1 mount ({@code vault secrets enable -path=kv kv}): its version is asked of Vault, as
   * {@code vault kv get} does, or stated with {@code --key-vault-kv-version}. Before, the CLI read every mount as KV
   * version 2 and answered "no encryption key" for a key that was there.
   */
  @Test
  void aKeyOnAKvVersion1MountIsRead() {
    Path db = dir.resolve("store.db");
    try (JdbcLeaseStore old = JdbcLeaseStore.sqlite(db, KeyProvider.of(oldKey))) {
      old.putRole(ROLE);
    }
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + db);
    vault.putKv("kv/" + KEY_PATH, Map.of("key", newKey.toBase64(), "previous", oldKey.toBase64()));
    vaultCredentials();
    assertThat(ok(cli("--direct", "store", "rotate-keys", "--key-vault-mount", "kv", "--key-vault-path",
        KEY_PATH)).stdout()).contains("Resealed 1 value(s)");
    assertThat(ok(cli("--direct", "store", "rotate-keys", "--key-vault-mount", "kv", "--key-vault-kv-version", "1",
        "--key-vault-path", KEY_PATH)).stdout()).contains("Resealed 0 value(s)");
    // A stated version that is not the mount's says so (exit 2), instead of "no encryption key".
    assertThat(usage(cli("--direct", "store", "rotate-keys", "--key-vault-mount", "kv", "--key-vault-kv-version",
        "2", "--key-vault-path", KEY_PATH)).stderr()).contains("mount [value of --key-vault-mount not shown] is a KV "
        + "version 1");
    assertThat(usage(cli("--direct", "store", "rotate-keys", "--key-vault-mount", "kv", "--key-vault-kv-version",
        "3", "--key-vault-path", KEY_PATH)).stderr()).contains("--key-vault-kv-version").contains("1 or 2");
  }

  /** A mount that is not KV at all (here the Astra plugin's) is a usage error naming the mount. */
  @Test
  void aMountThatIsNotKvIsRefusedNamingIt() {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    vaultCredentials();
    String astra = vault.astraMount().replaceAll("/$", "");
    CliRun run = usage(cli("--direct", "store", "rotate-keys", "--key-vault-mount", astra, "--key-vault-path",
        KEY_PATH));
    assertThat(run.stderr()).contains("mount [value of --key-vault-mount not shown]").contains("not KV")
        .contains("KV version 1 or 2");
  }

  /**
   * A Vault KV lease store named on a KV version 1 mount: exit 2 naming the mount and the version it needs, nothing
   * written. Before, the store asked nothing and {@code rotate-keys} found no entries there: "Resealed 0 value(s)",
   * exit 0, as if the store were done.
   */
  @Test
  void aKvStoreOnAKvVersion1MountIsATypingErrorNamingTheVersionItNeeds() {
    vaultCredentials();
    keysInVault(newKey);
    CliRun run = usage(cli("store", "rotate-keys", "--kv-mount", "kv", "--kv-prefix", KV_PREFIX,
        "--key-vault-path", KEY_PATH));
    assertThat(run.stderr()).contains("mount [value of --kv-mount not shown] is a KV version 1 engine",
        "needs KV version 2");
    assertThat(run.stdout()).doesNotContain("Resealed");
    assertThat(vault.kvKeys("kv")).isEmpty();
  }
}
