package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.MutableClock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store URL carrying its database password, typed on the command line where {@code ps} and shell history keep it:
 * refused before parsing, as a token or a store key is, and never echoed. ASTRA_VAULT_STORE may carry one.
 */
class CliStorePasswordTest {
  private static final String PASSWORD = "S3cret-pw_9";

  private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  private final Map<String, String> env = new HashMap<>();

  @TempDir
  Path dir;

  private CliRun cli(String... args) {
    return CliRun.of(env, clock, args);
  }

  @Test
  void aStoreUrlWithAPasswordOnTheCommandLineIsRefusedAndNotEchoed() {
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    List<List<String>> lines = List.of(
        List.of("--store", "jdbc:postgresql://alice:" + PASSWORD + "@db.example/av", "token", "list"),
        List.of("--store=jdbc:postgresql://db.example/av?user=alice&password=" + PASSWORD, "token", "list"),
        List.of("token", "list", "--store", "jdbc:postgresql://db.example/av?PassWord=" + PASSWORD),
        List.of("--store", "JDBC:POSTGRESQL://alice:" + PASSWORD + "@db.example:5432/av", "config", "list"),
        List.of("--store", "jdbc:postgresql://db.example/av?user=alice&sslpassword=" + PASSWORD, "token", "list"),
        List.of("--store", "jdbc:postgresql://db.example/av?user=alice&passwd=" + PASSWORD, "token", "list"),
        List.of("--store", "jdbc:sqlserver://db.example;user=alice;password=" + PASSWORD, "token", "list"),
        List.of("--store", "jdbc:oracle:thin:alice/" + PASSWORD + "@//db.example:1521/av", "token", "list"),
        List.of("--store", "jdbc:sqlite:" + dir.resolve("x.db") + "?password=" + PASSWORD, "token", "list"),
        // Encoded once and twice, as a URL carried in another's parameter: the redactor masks these too.
        List.of("--store", "jdbc:postgresql://db.example/av?options=%26password%3D" + PASSWORD, "token", "list"),
        List.of("--store=jdbc:sqlite:" + dir.resolve("x.db") + "?next=%253Fuser%253Dalice%2526password%253D"
            + PASSWORD, "config", "list"));
    for (List<String> args : lines) {
      CliRun run = cli(args.toArray(String[]::new));
      assertThat(run.exitCode()).as("%s", args).isEqualTo(2);
      assertThat(run.stderr()).as("%s", args).contains("looks like a JDBC URL carrying a password and was refused")
          .contains("ASTRA_VAULT_STORE_PASSWORD").contains("ASTRA_VAULT_STORE_USER")
          .doesNotContain(PASSWORD).doesNotContain("db.example");
      assertThat(run.stdout()).as("%s", args).isEmpty();
    }
    assertThat(dir.resolve("x.db")).doesNotExist();
  }

  @Test
  void aStoreUrlWithoutAPasswordIsNotTakenForOne() {
    for (String url : List.of("jdbc:postgresql://db.example:5432/av?user=alice&sslmode=require",
        "jdbc:postgresql://alice@db.example/av", "jdbc:sqlite:/var/lib/a:b@c.db", "jdbc:sqlite:file:///x.db?mode=rwc",
        "jdbc:sqlite:file://localhost/srv/a:b@c.db", "jdbc:postgresql://db.example/av?passwordless=true")) {
      assertThat(StoreOptions.carriesPassword(url)).as(url).isFalse();
      assertThat(StoreOptions.carriesPassword("--store=" + url)).as(url).isFalse();
    }
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    CliRun run = cli("--store", "jdbc:sqlite:" + dir.resolve("store.db"), "config", "list");
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
  }

  /** From the environment, like ASTRA_VAULT_STORE_PASSWORD itself: used, and masked in what the CLI prints. */
  @Test
  void aStoreUrlWithAPasswordInTheEnvironmentIsUsedNotRefused() {
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db") + "?password=" + PASSWORD);
    CliRun run = cli("config", "list");
    assertThat(run.stderr()).doesNotContain("refused").doesNotContain(PASSWORD);
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    assertThat(dir.resolve("store.db")).exists();
  }

  /**
   * A server URL with its password in the user info, from the environment: the store gives user and password to the
   * driver as properties, so the driver no longer takes {@code alice:pass@127.0.0.1} for the host (and quotes it in
   * its UnknownHostException, which --debug prints): it tries 127.0.0.1 itself.
   */
  @Test
  void aUserInfoPasswordInTheEnvironmentNeverReachesTheDriver() {
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_VAULT_STORE", "jdbc:postgresql://alice:" + PASSWORD + "@127.0.0.1:1/av");
    CliRun run = cli("--debug", "config", "list");
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isEqualTo(1);
    assertThat(run.stderr()).contains("cannot connect to the database").doesNotContain("UnknownHost")
        .doesNotContain("alice:").doesNotContain(PASSWORD).doesNotContain("was refused");
  }

  /** A password in ASTRA_VAULT_STORE and in ASTRA_VAULT_STORE_PASSWORD: which one is meant is not guessed. */
  @Test
  void aPasswordInTheEnvironmentsUrlAndItsVariableIsRefused() {
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_VAULT_STORE", "jdbc:postgresql://127.0.0.1:1/av?password=" + PASSWORD);
    env.put("ASTRA_VAULT_STORE_USER", "alice");
    env.put("ASTRA_VAULT_STORE_PASSWORD", "other-" + PASSWORD);
    CliRun run = cli("config", "list");
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isEqualTo(2);
    assertThat(run.stdout()).doesNotContain(PASSWORD);
    assertThat(run.stderr()).contains("ASTRA_VAULT_STORE_PASSWORD", "carries a password").doesNotContain(PASSWORD)
        .contains("give the password once, in ASTRA_VAULT_STORE_PASSWORD, not in the URL");
  }

  /**
   * A user parameter in the store URL and another user in ASTRA_VAULT_STORE_USER: the driver would have logged in as
   * the URL's, so it is refused before connecting, quoting neither user nor a password (the variable's or the URL's).
   */
  @Test
  void anotherUserInTheStoreUrlThanInItsVariableIsRefused() {
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_VAULT_STORE_USER", "bob");
    env.put("ASTRA_VAULT_STORE_PASSWORD", PASSWORD);
    List<CliRun> runs = new ArrayList<>();
    runs.add(cli("--store", "jdbc:postgresql://127.0.0.1:1/av?user=alice&ssl=false", "config", "list"));
    env.put("ASTRA_VAULT_STORE", "jdbc:postgresql://127.0.0.1:1/av?user=alice");
    runs.add(cli("config", "list"));
    env.remove("ASTRA_VAULT_STORE_PASSWORD");
    env.put("ASTRA_VAULT_STORE", "jdbc:postgresql://127.0.0.1:1/av?user=alice&password=" + PASSWORD);
    runs.add(cli("config", "list"));
    for (CliRun run : runs) {
      assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isEqualTo(2);
      assertThat(run.stdout()).doesNotContain(PASSWORD);
      assertThat(run.stderr()).contains("ASTRA_VAULT_STORE_USER", "give the user once").doesNotContain(PASSWORD)
          .doesNotContain("alice").doesNotContain("bob").doesNotContain("cannot connect")
          .contains("name the user once, in the URL or in ASTRA_VAULT_STORE_USER")
          .doesNotContain("give the password once");
    }
  }
}
