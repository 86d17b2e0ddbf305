package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh CLI home: {@code ~/.astra-vault} is created 0700 and the default store in it (with its -wal and -shm
 * files) 0600, as is an audit log given with {@code --audit-log} in a new directory, whatever the umask.
 */
class CliFileModesTest {
  private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

  @RegisterExtension
  final FakeAstra astra = FakeAstra.create().useClock(clock);

  @TempDir
  Path home;

  private String previousHome;

  @BeforeEach
  void useTempHome() {
    previousHome = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
  }

  @AfterEach
  void restoreHome() {
    System.setProperty("user.home", previousHome);
  }

  static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aFreshHomeStoreAndAuditLogArePrivate() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    Path auditLog = home.resolve("logs/astra/audit.jsonl");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"config", "write", "--org-id", astra.defaultOrg().orgId(), "--url",
        astra.url().toString(), "--logical-name", "prod", "--audit-log", auditLog.toString()}, env,
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true), clock);
    assertThat(code).as("stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();

    Path cliHome = home.resolve(".astra-vault");
    assertThat(mode(cliHome)).isEqualTo("rwx------");
    List<Path> files;
    try (Stream<Path> s = Files.list(cliHome)) {
      files = s.toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString()).contains("astra-vault.db");
    for (Path p : files) {
      assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
    }
    assertThat(mode(home.resolve("logs"))).isEqualTo("rwx------");
    assertThat(mode(home.resolve("logs/astra"))).isEqualTo("rwx------");
    assertThat(Files.size(auditLog)).isPositive();
    assertThat(mode(auditLog)).isEqualTo("rw-------");
  }
}
