package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file the CLI reads a secret or trust anchor from ({@code --token-file}, {@code --vault-secret-id-file},
 * {@code --key-file}, {@code --vault-ca-cert}) is refused, as a usage error naming the option, the file or directory
 * and the fix, when another local user could replace it. A Kubernetes secret volume's linked layout passes.
 */
class CliSecretFileTrustTest {
  static final int OTHER_UID = 12345;
  static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

  @RegisterExtension
  final FakeAstra astra = FakeAstra.create().useClock(clock);

  @TempDir
  Path dir;

  private final Map<String, String> env = new HashMap<>();
  private final String key = EncryptionKey.generate().toBase64();

  private CliRun cli(String... args) {
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    return CliRun.of(env, clock, args);
  }

  private CliRun writeOrgWithTokenFile(Path tokenFile) {
    env.put("ASTRA_VAULT_KEY", key);
    return cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
        astra.url().toString(), "--token-file", tokenFile.toString());
  }

  static Path mkdir(Path p, int mode) throws IOException {
    Files.createDirectories(p);
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  static Path write(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setAttribute(file, "unix:mode", 0600);
    return file;
  }

  @Test
  void aTokenFileUnderAWorldWritableGrandparentIsAUsageErrorNamingTheOptionAndDirectory() throws Exception {
    Path open = mkdir(dir.resolve("shared"), 0777);
    Path secrets = mkdir(open.resolve("secrets"), 0700);
    String rootToken = astra.defaultOrg().rootToken();
    Path tokenFile = write(secrets.resolve("root-token"), rootToken);
    CliRun token = writeOrgWithTokenFile(tokenFile);
    assertThat(token.exitCode()).as("stderr: %s", token.stderr()).isEqualTo(2);
    assertThat(token.stderr()).startsWith("astra-vault: the directory " + open + " is writable by all users")
        .contains("--token-file " + tokenFile).contains("chmod o-w").doesNotContain(rootToken);
    assertThat(cli("config", "list").stdout()).doesNotContain("prod");
  }

  @Test
  void theKeySecretIdAndCaFilesUnderAWorldWritableGrandparentAreUsageErrorsNamingTheirOption() throws Exception {
    Path open = mkdir(dir.resolve("shared"), 0777);
    Path secrets = mkdir(open.resolve("secrets"), 0700);
    Path keyFile = write(secrets.resolve("store.key"), key);
    Path secretId = write(secrets.resolve("secret-id"), "approle-secret-id");
    Path ca = write(secrets.resolve("ca.pem"), CA);
    env.put("VAULT_TOKEN", "hvs.CAESICliTrustTestTokenXq3vT9");
    Map<String, List<String>> runs = Map.of(
        "--key-file", List.of("--key-file", keyFile.toString(), "config", "list"),
        "--vault-secret-id-file", List.of("--vault-addr", "http://127.0.0.1:9", "--vault-role-id", "orders",
            "--vault-secret-id-file", secretId.toString(), "config", "list"),
        "--vault-ca-cert", List.of("--vault-addr", "https://127.0.0.1:9", "--vault-ca-cert", ca.toString(),
            "config", "list"));
    SoftAssertions.assertSoftly(softly -> runs.forEach((option, args) -> {
      CliRun run = cli(args.toArray(String[]::new));
      softly.assertThat(run.exitCode()).as("%s: %s", option, run.stderr()).isEqualTo(2);
      softly.assertThat(run.stderr()).as(option).contains("directory " + open).contains(option + " ")
          .doesNotContain(key).doesNotContain("approle-secret-id");
    }));
  }

  @Test
  void aTokenOrKeyFileAllUsersCanWriteIsAUsageErrorNamingTheOption() throws Exception {
    String rootToken = astra.defaultOrg().rootToken();
    Path tokenFile = write(dir.resolve("root-token"), rootToken);
    Files.setAttribute(tokenFile, "unix:mode", 0666);
    CliRun token = writeOrgWithTokenFile(tokenFile);
    assertThat(token.exitCode()).as("stderr: %s", token.stderr()).isEqualTo(2);
    assertThat(token.stderr()).contains("--token-file " + tokenFile).contains("writable by all users")
        .contains("chmod o-w").doesNotContain(rootToken);
    assertThat(cli("config", "list").stdout()).doesNotContain("prod");
    Path keyFile = write(dir.resolve("store.key"), key);
    Files.setAttribute(keyFile, "unix:mode", 0646);
    env.remove("ASTRA_VAULT_KEY");
    CliRun list = cli("--key-file", keyFile.toString(), "config", "list");
    assertThat(list.exitCode()).as("stderr: %s", list.stderr()).isEqualTo(2);
    assertThat(list.stderr()).contains("--key-file " + keyFile).contains("writable by all users")
        .doesNotContain(key);
  }

  @Test
  void aCaFileAllUsersCanWriteOrTooLargeIsAUsageErrorNamingTheOptionNotAPemProblem() throws Exception {
    env.put("VAULT_TOKEN", "hvs.CAESICliTrustTestTokenXq3vT9");
    Path ca = write(dir.resolve("ca.pem"), CA);
    Files.setAttribute(ca, "unix:mode", 0666);
    CliRun open = cli("--vault-addr", "https://127.0.0.1:9", "--vault-ca-cert", ca.toString(), "config", "list");
    assertThat(open.exitCode()).as("stderr: %s", open.stderr()).isEqualTo(2);
    assertThat(open.stderr()).contains("--vault-ca-cert " + ca).contains("writable by all users")
        .doesNotContain("not a PEM certificate");
    Files.writeString(ca, CA + "#".repeat(1 << 20));
    Files.setAttribute(ca, "unix:mode", 0644);
    CliRun large = cli("--vault-addr", "https://127.0.0.1:9", "--vault-ca-cert", ca.toString(), "config", "list");
    assertThat(large.exitCode()).as("stderr: %s", large.stderr()).isEqualTo(2);
    assertThat(large.stderr()).contains("--vault-ca-cert " + ca).contains("larger than 1 MiB")
        .doesNotContain("not a PEM certificate");
  }

  @Test
  void aTokenFileOfAnotherUserIsAUsageErrorNamingItsUid() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "giving a file to another user takes root");
    String rootToken = astra.defaultOrg().rootToken();
    Path tokenFile = write(dir.resolve("root-token"), rootToken);
    Files.setAttribute(tokenFile, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    CliRun run = writeOrgWithTokenFile(tokenFile);
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).contains("--token-file " + tokenFile).contains("belongs to uid " + OTHER_UID)
        .contains("chown").doesNotContain(rootToken);
  }

  @Test
  void aKubernetesSecretVolumeIsAcceptedWithTheModeWarning() throws Exception {
    // The kubelet's layout: a root-owned 1777 mount point, files in a timestamped directory reached through ..data.
    Path volume = mkdir(dir.resolve("etc/astra-secrets"), 01777);
    Path data = mkdir(volume.resolve("..2030_01_01_00_00_00.123456789"), 0755);
    Files.writeString(data.resolve("root-token"), astra.defaultOrg().rootToken());
    Files.setAttribute(data.resolve("root-token"), "unix:mode", 0644);
    Files.createSymbolicLink(volume.resolve("..data"), data.getFileName());
    Path tokenFile = Files.createSymbolicLink(volume.resolve("root-token"), Path.of("..data/root-token"));
    CliRun run = writeOrgWithTokenFile(tokenFile);
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    assertThat(run.stderr()).contains("warning: --token-file " + tokenFile + " is readable by other users");
    assertThat(cli("config", "list").stdout()).contains("prod");
  }
}
