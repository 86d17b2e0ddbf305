package dev.astravault.internal.store;

import dev.astravault.StoreException;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Runs {@code JdbcLeaseStore}'s SQL on its {@link Connections} and turns a {@link SQLException} into a
 * {@link StoreException} that says what the store could not do (with the driver's SQLState, code and message).
 */
public final class JdbcCalls implements AutoCloseable {
  private final Connections connections;

  public JdbcCalls(Connections connections) {
    this.connections = connections;
  }

  /** The connections themselves, for a caller that reads the {@link SQLException} (a constraint) before translating. */
  public Connections connections() {
    return connections;
  }

  public <T> T call(String what, Connections.Work<T> work) {
    try {
      return connections.with(work);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  public <T> T callPrepared(String what, String sql, Connections.StatementWork<T> work) {
    try {
      return connections.prepared(sql, work);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs an update of {@code sql} with {@code args} bound ({@link #bind}); returns its row count. */
  public int update(String what, String sql, Object... args) {
    return callPrepared(what, sql, ps -> {
      bind(ps, args);
      return ps.executeUpdate();
    });
  }

  /** Binds {@code args} from parameter 1 on: a {@code Long}, an {@code Integer}, or else a {@code String}. */
  public static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        ps.setInt(i + 1, n);
      } else {
        ps.setString(i + 1, (String) a);
      }
    }
  }

  public static boolean isConstraintViolation(SQLException e) {
    String state = e.getSQLState();
    // PostgreSQL: class 23 (integrity constraint violation); SQLite: SQLITE_CONSTRAINT (19).
    return (state != null && state.startsWith("23")) || e.getErrorCode() == 19
        || String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT");
  }

  public static StoreException failure(String what, SQLException e) {
    String message = String.valueOf(e.getMessage());
    if (message.length() > 300) {
      message = message.substring(0, 300) + "…";
    }
    return new StoreException("lease store: cannot " + what + " (SQLState " + e.getSQLState() + ", code "
        + e.getErrorCode() + "): " + message, e);
  }

  @Override
  public void close() {
    connections.close();
  }
}
