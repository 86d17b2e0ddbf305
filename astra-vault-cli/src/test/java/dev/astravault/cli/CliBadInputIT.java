package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input through the real jar: each refusal exits 2 (usage) or 1 (operation), names its cause in one stderr line
 * (a stack trace only with --debug), calls no Astra create, and leaves the store exactly as it was.
 */
class CliBadInputIT {
  @RegisterExtension
  static final FakeAstra astra = FakeAstra.create();

  @TempDir
  Path dir;

  @Test
  void badInputIsRefusedAndLeavesTheStoreUnchanged() {
    FakeOrg org = astra.defaultOrg();
    Path storeFile = dir.resolve("store.db");
    CliProcess cli = new CliProcess(dir)
        .env("ASTRA_VAULT_STORE", "jdbc:sqlite:" + storeFile)
        .env("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64())
        .env("ASTRA_ORG_TOKEN", org.rootToken());
    // Global options after the subcommand, the root token from the environment.
    cli.run("config", "write", "--org-id", org.orgId(), "--logical-name", "prod", "--url", astra.url().toString())
        .ok();
    cli.run("role", "write", "--org-id", org.orgId(), "--role-name", "reader", "--role-id",
        astra.roleId("API RO User"), "--ttl", "1h").ok();
    String before = StoreSnapshot.of(cli, storeFile);

    refused(cli, 1, "astra-vault: unknown org: nope",
        "token", "issue", "--org-id", "nope", "--role-name", "reader", "--logical-name", "orders");
    refused(cli, 1, "astra-vault: unknown role: writer",
        "token", "issue", "--org-id", "prod", "--role-name", "writer", "--logical-name", "orders");
    refused(cli, 2, "astra-vault: Invalid value for option '--ttl': expected a duration such as 30m or 1h30m",
        "role", "write", "--org-id", "prod", "--role-name", "reader", "--ttl", "90x");
    refused(cli, 2, "astra-vault: Invalid value for option '--metadata': expected KEY=VALUE",
        "token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders",
        "--metadata", "owner");
    refused(cli, 2, "astra-vault: a new role needs --role-id",
        "role", "write", "--org-id", "prod", "--role-name", "writer");

    // A missing store key is a usage error; a wrong one cannot decrypt the root token, so Astra is never called.
    Map<String, String> noKey = cli.environment();
    noKey.remove("ASTRA_VAULT_KEY");
    CliProcess.Result missingKey = cli.runWith(noKey, null, "token", "list").expectExit(2);
    assertThat(missingKey.stderr()).startsWith("astra-vault: no store key: set ASTRA_VAULT_KEY or pass --key-file");
    Map<String, String> wrongKey = cli.environment();
    wrongKey.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    CliProcess.Result wrong = cli.runWith(wrongKey, null,
        "token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders").expectExit(1);
    assertThat(wrong.stderr().lines()).hasSize(1).first().asString().startsWith("astra-vault: ");

    // A root token on the command line is refused with a warning, and not echoed.
    CliProcess.Result argv = cli.run("config", "write", "--org-id", org.orgId(), "--logical-name", "prod",
        "--token=" + org.rootToken()).expectExit(2);
    assertThat(argv.stderr()).contains("warning: argument 7 looks like an Astra token and was refused")
        .doesNotContain(org.rootToken());

    // VAULT_ADDR switches to Vault mode, which never falls back to the store: without Vault credentials it stops.
    Map<String, String> vault = cli.environment();
    vault.put("VAULT_ADDR", "http://127.0.0.1:8200");
    assertThat(cli.runWith(vault, null, "token", "list").expectExit(2).stderr())
        .startsWith("astra-vault: Vault mode needs Vault credentials: set VAULT_TOKEN");

    // --debug adds the stack trace.
    CliProcess.Result debug = cli.run("--debug", "role", "read", "--org-id", "prod", "--role-name", "writer")
        .expectExit(1);
    assertThat(debug.stderr()).contains("astra-vault: unknown role: writer").contains("\tat dev.astravault.");

    assertThat(StoreSnapshot.of(cli, storeFile)).isEqualTo(before);
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isZero();
    for (CliProcess.Result r : cli.history()) {
      assertThat(r.output()).as("output of %s", r.args()).doesNotContain(org.rootToken());
    }
  }

  @Test
  void defaultStoreLivesUnderTheHomeDirectory() {
    CliProcess cli = new CliProcess(dir).env("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    assertThat(cli.run("--format", "json", "config", "list").ok().stdout().strip()).isEqualTo("[]");
    assertThat(dir.resolve(".astra-vault/astra-vault.db")).isRegularFile();
    assertThat(Files.isDirectory(dir.resolve(".astra-vault"))).isTrue();
  }

  private static void refused(CliProcess cli, int exitCode, String message, String... args) {
    CliProcess.Result r = cli.run(args).expectExit(exitCode);
    assertThat(r.stderr()).startsWith(message);
    assertThat(r.stderr().lines()).as("one line on stderr").hasSize(1);
    assertThat(r.stderr()).doesNotContain("\tat ");
    assertThat(r.stdout()).isEmpty();
  }
}
