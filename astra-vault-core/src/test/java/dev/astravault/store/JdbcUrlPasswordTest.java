package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.StoreException;
import dev.astravault.internal.redact.Redaction;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A password in a PostgreSQL {@code jdbcUrl} reaches neither pgjdbc nor HikariCP: the store still logs in with it (on
 * a server that checks passwords), and what pgjdbc logs through java.util.logging and HikariCP at DEBUG, even for a
 * URL pgjdbc finds malformed, holds none of it.
 */
class JdbcUrlPasswordTest {
  /** In every secret below, so that a log holding any part of one, encoded or not, is caught. */
  private static final String MARK = "Zq7xK";
  private static final String PASSWORD = "pw " + MARK + "@/:+%&?";
  private static EmbeddedPostgres pg;

  private final List<String> logged = new ArrayList<>();
  private final Logger pgjdbc = Logger.getLogger("org.postgresql");
  private final Handler julHandler = new Handler() {
    private final SimpleFormatter format = new SimpleFormatter();

    @Override
    public void publish(LogRecord r) {
      logged.add(format.format(r) + " " + Arrays.toString(r.getParameters()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final ListAppender<ILoggingEvent> hikariEvents = new ListAppender<>();
  private ch.qos.logback.classic.Logger hikari;
  private java.util.logging.Level pgjdbcLevel;
  private Level hikariLevel;

  @BeforeAll
  static void startPostgresCheckingPasswords() throws IOException, SQLException {
    pg = EmbeddedPostgres.builder().start();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE USER app WITH PASSWORD '" + PASSWORD.replace("'", "''") + "'");
      s.execute("CREATE DATABASE appdb OWNER app");
      String hba;
      try (ResultSet r = s.executeQuery("SHOW hba_file")) {
        r.next();
        hba = r.getString(1);
      }
      // The embedded server trusts everyone; the test's user must give its password.
      Files.writeString(Path.of(hba), String.join("\n", "local all all trust",
          "host all postgres 127.0.0.1/32 trust", "host all postgres ::1/128 trust",
          "host all all 127.0.0.1/32 scram-sha-256", "host all all ::1/128 scram-sha-256", ""));
      s.execute("SELECT pg_reload_conf()");
    }
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    pg.close();
  }

  @BeforeEach
  void captureLogs() {
    pgjdbcLevel = pgjdbc.getLevel();
    pgjdbc.setLevel(java.util.logging.Level.ALL);
    julHandler.setLevel(java.util.logging.Level.ALL);
    pgjdbc.addHandler(julHandler);
    hikari = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("com.zaxxer.hikari");
    hikariLevel = hikari.getLevel();
    hikari.setLevel(Level.DEBUG);
    hikariEvents.start();
    hikari.addAppender(hikariEvents);
  }

  @AfterEach
  void release() {
    pgjdbc.removeHandler(julHandler);
    pgjdbc.setLevel(pgjdbcLevel);
    hikari.detachAppender(hikariEvents);
    hikari.setLevel(hikariLevel);
  }

  private List<String> allLogged() {
    List<String> all = new ArrayList<>(logged);
    for (ILoggingEvent e : hikariEvents.list) {
      all.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : " " + ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    return all;
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** RFC 3986 for user info: a space is %20, as a {@code +} there is a plus. */
  private static String percent(String s) {
    return form(s).replace("+", "%20");
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  private static void opens(JdbcLeaseStore.Builder b) {
    try (JdbcLeaseStore store = b.metadataOnly().build()) {
      assertThat(store.dialect()).isEqualTo(JdbcLeaseStore.Dialect.POSTGRESQL);
      assertThat(store.deploymentId()).isPresent();
    }
  }

  @Test
  void aPasswordParameterLogsInAndIsLoggedNowhere() {
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/appdb?user=app&password=" + form(PASSWORD)
        + "&ApplicationName=url-test";
    opens(JdbcLeaseStore.builder().jdbcUrl(url));
    opens(JdbcLeaseStore.builder().user("app").jdbcUrl(url));
    assertThat(hikariEvents.list).as("HikariCP logs at DEBUG").isNotEmpty();
    assertThat(allLogged()).noneMatch(line -> line.contains(MARK));
  }

  @Test
  void userInfoLogsInAndIsLoggedNowhere() {
    String url = "jdbc:postgresql://app:" + percent(PASSWORD) + "@localhost:" + pg.getPort() + "/appdb?sslpassword="
        + form("key-" + MARK);
    opens(JdbcLeaseStore.builder().jdbcUrl(url));
    opens(JdbcLeaseStore.builder().user("app").jdbcUrl(url));
    assertThat(hikariEvents.list).as("HikariCP logs at DEBUG").isNotEmpty();
    assertThat(allLogged()).noneMatch(line -> line.contains(MARK));
  }

  /** The users the server sees connected with {@code applicationName} (set by the URL, which keeps it). */
  private static List<String> usersOf(String applicationName) throws SQLException {
    List<String> users = new ArrayList<>();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT DISTINCT usename FROM pg_stat_activity "
            + "WHERE application_name = ?")) {
      ps.setString(1, applicationName);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          users.add(r.getString(1));
        }
      }
    }
    return users;
  }

  /**
   * pgjdbc lets a URL's {@code user} parameter override the {@code user} property, so the store would have logged in
   * as the URL's user while the application named another; the user is decided before the driver sees either.
   */
  @Test
  void aUserParameterLogsInAsThatUserAndAnotherUserInCredentialsIsRefused() throws SQLException {
    String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/appdb?user=app&ApplicationName=user-param";
    try (JdbcLeaseStore store = JdbcLeaseStore.builder().jdbcUrl(url).credentials("app", PASSWORD).metadataOnly()
        .build()) {
      assertThat(store.deploymentId()).isPresent();
      assertThat(usersOf("user-param")).containsExactly("app");
    }
    String other = "jdbc:postgresql://localhost:" + pg.getPort() + "/appdb?user=intruder&ApplicationName=user-clash";
    List<Runnable> clashes = List.of(
        () -> JdbcLeaseStore.builder().jdbcUrl(other).credentials("app", PASSWORD),
        () -> JdbcLeaseStore.builder().credentials("app", PASSWORD).jdbcUrl(other),
        () -> JdbcLeaseStore.builder().jdbcUrl(other).user("app"),
        () -> JdbcLeaseStore.builder().jdbcUrl(url + "&user=app").credentials("app", PASSWORD));
    for (Runnable r : clashes) {
      assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("give the user once")
          .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(MARK).doesNotContain("intruder"));
    }
    assertThat(usersOf("user-clash")).isEmpty();
    assertThat(allLogged()).noneMatch(line -> line.contains(MARK));
  }

  @Test
  void theServerChecksThePassword() {
    String url = "jdbc:postgresql://app:wrong@localhost:" + pg.getPort() + "/appdb";
    assertThatThrownBy(() -> opens(JdbcLeaseStore.builder().jdbcUrl(url))).isInstanceOf(StoreException.class);
  }

  /**
   * Malformed URLs pgjdbc logs at WARNING, quoting them: a database name holding a {@code /}; the store fails to
   * open. And user info without a port, whose password pgjdbc took for the port and quoted in its WARNING; now it is
   * a URL of the default port, where no server may listen.
   */
  @Test
  void aMalformedUrlPgjdbcWarnsAboutHoldsNoPasswordInItsWarning() {
    try {
      opens(JdbcLeaseStore.builder().jdbcUrl("jdbc:postgresql://app:" + percent(PASSWORD) + "@localhost/appdb"));
    } catch (RuntimeException e) {
      assertThat(stackTrace(e)).doesNotContain(MARK);
    }
    for (String url : List.of(
        "jdbc:postgresql://localhost:" + pg.getPort() + "/app/db?user=app&password=" + form(PASSWORD),
        "jdbc:postgresql://app:" + percent(PASSWORD) + "@localhost:" + pg.getPort() + "/app/db")) {
      logged.clear();
      assertThatThrownBy(() -> opens(JdbcLeaseStore.builder().jdbcUrl(url)))
          .as(url).isInstanceOf(RuntimeException.class)
          .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(MARK));
      assertThat(logged).as(url).anyMatch(line -> line.contains("WARNING"));
    }
    assertThat(allLogged()).noneMatch(line -> line.contains(MARK));
  }

  @Test
  void aPasswordInTheUrlAndInCredentialsIsRefusedWithoutShowingEither() {
    String url = "jdbc:postgresql://app:" + percent(PASSWORD) + "@localhost:" + pg.getPort() + "/appdb";
    List<Runnable> both = List.of(
        () -> JdbcLeaseStore.builder().jdbcUrl(url).credentials("app", "other-" + MARK),
        () -> JdbcLeaseStore.builder().credentials("app", "other-" + MARK).jdbcUrl(url),
        () -> JdbcLeaseStore.builder().jdbcUrl(url + "?password=" + MARK));
    for (Runnable r : both) {
      assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(MARK).isEqualTo(Redaction.scrub(e.getMessage())))
          .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(MARK));
    }
    JdbcLeaseStore.Builder b = JdbcLeaseStore.builder().jdbcUrl(url);
    assertThat(b.toString()).doesNotContain(MARK);
  }
}
