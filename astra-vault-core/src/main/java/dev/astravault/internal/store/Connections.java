package dev.astravault.internal.store;

import dev.astravault.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where the store's connections come from: a user's {@link DataSource} (normally pooled), one shared connection
 * (SQLite by URL: SQLite serializes writers anyway, so one connection per process and a lock is the fastest and
 * avoids SQLITE_BUSY between our own threads), or a small pool over {@link DriverManager} (PostgreSQL by URL).
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

  private static final class Pool extends Connections {
    private final String url;
    private final Properties props;
    private final List<String> sessionSql;
    private final BlockingQueue<Connection> idle;
    private final Semaphore permits;
    private volatile boolean closed;

    Pool(String url, Properties props, List<String> sessionSql, int max) {
      this.url = url;
      this.props = props;
      this.sessionSql = List.copyOf(sessionSql);
      this.idle = new ArrayBlockingQueue<>(max);
      this.permits = new Semaphore(max, true);
    }

    @Override
    public <T> T with(Work<T> work) throws SQLException {
      if (closed) {
        throw new StoreException("the lease store is closed");
      }
      permits.acquireUninterruptibly();
      Connection c = null;
      try {
        c = idle.poll();
        if (c == null || c.isClosed()) {
          c = DriverManager.getConnection(url, props);
          init(c, sessionSql);
        }
        return work.run(c);
      } finally {
        if (c != null) {
          if (!closed && usable(c) && idle.offer(c)) {
            c = null;
          } else {
            try {
              c.close();
            } catch (SQLException ignored) {
              // A broken connection is dropped.
            }
          }
        }
        permits.release();
      }
    }

    private static boolean usable(Connection c) {
      try {
        return !c.isClosed() && c.getAutoCommit();
      } catch (SQLException e) {
        return false;
      }
    }

    @Override
    public void close() {
      closed = true;
      for (Connection c; (c = idle.poll()) != null; ) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // Closing; nothing to do.
        }
      }
    }
  }
}
