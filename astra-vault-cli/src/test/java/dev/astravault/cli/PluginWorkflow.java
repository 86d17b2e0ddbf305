package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The plugin's whole operator workflow through the real jar, one JVM per command, written once and run in both modes:
 * config write → role sync → token issue (with metadata) → read by client id and by triple → token list, lease lookup
 * and list → renew (increment honoured, then capped at max_ttl with a warning) → revoke → duplicate triple refused →
 * token delete → the mode's maintenance commands → audit verify. Then no secret in any output or file.
 *
 * <p>The steps differ only where the modes do: in Vault mode the root token passes through to Vault (and {@code role
 * sync} borrows it for one org), the CLI keeps no token secret, and {@code reap}/{@code reconcile} are direct-only.
 */
final class PluginWorkflow {
  enum Mode {
    DIRECT, VAULT
  }

  /** What one mode brings: its runner, its store's snapshot, its Vault-side call count, its own secrets. */
  record Setup(Mode mode, CliProcess cli, Supplier<String> storeSnapshot, IntSupplier issueCalls,
      List<String> extraSecrets) {}

  private PluginWorkflow() {}

  @SuppressWarnings("unchecked")
  static void run(Setup setup, FakeAstra astra, Path dir, Path audit) throws IOException {
    Mode mode = setup.mode();
    CliProcess cli = setup.cli();
    boolean vault = mode == Mode.VAULT;
    FakeOrg org = astra.defaultOrg();
    String orgId = org.orgId();
    String rootToken = org.rootToken();
    astra.addRole(org, "R-W User"); // collides with the built-in "R/W User" once sanitised

    // 1. config write (root token on stdin), then role sync
    CliProcess.Result written = cli.runWithStdin(rootToken + "\n", "config", "write", "--org-id", orgId,
        "--logical-name", "prod", "--url", astra.url().toString(), "--token-stdin").ok();
    assertThat(written.stdout())
        .contains("Created config for org " + orgId + " (prod)" + (vault ? " in Vault, caller mode standard." : "."));
    Map<String, Object> config = cli.run("config", "read", "--logical-name", "prod", "--format", "json").ok().json();
    assertThat(config).containsOnlyKeys("orgId", "logicalName", "url").containsEntry("orgId", orgId);
    assertThat((String) config.get("url")).startsWith(astra.url().toString().replaceAll("/$", ""));

    // Vault keeps the root tokens: role sync reads one org's Astra roles with the operator's token, as update_roles.sh
    CliProcess.Result sync = vault
        ? cli.runWithStdin(rootToken, "--format", "json", "role", "sync", "--org-id", "prod", "--token-stdin").ok()
        : cli.run("--format", "json", "role", "sync").ok();
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
    // A second sync keeps the role's TTLs (in Vault mode they are read back from Vault, not reset to 24h).
    if (vault) {
      Map<String, Object> again = cli.runWithStdin(rootToken, "--format", "json", "role", "sync", "--org-id",
          orgId, "--token-stdin").ok().jsonList().get(0);
      assertThat((List<Object>) again.get("unchanged")).contains("api_ro_user");
      assertThat(cli.run("role", "read", "--org-id", "prod", "--role-name", "api_ro_user", "--format", "json").ok()
          .json()).containsEntry("ttl", 7200.0).containsEntry("maxTtl", 7200.0);
    }

    // config list and role list: in Vault mode listed from Vault (astra/configs, astra/roles and a read per role)
    List<Map<String, Object>> configs = cli.run("config", "list", "--format", "json").ok().jsonList();
    assertThat(configs).singleElement().satisfies(c -> assertThat(c).containsOnlyKeys("orgId", "logicalName", "url")
        .containsEntry("orgId", orgId).containsEntry("logicalName", "prod"));
    List<Map<String, Object>> roles = cli.run("role", "list", "--org-id", "prod", "--format", "json").ok()
        .jsonList();
    assertThat(roles).extracting(r -> r.get("roleName")).contains("api_ro_user", "organization_administrator")
        .doesNotContain("r_w_user").doesNotHaveDuplicates();
    assertThat(roles).allSatisfy(r -> assertThat(r).containsOnlyKeys("roleName", "roleId", "orgId", "ttl", "maxTtl")
        .containsEntry("orgId", orgId));
    assertThat(roles).filteredOn(r -> "api_ro_user".equals(r.get("roleName"))).singleElement()
        .satisfies(r -> assertThat(r).containsEntry("ttl", 7200.0).containsEntry("maxTtl", 7200.0));
    assertThat(cli.run("role", "list").ok().stdout()).contains("api_ro_user").contains(orgId);

    // 2. token issue with metadata: JSON, then table
    CliProcess.Result issuedA = cli.run("token", "issue", "--org-id", orgId, "--role-name", "api_ro_user",
        "--logical-name", "orders", "--metadata", "owner=team-orders", "--metadata", "purpose=e2e=yes",
        "--format", "json").ok();
    Map<String, Object> a = issuedA.json();
    assertThat(a).containsOnlyKeys("leaseId", "leaseDuration", "renewable", "clientId", "token", "orgId",
        "roleName", "logicalName", "generatedOn", "metadata");
    // Vault counts max_ttl (here equal to ttl) from its own issue instant, so its grant can be a second short.
    assertThat((Double) a.get("leaseDuration")).isBetween(vault ? 7199.0 : 7200.0, 7200.0);
    assertThat(a).containsEntry("renewable", true)
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

    // 3. read by client id and by triple (no secret); --field token prints the raw token where the CLI holds it
    CliProcess.Result rawA = cli.run("token", "read", "--client-id", clientA, "--field", "token");
    if (vault) {
      assertThat(rawA.expectExit(1).stderr().strip()).startsWith("astra-vault: Vault mode keeps no token on this "
          + "machine: the token of client id " + clientA + " was printed once, by `token issue`");
      assertThat(rawA.stdout()).isEmpty();
    } else {
      assertThat(rawA.ok().stdout().strip()).isEqualTo(tokenA);
    }
    Map<String, Object> byId = cli.run("token", "read", "--client-id", clientA, "--format", "json").ok().json();
    assertThat(byId).containsEntry("leaseId", leaseA).containsEntry("logicalName", "orders")
        .doesNotContainKey("token");
    assertThat(cli.run("token", "read", "--client-id", clientB, "--field", "leaseId").ok().stdout().strip())
        .isEqualTo(issuedB.tableValue("leaseId"));
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
        .containsEntry("leaseId", leaseA).containsEntry("leaseDuration", 5400.0).containsEntry("warnings", List.of());
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

    // 7. a duplicate triple is refused before Astra (and Vault) is called, and the store is unchanged
    String before = setup.storeSnapshot().get();
    int creates = astra.requestCount("POST", "/v2/clientIdSecrets");
    int issueCalls = setup.issueCalls().getAsInt();
    CliProcess.Result dup = cli.run("token", "issue", "--org-id", orgId, "--role-name", "api_ro_user",
        "--logical-name", "billing").expectExit(1);
    assertThat(dup.stderr().strip()).isEqualTo("astra-vault: a token already exists for org " + orgId
        + ", role api_ro_user, logical name billing");
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(creates);
    assertThat(setup.issueCalls().getAsInt()).isEqualTo(issueCalls);
    assertThat(setup.storeSnapshot().get()).isEqualTo(before);

    // 8. token delete
    cli.run("token", "delete", "--client-id", clientB).ok();
    assertThat(astra.isLive(tokenB)).isFalse();
    assertThat(cli.run("token", "list").ok().stdout()).contains("No tokens found.");
    assertThat(astra.liveTokens()).isEmpty();

    // Maintenance: direct mode's on a clean store; Vault's expiration manager does it in Vault mode
    if (vault) {
      assertThat(cli.run("reap").expectExit(1).stderr()).startsWith("astra-vault: `reap` works in direct mode "
          + "only: in Vault mode Vault's expiration manager revokes expired leases itself");
      assertThat(cli.run("reconcile", "--org-id", orgId).expectExit(1).stderr())
          .startsWith("astra-vault: `reconcile` works in direct mode only");
    } else {
      assertThat(cli.run("reap").ok().stdout()).contains("Revoked 0 expired lease(s).");
      Map<String, Object> drift = cli.run("reconcile", "--org-id", orgId, "--format", "json").ok().jsonList()
          .get(0);
      assertThat(drift).containsEntry("orgId", orgId).containsEntry("missingTokens", List.of())
          .containsEntry("expiredLeases", List.of());
    }
    // The audit trail of every command above
    Map<String, Object> verified = cli.run("audit", "verify", audit.toString(), "--format", "json").ok().json();
    assertThat(verified).containsEntry("valid", true);
    assertThat((Double) verified.get("lines")).isGreaterThan(15.0);

    // Secrets: the root token and the mode's own secrets never appear; an issued token only where it is meant to be
    List<String> neverShown = new ArrayList<>(setup.extraSecrets());
    neverShown.add(rootToken);
    for (CliProcess.Result r : cli.history()) {
      assertThat(r.output()).as("output of %s", r.args()).doesNotContain(neverShown);
      boolean showsA = r == issuedA || r == rawA && !vault;
      boolean showsB = r == issuedB;
      if (!showsA) {
        assertThat(r.output()).as("output of %s", r.args()).doesNotContain(tokenA);
      }
      if (!showsB) {
        assertThat(r.output()).as("output of %s", r.args()).doesNotContain(tokenB);
      }
    }
    neverShown.addAll(List.of(tokenA, tokenB));
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(CliProcess.readAll(f)).as("file %s", f).doesNotContain(neverShown);
      }
    }
    assertThat(CliProcess.readAll(audit)).contains(clientA);
  }
}
