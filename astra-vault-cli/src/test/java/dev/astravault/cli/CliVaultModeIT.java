package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.LeaseRecord;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.vault.Capability;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vault mode through the real jar against {@link FakeVault} (FIXED plugin) mounted on {@link FakeAstra}: the CLI holds
 * only Vault credentials (VAULT_TOKEN or AppRole), the root token passes through to Vault, and the local cache keeps
 * lease ids and metadata only.
 */
class CliVaultModeIT {
  static final String OPERATOR_TOKEN = "hvs.CAESIOperatorTokenForTheCliTest0123456789";
  static final String READER_TOKEN = "hvs.CAESIReaderTokenWithAReadOnlyPolicy98765";
  static final String ROLE_ID = "cli-approle-role-id";
  static final String SECRET_ID = "cli-approle-secret-id-0f3c9a";

  @RegisterExtension
  static final FakeAstra astra = FakeAstra.create();

  @TempDir
  Path dir;

  FakeVault vault;

  /** The operator policy of docs/vault.md, plus what the CLI's issue/renew/revoke/list needs. */
  static Policy operatorPolicy() {
    return Policy.builder("astra-operator")
        .path("astra/config", Capability.CREATE, Capability.UPDATE, Capability.READ, Capability.DELETE)
        .path("astra/configs/", Capability.LIST)
        .path("astra/role", Capability.CREATE, Capability.UPDATE, Capability.READ, Capability.DELETE)
        .path("astra/roles/", Capability.LIST)
        .path("astra/org/token", Capability.UPDATE, Capability.READ)
        .path("astra/org/tokens/", Capability.LIST)
        .path("sys/leases/renew", Capability.UPDATE)
        .path("sys/leases/lookup", Capability.UPDATE)
        .path("sys/leases/revoke", Capability.UPDATE)
        .build();
  }

  @BeforeEach
  void startVault() {
    vault = FakeVault.builder().pluginBehaviour(PluginBehaviour.FIXED)
        .policy(operatorPolicy())
        .policy(Policy.builder("astra-reader").path("astra/config", Capability.READ)
            .path("astra/role", Capability.READ).build())
        .token(OPERATOR_TOKEN, TokenSpec.of(Duration.ofHours(24), "astra-operator"))
        .token(READER_TOKEN, TokenSpec.of(Duration.ofHours(24), "astra-reader"))
        .appRole("cli", ROLE_ID, SECRET_ID, TokenSpec.of(Duration.ofMinutes(30), "astra-operator"))
        .build().start();
  }

  @AfterEach
  void stopVault() {
    vault.close();
  }

  private CliProcess cli(Path audit) {
    return new CliProcess(dir)
        .env("VAULT_ADDR", vault.address())
        .env("VAULT_TOKEN", OPERATOR_TOKEN)
        .env("ASTRA_VAULT_AUDIT_LOG", audit.toString());
  }

  @Test
  void wholePluginWorkflowThroughVault() throws Exception {
    Path audit = dir.resolve("audit/audit.jsonl");
    CliProcess cli = cli(audit);
    Path cache = dir.resolve(".astra-vault/vault-cache.db");
    PluginWorkflow.run(new PluginWorkflow.Setup(PluginWorkflow.Mode.VAULT, cli, () -> cacheSnapshot(cache),
        () -> (int) vault.requests().stream().filter(r -> r.path().equals("/v1/astra/org/token")).count(),
        List.of(OPERATOR_TOKEN)), astra, dir, audit);

    // Vault held the root token and the leases; the CLI's cache (its only file besides the audit log) holds neither
    // and needed no store key.
    assertThat(vault.astraConfigOrgIds()).containsExactly(astra.defaultOrg().orgId());
    assertThat(vault.leases()).isEmpty();
    assertThat(cache).isRegularFile();
    assertThat(CliProcess.readAll(cache)).doesNotContain(astra.defaultOrg().rootToken());
    assertThat(cli.history()).allSatisfy(r -> assertThat(r.args()).doesNotContain("--store", "--key-file"));
    assertThat(cli.environment()).doesNotContainKeys("ASTRA_VAULT_KEY", "ASTRA_VAULT_STORE", "ASTRA_ORG_TOKEN");
  }

  @Test
  void appRoleNamespaceAndMountOptionsReachVault() throws IOException {
    FakeOrg org = configureInVault();
    Path secretFile = Files.writeString(dir.resolve("secret-id"), SECRET_ID + "\n");
    CliProcess cli = new CliProcess(dir).env("VAULT_ROLE_ID", ROLE_ID);
    // Global options after the subcommand; the secret id from a file, never from argv.
    Map<String, Object> role = cli.run("role", "read", "--org-id", "acme", "--role-name", "reader",
        "--vault-addr", vault.address(), "--vault-secret-id-file", secretFile.toString(), "--vault-mount", "/astra/",
        "--vault-namespace", "team-a", "--format", "json").ok().json();
    assertThat(role).containsEntry("orgId", org.orgId()).containsEntry("ttl", 3600.0).containsEntry("maxTtl", 10800.0);
    assertThat(vault.requests()).extracting(r -> r.path()).contains("/v1/auth/approle/login", "/v1/astra/role");
    assertThat(vault.requests()).allSatisfy(r -> assertThat(r.namespace()).contains("team-a"));
    assertThat(cli.history().get(0).output()).doesNotContain(SECRET_ID);
  }

