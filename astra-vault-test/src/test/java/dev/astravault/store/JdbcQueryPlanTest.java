package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.internal.store.JdbcLeaseSql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweeper's and recovery's scans are served by indexes in both dialects (O(expired), not O(all)), and a
 * database created by the previous schema (version 2) gets those indexes when the store opens it. The plans printed
 * here are the ones quoted in docs/stores.md.
 */
class JdbcQueryPlanTest {
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());

  @TempDir Path dir;

  @Test
  void sqliteScansUseTheIndexesAlsoAfterMigratingAVersion2File() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("leases.db");
    try (JdbcLeaseStore store = JdbcLeaseStore.builder().jdbcUrl(url).keyProvider(KEYS).build()) {
      assertThat(store.schemaVersion()).isEqualTo(5);
    }
    try (Connection c = DriverManager.getConnection(url)) {
      downgradeToVersion2(c);
      assertThat(sqlitePlan(c, JdbcLeaseSql.EXPIRING, 1_000L, 10)).doesNotContain("av_lease_due");
    }
    try (JdbcLeaseStore store = JdbcLeaseStore.builder().jdbcUrl(url).keyProvider(KEYS).build()) {
      assertThat(store.schemaVersion()).isEqualTo(5);
    }
    try (Connection c = DriverManager.getConnection(url)) {
      String expiring = sqlitePlan(c, JdbcLeaseSql.EXPIRING, 1_000L, 10);
      String pending = sqlitePlan(c, JdbcLeaseSql.PENDING, 1_000L, 10);
      String pendingAhead = sqlitePlan(c, JdbcLeaseSql.PENDING_AHEAD, 1_000L, 10);
      String changed = sqlitePlan(c, JdbcLeaseSql.CHANGED, "REVOKE_FAILED", 1_000L, 10);
      String holdsRole = sqlitePlan(c, JdbcLeaseSql.HOLDS_ROLE, "org-1", "rid");
      String successor = sqlitePlan(c, JdbcLeaseSql.SUCCESSOR_HELD, "org-1", "reader", "svc");
      System.out.println("SQLite expiringBefore: " + expiring + "\nSQLite pendingBefore: " + pending
          + "\nSQLite pendingBefore (issued ahead): " + pendingAhead
          + "\nSQLite changedBefore: " + changed + "\nSQLite holdsRole: " + holdsRole
          + "\nSQLite successor look: " + successor);
      // Index range, in the index's order: no table scan and no sort of the matches.
      assertThat(expiring).contains("SEARCH av_lease USING INDEX av_lease_due (state=? AND expires_at<?)")
          .doesNotContain("TEMP B-TREE");
      assertThat(pending).contains("SEARCH av_lease USING INDEX av_lease_pending (state=? AND issued_at<?)")
          .doesNotContain("TEMP B-TREE");
      assertThat(pendingAhead).contains("SEARCH av_lease USING INDEX av_lease_pending (state=? AND issued_at>?)")
          .doesNotContain("TEMP B-TREE");
      // Leases in one revoke state, found by index; only those are sorted.
      assertThat(changed).contains("USING INDEX av_lease_changed (state=?)").doesNotContain("SCAN av_lease");
      // One probe of the role index, not a read of the org's leases.
      assertThat(holdsRole).contains("USING COVERING INDEX av_lease_role (org_id=? AND role_id=?)");
      // A UNIQUE primary's insert looks for its triple's successor: one probe of the triple index.
      assertThat(successor).contains("USING COVERING INDEX av_lease_triple").doesNotContain("SCAN av_lease");
    }
  }

  @Test
  void postgresScansUseTheIndexesAlsoAfterMigratingAVersion2Schema() throws SQLException {
    String url = EmbeddedPg.newDatabase("plans");
    try (JdbcLeaseStore store = JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres")
        .keyProvider(KEYS).build()) {
      assertThat(store.schemaVersion()).isEqualTo(5);
    }
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres")) {
      downgradeToVersion2(c);
    }
    try (JdbcLeaseStore store = JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres")
        .keyProvider(KEYS).build()) {
      assertThat(store.schemaVersion()).isEqualTo(5);
    }
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement s = c.createStatement()) {
      // 50,000 leases, 0.2 % of them expired, 0.2 % pending, 0.2 % failed revokes; statistics as in production.
      s.execute("INSERT INTO av_lease (lease_id, org_id, role_name, role_id, style, successor, state, client_id, "
          + "metadata, description, issued_at, ttl_nanos, expires_at, max_expires_at, renewable, revoke_attempts, "
          + "state_changed_at, version) SELECT 'astra/org-1/reader/' || i, 'org-1', 'reader', 'rid', 'PER_REQUEST', "
          + "0, CASE WHEN i % 500 = 1 THEN 'PENDING' WHEN i % 500 = 2 THEN 'REVOKE_FAILED' ELSE 'ACTIVE' END, "
          + "'c' || i, '{}', 'd', i, 1, CASE WHEN i % 500 = 3 THEN 10 ELSE 1000000 + i END, 2000000, 1, 0, i, 1 "
          + "FROM generate_series(1, 50000) AS i");
      s.execute("ANALYZE av_lease");
      String expiring = postgresPlan(c, JdbcLeaseSql.EXPIRING, 1_000L, 100);
      String pending = postgresPlan(c, JdbcLeaseSql.PENDING, 1_000L, 100);
      String pendingAhead = postgresPlan(c, JdbcLeaseSql.PENDING_AHEAD, 60_000L, 100);
      String changed = postgresPlan(c, JdbcLeaseSql.CHANGED, "REVOKE_FAILED", 1_000L, 100);
      String holdsRole = postgresPlan(c, JdbcLeaseSql.HOLDS_ROLE, "org-1", "rid-9");
      String successor = postgresPlan(c, JdbcLeaseSql.SUCCESSOR_HELD, "org-1", "reader", "svc");
      System.out.println("PostgreSQL expiringBefore:\n" + expiring + "\nPostgreSQL pendingBefore:\n" + pending
          + "\nPostgreSQL pendingBefore (issued ahead):\n" + pendingAhead
          + "\nPostgreSQL changedBefore:\n" + changed + "\nPostgreSQL holdsRole:\n" + holdsRole
          + "\nPostgreSQL successor look:\n" + successor);
      assertThat(expiring).contains("Index Scan using av_lease_due").doesNotContain("Seq Scan")
          .doesNotContain("Sort");
      assertThat(pending).contains("using av_lease_pending").doesNotContain("Seq Scan");
      assertThat(pendingAhead).contains("using av_lease_pending").doesNotContain("Seq Scan");
      assertThat(changed).contains("av_lease_changed").doesNotContain("Seq Scan");
      assertThat(holdsRole).contains("av_lease_role").doesNotContain("Seq Scan");
      assertThat(successor).contains("av_lease_triple").doesNotContain("Seq Scan");
    }
  }

  /** Puts the schema back to what version 2 made: its two indexes, without lease_id, no role index, no later rows. */
  private static void downgradeToVersion2(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP INDEX av_lease_due");
      s.execute("DROP INDEX av_lease_pending");
      s.execute("CREATE INDEX av_lease_expiry ON av_lease (state, expires_at)");
      s.execute("CREATE INDEX av_lease_issued ON av_lease (state, issued_at)");
      s.execute("DROP INDEX av_lease_role");
      s.execute("ALTER TABLE av_role DROP COLUMN tag");
      s.execute("ALTER TABLE av_role DROP COLUMN key_id");
      s.execute("DELETE FROM av_schema_version WHERE version >= 3");
    }
  }

  private static String sqlitePlan(Connection c, String sql, Object... args) throws SQLException {
    return plan(c, "EXPLAIN QUERY PLAN " + sql, 4, args);
  }

  private static String postgresPlan(Connection c, String sql, Object... args) throws SQLException {
    return plan(c, "EXPLAIN " + sql, 1, args);
  }

  private static String plan(Connection c, String sql, int column, Object... args) throws SQLException {
    List<String> lines = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(rs.getString(column));
        }
      }
    }
    return String.join("\n", lines);
  }
}
