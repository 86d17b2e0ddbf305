package dev.astravault.internal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.astravault.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where the store's connections come from: a user's {@link DataSource} (normally pooled), one shared connection
 * (SQLite by URL: SQLite serializes writers anyway, so one connection per process and a lock is the fastest and
 * avoids SQLITE_BUSY between our own threads), or a HikariCP pool (PostgreSQL by URL).
 * Every new connection runs the dialect's session statements (SQLite's busy timeout).
 * The single SQLite connection keeps its prepared statements for reuse (sqlite-jdbc has no statement cache);
 * pooled PostgreSQL connections need none, as pgjdbc keeps server-side statements per connection by itself.
 */
public abstract class Connections implements AutoCloseable {

  /** Work on a connection in auto-commit mode; it must leave the connection in auto-commit mode. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Work on one prepared statement. It must close every result set it opens and must not keep the statement. */
  @FunctionalInterface
  public interface StatementWork<T> {
    T run(PreparedStatement ps) throws SQLException;
  }

  public abstract <T> T with(Work<T> work) throws SQLException;

  /**
   * Runs {@code work} on a statement prepared from {@code sql}, in auto-commit mode. The statement may be a cached one
   * with its parameters cleared: {@code work} binds every parameter it uses.
   */
  public <T> T prepared(String sql, StatementWork<T> work) throws SQLException {
    return with(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        return work.run(ps);
      }
    });
  }

  @Override
  public abstract void close();

  public static Connections of(DataSource dataSource, List<String> sessionSql) {
    return new FromDataSource(dataSource, sessionSql);
  }

  /**
   * One shared connection to {@code url}; {@code beforeOpen} runs before each time it is (re)opened, {@code opened}
   * once the driver has opened it and before it is used: a throw from either leaves no connection open.
   */
  public static Connections single(String url, Properties props, List<String> sessionSql, Runnable beforeOpen,
      Runnable opened) {
    return new Single(url, props, sessionSql, beforeOpen, opened);
  }

  public static Connections pool(String url, Properties props, List<String> sessionSql, int max) {
    return new Pool(url, props, sessionSql, max);
  }

  /**
   * Ends a transaction begun with {@code setAutoCommit(false)}: commits or rolls back, and gives the connection back
   * in auto-commit mode even when that fails, so that a pooled or cached connection never carries it on.
   */
  public static void endTransaction(Connection c, boolean commit) throws SQLException {
    try {
      if (commit) {
        c.commit();
      } else {
        c.rollback();
      }
    } finally {
      c.setAutoCommit(true);
    }
  }

  static void init(Connection c, List<String> sessionSql) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : sessionSql) {
        s.execute(sql);
      }
    }
    c.setAutoCommit(true);
  }

  private static final class FromDataSource extends Connections {
    private final DataSource dataSource;
    private final List<String> sessionSql;

    FromDataSource(DataSource dataSource, List<String> sessionSql) {
      this.dataSource = dataSource;
      this.sessionSql = List.copyOf(sessionSql);
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      try (Connection c = dataSource.getConnection()) {
        init(c, sessionSql);
        return work.run(c);
      }
    }

    @Override
    public void close() {
      // The DataSource belongs to the caller.
    }
  }

  private static final class Single extends Connections {
    /** More distinct statements than the store has means SQL built from data: those are not kept. */
    static final int MAX_STATEMENTS = 64;

    private final String url;
    private final Properties props;
    private final List<String> sessionSql;
    private final Runnable beforeOpen;
    private final Runnable opened;
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Connection connection;
    // Statements prepared on `connection`, by SQL; guarded by `lock`, dropped whenever `connection` is. Preparing
    // the 24-column insert on every call was a tenth of an insert's CPU time (issue 15).
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private boolean closed;

    Single(String url, Properties props, List<String> sessionSql, Runnable beforeOpen, Runnable opened) {
      this.url = url;
      this.props = props;
      this.sessionSql = List.copyOf(sessionSql);
      this.beforeOpen = beforeOpen;
      this.opened = opened;
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      lock.lock();
      try {
        return work.run(open());
      } finally {
        lock.unlock();
      }
    }

    @Override
    public <T> T prepared(String sql, StatementWork<T> work) throws SQLException {
      lock.lock();
      try {
        Connection c = open();
        // Checked out while in use: a statement whose work failed is closed, never reused in an unknown state
        // (sqlite-jdbc finalizes a statement on some errors, and a failed step may leave it unreset).
        PreparedStatement ps = statements.remove(sql);
        if (ps == null || ps.isClosed()) {
          ps = c.prepareStatement(sql);
        } else {
          // No value bound for a previous row (a ciphertext, say) can leak into this one.
          ps.clearParameters();
        }
        boolean keep = false;
        try {
          T result = work.run(ps);
          keep = statements.size() < MAX_STATEMENTS;
          return result;
        } finally {
          if (keep) {
            statements.put(sql, ps);
          } else {
            closeQuietly(ps);
          }
        }
      } finally {
        lock.unlock();
      }
    }

    /** The open connection, replacing a closed one (and its statements); under {@code lock}. */
    private Connection open() throws SQLException {
      if (closed) {
        throw new StoreException("the lease store is closed");
      }
      Connection c = connection;
      if (c == null || c.isClosed()) {
        dropStatements();
        connection = null;
        beforeOpen.run();
        c = DriverManager.getConnection(url, props);
        try {
          opened.run();
          init(c, sessionSql);
        } catch (SQLException | RuntimeException e) {
          closeQuietly(c);
          throw e;
        }
        connection = c;
      }
      return c;
    }

    private void dropStatements() {
      for (PreparedStatement ps : statements.values()) {
        closeQuietly(ps);
      }
      statements.clear();
    }

    @Override
    public void close() {
      lock.lock();
      try {
        closed = true;
        dropStatements();
        if (connection != null) {
          closeQuietly(connection);
          connection = null;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception ignored) {
      // Closing; nothing to do.
    }
  }

  /**
   * HikariCP over {@link DriverManager}: a maintained pool that validates, times out and retires connections, which
   * the hand-written pool it replaced (issue 15) did not. The store owns it and closes it.
   */
  private static final class Pool extends Connections {
    private final HikariDataSource pool;

    Pool(String url, Properties props, List<String> sessionSql, int max) {
      HikariConfig config = new HikariConfig();
      config.setMaximumPoolSize(max);
      config.setMinimumIdle(Math.min(max, 2));
      config.setAutoCommit(true);
      config.setPoolName("astra-vault-lease-store");
      // Fail the store's build() at once when the database is unreachable, as the old pool did on first use.
      config.setInitializationFailTimeout(1);
      if (!sessionSql.isEmpty()) {
        config.setConnectionInitSql(String.join("; ", sessionSql));
      }
      try {
        // The data source HikariCP would build from setJdbcUrl and setDataSourceProperties, built here so that its
        // DEBUG dump of the configuration never holds the properties: it masks "password" there but not
        // "sslpassword" (see JdbcUrlCredentials).
        config.setDataSource(new DriverDataSource(url, null, props, null, null));
        this.pool = new HikariDataSource(config);
      } catch (RuntimeException e) {
        Throwable cause = e.getCause() instanceof SQLException sql ? sql : e;
        throw new StoreException("lease store: cannot connect to the database (" + cause.getClass().getName()
            + (cause instanceof SQLException sql ? ", SQLState " + sql.getSQLState() : "") + ")", cause);
      }
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      if (pool.isClosed()) {
        throw new StoreException("the lease store is closed");
      }
      // Session statements ran once per connection (connectionInitSql), and Hikari hands connections out in
      // auto-commit mode and resets any change when they come back: no per-borrow statements.
      try (Connection c = pool.getConnection()) {
        return work.run(c);
      }
    }

    @Override
    public void close() {
      pool.close();
    }
  }
}