  @Test
  void badInputInVaultModeExitsWithOneLineNamingTheCause() throws IOException {
    configureInVault();
    Path audit = dir.resolve("audit.jsonl");
    CliProcess cli = cli(audit);
    String[] issue = {"token", "issue", "--org-id", "acme", "--role-name", "reader", "--logical-name", "orders"};

    // No Vault credentials at all: a usage error naming what to set.
    Map<String, String> noToken = cli.environment();
    noToken.remove("VAULT_TOKEN");
    CliProcess.Result missing = cli.runWith(noToken, null, issue).expectExit(2);
    assertOneLine(missing, "astra-vault: Vault mode needs Vault credentials: set VAULT_TOKEN");

    // A policy without astra/org/token: access denied, naming the path.
    Map<String, String> reader = cli.environment();
    reader.put("VAULT_TOKEN", READER_TOKEN);
    CliProcess.Result denied = cli.runWith(reader, null, issue).expectExit(1);
    assertOneLine(denied, "astra-vault: issuing a token for org " + astra.defaultOrg().orgId() + ", role reader: "
        + "Vault denied access to astra/org/token (HTTP 403");

    // A Vault token on the command line is refused before anything runs, and not echoed.
    CliProcess.Result argv = cli.run("config", "read", "--org-id", "acme", "--vault-namespace", OPERATOR_TOKEN)
        .expectExit(2);
    assertThat(argv.stderr()).contains("warning: argument 6 looks like a Vault token and was refused");

    // Listing needs the list capability: a policy without it is access denied, naming the path.
    CliProcess.Result noList = cli.runWith(reader, null, "config", "list").expectExit(1);
    assertOneLine(noList, "astra-vault: listing org configs: Vault denied access to astra/configs (HTTP 403");

    // Direct-only commands say so.
    assertOneLine(cli.run("reap").expectExit(1), "astra-vault: `reap` works in direct mode only");
    assertOneLine(cli.run("role", "sync", "--org-id", "acme").expectExit(2),
        "astra-vault: in Vault mode `role sync` needs the org's root token");

    // Sealed: exit 1, the cause named, nothing issued.
    vault.seal();
    CliProcess.Result sealed = cli.run(issue).expectExit(1);
    assertOneLine(sealed, "astra-vault: ");
    assertThat(sealed.stderr()).contains("Vault is sealed (HTTP 503)");
    vault.unseal();

    // Unreachable: a port nobody listens on.
    Map<String, String> nowhere = cli.environment();
    nowhere.put("VAULT_ADDR", "http://127.0.0.1:" + freePort());
    CliProcess.Result unreachable = cli.runWith(nowhere, null, issue).expectExit(1);
    assertOneLine(unreachable, "astra-vault: ");
    assertThat(unreachable.stderr()).contains("Vault is unreachable");

    assertThat(vault.leases()).isEmpty();
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(cacheSnapshot(dir.resolve(".astra-vault/vault-cache.db"))).isEqualTo("");
    for (CliProcess.Result r : cli.history()) {
      assertThat(r.output()).as("output of %s", r.args()).doesNotContain(OPERATOR_TOKEN, READER_TOKEN,
          astra.defaultOrg().rootToken());
    }
  }

  /** The org and a role written into Vault by an operator's in-process manager (not through the jar: fewer JVMs). */
  private FakeOrg configureInVault() {
    FakeOrg org = astra.defaultOrg();
    try (TokenManager operator = TokenManager.builder().sweepInterval(Duration.ZERO)
        .vault(dev.astravault.vault.VaultConfig.builder(URI.create(vault.address()))
            .auth(dev.astravault.vault.VaultAuth.token(OPERATOR_TOKEN)).build()).build()) {
      operator.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
          .logicalName("acme").build());
      operator.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    }
    vault.clearRequests();
    return org;
  }

  private static void assertOneLine(CliProcess.Result r, String prefix) {
    assertThat(r.stderr()).startsWith(prefix).doesNotContain("\tat ");
    assertThat(r.stderr().lines()).as("one line on stderr: %s", r.stderr()).hasSize(1);
    assertThat(r.stdout()).isEmpty();
  }

  /** The cache's lease records, as text; empty when the cache does not exist yet. */
  static String cacheSnapshot(Path sqliteFile) {
    if (!Files.exists(sqliteFile)) {
      return "";
    }
    try (JdbcLeaseStore store = JdbcLeaseStore.builder().sqliteFile(sqliteFile).metadataOnly().build()) {
      return store.list("").stream().map(CliVaultModeIT::lease).sorted().collect(Collectors.joining("\n"));
    }
  }

  private static String lease(LeaseRecord r) {
    return r.leaseId() + "|" + r.state() + "|v" + r.version() + "|" + r.clientId().orElse("-") + "|"
        + r.logicalName().orElse("-") + "|" + r.expiresAt() + "|" + r.metadata() + "|" + r.description();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
