package dev.astravault.audit;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.astravault.AuditSink;
import dev.astravault.StoreException;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.support.Validation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Writes each event as one row of a table in a JDBC database, typically the lease store's own (SQLite or
 * PostgreSQL; other databases with standard identity columns should work). Plain JDBC; the table is created on
 * {@link Builder#build()} when missing:
 *
 * <pre>
 * id (identity), event_time, type, outcome, error_type, error_message, actor_user, actor_host, actor_process,
 * actor_application, actor_principal, org_id, role_name, logical_name, client_id, lease_id, token_hmac, event_json
 * </pre>
 *
 * {@code event_time} is ISO-8601 text (UTC, sortable within a precision); {@code event_json} holds every field
 * ({@link AuditEvents#toMap}). Indexes on {@code token_hmac} and {@code lease_id} answer "who used token X".
 *
 * <p>One connection per event, from the pool: put this sink behind {@link AsyncAuditSink} so that a slow database
 * never slows callers. Thread-safe.
 */
public final class JdbcAuditSink implements AuditSink {
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?");
  private static final String COLUMNS = "event_time, type, outcome, error_type, error_message, actor_user, "
      + "actor_host, actor_process, actor_application, actor_principal, org_id, role_name, logical_name, client_id, "
      + "lease_id, token_hmac, event_json";

  private final DataSource dataSource;
  private final String table;
  private final String insert;

  private JdbcAuditSink(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
    this.insert = "INSERT INTO " + table + " (" + COLUMNS
        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  }

  /**
   * {@code JdbcAuditSink.builder(dataSource).table("astra_vault_audit").build()}.
   *
   * @param dataSource the database to write to
   * @return a builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * {@return the table events are written to}
   */
  public String table() {
    return table;
  }

  DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void record(AuditEvent event) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(insert)) {
      int i = 1;
      ps.setString(i++, event.time().toString());
      ps.setString(i++, event.type());
      ps.setString(i++, event.outcome().name());
      ps.setString(i++, event.errorType().orElse(null));
      ps.setString(i++, event.errorMessage().orElse(null));
      ps.setString(i++, event.actor().user());
      ps.setString(i++, event.actor().host());
      ps.setString(i++, event.actor().process());
      ps.setString(i++, event.actor().applicationName().orElse(null));
      ps.setString(i++, event.actor().principalName().orElse(null));
      ps.setString(i++, event.orgId().orElse(null));
      ps.setString(i++, event.roleName().orElse(null));
      ps.setString(i++, event.logicalName().orElse(null));
      ps.setString(i++, event.clientId().orElse(null));
      ps.setString(i++, event.leaseId().orElse(null));
      ps.setString(i++, event.tokenHmac().orElse(null));
      ps.setString(i, JSON.toJson(AuditEvents.toMap(event)));
      ps.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      // SQLState and vendor code only: a driver's message may quote values.
      throw new StoreException("cannot insert into audit table " + table + " (SQLState " + e.getSQLState()
          + ", code " + e.getErrorCode() + ")", null);
    }
  }

  private void createTable() {
    try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
      String id = product.contains("sqlite") ? "id INTEGER PRIMARY KEY AUTOINCREMENT"
          : "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
      String index = table.replace('.', '_');
      st.executeUpdate("CREATE TABLE IF NOT EXISTS " + table + " (" + id + ", "
          + "event_time VARCHAR(40) NOT NULL, type VARCHAR(64) NOT NULL, outcome VARCHAR(16) NOT NULL, "
          + "error_type VARCHAR(255), error_message TEXT, actor_user VARCHAR(255) NOT NULL, "
          + "actor_host VARCHAR(255) NOT NULL, actor_process VARCHAR(255) NOT NULL, actor_application VARCHAR(255), "
          + "actor_principal VARCHAR(255), org_id VARCHAR(64), role_name VARCHAR(255), logical_name VARCHAR(255), "
          + "client_id VARCHAR(64), lease_id VARCHAR(255), token_hmac VARCHAR(64), event_json TEXT NOT NULL)");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS " + unqualified(index) + "_hmac ON " + table + " (token_hmac)");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS " + unqualified(index) + "_lease ON " + table + " (lease_id)");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot create audit table " + table + " (SQLState " + e.getSQLState() + ", code "
          + e.getErrorCode() + ")", e);
    }
  }

  private static String unqualified(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** Builds a {@link JdbcAuditSink}. */
  public static final class Builder {
    private final DataSource dataSource;
    private String table = "astra_vault_audit";
    private boolean createTable = true;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The table, optionally schema-qualified; default {@code astra_vault_audit}.
     *
     * @param table the table name
     * @return this builder
     */
    public Builder table(String table) {
      if (!TABLE.matcher(Objects.requireNonNull(table, "table")).matches()) {
        throw new IllegalArgumentException("table must be an unquoted SQL identifier (schema.name allowed): "
            + Validation.printable(table, 128));
      }
      this.table = table;
      return this;
    }

    /**
     * Whether {@link #build()} creates the table and its indexes when missing; default true.
     *
     * @param create whether to create it
     * @return this builder
     */
    public Builder createTable(boolean create) {
      this.createTable = create;
      return this;
    }

    /**
     * Builds the sink, creating the table if asked to.
     *
     * @return the sink
     */
    public JdbcAuditSink build() {
      JdbcAuditSink sink = new JdbcAuditSink(dataSource, table);
      if (createTable) {
        sink.createTable();
      }
      return sink;
    }
  }
}
