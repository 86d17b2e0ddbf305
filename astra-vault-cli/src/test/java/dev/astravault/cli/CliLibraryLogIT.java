package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library's own log lines through the real jar (a fresh JVM, so --debug sets the log level): they reach stderr
 * through the same terminal escaping as the CLI's own lines, so a name from Astra cannot drive the terminal there.
 */
class CliLibraryLogIT {
  @RegisterExtension
  static final FakeAstra astra = FakeAstra.create();

  @TempDir
  Path dir;

  @Test
  void controlCharactersInALibraryLogLineAreEscaped() {
    CliProcess cli = new CliProcess(dir)
        .env("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"))
        .env("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64())
        .env("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    cli.run("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
        astra.url().toString()).ok();
    // Two Astra roles that map to one name: the library logs the collision with both Astra names, as Astra has them.
    astra.addRole(astra.defaultOrg(), "Evil\u001b]0;pwned\u0007 Role");
    astra.addRole(astra.defaultOrg(), "Evil\u009b]0;pwned\u0007-Role");

    CliProcess.Result sync = cli.run("--debug", "role", "sync", "--org-id", "prod").ok();

    assertThat(sync.stderr()).contains("role sync for org " + astra.defaultOrg().orgId() + ": Astra roles "
        + "[Evil\\u001b]0;pwned\\u0007 Role, Evil\\u009b]0;pwned\\u0007-Role]");
    assertThat(sync.stdout() + sync.stderr()).doesNotContainPattern("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]");
  }
}
