package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password or an AppRole secret id pasted into the wrong option: no redactor knows its shape, so a usage error must
 * not show it, whatever the option's kind, while it still names the option and says what the option takes. Before,
 * picocli's messages quoted the value ({@code Invalid value for option '--ttl': 'hunter2' is not a duration}), and
 * so did the core's validation ({@code database id 'hunter2' is not a UUID}) and some of the CLI's own refusals.
 */
class CliUsageErrorsTest {
  /** Shaped like nothing the redactor masks. */
  private static final String PASSWORD = "hunter2";
  /** An AppRole secret id. */
  private static final String SECRET_ID = "3f2a8c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
  /** Another, for a second option of one command line. */
  private static final String OTHER_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
  private static final String VAULT = "http://127.0.0.1:9";

  private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

  @RegisterExtension
  final FakeAstra astra = FakeAstra.create().useClock(clock);

  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void setUp() {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    CliRun config = CliRun.of(env, clock, "config", "write", "--org-id", astra.defaultOrg().orgId(),
        "--logical-name", "prod", "--url", astra.url().toString());
    assertThat(config.exitCode()).as("stderr: %s", config.stderr()).isZero();
    CliRun role = CliRun.of(env, clock, "role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id",
        astra.roleId("API RO User"));
    assertThat(role.exitCode()).as("stderr: %s", role.stderr()).isZero();
  }

  /** One line refused: the value typed, then the command line, the option it must name and what it must say. */
  private record Case(String value, List<String> args, String option, String says) {}

  private static Case refused(String value, String option, String says, String... args) {
    return new Case(value, List.of(args), option, says);
  }

