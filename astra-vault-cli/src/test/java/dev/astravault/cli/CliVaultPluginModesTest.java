package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Vault-mode commands whose outcome depends on the plugin's behaviour, in this JVM against FakeVault in both
 * {@link PluginBehaviour}s: {@code config write --caller-mode}, and {@code lease revoke} of a token already deleted in
 * Astra (docs/cli.md, "lease revoke").
 */
class CliVaultPluginModesTest {
  @RegisterExtension final FakeAstra astra = FakeAstra.create();

  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();
  private FakeVault vault;


  private CliRun cli(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--store";
    all[args.length + 1] = "jdbc:sqlite:" + dir.resolve("vault-cache.db");
    return CliRun.of(env, Clock.systemUTC(), all);
  }

  private static CliRun ok(CliRun run) {
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    return run;
  }

  private void setUp(PluginBehaviour behaviour) {
    vault = FakeVault.builder().pluginBehaviour(behaviour).build().start();
    env.put("VAULT_ADDR", vault.address());
    env.put("VAULT_TOKEN", vault.rootToken());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
  }

  @AfterEach
  void stopVault() {
    if (vault != null) {
      vault.close();
    }
  }

  private String org() {
    return astra.defaultOrg().orgId();
  }

  @ParameterizedTest
  @EnumSource(PluginBehaviour.class)
  void configWriteSetsTheCallerMode(PluginBehaviour behaviour) throws Exception {
    setUp(behaviour);
    CliRun sidecar = ok(cli("config", "write", "--org-id", org(), "--logical-name", "prod", "--url",
        astra.url().toString(), "--caller-mode", "SIDECAR"));
    assertThat(sidecar.stdout()).contains("in Vault, caller mode sidecar.");
    assertThat(vaultCallerMode()).isEqualTo("sidecar");
    ok(cli("config", "write", "--org-id", org(), "--caller-mode", "standard"));
    assertThat(vaultCallerMode()).isEqualTo("standard");

    CliRun bad = cli("config", "write", "--org-id", org(), "--caller-mode", "agent");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr()).contains("--caller-mode must be standard or sidecar").doesNotContain("agent");
    assertThat(vaultCallerMode()).isEqualTo("standard");
  }

  @ParameterizedTest
  @EnumSource(PluginBehaviour.class)
  void callerModeNeedsVaultMode(PluginBehaviour behaviour) {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", dev.astravault.EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    CliRun direct = cli("--direct", "config", "write", "--org-id", org(), "--logical-name", "prod", "--caller-mode",
        "sidecar");
    assertThat(direct.exitCode()).as(behaviour + ": no Vault, nothing to set").isEqualTo(2);
    assertThat(direct.stderr()).contains("--caller-mode is the Vault plugin's setting");
  }

  @ParameterizedTest
  @EnumSource(PluginBehaviour.class)
  void revokingALeaseWhoseTokenIsAlreadyGoneFromAstra(PluginBehaviour behaviour) throws Exception {
    setUp(behaviour);
    ok(cli("config", "write", "--org-id", org(), "--logical-name", "prod", "--url", astra.url().toString()));
    ok(cli("role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id", astra.roleId("API RO User"),
        "--ttl", "1h", "--max-ttl", "2h"));
    CliRun issued = ok(cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders"));
    String leaseId = field(issued.stdout(), "leaseId");
    String clientId = field(issued.stdout(), "clientId");
    deleteInAstra(clientId);

    CliRun revoked = cli("lease", "revoke", leaseId);
    if (behaviour == PluginBehaviour.FIXED) {
      // docs/cli.md: an already-gone token counts as done.
      assertThat(revoked.exitCode()).as("stderr: %s", revoked.stderr()).isZero();
      assertThat(revoked.stdout()).contains("Revoked lease " + leaseId);
      assertThat(vault.leases()).isEmpty();
    } else {
      // docs/cli.md, "Against plugin v2.0.0": the plugin counts only 204 as deleted, so Astra's 404 is its failure;
      // the command says so and exits 1, and Vault keeps the lease.
      assertThat(revoked.exitCode()).isEqualTo(1);
      assertThat(revoked.stderr()).startsWith("astra-vault: ")
          .contains("unable to delete token in astra; 404 Not Found");
      assertThat(vault.leases()).hasSize(1);
    }
  }

  private static String field(String stdout, String name) {
    return stdout.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "\t")).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + stdout)).split("\\s+")[1];
  }

  private void deleteInAstra(String clientId) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int attempt = 0; ; attempt++) {
      int status = http.send(HttpRequest.newBuilder(URI.create(astra.url("/v2/clientIdSecrets/" + clientId)
              .toString())).header("Authorization", "Bearer " + astra.defaultOrg().rootToken()).DELETE().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
      // The fake sheds a DELETE now and then (429/503) as Astra does: retry like any client.
      if ((status != 429 && status != 503) || attempt >= 3) {
        assertThat(status).isIn(200, 204);
        return;
      }
    }
  }

  private String vaultCallerMode() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            vault.address() + "/v1/astra/config?org_id=" + org())).header("X-Vault-Token", vault.rootToken()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    String body = response.body();
    int at = body.indexOf("\"caller_mode\":\"");
    return body.substring(at + 15, body.indexOf('"', at + 15));
  }
}
