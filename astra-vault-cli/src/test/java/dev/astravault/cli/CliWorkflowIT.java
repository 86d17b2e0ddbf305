package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin's whole operator workflow through the real jar, each command its own JVM, all sharing one SQLite
 * store: config write → role sync → token issue (with metadata) → read by client id and by triple → token list,
 * lease lookup and list → renew (increment honoured, then capped at max_ttl with a warning) → revoke → duplicate
 * triple refused → token delete → audit verify.
 */
class CliWorkflowIT {
  @RegisterExtension
  static final FakeAstra astra = FakeAstra.create();

  @TempDir
  Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void wholePluginWorkflowAcrossProcesses() throws Exception {
    FakeOrg org = astra.defaultOrg();
    String orgId = org.orgId();
    String rootToken = org.rootToken();
    astra.addRole(org, "R-W User"); // collides with the built-in "R/W User" once sanitised
    Path audit = dir.resolve("audit/audit.jsonl");
    CliProcess cli = new CliProcess(dir)
        .env("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"))
        .env("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64())
        .env("ASTRA_VAULT_AUDIT_LOG", audit.toString());

    // 1. config write (root token on stdin), then role sync
    CliProcess.Result written = cli.runWithStdin(rootToken + "\n", "config", "write", "--org-id", orgId,
        "--logical-name", "prod", "--url", astra.url().toString(), "--token-stdin").ok();
    assertThat(written.stdout()).contains("Created config for org " + orgId);
    Map<String, Object> config = cli.run("config", "read", "--logical-name", "prod", "--format", "json").ok().json();
    assertThat(config).containsOnlyKeys("orgId", "logicalName", "url").containsEntry("orgId", orgId);

    CliProcess.Result sync = cli.run("--format", "json", "role", "sync").ok();
    assertThat(sync.stderr()).contains("[1/1] org " + orgId + " (prod): ").contains("1 collision(s)")
        .contains("'R/W User'").contains("'R-W User'").contains("all map to 'r_w_user'");
    Map<String, Object> report = sync.jsonList().get(0);
    assertThat(report.get("orgId")).isEqualTo(orgId);
    assertThat((List<Object>) report.get("created")).contains("api_ro_user", "organization_administrator")
        .doesNotContain("r_w_user");
    assertThat((List<Object>) report.get("collisions")).singleElement().satisfies(c ->
        assertThat((Map<String, Object>) c).containsEntry("roleName", "r_w_user"));

    // ttl above max_ttl is clamped, with the plugin's warning
    CliProcess.Result role = cli.run("role", "write", "--org-id", "prod", "--role-name", "API_RO_User",
        "--ttl", "3h", "--max-ttl", "2h", "--format", "json").ok();
    assertThat(role.stderr()).contains("warning: ").contains("greater than max_ttl");
    assertThat(role.json()).containsOnlyKeys("roleName", "roleId", "orgId", "ttl", "maxTtl")
        .containsEntry("roleName", "api_ro_user").containsEntry("roleId", astra.roleId("API RO User"))
        .containsEntry("ttl", 7200.0).containsEntry("maxTtl", 7200.0);

    // 2. token issue with metadata: JSON, then table
    CliProcess.Result issuedA = cli.run("token", "issue", "--org-id", orgId, "--role-name", "api_ro_user",
        "--logical-name", "orders", "--metadata", "owner=team-orders", "--metadata", "purpose=e2e=yes",
        "--format", "json").ok();
    Map<String, Object> a = issuedA.json();
    assertThat(a).containsOnlyKeys("leaseId", "leaseDuration", "renewable", "clientId", "token", "orgId",
        "roleName", "logicalName", "generatedOn", "metadata");
    assertThat(a).containsEntry("leaseDuration", 7200.0).containsEntry("renewable", true)
        .containsEntry("orgId", orgId).containsEntry("roleName", "api_ro_user").containsEntry("logicalName", "orders")
        .containsEntry("metadata", Map.of("owner", "team-orders", "purpose", "e2e=yes"));
    String tokenA = (String) a.get("token");
    String clientA = (String) a.get("clientId");
    String leaseA = (String) a.get("leaseId");
    assertThat(astra.isLive(tokenA)).isTrue();
    assertThat(leaseA).startsWith("astra/" + orgId + "/api_ro_user/");

    CliProcess.Result issuedB = cli.run("token", "issue", "--org-id", "prod", "--role-name", "api_ro_user",
        "--logical-name", "billing").ok();
    String tokenB = issuedB.tableValue("token");
    String clientB = issuedB.tableValue("clientId");
    assertThat(astra.isLive(tokenB)).isTrue();
    assertThat(astra.liveTokens()).hasSize(2);

    // 3. read by client id (--field token prints the raw token) and by triple (no secret)
    assertThat(cli.run("token", "read", "--client-id", clientA, "--field", "token").ok().stdout().strip())
        .isEqualTo(tokenA);
    Map<String, Object> read = cli.run("token", "read", "--org-id", "prod", "--role-name", "API_RO_USER",
        "--logical-name", "Orders", "--format", "json").ok().json();
    assertThat(read).containsEntry("clientId", clientA).containsEntry("leaseId", leaseA)
        .containsEntry("metadata", Map.of("owner", "team-orders", "purpose", "e2e=yes")).doesNotContainKey("token");

    // 4. token list, lease lookup and list
    List<Map<String, Object>> tokens = cli.run("token", "list", "--format", "json").ok().jsonList();
    assertThat(tokens).extracting(t -> t.get("clientId")).containsExactlyInAnyOrder(clientA, clientB);
    Map<String, Object> lease = cli.run("lease", "lookup", leaseA, "--format", "json").ok().json();
    assertThat(lease).containsOnlyKeys("id", "issueTime", "expireTime", "lastRenewal", "renewable", "ttl")
        .containsEntry("id", leaseA).containsEntry("renewable", true).containsEntry("lastRenewal", null);
    assertThat((Double) lease.get("ttl")).isBetween(7000.0, 7200.0);
    String leases = cli.run("lease", "list", "astra/" + orgId + "/").ok().stdout();
    assertThat(leases).contains(leaseA).contains(issuedB.tableValue("leaseId"));

    // 5. renew: an increment is honoured, then capped at issue time + max_ttl with a warning
    Map<String, Object> renewed = cli.run("lease", "renew", leaseA, "--increment", "90m", "--format", "json").ok()
        .json();
    assertThat(renewed).containsOnlyKeys("leaseId", "leaseDuration", "renewable", "warnings")
        .containsEntry("leaseDuration", 5400.0).containsEntry("warnings", List.of());
    CliProcess.Result capped = cli.run("lease", "renew", leaseA, "--increment", "10800s", "--format", "json")
        .ok();
    Map<String, Object> cap = capped.json();
    assertThat((Double) cap.get("leaseDuration")).isBetween(7000.0, 7199.0);
    assertThat((List<?>) cap.get("warnings")).singleElement().asString().contains("exceeded the effective max_ttl");
    assertThat(capped.stderr()).contains("warning: TTL of \"3h0m0s\" exceeded the effective max_ttl");

    // 6. revoke: the token is deleted in Astra
    cli.run("lease", "revoke", leaseA).ok();
    assertThat(astra.isLive(tokenA)).isFalse();
    assertThat(astra.wasRevoked(clientA)).isTrue();

    // 7. a duplicate triple is refused before Astra is called, and the store is unchanged
    String before = StoreSnapshot.of(cli, dir.resolve("store.db"));
    int creates = astra.requestCount("POST", "/v2/clientIdSecrets");
    CliProcess.Result dup = cli.run("token", "issue", "--org-id", orgId, "--role-name", "api_ro_user",
        "--logical-name", "billing").expectExit(1);
    assertThat(dup.stderr().strip()).isEqualTo("astra-vault: a token already exists for org " + orgId
        + ", role api_ro_user, logical name billing");
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(creates);
    assertThat(StoreSnapshot.of(cli, dir.resolve("store.db"))).isEqualTo(before);

    // 8. token delete
    cli.run("token", "delete", "--client-id", clientB).ok();
    assertThat(astra.isLive(tokenB)).isFalse();
    assertThat(cli.run("token", "list").ok().stdout()).contains("No tokens found.");
    assertThat(astra.liveTokens()).isEmpty();

    // Maintenance on a clean store, then the audit trail of every command above
    assertThat(cli.run("reap").ok().stdout()).contains("Revoked 0 expired lease(s).");
    Map<String, Object> drift = cli.run("reconcile", "--org-id", orgId, "--format", "json").ok().jsonList().get(0);
    assertThat(drift).containsEntry("orgId", orgId).containsEntry("missingTokens", List.of())
        .containsEntry("expiredLeases", List.of());
    Map<String, Object> verified = cli.run("audit", "verify", audit.toString(), "--format", "json").ok().json();
    assertThat(verified).containsEntry("valid", true);
    assertThat((Double) verified.get("lines")).isGreaterThan(15.0);

    // Secrets: the root token never appears; an issued token only where it is meant to be shown
    for (CliProcess.Result r : cli.history()) {
      assertThat(r.output()).as("output of %s", r.args()).doesNotContain(rootToken);
      boolean showsA = r == issuedA || r.args().containsAll(List.of("--client-id", clientA, "--field", "token"));
      boolean showsB = r == issuedB;
      if (!showsA) {
        assertThat(r.output()).as("output of %s", r.args()).doesNotContain(tokenA);
      }
      if (!showsB) {
        assertThat(r.output()).as("output of %s", r.args()).doesNotContain(tokenB);
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(CliProcess.readAll(f)).as("file %s", f).doesNotContain(rootToken, tokenA, tokenB);
      }
    }
    assertThat(CliProcess.readAll(audit)).doesNotContain(rootToken, tokenA, tokenB).contains(clientA);
  }
}
