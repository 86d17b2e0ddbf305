package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands whose outcome depends on time, run in this JVM through {@link Main#run} on a {@link MutableClock}
 * (the jar's own end-to-end tests cannot move a child process's clock). Same store, same code path as the jar.
 */
class CliInProcessTest {
  private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

  @RegisterExtension
  final FakeAstra astra = FakeAstra.create().useClock(clock);

  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();


  private CliRun cli(String... args) {
    return CliRun.of(env, clock, args);
  }

  private void setUp() {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    ok(cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
        astra.url().toString()));
    ok(cli("role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id", astra.roleId("API RO User"),
        "--ttl", "1h", "--max-ttl", "2h"));
  }

  private static CliRun ok(CliRun run) {
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    return run;
  }

  @Test
  void aStoreUrlThatIsNotJdbcIsRefusedWithoutQuotingItsPassword() {
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    for (String url : List.of("postgresql://astra:hunter2@db:5432/vault",
        "postgres://db/vault?user=astra&passwd=hunter2")) {
      CliRun run = cli("token", "list", "--store", url);
      assertThat(run.exitCode()).as(url).isEqualTo(2);
      assertThat(run.stderr()).as(url).contains("--store (or ASTRA_VAULT_STORE) must be a JDBC URL")
          .doesNotContain("hunter2");
    }
  }

  @Test
  void aUrlThatDoesNotParseIsRefusedWithoutQuotingItsPassword() {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    CliRun devOps = cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
        "https://admin:hunter2^@api.example");
    env.put("VAULT_ADDR", "https://root:hunter2^@vault:8200");
    env.put("VAULT_TOKEN", "root");
    CliRun vault = cli("token", "list");
    for (CliRun run : List.of(devOps, vault)) {
      assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
      assertThat(run.stderr()).contains("not a URL").doesNotContain("hunter2");
    }
  }

  /** A config rewritten outside the library (here its URL, credentials and all) no longer loads, yet is deleted. */
  @Test
  void configDeleteRemovesAnOrgWhoseStoredRowNoLongerLoads() throws Exception {
    setUp();
    String orgId = astra.defaultOrg().orgId();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        java.sql.Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE av_org SET url = 'https://ops:hunter2@collector.example.net'");
    }
    CliRun read = cli("config", "read", "--org-id", orgId);
    assertThat(read.exitCode()).isNotZero();
    assertThat(read.stderr()).contains(orgId).doesNotContain("hunter2");

    CliRun delete = ok(cli("config", "delete", "--org-id", orgId));
    assertThat(delete.stdout()).contains("Deleted config for org " + orgId);
    assertThat(ok(cli("config", "list")).stdout()).contains("No configs found.");
    CliRun again = cli("config", "delete", "--org-id", orgId);
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.stderr()).contains("unknown org: " + orgId);
  }

  /**
   * A role rewritten without the key (here a longer max TTL) is refused by every read, `role list` leaves it out, and
   * `role delete` removes it by name without reading it, so that it can be written again.
   */
  @Test
  void roleDeleteRemovesARoleWhoseTagNoLongerVerifies() throws Exception {
    setUp();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        java.sql.Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE av_role SET max_ttl_nanos = 8640000000000000");
    }
    CliRun read = cli("role", "read", "--org-id", "prod", "--role-name", "reader");
    assertThat(read.exitCode()).isNotZero();
    assertThat(read.stderr()).contains("role reader of org").doesNotContain("8640000000000000");
    assertThat(ok(cli("role", "list")).stdout()).doesNotContain("reader");

    assertThat(ok(cli("role", "delete", "--org-id", "prod", "--role-name", "reader")).stdout())
        .contains("Deleted role reader");
    ok(cli("role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id", astra.roleId("API RO User"),
        "--ttl", "1h", "--max-ttl", "2h"));
    assertThat(ok(cli("role", "read", "--org-id", "prod", "--role-name", "reader")).stdout()).contains("reader");
  }

  /**
   * One org config that cannot be read does not hide the others: `config list` shows it by id, marked unreadable,
   * and a command over every org does the readable ones, names the unreadable one and exits non-zero.
   */
  @Test
  void anUnreadableOrgConfigIsListedByIdAndDoesNotStopTheOtherOrgs() throws Exception {
    setUp();
    String orgId = astra.defaultOrg().orgId();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("store.db"));
        java.sql.Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO av_org (org_id, logical_name, url, root_token_ct, key_id) VALUES ('org-broken', "
          + "'broken', 'https://ops:hunter2@collector.example.net', 'v1:0000000000000000:AAAA', '0000000000000000')");
    }
    CliRun list = ok(cli("config", "list"));
    assertThat(list.stdout()).contains(orgId).contains("prod").containsPattern("org-broken +- +\\(unreadable\\)");
    assertThat(list.stderr()).contains("org org-broken: its stored config cannot be read");
    CliRun json = ok(cli("config", "list", "--format", "json"));
    assertThat(json.stdout()).contains("\"orgId\": \"org-broken\"").contains("\"unreadable\": true");
    assertThat(ok(cli("config", "read", "--logical-name", "prod")).stdout()).contains(orgId);
    assertThat(ok(cli("role", "list")).stdout()).contains("reader");

    CliRun reconcile = cli("reconcile");
    assertThat(reconcile.exitCode()).as("an org not reconciled is not a clean run").isEqualTo(1);
    assertThat(reconcile.stderr()).contains("org " + orgId + " (prod): clean").contains("org org-broken")
        .contains("1 org(s) not reconciled");
    for (CliRun run : List.of(list, json, reconcile)) {
      assertThat(run.stdout() + run.stderr()).doesNotContain("hunter2").doesNotContain("collector");
    }
  }

  @Test
  void configReadsTheDevOpsUrlFromTheEnvironmentAndRolesAreNamedAsAstraShowsThem() {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    env.put("ASTRA_DEVOPS_URL", astra.url().toString());
    ok(cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod"));
    assertThat(ok(cli("config", "read", "--org-id", astra.defaultOrg().orgId(), "--format", "json")).stdout())
        .contains("\"url\": \"" + astra.url().uri());
    // Role sync calls the endpoint the environment named (the default one is not reachable from a test).
    ok(cli("role", "sync", "--org-id", "prod"));

    String roleId = astra.roleId("R/W User");
    CliRun byDisplayName = ok(cli("token", "issue", "--org-id", "prod", "--role-name", "R/W User", "--logical-name",
        "a", "--format", "json"));
    CliRun byId = ok(cli("token", "issue", "--org-id", "prod", "--role-name", roleId, "--logical-name", "b",
        "--format", "json"));
    assertThat(byDisplayName.stdout()).contains("\"roleName\": \"r_w_user\"");
    assertThat(byId.stdout()).contains("\"roleName\": \"r_w_user\"");
    assertThat(ok(cli("token", "read", "--org-id", "prod", "--role-name", "R/W User", "--logical-name", "a",
        "--field", "roleName")).stdout().strip()).isEqualTo("r_w_user");
    assertThat(astra.liveTokens()).allSatisfy(t -> assertThat(t.roles()).containsExactly(roleId));
    String leaseId = byDisplayName.stdout().lines().filter(l -> l.contains("\"leaseId\"")).findFirst()
        .orElseThrow().replaceAll(".*\"leaseId\": \"([^\"]+)\".*", "$1");
    assertThat(ok(cli("lease", "list", "prod")).stdout()).contains(leaseId);
    assertThat(ok(cli("lease", "list", astra.defaultOrg().orgId())).stdout()).contains(leaseId);
    assertThat(ok(cli("lease", "list")).stdout()).contains(leaseId);

    // The CLI names an operator's typo instead of reporting a silent success.
    CliRun noToken = cli("token", "delete", "--client-id", "NoSuchClientIdAAAAAAAAAA");
    assertThat(noToken.exitCode()).isNotZero();
    assertThat(noToken.stderr()).contains("unknown token: NoSuchClientIdAAAAAAAAAA");
    CliRun noRole = cli("role", "delete", "--org-id", "prod", "--role-name", "No Such Role");
    assertThat(noRole.exitCode()).isNotZero();
    assertThat(noRole.stderr()).contains("unknown role: No Such Role");
    CliRun noOrg = cli("config", "delete", "--org-id", "nope");
    assertThat(noOrg.exitCode()).isNotZero();
    assertThat(noOrg.stderr()).contains("unknown org: nope");
    assertThat(astra.liveTokens()).hasSize(2);

    // --url still wins over the environment.
    env.put("ASTRA_DEVOPS_URL", "http://127.0.0.1:9/unused");
    ok(cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--url", astra.url().toString()));
    assertThat(ok(cli("config", "read", "--org-id", astra.defaultOrg().orgId(), "--format", "json")).stdout())
        .contains("\"url\": \"" + astra.url().uri());
  }

  @Test
  void aScopedTokenGetsACustomRoleThatRoleListCustomShows() {
    setUp();
    String db = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
    CliRun issued = ok(cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders",
        "--database", db, "--keyspace", "orders", "--access", "read-write", "--format", "json"));
    String token = issued.stdout().lines().filter(l -> l.contains("\"token\"")).findFirst().orElseThrow()
        .replaceAll(".*\"token\": \"([^\"]+)\".*", "$1");
    assertThat(astra.check(token).database(db).keyspace("orders").action("db-table-modify").allowed()).isTrue();
    assertThat(astra.check(token).database(db).keyspace("billing").status()).isEqualTo(403);

    String custom = astra.roleNames(astra.defaultOrg()).stream().filter(n -> n.startsWith("astra-vault-"))
        .findFirst().orElseThrow();
    assertThat(ok(cli("role", "list", "--custom")).stdout()).contains(custom).doesNotContain("reader");
    assertThat(ok(cli("role", "list")).stdout()).contains("reader").doesNotContain(custom);

    CliRun partial = cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "x",
        "--database", db, "--access", "read");
    assertThat(partial.exitCode()).as("a malformed option is a usage error").isEqualTo(2);
    assertThat(partial.stderr()).contains("--database, --keyspace and --access");
    CliRun badLevel = cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "x",
        "--database", db, "--keyspace", "orders", "--access", "admin");
    assertThat(badLevel.exitCode()).as("a malformed option is a usage error").isEqualTo(2);
    assertThat(badLevel.stderr()).contains("access level [value of --access not shown] is not one of read, read-write, "
        + "schema");
    CliRun badDb = cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "x",
        "--database", "db-1", "--keyspace", "orders", "--access", "read");
    assertThat(badDb.exitCode()).as("a malformed option is a usage error").isEqualTo(2);
    assertThat(badDb.stderr()).contains("database id [value of --database not shown] is not a UUID")
        .doesNotContain("db-1");
    assertThat(astra.liveTokens()).hasSize(1);
  }

  @Test
  void reapRevokesExpiredLeasesAndReportsThem() {
    setUp();
    CliRun issued = cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders",
        "--format", "json");
    ok(issued);
    assertThat(ok(cli("reap")).stdout()).contains("Revoked 0 expired lease(s).");
    assertThat(astra.liveTokens()).hasSize(1);

    clock.advance(Duration.ofMinutes(61));
    CliRun reaped = ok(cli("reap", "--format", "json"));
    assertThat(reaped.stdout()).contains("\"revoked\": 1").contains("\"failed\": 0");
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(astra.revokedTokens()).hasSize(1);
    assertThat(cli("token", "list").stdout()).contains("No tokens found.");
  }

  @Test
  void configUpdateChangesOnlyWhatIsGivenAndReadsTheTokenFromAFile() throws Exception {
    setUp();
    Path tokenFile = dir.resolve("root-token");
    java.nio.file.Files.writeString(tokenFile, astra.defaultOrg().rootToken() + "\n");
    env.remove("ASTRA_ORG_TOKEN");
    CliRun updated = ok(cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--url",
        astra.url().toString(), "--token-file", tokenFile.toString()));
    assertThat(updated.stdout()).contains("Updated config for org " + astra.defaultOrg().orgId() + " (prod)");
    CliRun read = ok(cli("config", "read", "--org-id", astra.defaultOrg().orgId(), "--format", "json"));
    assertThat(read.stdout()).contains("\"logicalName\": \"prod\"").doesNotContain(astra.defaultOrg().rootToken());
    // The root token still works: the role update below needs no Astra call, the issue does.
    ok(cli("role", "write", "--org-id", "prod", "--role-name", "reader", "--ttl", "30m"));
    CliRun issued = ok(cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "x",
        "--format", "json"));
    assertThat(issued.stdout()).contains("\"leaseDuration\": 1800");
  }

  @Test
  void renewalCountsFromTheIssueTimeAndFailsOnceExpired() {
    setUp();
    CliRun issued = ok(cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders"));
    String leaseId = issued.stdout().lines().filter(l -> l.startsWith("leaseId")).findFirst().orElseThrow()
        .split("\\s+")[1];

    clock.advance(Duration.ofMinutes(50));
    CliRun renewed = ok(cli("lease", "renew", leaseId, "--increment", "1h", "--format", "json"));
    assertThat(renewed.stdout()).contains("\"leaseDuration\": 3600");
    clock.advance(Duration.ofMinutes(55)); // 1h45m after issue: 15 minutes of max_ttl are left
    CliRun capped = ok(cli("lease", "renew", leaseId, "--format", "json"));
    assertThat(capped.stdout()).contains("\"leaseDuration\": 900");
    assertThat(capped.stderr()).contains("warning: TTL of \"1h0m0s\" exceeded the effective max_ttl of \"15m0s\"");
    CliRun lookup = ok(cli("lease", "lookup", leaseId, "--format", "json"));
    assertThat(lookup.stdout()).contains("\"ttl\": 900").contains("\"lastRenewal\": \"2030-01-01T01:45:00Z\"");

    clock.advance(Duration.ofMinutes(16));
    CliRun expired = cli("lease", "renew", leaseId);
    assertThat(expired.exitCode()).isEqualTo(1);
    assertThat(expired.stderr()).startsWith("astra-vault: ").contains(leaseId);
  }
}
