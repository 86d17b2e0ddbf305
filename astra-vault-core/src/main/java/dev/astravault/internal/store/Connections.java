package dev.astravault.internal.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.astravault.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where the store's connections come from: a user's {@link DataSource} (normally pooled), one shared connection
 * (SQLite by URL: SQLite serializes writers anyway, so one connection per process and a lock is the fastest and
 * avoids SQLITE_BUSY between our own threads), or a HikariCP pool (PostgreSQL by URL).
 * Every new connection runs the dialect's session statements (SQLite's busy timeout).
 */
public abstract class Connections implements AutoCloseable {

  /** Work on a connection in auto-commit mode; it must leave the connection in auto-commit mode. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  public abstract <T> T with(Work<T> work) throws SQLException;

  @Override
  public abstract void close();

  public static Connections of(DataSource dataSource, List<String> sessionSql) {
    return new FromDataSource(dataSource, sessionSql);
  }

  public static Connections single(String url, Properties props, List<String> sessionSql) {
    return new Single(url, props, sessionSql);
  }

  public static Connections pool(String url, Properties props, List<String> sessionSql, int max) {
    return new Pool(url, props, sessionSql, max);
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
    private final String url;
    private final Properties props;
    private final List<String> sessionSql;
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Connection connection;
    private boolean closed;

    Single(String url, Properties props, List<String> sessionSql) {
      this.url = url;
      this.props = props;
      this.sessionSql = List.copyOf(sessionSql);
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      lock.lock();
      try {
        if (closed) {
          throw new StoreException("the lease store is closed");
        }
        Connection c = connection;
        if (c == null || c.isClosed()) {
          c = DriverManager.getConnection(url, props);
          init(c, sessionSql);
          connection = c;
        }
        return work.run(c);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      lock.lock();
      try {
        closed = true;
        if (connection != null) {
          try {
            connection.close();
          } catch (SQLException ignored) {
            // Closing; nothing to do.
          }
          connection = null;
        }
      } finally {
        lock.unlock();
      }
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
      config.setJdbcUrl(url);
      config.setDataSourceProperties(props);
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
