package dev.astravault.internal.store;

/**
 * The SQL text of {@code JdbcLeaseStore}'s lease table ({@code av_lease}), one dialect for SQLite and PostgreSQL. Every
 * statement is a constant: the single SQLite connection keeps its prepared statements by their text (see
 * {@link Connections}), and JdbcQueryPlanTest explains the finders' statements to show that indexes serve them.
 */
public final class JdbcLeaseSql {
  private static final String COLUMNS = "lease_id, org_id, role_name, role_id, logical_name, style, successor, state, "
      + "client_id, secret_ct, key_id, generated_on, metadata, description, issued_at, ttl_nanos, expires_at, "
      + "max_expires_at, renewable, last_renewed_at, last_error, revoke_attempts, state_changed_at, version";
  /** Binds the lease id, then the body ({@code JdbcLeaseCodec.bindBody}). */
  public static final String INSERT = "INSERT INTO av_lease (" + COLUMNS
      + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /** Binds the body ({@code JdbcLeaseCodec.bindBody}), then the lease id and the expected version. */
  public static final String UPDATE = "UPDATE av_lease SET org_id = ?, role_name = ?, role_id = ?, "
      + "logical_name = ?, style = ?, successor = ?, state = ?, client_id = ?, secret_ct = ?, key_id = ?, "
      + "generated_on = ?, metadata = ?, description = ?, issued_at = ?, ttl_nanos = ?, expires_at = ?, "
      + "max_expires_at = ?, renewable = ?, last_renewed_at = ?, last_error = ?, revoke_attempts = ?, "
      + "state_changed_at = ?, version = ? WHERE lease_id = ? AND version = ?";
  public static final String DELETE = "DELETE FROM av_lease WHERE lease_id = ? AND version = ?";
  /** Every column (rows are read by column name), for a WHERE clause to follow. */
  public static final String SELECT = "SELECT " + COLUMNS + " FROM av_lease ";
  public static final String BY_ID = SELECT + "WHERE lease_id = ?";
  public static final String BY_TRIPLE = SELECT + "WHERE style = 'UNIQUE' AND org_id = ? AND role_name = ? "
      + "AND logical_name = ? AND successor = 0";
  public static final String BY_CLIENT_ID = SELECT + "WHERE client_id = ?";
  public static final String ALL = SELECT + "ORDER BY lease_id";
  public static final String BY_PREFIX = SELECT + "WHERE lease_id >= ? AND substr(lease_id, 1, ?) = ? "
      + "ORDER BY lease_id";
  public static final String SUCCESSOR_HELD = "SELECT 1 FROM av_lease WHERE style = 'UNIQUE' AND org_id = ? "
      + "AND role_name = ? AND logical_name = ? AND successor = 1";
  public static final String HOLDS_ROLE = "SELECT 1 FROM av_lease WHERE org_id = ? AND role_id = ? LIMIT 1";
  public static final String EXPIRING = SELECT + "WHERE state = 'ACTIVE' AND expires_at < ? "
      + "ORDER BY expires_at, lease_id LIMIT ?";
  public static final String PENDING = SELECT + "WHERE state = 'PENDING' AND issued_at < ? "
      + "ORDER BY issued_at, lease_id LIMIT ?";
  // PENDING rows issued later than a bound past the cutoff: read only so that a rewritten one is reported (see
  // JdbcLeaseStore.pendingBefore).
  public static final String PENDING_AHEAD = SELECT + "WHERE state = 'PENDING' AND issued_at > ? "
      + "ORDER BY issued_at, lease_id LIMIT ?";
  public static final String CHANGED = SELECT + "WHERE state = ? AND (state_changed_at IS NULL OR "
      + "state_changed_at < ?) ORDER BY (state_changed_at IS NOT NULL), state_changed_at, lease_id LIMIT ?";

  private JdbcLeaseSql() {}
}