  private static String[] issue(String... more) {
    List<String> args = new ArrayList<>(List.of("token", "issue", "--org-id", "prod", "--role-name", "reader",
        "--logical-name", "orders"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /** Every kind of option, with a value that fails it: the run exits 2, names the option and never shows the value. */
  @Test
  void aUsageErrorNamesTheOptionAndWhatItTakesButNeverTheValue() {
    String p = PASSWORD;
    String u = SECRET_ID;
    List<Case> cases = List.of(
        // Durations (the library's converter)
        refused(p, "--ttl", "expected a duration such as 30m or 1h30m", issue("--ttl", p)),
        refused(u, "--max-ttl", "expected a duration such as 30m or 1h30m",
            "role", "write", "--org-id", "prod", "--role-name", "reader", "--max-ttl", u),
        refused(p, "--increment", "expected a duration", "lease", "renew", "x", "--increment", p),
        refused("9".repeat(30) + "h", "--ttl", "expected a shorter duration", issue("--ttl", "9".repeat(30) + "h")),
        // Enums, integers and switches (picocli's converters)
        refused(p, "--format", "expected one of table, json", "--format", p, "token", "list"),
        refused(u, "--format", "expected one of table, json", "token", "list", "--format=" + u),
        refused(p, "--key-vault-kv-version", "expected a whole number", "--key-vault-kv-version", p, "token", "list"),
        refused(u, "--direct", "expected no value", "--direct=" + u, "token", "list"),
        refused(p, "--per-request", "expected no value", issue("--per-request=" + p)),
        // KEY=VALUE: the pair, and a key the core refuses
        refused(p, "--metadata", "expected KEY=VALUE", issue("--metadata", p)),
        refused(p + "+/", "--metadata", "metadata key must be", issue("--metadata", p + "+/=x")),
        // Paths: one that cannot be a path, and ones that name no file
        refused(p + "\u0000", "--audit-log", "expected a path", "--audit-log", p + "\u0000", "token", "list"),
        refused(u, "FILE", "no such audit log file", "audit", "verify", p, u),
        refused(u, "--witness-file", "no such witness file", "audit", "verify", "x", "--witness-file", u),
        // URLs
        refused(p, "--vault-addr", "http(s) URL", "--vault-addr", p, "token", "list"),
        refused("ftp://" + p, "--url", "http(s) URL",
            "config", "write", "--org-id", astra.defaultOrg().orgId(), "--url", "ftp://" + p),
        // Names, ids and scopes the core refuses (it quotes them, lowercased or cut at 64 characters)
        refused(u, "--database", "is not a UUID", issue("--database", p, "--keyspace", "k", "--access", "read")),
        refused(OTHER_ID, "--keyspace", "is not valid",
            issue("--database", u, "--keyspace", OTHER_ID, "--access", "read")),
        refused(p, "--access", "is not one of read, read-write, schema",
            issue("--database", u, "--keyspace", "k", "--access", p)),
        refused("Hunter2!", "--role-name", "role must be",
            "role", "write", "--org-id", "prod", "--role-name", "Hunter2!", "--role-id", u),
        refused(p + "!", "--role-id", "must be 1-200 characters",
            "role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id", p + "!"),
        refused("Hunter2!", "--logical-name", "logicalName must be",
            "token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "Hunter2!"),
        refused("Hunter2" + "x".repeat(100) + "!", "--logical-name", "logicalName must be",
            "token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name",
            "Hunter2" + "x".repeat(100) + "!"),
        // Vault paths
        refused(p + "/../x", "--key-vault-path", "must be a path",
            "--key-vault-path", p + "/../x", "--vault-addr", VAULT, "token", "list"),
        // The CLI's own checks
        refused(p, "--field", "--field must be one of", "token", "read", "--client-id", "x", "--field", p),
        refused(p, "--caller-mode", "--caller-mode must be standard or sidecar",
            "--vault-addr", VAULT, "config", "write", "--org-id", "prod", "--caller-mode", p),
        refused(p, "--checkpoint", "a checkpoint is SEQ:MAC", "audit", "verify", "x", "--checkpoint", p),
        refused(u, "--metadata", "gives one key twice", issue("--metadata", u + "=a", "--metadata", u + "=b")),
        // Picocli's group and arity errors
        refused(u, "--client-id", "may be given only once",
            "token", "read", "--client-id", p, "--client-id", u),
        refused(u, "--token-file", "may be given only once",
            "config", "write", "--org-id", "prod", "--token-file", u, "--token-file", p),
        refused(p, "--org-id", "Expected a parameter", "token", "issue", "--org-id", "--role-name=" + p));
    env.put("VAULT_TOKEN", "test-only-vault-token");
    List<String> failures = new ArrayList<>();
    for (Case c : cases) {
      for (boolean debug : List.of(false, true)) {
        List<String> args = new ArrayList<>(c.args());
        if (debug) {
          args.add("--debug");
        }
        CliRun run = CliRun.of(env, clock, args.toArray(String[]::new));
        String err = run.stderr();
        boolean ok = run.exitCode() == 2 && !err.contains(c.value()) && !err.contains(PASSWORD)
            && !err.contains(SECRET_ID) && !err.toLowerCase(Locale.ROOT).contains(PASSWORD) && err.contains(c.option())
            && err.contains(c.says());
        if (!ok) {
          failures.add(args + " -> exit " + run.exitCode() + ": " + err.strip());
        }
      }
    }
    assertThat(failures).as("runs that showed the value, or did not name the option and what it takes").isEmpty();
  }

  /** What the core quotes is replaced by a mark naming the option, so the rest of its message still reads. */
  @Test
  void theCoresQuotedValueIsReplacedByTheOptionsName() {
    CliRun run = CliRun.of(env, clock, issue("--database", PASSWORD, "--keyspace", "k", "--access", "read"));
    assertThat(run.stderr()).isEqualTo("astra-vault: database id [value of --database not shown] is not a UUID\n");
  }

  /**
   * A value is shown where it names a file that exists: it is a path, not a secret typed in its place, and the
   * message is about that file. Pins behaviour that was already right.
   */
  @Test
  void aPathNamingAnExistingFileIsStillShown() throws Exception {
    Path empty = dir.resolve("empty-token");
    Files.writeString(empty, "\n");
    CliRun run = CliRun.of(env, clock, "config", "write", "--org-id", "prod", "--token-file", empty.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).endsWith("\nastra-vault: no root token in --token-file " + empty + "\n");
  }
}
