package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code store rotate-keys} on the SQL store and on a Vault KV lease store. Before, the CLI had no such command: an
 * operator had to call {@code rotateKeys()} from Java (JDBC) or write every role again by hand (Vault KV).
 */
class CliStoreRotateKeysTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private static final String KV_PREFIX = "apps/orders/astra-vault";

  private final MutableClock clock = MutableClock.at(T0);
  private final EncryptionKey oldKey = EncryptionKey.generate();
  private final EncryptionKey newKey = EncryptionKey.generate();

  @RegisterExtension final FakeAstra astra = FakeAstra.create().useClock(clock);
  @RegisterExtension final FakeVault vault = FakeVault.create();

  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();


  private CliRun cli(String... args) {
    return CliRun.of(env, clock, args);
  }

  private static CliRun ok(CliRun run) {
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    return run;
  }

  @Test
  void rotatesTheSqlStoreUntilNothingIsLeftUnderTheOldKey() {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", oldKey.toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    ok(cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
        astra.url().toString()));
    ok(cli("role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id", astra.roleId("API RO User"),
        "--ttl", "1h", "--max-ttl", "2h"));
    ok(cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders"));

    env.put("ASTRA_VAULT_KEY", newKey.toBase64() + "," + oldKey.toBase64());
    // The lease's secret, the root token and the role's tag.
    assertThat(ok(cli("store", "rotate-keys")).stdout()).contains("Resealed 3 value(s)");
    assertThat(ok(cli("store", "rotate-keys", "--format", "json")).stdout()).contains("\"resealed\": 0");

    env.put("ASTRA_VAULT_KEY", newKey.toBase64());
    String orgId = astra.defaultOrg().orgId();
    assertThat(ok(cli("config", "read", "--org-id", orgId)).stdout()).contains(orgId);
    assertThat(ok(cli("role", "read", "--org-id", "prod", "--role-name", "reader")).stdout()).contains("reader");
    assertThat(ok(cli("token", "read", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders",
        "--field", "token")).stdout()).startsWith("AstraCS:");
  }

  /**
   * {@code $ASTRA_VAULT_KEY} is read by the library's parser ({@code KeyProvider.fromBase64List}), as
   * {@code KeyProvider.fromEnv()} reads it in an application. Before, the CLI's own copy split on commas only (a list
   * one key per line was refused), and a bad key's error named neither the variable nor which key it was.
   */
  @Test
  void theKeyVariableIsReadAsTheLibraryReadsItAndABadKeyIsNamedNotQuoted() {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", oldKey.toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    ok(cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
        astra.url().toString()));

    env.put("ASTRA_VAULT_KEY", newKey.toBase64() + "\n" + oldKey.toBase64() + "\n");
    assertThat(ok(cli("store", "rotate-keys")).stdout()).contains("Resealed 1 value(s)");

    String almost = oldKey.toBase64().substring(3);
    env.put("ASTRA_VAULT_KEY", newKey.toBase64() + "," + almost);
    CliRun bad = cli("config", "list");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr()).isEqualTo("astra-vault: ASTRA_VAULT_KEY: key list: key 2 is not base64 (standard or "
        + "URL-safe) of 32 bytes" + System.lineSeparator()).doesNotContain(almost).doesNotContain(newKey.toBase64());

    env.put("ASTRA_VAULT_KEY", " , ");
    CliRun empty = cli("config", "list");
    assertThat(empty.exitCode()).isEqualTo(2);
    assertThat(empty.stderr()).contains("ASTRA_VAULT_KEY: key list holds no key");
  }

  private VaultKvLeaseStore kvStore(KeyProvider keys) {
    return VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken())))
        .mount("secret").pathPrefix(KV_PREFIX).keyProvider(keys).build();
  }

  private void vaultEnv() {
    env.put("VAULT_ADDR", vault.address());
    env.put("VAULT_TOKEN", vault.rootToken());
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("cache.db"));   // not used: Vault mode's cache
    env.put("ASTRA_VAULT_KEY", newKey.toBase64() + "," + oldKey.toBase64());
  }

  private static final OrgConfig ORG = OrgConfig.builder().orgId("org-1").logicalName("prod")
      .url(URI.create("https://astra.example.com"))
      .rootToken("AstraCS:abcdefghijklmnopqrstuvwx:" + "0123456789abcdef".repeat(4)).build();
  private static final Role ROLE = new Role("org-1", "reader", "role-id-1", Duration.ofHours(1), Duration.ofHours(2));
  private static final LeaseRecord PENDING = LeaseRecord.builder().leaseId("astra/org-1/reader/a").orgId("org-1")
      .roleName("reader").roleId("role-id-1").logicalName("a").style(IssueStyle.UNIQUE).state(LeaseState.PENDING)
      .description("lease a").issuedAt(T0).ttl(Duration.ofMinutes(30)).expiresAt(T0.plusSeconds(1800))
      .maxExpiresAt(T0.plusSeconds(86_400)).build();

  @Test
  void rotatesAVaultKvStoreNamedByItsPrefix() {
    try (VaultKvLeaseStore old = kvStore(KeyProvider.of(oldKey))) {
      old.putOrg(ORG);
      old.putRole(ROLE);
      old.insert(PENDING);
    }
    vaultEnv();
    assertThat(ok(cli("store", "rotate-keys", "--kv-mount", "secret", "--kv-prefix", KV_PREFIX)).stdout())
        .contains("Resealed 3 value(s)");
    assertThat(ok(cli("store", "rotate-keys", "--kv-prefix", KV_PREFIX)).stdout()).contains("Resealed 0 value(s)");
    try (VaultKvLeaseStore fresh = kvStore(KeyProvider.of(newKey))) {
      assertThat(fresh.org("org-1").map(OrgConfig::rootToken)).contains(ORG.rootToken());
      assertThat(fresh.role("org-1", "reader")).contains(ROLE);
      assertThat(fresh.get(PENDING.leaseId())).contains(PENDING);
    }
  }

  @Test
  void aRewrittenVaultKvEntryFailsTheCommandNamingItAndIsNotResealed() {
    try (VaultKvLeaseStore old = kvStore(KeyProvider.of(oldKey))) {
      old.putRole(ROLE);
    }
    String path = "secret/" + KV_PREFIX + "/roles/org-1/reader";
    Map<String, Object> data = new LinkedHashMap<>(vault.kv(path).orElseThrow());
    data.put("max_ttl", "PT2400H");
    vault.putKv(path, data);
    vaultEnv();
    CliRun run = cli("store", "rotate-keys", "--kv-prefix", KV_PREFIX);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).contains("role reader of org org-1").contains("failed authentication")
        .doesNotContain("PT2400H");
    assertThat(String.valueOf(vault.kv(path).orElseThrow().get("tag"))).startsWith("v1:" + oldKey.id() + ":");
  }

  @Test
  void vaultModeWithoutAKvStoreHasNoKeysToRotate() {
    vaultEnv();
    CliRun run = cli("store", "rotate-keys");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).contains("store rotate-keys").contains("--kv-prefix");
  }
}
