package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.FakeAstra;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/**
 * The JDBC properties, asserted by what lands in the database: {@code astra.vault.audit.jdbc} and {@code jdbc-table}
 * write rows into the application's DataSource, {@code astra.vault.store.type=jdbc} uses that DataSource when no URL
 * is set, and {@code astra.vault.store.jdbc.username}/{@code password} reach a PostgreSQL server that demands them.
 */
class AstraVaultJdbcTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  static final String STORE_USER = "orders_store";
  static final String STORE_PASSWORD = "pw-7c1e93b04d";

  static final String NULL_PASSWORD_USER = "literal_null";

  static EmbeddedPostgres pg;

  /**
   * An embedded PostgreSQL whose superuser connects without a password (the test's own connections) while every
   * other user must give its password, so a wrong or missing {@code store.jdbc.password} cannot connect.
   */
  @BeforeAll
  static void startPostgres() throws IOException, SQLException {
    pg = EmbeddedPostgres.builder().setDataDirectoryCustomizer(dir -> {
      try {
        Files.writeString(dir.toPath().resolve("pg_hba.conf"), """
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host all postgres ::1/128 trust
            host all all 127.0.0.1/32 md5
            host all all ::1/128 md5
            """);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).start();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + STORE_USER + " LOGIN PASSWORD '" + STORE_PASSWORD + "'");
      s.execute("CREATE DATABASE store_db OWNER " + STORE_USER);
      // A user whose password is literally "null": what String.valueOf(null) used to send.
      s.execute("CREATE ROLE " + NULL_PASSWORD_USER + " LOGIN PASSWORD 'null'");
      s.execute("CREATE DATABASE null_pw_db OWNER " + NULL_PASSWORD_USER);
      s.execute("CREATE DATABASE trust_db");
    }
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (pg != null) {
      pg.close();
    }
  }

  private static String storeUrl() {
    return "jdbc:postgresql://localhost:" + pg.getPort() + "/store_db";
  }

  private static SQLiteDataSource sqlite(Path file) {
    SQLiteDataSource ds = new SQLiteDataSource();
    ds.setUrl("jdbc:sqlite:" + file);
    return ds;
  }

  private static final String ADMIN_APPLICATION = "astra-vault-test-admin";

  /** Connections to {@code admin}'s database that name themselves {@link #ADMIN_APPLICATION}. */
  private static DataSource adminNamed(DataSource admin) {
    PGSimpleDataSource named = new PGSimpleDataSource();
    named.setURL(((PGSimpleDataSource) admin).getURL());
    named.setUser(((PGSimpleDataSource) admin).getUser());
    named.setApplicationName(ADMIN_APPLICATION);
    return named;
  }

  private static List<String> column(DataSource ds, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  private static List<String> tables(DataSource ds) throws SQLException {
    return column(ds, "SELECT name FROM sqlite_master WHERE type = 'table'");
  }

  private static FailureAnalysis analysis(AssertableApplicationContext context, String... secrets) {
    assertThat(context).hasFailed();
    Throwable failure = context.getStartupFailure();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(secrets);
    }
    FailureAnalysis analysis = new AstraVaultFailureAnalyzer().analyze(failure);
    assertThat(analysis).as("analysis of %s", failure).isNotNull();
    assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(secrets);
    return analysis;
  }

  // ------------------------------------------------------------------ audit.jdbc, audit.jdbc-table

  @Test
  void auditJdbcWritesRowsIntoTheNamedTableOfTheApplicationsDataSource(@TempDir Path dir) throws Exception {
    SQLiteDataSource app = sqlite(dir.resolve("app.db"));
    String[] token = new String[1];
    FakeAstraContext.withFakeAstra(astra).withBean("dataSource", DataSource.class, () -> app)
        .withPropertyValues("astra.vault.audit.jdbc=true", "astra.vault.audit.jdbc-table=orders_audit",
            "astra.vault.audit.async=false")
        .run(context -> {
          assertThat(context).hasNotFailed();
          token[0] = context.getBean(ManagedToken.class).current();
          // Synchronous sink: the issue is already a row.
          assertThat(column(app, "SELECT type FROM orders_audit")).contains("token.issued");
          assertThat(column(app, "SELECT logical_name FROM orders_audit WHERE type = 'token.issued'"))
              .containsExactly("orders-service");
          assertThat(tables(app)).contains("orders_audit").doesNotContain("av_audit");
        });
    assertThat(column(app, "SELECT type FROM orders_audit")).contains("token.issued", "lease.revoked");
    assertThat(column(app, "SELECT event_json FROM orders_audit"))
        .allSatisfy(json -> assertThat(json).doesNotContain(token[0], astra.defaultOrg().rootToken()));
  }

  @Test
  void auditJdbcDefaultsToTableAvAuditBehindTheQueue(@TempDir Path dir) throws Exception {
    SQLiteDataSource app = sqlite(dir.resolve("app.db"));
    FakeAstraContext.withFakeAstra(astra).withBean("dataSource", DataSource.class, () -> app)
        .withPropertyValues("astra.vault.audit.jdbc=true")
        .run(context -> assertThat(context).hasNotFailed());
    // Closing the context drains the async queue.
    assertThat(column(app, "SELECT type FROM av_audit")).contains("token.issued", "lease.revoked");
  }

  @Test
  void auditJdbcIsOffByDefault(@TempDir Path dir) throws Exception {
    SQLiteDataSource app = sqlite(dir.resolve("app.db"));
    FakeAstraContext.withFakeAstra(astra).withBean("dataSource", DataSource.class, () -> app)
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(tables(app)).doesNotContain("av_audit");
  }

  @Test
  void auditJdbcWithoutADataSourceSaysWhatToDo() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.jdbc=true").run(context -> {
      FailureAnalysis a = analysis(context, astra.defaultOrg().rootToken());
      assertThat(a.getDescription()).contains("astra.vault.audit.jdbc=true needs the application's DataSource");
      assertThat(a.getAction()).contains("spring.datasource", "astra.vault.audit.jdbc");
    });
  }

  @Test
  void aBadAuditTableNameIsNamed(@TempDir Path dir) {
    SQLiteDataSource app = sqlite(dir.resolve("app.db"));
    FakeAstraContext.withFakeAstra(astra).withBean("dataSource", DataSource.class, () -> app)
        .withPropertyValues("astra.vault.audit.jdbc=true", "astra.vault.audit.jdbc-table=audit; DROP TABLE x")
        .run(context -> assertThat(analysis(context, astra.defaultOrg().rootToken()).getDescription())
            .contains("astra.vault.audit.jdbc-table"));
  }

  // ------------------------------------------------------------------ store.type=jdbc on the app's DataSource

  @Test
  void theJdbcStoreUsesTheApplicationsDataSourceWhenNoUrlIsSet(@TempDir Path dir) throws Exception {
    SQLiteDataSource app = sqlite(dir.resolve("app.db"));
    FakeAstraContext.withFakeAstra(astra).withBean("dataSource", DataSource.class, () -> app)
        .withPropertyValues("astra.vault.store.type=jdbc", "astra.vault.store.metadata-only=true")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(LeaseStore.class)).isInstanceOf(JdbcLeaseStore.class);
          String leaseId = context.getBean(ManagedToken.class).snapshot().leaseId();
          assertThat(column(app, "SELECT lease_id FROM av_lease")).containsExactly(leaseId);
        });
  }

  // ------------------------------------------------------------------ store.jdbc.username, store.jdbc.password

  private static ApplicationContextRunner postgresStore() {
    return FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.store.type=jdbc",
        "astra.vault.store.jdbc.url=" + storeUrl(), "astra.vault.store.metadata-only=true");
  }

  @Test
  void usernameAndPasswordReachTheStoresOwnDatabase() throws Exception {
    DataSource admin = adminNamed(pg.getDatabase("postgres", "store_db"));
    postgresStore().withPropertyValues("astra.vault.store.jdbc.username=" + STORE_USER,
        "astra.vault.store.jdbc.password=" + STORE_PASSWORD).run(context -> {
          assertThat(context).hasNotFailed();
          String leaseId = context.getBean(ManagedToken.class).snapshot().leaseId();
          assertThat(column(admin, "SELECT lease_id FROM av_lease")).containsExactly(leaseId);
          // The store created its tables, and holds its connections, as the configured user.
          assertThat(column(admin, "SELECT tableowner FROM pg_tables WHERE tablename = 'av_lease'"))
              .containsExactly(STORE_USER);
          // The admin's earlier connections may still be listed: a backend leaves pg_stat_activity a moment after
          // its client closes. So the admin's connections carry a name of their own, and are left out.
          assertThat(column(admin, "SELECT usename FROM pg_stat_activity WHERE datname = 'store_db' "
              + "AND application_name <> '" + ADMIN_APPLICATION + "'")).isNotEmpty().containsOnly(STORE_USER);
          assertThat(context.getBean(AstraVaultProperties.class).toString()).doesNotContain(STORE_PASSWORD);
        });
  }

  @Test
  void aWrongPasswordFailsStartupNamingTheStoreAndNotThePassword() {
    postgresStore().withPropertyValues("astra.vault.store.jdbc.username=" + STORE_USER,
        "astra.vault.store.jdbc.password=not-" + STORE_PASSWORD).run(context -> {
          FailureAnalysis a = analysis(context, STORE_PASSWORD, astra.defaultOrg().rootToken());
          assertThat(a.getDescription()).contains("astra.vault.store", STORE_USER);
          assertThat(a.getAction()).contains("astra.vault.store.jdbc.username", "astra.vault.store.jdbc.password");
        });
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void aPasswordWithoutAUsernameIsNamedNotIgnored() {
    postgresStore().withPropertyValues("astra.vault.store.jdbc.password=" + STORE_PASSWORD).run(context -> {
      FailureAnalysis a = analysis(context, STORE_PASSWORD);
      assertThat(a.getDescription()).contains("astra.vault.store.jdbc.password", "astra.vault.store.jdbc.username");
    });
  }

  @Test
  void aUsernameWithoutAPasswordLogsInWithNoPassword() throws Exception {
    // pg_hba trusts the postgres user: it needs no password, and gets none.
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/trust_db";
    postgresStore().withPropertyValues("astra.vault.store.jdbc.url=" + url, "astra.vault.store.jdbc.username=postgres")
        .run(context -> {
          assertThat(context).hasNotFailed();
          String leaseId = context.getBean(ManagedToken.class).snapshot().leaseId();
          assertThat(column(pg.getDatabase("postgres", "trust_db"), "SELECT lease_id FROM av_lease"))
              .containsExactly(leaseId);
        });
  }

  @Test
  void aUsernameWithoutAPasswordSendsNoPasswordNotTheStringNull() {
    // This user's password is "null", so sending String.valueOf(null) would log in; no password must not.
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/null_pw_db";
    postgresStore().withPropertyValues("astra.vault.store.jdbc.url=" + url,
        "astra.vault.store.jdbc.username=" + NULL_PASSWORD_USER).run(context -> {
          FailureAnalysis a = analysis(context, astra.defaultOrg().rootToken());
          assertThat(a.getDescription()).contains("as user " + NULL_PASSWORD_USER + " with no password",
              "astra.vault.store.jdbc.password is not set");
          assertThat(a.getAction()).contains("set astra.vault.store.jdbc.password");
        });
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void aPasswordInTheUrlLogsInWithoutReachingTheDriverAndIsNotSaidMissing() throws Exception {
    DataSource admin = pg.getDatabase("postgres", "store_db");
    postgresStore().withPropertyValues("astra.vault.store.jdbc.url=" + storeUrl() + "?password=" + STORE_PASSWORD,
        "astra.vault.store.jdbc.username=" + STORE_USER).run(context -> {
          assertThat(context).hasNotFailed();
          String leaseId = context.getBean(ManagedToken.class).snapshot().leaseId();
          assertThat(column(admin, "SELECT lease_id FROM av_lease")).containsExactly(leaseId);
        });
    // A wrong one fails naming the store, without claiming no password was given.
    postgresStore().withPropertyValues("astra.vault.store.jdbc.url=" + storeUrl() + "?password=not-" + STORE_PASSWORD,
        "astra.vault.store.jdbc.username=" + STORE_USER).run(context -> {
          FailureAnalysis a = analysis(context, STORE_PASSWORD);
          assertThat(a.getDescription()).contains("as user " + STORE_USER).doesNotContain("with no password");
        });
  }

  @Test
  void aPasswordInTheUrlAndInItsPropertyFailsStartupNamingBothNotEither() {
    postgresStore().withPropertyValues("astra.vault.store.jdbc.url=" + storeUrl() + "?password=" + STORE_PASSWORD,
        "astra.vault.store.jdbc.username=" + STORE_USER, "astra.vault.store.jdbc.password=other-" + STORE_PASSWORD)
        .run(context -> {
          FailureAnalysis a = analysis(context, STORE_PASSWORD);
          assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(AstraVaultStartupException.class);
          assertThat(a.getDescription()).startsWith("astra.vault.store.jdbc: jdbcUrl carries a password");
          assertThat(a.getAction()).contains("astra.vault.store.jdbc.password", "astra.vault.store.jdbc.url");
        });
    assertThat(astra.liveTokens()).isEmpty();
  }

  /**
   * pgjdbc lets the URL's user override the username property: here the URL's {@code postgres}, whom the server
   * trusts, would have logged in while the application named {@code orders_store}.
   */
  @Test
  void anotherUserInTheUrlThanInTheUsernamePropertyFailsStartupNamingBothNotThePassword() {
    for (String url : List.of(storeUrl() + "?user=postgres&ApplicationName=user-clash",
        storeUrl().replace("//", "//postgres@"))) {
      postgresStore().withPropertyValues("astra.vault.store.jdbc.url=" + url,
          "astra.vault.store.jdbc.username=" + STORE_USER, "astra.vault.store.jdbc.password=" + STORE_PASSWORD)
          .run(context -> {
            FailureAnalysis a = analysis(context, STORE_PASSWORD);
            assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(AstraVaultStartupException.class);
            assertThat(a.getDescription()).as(url).startsWith("astra.vault.store.jdbc.url names a user")
                .contains("astra.vault.store.jdbc.username");
            assertThat(a.getAction()).contains("astra.vault.store.jdbc.username", "astra.vault.store.jdbc.url")
                .doesNotContain("password");
          });
    }
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void theSameUserInTheUrlAndTheUsernamePropertyLogsInAsThatUser() throws Exception {
    DataSource admin = pg.getDatabase("postgres", "store_db");
    postgresStore().withPropertyValues("astra.vault.store.jdbc.url=" + storeUrl() + "?user=" + STORE_USER
        + "&ApplicationName=same-user", "astra.vault.store.jdbc.username=" + STORE_USER,
        "astra.vault.store.jdbc.password=" + STORE_PASSWORD).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(column(admin, "SELECT DISTINCT usename FROM pg_stat_activity "
              + "WHERE application_name = 'same-user'")).containsExactly(STORE_USER);
        });
  }
}
