package dev.astravault.internal.store;

import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import dev.astravault.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * {@code JdbcLeaseStore}'s lease table ({@code av_lease}): reads that throw on, hand on, or leave out (and report) a
 * row this instance cannot read, and the writes: an insert (a UNIQUE primary's in one transaction with the look for
 * its successor), a compare-and-set and a delete on the row's version. Rows go through {@link JdbcLeaseCodec}.
 */
public final class JdbcLeaseRows {
  // The largest page a finder reads past rows it cannot read.
  private static final int MAX_PAGE = 4096;

  private final JdbcCalls db;
  private final JdbcLeaseCodec codec;
  private final UnreadableRows unreadable;

  public JdbcLeaseRows(JdbcCalls db, JdbcLeaseCodec codec, UnreadableRows unreadable) {
    this.db = db;
    this.codec = codec;
    this.unreadable = unreadable;
  }

  /** The first row of {@code sql}, or a StoreException when it cannot be read. */
  public Optional<LeaseRecord> one(String what, String sql, Object... args) {
    List<LeaseRecord> found = many(what, sql, args);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private List<LeaseRecord> many(String what, String sql, Object... args) {
    return many(what, null, sql, args);
  }

  /** The rows of {@code sql}; one this instance cannot read throws, or goes to {@code unreadable} when given. */
  public List<LeaseRecord> many(String what, @Nullable BiConsumer<String, StoreException> unreadable, String sql,
      Object... args) {
    return db.callPrepared(what, sql, ps -> {
      List<LeaseRecord> out = new ArrayList<>();
      JdbcCalls.bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          try {
            out.add(codec.read(rs));
          } catch (StoreException e) {
            if (unreadable == null || !UnreadableRows.unreadable(e)) {
              throw e;
            }
            unreadable.accept(rs.getString("lease_id"), e);
          }
        }
      }
      return out;
    });
  }

  /**
   * Up to {@code limit} records of a finder's query ({@code sql} ends in {@code LIMIT ?}), leaving out and reporting
   * the rows this instance cannot read. Those do not count against {@code limit}: when a page held some, the rows
   * after it are read too, in pages twice as large each time (OFFSET), so that N such rows at the head of the order
   * cost O(log N) queries and never starve the readable rows behind them. A failure of the database still throws.
   */
  public List<LeaseRecord> readable(String what, String sql, int limit, Object... args) {
    List<LeaseRecord> out = new ArrayList<>();
    // Rows that move between pages (a record committed meanwhile) could come twice.
    Set<String> seen = new HashSet<>();
    long offset = 0;
    int page = limit;
    while (limit > 0) {
      Object[] bound = Arrays.copyOf(args, args.length + (offset == 0 ? 1 : 2));
      bound[args.length] = page;
      if (offset > 0) {
        bound[args.length + 1] = offset;
      }
      int rows = db.callPrepared(what, offset == 0 ? sql : sql + " OFFSET ?", ps -> {
        JdbcCalls.bind(ps, bound);
        int n = 0;
        try (ResultSet rs = ps.executeQuery()) {
          while (out.size() < limit && rs.next()) {
            n++;
            String leaseId = rs.getString("lease_id");
            try {
              LeaseRecord r = codec.read(rs);
              unreadable.readable(leaseId);
              if (seen.add(leaseId)) {
                out.add(r);
              }
            } catch (StoreException e) {
              if (!UnreadableRows.unreadable(e)) {
                throw e;
              }
              unreadable.skipped(leaseId, e);
            }
          }
        }
        return n;
      });
      if (out.size() >= limit || rows < page) {
        break;
      }
      offset += rows;
      page = (int) Math.min(2L * page, MAX_PAGE);
    }
    return out;
  }

  /** Whether a lease of the org holds this Astra role id. */
  public boolean holdsRole(String orgId, String roleId) {
    return db.callPrepared("find a holder of role " + roleId, JdbcLeaseSql.HOLDS_ROLE, ps -> {
      JdbcCalls.bind(ps, orgId, roleId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    });
  }

  /**
   * Inserts the record; false when its triple's successor holds it (a primary's insert, rolled back). A constraint
   * violation comes back as the driver's SQLException, for the store to name.
   */
  public boolean insert(LeaseRecord record) throws SQLException {
    boolean stored = db.connections().prepared(JdbcLeaseSql.INSERT, ps -> {
      ps.setString(1, record.leaseId());
      codec.bindBody(ps, 2, record);
      if (record.style() != IssueStyle.UNIQUE || record.successor()) {
        return ps.executeUpdate() == 1;
      }
      return insertPrimary(ps, record);
    });
    if (stored) {
      codec.remember(record);
    }
    return stored;
  }

  /**
   * A primary's insert, then the look for its triple's successor, in one transaction; the insert is rolled back if a
   * successor holds the triple. The look runs after the insert has taken the primary slot (the unique index waits
   * for a concurrent holder's commit), so it sees every successor committed before the slot became free. SQLite: the
   * insert takes the one write lock, so nothing commits in between. PostgreSQL (READ COMMITTED): the look is a
   * statement of its own with a newer snapshot; only a successor inserted concurrently into a triple without a
   * primary can go unseen, and the engine never leaves one there (see {@link LeaseStore}).
   */
  private static boolean insertPrimary(PreparedStatement insert, LeaseRecord record) throws SQLException {
    Connection c = insert.getConnection();
    c.setAutoCommit(false);
    boolean commit = false;
    try {
      insert.executeUpdate();
      try (PreparedStatement look = c.prepareStatement(JdbcLeaseSql.SUCCESSOR_HELD)) {
        look.setString(1, record.orgId());
        look.setString(2, record.roleName());
        look.setString(3, record.logicalName().orElseThrow());
        try (ResultSet rs = look.executeQuery()) {
          commit = !rs.next();
        }
      }
      return commit;
    } finally {
      Connections.endTransaction(c, commit);
    }
  }

  /** Writes {@code updated} over the row if it still holds {@code expected}'s version; whether it did. */
  public boolean compareAndSet(LeaseRecord expected, LeaseRecord updated) throws SQLException {
    int rows = db.connections().prepared(JdbcLeaseSql.UPDATE, ps -> {
      int i = codec.bindBody(ps, 1, updated);
      ps.setString(i++, updated.leaseId());
      ps.setLong(i, expected.version());
      return ps.executeUpdate();
    });
    if (rows == 1) {
      codec.remember(updated);
    }
    return rows == 1;
  }

  /** Deletes the row if it still holds {@code expected}'s version; whether it did. */
  public boolean delete(LeaseRecord expected) {
    int rows = db.callPrepared("delete lease " + expected.leaseId(), JdbcLeaseSql.DELETE, ps -> {
      ps.setString(1, expected.leaseId());
      ps.setLong(2, expected.version());
      return ps.executeUpdate();
    });
    if (rows == 1) {
      codec.forget(expected.leaseId());
    }
    return rows == 1;
  }
}
