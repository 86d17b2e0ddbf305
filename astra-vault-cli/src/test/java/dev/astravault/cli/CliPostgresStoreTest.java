package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --store jdbc:postgresql:…}: the same commands on a real PostgreSQL server, with the user and password from
 * {@code ASTRA_VAULT_STORE_USER} / {@code _PASSWORD}, and secrets encrypted in its tables.
 */
class CliPostgresStoreTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws IOException {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    pg.close();
  }


  static CliRun cli(Map<String, String> env, String... args) {
    return CliRun.of(env, Clock.systemUTC(), args);
  }

  @Test
  void theWorkflowRunsOnPostgresAndKeepsSecretsEncrypted() throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE USER operator WITH PASSWORD 'op-pass'");
      s.execute("CREATE DATABASE vaultstore OWNER operator");
    }
    Map<String, String> env = new HashMap<>();
    env.put("ASTRA_VAULT_STORE", "jdbc:postgresql://localhost:" + pg.getPort() + "/vaultstore");
    env.put("ASTRA_VAULT_STORE_USER", "operator");
    env.put("ASTRA_VAULT_STORE_PASSWORD", "op-pass");
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());

    assertThat(cli(env, "config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod",
        "--url", astra.url().toString()).exitCode()).isZero();
    env.remove("ASTRA_ORG_TOKEN");
    assertThat(cli(env, "role", "sync").exitCode()).isZero();
    CliRun issued = cli(env, "token", "issue", "--org-id", "prod", "--role-name", "api_ro_user", "--logical-name",
        "orders", "--format", "json");
    assertThat(issued.exitCode()).as(issued.stderr()).isZero();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"token\": *\"(AstraCS:[^\"]+)\"")
        .matcher(issued.stdout());
    assertThat(m.find()).as(issued.stdout()).isTrue();
    String token = m.group(1);
    assertThat(astra.isLive(token)).isTrue();
    assertThat(cli(env, "token", "list").stdout()).contains("orders").doesNotContain(token);

    // What PostgreSQL holds is ciphertext: neither the token nor the root token appears in any column.
    try (Connection c = pg.getDatabase("operator", "vaultstore").getConnection();
        Statement s = c.createStatement();
        ResultSet tables = s.executeQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
      StringBuilder dump = new StringBuilder();
      java.util.List<String> names = new java.util.ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString(1));
      }
      for (String table : names) {
        try (Statement q = c.createStatement(); ResultSet rows = q.executeQuery("SELECT * FROM " + table)) {
          while (rows.next()) {
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
              dump.append(rows.getString(i)).append('|');
            }
          }
        }
      }
      assertThat(names).isNotEmpty();
      assertThat(dump.toString()).contains("orders").doesNotContain(token)
          .doesNotContain(astra.defaultOrg().rootToken());
    }
  }

  /**
   * ASTRA_VAULT_STORE carrying user and password in its user info (percent-encoded): the store gives them to the
   * driver as properties, which could not parse them in the URL (it took {@code auditor:pw@localhost} for a host).
   */
  @Test
  void aStoreUrlWithUserInfoFromTheEnvironmentConnects() throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE USER auditor WITH PASSWORD 'au@dit/pw'");
      s.execute("CREATE DATABASE auditstore OWNER auditor");
    }
    Map<String, String> env = new HashMap<>();
    env.put("ASTRA_VAULT_STORE", "jdbc:postgresql://auditor:au%40dit%2Fpw@localhost:" + pg.getPort()
        + "/auditstore");
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    CliRun run = cli(env, "config", "list");
    assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
    assertThat(run.stderr()).doesNotContain("au@dit/pw").doesNotContain("au%40dit%2Fpw");
  }
}
