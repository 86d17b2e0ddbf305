package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.Moshi;
import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLI against an operator's slips and a hostile source: a store key typed where something else belongs, names
 * from Astra carrying terminal escape sequences, a repeated option, a path that names nothing, a secret file others
 * can read.
 */
class CliHostileInputTest {
  private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

  @RegisterExtension
  final FakeAstra astra = FakeAstra.create().useClock(clock);

  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();
  private final String key = EncryptionKey.generate().toBase64();

  private CliRun cli(String... args) {
    return CliRun.of(env, clock, args);
  }

  private void setUp() {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", key);
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    ok(cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
        astra.url().toString()));
  }

  private static CliRun ok(CliRun run) {
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    return run;
  }

  /**
   * `openssl rand -base64 32` pasted into the wrong place: refused before parsing, never echoed. The key without its
   * padding, or in the URL-safe alphabet, is refused too (the library's recogniser; before, only a padded standard
   * key was, and the others reached the command and its error lines).
   */
  @Test
  void aStoreKeyOnTheCommandLineIsRefusedAndNotEchoed() {
    setUp();
    String unpadded = key.substring(0, 43);
    String urlSafe = unpadded.replace('+', '-').replace('/', '_');
    List<List<String>> lines = List.of(
        List.of("--key-file", key, "token", "list"),
        List.of("--format=" + key, "token", "list"),
        List.of("lease", "lookup", key),
        List.of("token", "read", "--client-id", key),
        List.of("config", "read", "--org-id", key),
        List.of("lease", "lookup", unpadded),
        List.of("config", "read", "--org-id", "x:" + urlSafe));
    for (List<String> args : lines) {
      CliRun run = cli(args.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s", args).isEqualTo(2);
      assertThat(run.stderr()).as("%s", args).contains("looks like a store key and was refused")
          .doesNotContain(unpadded).doesNotContain(urlSafe);
      assertThat(run.stdout()).as("%s", args).isEmpty();
    }
  }

  /**
   * A secret given after a misspelt or made-up option ({@code --store-password}, {@code --vault-secret-id}, which
   * exist only as environment variables and files) or as a stray argument: picocli's message quoted every unmatched
   * argument, and a password or an AppRole secret id (a UUID) has no shape the redactor knows. The option and a
   * misspelt subcommand are named; the rest is counted.
   */
  @Test
  void anArgumentPicocliCannotPlaceIsCountedNotEchoed() {
    String secretId = "3f2a8c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
    String password = "Tr0ub4dor&3";
    Map<List<String>, List<String>> lines = Map.of(
        List.of("config", "write", "--org-id", "x", "--store-password", password),
            List.of("Unknown option '--store-password'", "1 unmatched argument not shown", "did you mean --store"),
        List.of("--vault-secret-id", secretId, "token", "list"),
            List.of("Unknown option '--vault-secret-id'", "1 unmatched argument not shown"),
        List.of("token", "list", "--vault-secret-id=" + secretId), List.of("Unknown option '--vault-secret-id=…'"),
        List.of("token", "lisst", secretId, password),
            List.of("Unmatched argument 'lisst'", "2 unmatched arguments not shown", "did you mean list"),
        List.of("lease", "lookup", "x", password), List.of("1 unmatched argument not shown"));
    lines.forEach((args, expected) -> {
      CliRun run = cli(args.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s", args).isEqualTo(2);
      assertThat(run.stderr()).as("%s", args).contains(expected).doesNotContain(secretId).doesNotContain(password);
      assertThat(run.stdout()).as("%s", args).isEmpty();
    });
  }

  /**
   * Names from Astra reach the operator's terminal: an escape sequence in them (here one that retitles the window)
   * is shown escaped, on stderr and in tables, and JSON stays lossless (C1 controls escaped too, as Moshi leaves
   * them raw).
   */
  @Test
  void terminalControlCharactersFromAstraAreEscapedInEveryOutput() throws Exception {
    setUp();
    String evil1 = "Evil\u001b]0;pwned\u0007 Role";
    String evil2 = "Evil\u009b]0;pwned\u0007-Role";
    astra.addRole(astra.defaultOrg(), evil1);
    astra.addRole(astra.defaultOrg(), evil2);
    CliRun table = ok(cli("role", "sync", "--org-id", "prod"));
    CliRun json = ok(cli("role", "sync", "--org-id", "prod", "--format", "json"));
    for (CliRun run : List.of(table, json)) {
      assertThat(run.stdout() + run.stderr()).doesNotContainPattern("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]");
    }
    assertThat(table.stderr()).contains("'Evil\\u001b]0;pwned\\u0007 Role'");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) new Moshi.Builder().build()
        .adapter(Object.class).fromJson(json.stdout());
    @SuppressWarnings("unchecked")
    Map<String, Object> collision = ((List<Map<String, Object>>) rows.get(0).get("collisions")).get(0);
    assertThat(collision.get("astraNames")).isEqualTo(List.of(evil1, evil2));
  }

  /**
   * What the library logs while a command runs goes through the same escaping, to the run's stderr: a line logged
   * from inside the run (here by the clock the manager reads) carries an ESC sequence and a C1 CSI.
   */
  @Test
  void aLineLoggedDuringARunReachesItsStderrEscaped() {
    setUp();
    Logger log = LoggerFactory.getLogger("dev.astravault.hostile");
    Clock logging = new Clock() {
      @Override
      public Instant instant() {
        log.error("from Astra: Evil\u001b]0;pwned\u0007 \u009b2J Role");
        return clock.instant();
      }

      @Override
      public ZoneId getZone() {
        return clock.getZone();
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
    PrintStream systemErr = System.err;
    CliRun run = ok(CliRun.of(env, logging, "config", "list"));
    assertThat(run.stderr())
        .contains("dev.astravault.hostile - from Astra: Evil\\u001b]0;pwned\\u0007 \\u009b2J Role")
        .doesNotContainPattern("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]");
    assertThat(System.err).as("System.err after the run").isSameAs(systemErr);
  }

  /** The plugin takes one value per key; a second one silently replacing the first would lose what was typed. */
  @Test
  void aMetadataKeyGivenTwiceIsAUsageError() {
    setUp();
    ok(cli("role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id", astra.roleId("API RO User")));
    CliRun run = cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "x",
        "--metadata", "owner=a", "--metadata", "owner=b");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).startsWith("astra-vault: --metadata gives one key twice (--metadata number 1 and 2)")
        .doesNotContain("owner");
    assertThat(astra.liveTokens()).isEmpty();
  }

  /** A file option that names nothing readable says which option, and an empty one is a usage error. */
  @Test
  void aFileOptionThatNamesNothingSaysWhichOption() {
    setUp();
    Path missing = dir.resolve("missing");
    CliRun noFile = cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--token-file", missing.toString());
    assertThat(noFile.exitCode()).isEqualTo(1);
    assertThat(noFile.stderr()).startsWith("astra-vault: cannot read --token-file " + missing + ": ")
        .contains("NoSuchFileException");
    CliRun directory = cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--token-file", dir.toString());
    assertThat(directory.exitCode()).isEqualTo(1);
    assertThat(directory.stderr()).startsWith("astra-vault: cannot read --token-file " + dir + ": ");
    for (String option : List.of("--audit-log", "--audit-witness", "--key-file", "--vault-ca-cert")) {
      CliRun empty = cli(option, "", "token", "list");
      assertThat(empty.exitCode()).as(option).isEqualTo(2);
      assertThat(empty.stderr()).as(option).startsWith("astra-vault: Invalid value for option '" + option + "'")
          .contains("empty");
    }
    CliRun emptyTokenFile = cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--token-file", "");
    assertThat(emptyTokenFile.exitCode()).isEqualTo(2);
    assertThat(emptyTokenFile.stderr()).contains("'--token-file'");
  }

  /**
   * The CA file read as the secret files are: one that cannot be read names the option (docs/cli.md, exit codes).
   * Before, it said "the Vault CA certificate FILE" and not which option or variable named it.
   */
  @Test
  void aCaFileThatNamesNothingSaysWhichOptionOrVariable() {
    setUp();
    env.put("VAULT_TOKEN", "hvs.CAESICliHostileInputTokenXq3vT9");
    Path missing = dir.resolve("missing.pem");
    CliRun option = cli("--vault-addr", "https://127.0.0.1:9", "--vault-ca-cert", missing.toString(), "config",
        "list");
    assertThat(option.exitCode()).as("stderr: %s", option.stderr()).isEqualTo(1);
    assertThat(option.stderr()).startsWith("astra-vault: cannot read --vault-ca-cert " + missing + ": ")
        .contains("NoSuchFileException");
    env.put("VAULT_CACERT", dir.toString());
    CliRun variable = cli("--vault-addr", "https://127.0.0.1:9", "config", "list");
    assertThat(variable.exitCode()).as("stderr: %s", variable.stderr()).isEqualTo(1);
    assertThat(variable.stderr()).startsWith("astra-vault: cannot read VAULT_CACERT " + dir + ": ");
  }

  /** The library warns in its log, which the CLI shows only with --debug; the CLI says it on stderr itself. */
  @Test
  void aSecretFileOthersCanReadIsWarnedAbout() throws Exception {
    setUp();
    Path keyFile = dir.resolve("store.key");
    Files.writeString(keyFile, key + "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
    env.remove("ASTRA_VAULT_KEY");
    CliRun open = ok(cli("--key-file", keyFile.toString(), "config", "list"));
    assertThat(open.stderr()).contains("warning: --key-file " + keyFile + " is readable by other users (mode "
        + "rw-r--r--)").contains("chmod 600");
    Path tokenFile = dir.resolve("root-token");
    Files.writeString(tokenFile, astra.defaultOrg().rootToken());
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r-----"));
    CliRun token = ok(cli("--key-file", keyFile.toString(), "config", "write", "--org-id",
        astra.defaultOrg().orgId(), "--token-file", tokenFile.toString()));
    assertThat(token.stderr()).contains("warning: --token-file " + tokenFile + " is readable by other users");

    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    assertThat(ok(cli("--key-file", keyFile.toString(), "config", "list")).stderr()).isEmpty();
  }

  /**
   * A key file that is there but empty is a bad value (exit 2, naming the option and file), not a failure to retry.
   * Before, KeyProvider.fromFile threw IllegalStateException ("is not set") and the CLI exited 1.
   */
  @Test
  void anEmptyKeyFileIsAUsageErrorNamingIt() throws Exception {
    setUp();
    Path keyFile = dir.resolve("empty.key");
    Files.writeString(keyFile, "\n");
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
    env.remove("ASTRA_VAULT_KEY");
    CliRun run = cli("--key-file", keyFile.toString(), "config", "list");
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).startsWith("astra-vault: --key-file: key file " + keyFile + " holds no key");
  }

  /**
   * The key file is read by the CLI, with the check that guards the read: every refusal names the option and is a
   * usage error, and a file that cannot be read names the option (docs/cli.md, exit codes). Before, the CLI checked
   * first and KeyProvider.fromFile read, so a file too large was the library's failure (exit 1, "key file FILE"),
   * and a missing one said "cannot read key file FILE".
   */
  @Test
  void aKeyFileThatCannotBeReadOrIsTooLargeNamesTheOption() throws Exception {
    setUp();
    env.remove("ASTRA_VAULT_KEY");
    Path missing = dir.resolve("missing.key");
    CliRun noFile = cli("--key-file", missing.toString(), "config", "list");
    assertThat(noFile.exitCode()).as("stderr: %s", noFile.stderr()).isEqualTo(1);
    assertThat(noFile.stderr()).startsWith("astra-vault: cannot read --key-file " + missing + ": ")
        .contains("NoSuchFileException");
    Path large = dir.resolve("large.key");
    Files.writeString(large, key + "\n" + "#".repeat(1 << 20));
    Files.setPosixFilePermissions(large, PosixFilePermissions.fromString("rw-------"));
    CliRun tooLarge = cli("--key-file", large.toString(), "config", "list");
    assertThat(tooLarge.exitCode()).as("stderr: %s", tooLarge.stderr()).isEqualTo(2);
    assertThat(tooLarge.stderr()).startsWith("astra-vault: --key-file " + large + " is larger than 1 MiB")
        .doesNotContain(key);
  }

  /**
   * An operator's typo must not look like success (docs/cli.md, "Unknown ids") in Vault mode either, where the
   * library's delete of an unknown client id is as silent as in direct mode.
   */
  @Test
  void tokenDeleteOfAnUnknownClientIdFailsInVaultModeToo() {
    try (FakeVault vault = FakeVault.builder().build().start()) {
      env.put("VAULT_ADDR", vault.address());
      env.put("VAULT_TOKEN", vault.rootToken());
      env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
      String store = "jdbc:sqlite:" + dir.resolve("vault-cache.db");
      ok(cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
          astra.url().toString(), "--store", store));
      ok(cli("role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id", astra.roleId("API RO User"),
          "--store", store));
      ok(cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "x", "--store", store));
      CliRun typo = cli("token", "delete", "--client-id", "NoSuchClientIdAAAAAAAAAA", "--store", store);
      assertThat(typo.exitCode()).as("stdout: %s", typo.stdout()).isEqualTo(1);
      assertThat(typo.stderr()).contains("unknown token: NoSuchClientIdAAAAAAAAAA");
      assertThat(typo.stdout()).doesNotContain("Success");
      assertThat(astra.liveTokens()).hasSize(1);
    }
  }
}
