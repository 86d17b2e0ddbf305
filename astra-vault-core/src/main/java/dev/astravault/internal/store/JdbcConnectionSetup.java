package dev.astravault.internal.store;

import dev.astravault.store.JdbcLeaseStore.Dialect;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * How {@code JdbcLeaseStore.Builder} gets its {@link Connections}: the dialect told from the URL or the database, each
 * SQLite connection's session settings, a SQLite file created private and its side files checked before the driver
 * opens them ({@link SqliteFiles}), and which kind of
 * {@link Connections} serves a data source, a SQLite URL or a PostgreSQL URL.
 */
public final class JdbcConnectionSetup {

  private JdbcConnectionSetup() {}

  /**
   * The connections for exactly one of {@code dataSource} and {@code jdbcUrl}: the caller's data source, one shared
   * SQLite connection, or a HikariCP pool of {@code maxConnections} for PostgreSQL.
   */
  public static Connections open(@Nullable DataSource dataSource, @Nullable String jdbcUrl, Properties properties,
      Dialect dialect, Duration busyTimeout, int maxConnections) {
    List<String> session = dialect == Dialect.SQLITE
        ? List.of("PRAGMA busy_timeout = " + busyTimeout.toMillis(), "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON")
        : List.of();
    Connections connections;
    if (dataSource != null) {
      connections = Connections.of(dataSource, session);
    } else if (dialect == Dialect.SQLITE) {
      Properties sqlite = new Properties();
      sqlite.putAll(properties);
      // The store never reads generated keys; with them on, sqlite-jdbc prepares and runs a
      // "SELECT last_insert_rowid()" after every INSERT.
      sqlite.setProperty("jdbc.get_generated_keys", "false");
      // Checked before every open, not once: the connection is reopened after it breaks, and SQLite opens the side
      // files afresh then (they are gone after the last connection closes).
      Optional<SqliteFiles.Guard> guard = sqlitePath(Objects.requireNonNull(jdbcUrl)).map(SqliteFiles.Guard::new);
      connections = Connections.single(jdbcUrl, sqlite, session, () -> guard.ifPresent(SqliteFiles.Guard::check),
          () -> guard.ifPresent(SqliteFiles.Guard::confirm));
    } else {
      connections = Connections.pool(Objects.requireNonNull(jdbcUrl), properties, session, maxConnections);
    }
    return connections;
  }

  /**
   * The database file of a {@code jdbc:sqlite:PATH[?params]} URL, or of SQLite's URI form ({@code file:PATH},
   * {@code file:///PATH}, percent-encoded); empty for an in-memory database.
   */
  private static Optional<Path> sqlitePath(String url) {
    String rest = url.substring("jdbc:sqlite:".length());
    int query = rest.indexOf('?');
    String file = query < 0 ? rest : rest.substring(0, query);
    if (file.startsWith("file:")) {
      if (query >= 0 && rest.substring(query).contains("mode=memory")) {
        return Optional.empty();
      }
      file = file.substring("file:".length());
      if (file.startsWith("//")) {
        int slash = file.indexOf('/', 2);   // file://localhost/PATH or file:///PATH
        file = slash < 0 ? "" : file.substring(slash);
      }
      file = URLDecoder.decode(file.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
    if (file.isEmpty() || file.startsWith(":memory:")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(file));
  }

  /** The dialect of {@code jdbcUrl}'s scheme, or else of the data source's database product. */
  public static Dialect detect(@Nullable String jdbcUrl, @Nullable DataSource dataSource) {
    if (jdbcUrl != null) {
      if (jdbcUrl.startsWith("jdbc:sqlite:")) {
        return Dialect.SQLITE;
      }
      if (jdbcUrl.startsWith("jdbc:postgresql:")) {
        return Dialect.POSTGRESQL;
      }
      throw new IllegalStateException("cannot tell the dialect of jdbcUrl; set dialect(..)");
    }
    try (Connection c = Objects.requireNonNull(dataSource).getConnection()) {
      String product = c.getMetaData().getDatabaseProductName();
      if ("SQLite".equalsIgnoreCase(product)) {
        return Dialect.SQLITE;
      }
      if ("PostgreSQL".equalsIgnoreCase(product)) {
        return Dialect.POSTGRESQL;
      }
      throw new IllegalStateException("unsupported database '" + product + "'; JdbcLeaseStore speaks SQLite "
          + "and PostgreSQL");
    } catch (SQLException e) {
      throw JdbcCalls.failure("detect the dialect", e);
    }
  }
}
