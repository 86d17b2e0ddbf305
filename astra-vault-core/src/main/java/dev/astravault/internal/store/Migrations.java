package dev.astravault.internal.store;

import dev.astravault.StoreException;
import dev.astravault.store.JdbcLeaseStore.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The store's schema, as numbered migrations applied in order and recorded in {@code av_schema_version}. Hand-rolled
 * rather than Flyway: three tables and a handful of statements do not justify a 1 MB dependency with its own
 * classpath scanning and version constraints; what we need (ordering, a version table, a lock against concurrent
 * starters) is below. Never edit a released migration: add the next one.
 */
public final class Migrations {
  private static final long PG_LOCK_KEY = 0x4153_5452_415f_5641L; // "ASTRA_VA"

  /** One schema version: a description and its statements, with {@code {key}} replaced by the dialect's key type. */
  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> ALL = List.of(
      new Migration(1, "leases, orgs and roles", List.of(
          """
          CREATE TABLE av_lease (
            lease_id {key} PRIMARY KEY,
            org_id {key} NOT NULL,
            role_name {key} NOT NULL,
            role_id TEXT NOT NULL,
            logical_name {key},
            style VARCHAR(16) NOT NULL,
            successor INTEGER NOT NULL,
            state VARCHAR(16) NOT NULL,
            client_id {key},
            secret_ct TEXT,
            key_id VARCHAR(32),
            generated_on BIGINT,
            metadata TEXT NOT NULL,
            description TEXT NOT NULL,
            issued_at BIGINT NOT NULL,
            ttl_nanos BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            max_expires_at BIGINT NOT NULL,
            renewable INTEGER NOT NULL,
            last_renewed_at BIGINT,
            last_error TEXT,
            revoke_attempts INTEGER NOT NULL,
            state_changed_at BIGINT,
            version BIGINT NOT NULL
          )""",
          // The triple constraint: one primary and one successor per (org, role, logical name) of UNIQUE style.
          "CREATE UNIQUE INDEX av_lease_triple ON av_lease (org_id, role_name, logical_name, successor) "
              + "WHERE style = 'UNIQUE'",
          "CREATE UNIQUE INDEX av_lease_client ON av_lease (client_id)",
          "CREATE INDEX av_lease_expiry ON av_lease (state, expires_at)",
          "CREATE INDEX av_lease_issued ON av_lease (state, issued_at)",
          "CREATE INDEX av_lease_changed ON av_lease (state, state_changed_at)",
          """
          CREATE TABLE av_org (
            org_id {key} PRIMARY KEY,
            logical_name {key} NOT NULL UNIQUE,
            url TEXT NOT NULL,
            root_token_ct TEXT NOT NULL,
            key_id VARCHAR(32) NOT NULL
          )""",
          """
          CREATE TABLE av_role (
            org_id {key} NOT NULL,
            name {key} NOT NULL,
            role_id TEXT NOT NULL,
            ttl_nanos BIGINT NOT NULL,
            max_ttl_nanos BIGINT NOT NULL,
            PRIMARY KEY (org_id, name)
          )""")),
      // Named values of the store as a whole; the first is the deployment id that tags this store's tokens.
      new Migration(2, "store metadata (deployment id)", List.of(
          """
          CREATE TABLE av_meta (
            name {key} PRIMARY KEY,
            value TEXT NOT NULL
          )""")),
      // The sweeper's and recovery's scans order by (time, lease_id) and stop at a limit: with lease_id in the index
      // the index gives that order, so a scan reads only the rows it returns (no sort of every expired row).
      new Migration(3, "expiry and pending indexes ordered by lease id", List.of(
          "CREATE INDEX av_lease_due ON av_lease (state, expires_at, lease_id)",
          "CREATE INDEX av_lease_pending ON av_lease (state, issued_at, lease_id)",
          "DROP INDEX av_lease_expiry",
          "DROP INDEX av_lease_issued")),
      // Before deleting a custom role it made, the engine asks whether any lease of the org still carries the role's
      // id (LeaseStore.holdsRole), on every such lease's end and in every recovery pass: one index probe, not a read
      // of every lease of the org.
      new Migration(4, "role holders index", List.of(
          "CREATE INDEX av_lease_role ON av_lease (org_id, role_id)")),
      // A role carries no secret, so before this nothing bound its columns: a rewritten max_ttl or role_id was
      // issued with. The tag is the seal of an empty value with the role's every field as associated data
      // (RowBindings.roleAad); key_id is the key it was sealed under, for rotateKeys. Rows from before have neither
      // and are refused when read by a store with a key (the library was not released without tags).
      new Migration(5, "role authentication tags", List.of(
          "ALTER TABLE av_role ADD COLUMN tag TEXT",
          "ALTER TABLE av_role ADD COLUMN key_id VARCHAR(32)")));

  private Migrations() {}

  /** The newest schema version this library knows. */
  public static int latest() {
    return ALL.get(ALL.size() - 1).version();
  }

  /**
   * Brings the schema up to {@link #latest()} in one transaction, under a lock so that concurrent starters (a fleet,
   * or an application and the CLI) apply each migration once.
   *
   * @return the schema version now in force
   * @throws StoreException if the database has a newer schema than this library knows
   */
  public static int migrate(Connection c, Dialect dialect) throws SQLException {
    try (Statement s = c.createStatement()) {
      if (dialect == Dialect.SQLITE) {
        // WAL is a property of the file: readers never block the writer, and other processes share it safely.
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("BEGIN IMMEDIATE");
      } else {
        c.setAutoCommit(false);
        s.execute("SELECT pg_advisory_xact_lock(" + PG_LOCK_KEY + ")");
      }
      boolean done = false;
      try {
        s.execute("CREATE TABLE IF NOT EXISTS av_schema_version (version INTEGER PRIMARY KEY, "
            + "description TEXT NOT NULL, applied_at BIGINT NOT NULL)");
        int current = 0;
        try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM av_schema_version")) {
          if (rs.next()) {
            current = rs.getInt(1);
          }
        }
        if (current > latest()) {
          throw new StoreException("the lease store's schema is at version " + current
              + ", newer than this astra-vault supports (" + latest() + "); upgrade astra-vault");
        }
        for (Migration m : ALL) {
          if (m.version() <= current) {
            continue;
          }
          for (String sql : m.statements()) {
            s.execute(sql.replace("{key}", dialect == Dialect.POSTGRESQL ? "TEXT COLLATE \"C\"" : "TEXT"));
          }
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO av_schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, m.version());
            ps.setString(2, m.description());
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
          }
          current = m.version();
        }
        done = true;
        return current;
      } finally {
        finish(c, s, dialect, done);
      }
    }
  }

  private static void finish(Connection c, Statement s, Dialect dialect, boolean commit) throws SQLException {
    if (dialect == Dialect.SQLITE) {
      s.execute(commit ? "COMMIT" : "ROLLBACK");
    } else {
      Connections.endTransaction(c, commit);
    }
  }
}
