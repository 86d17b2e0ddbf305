package dev.astravault.store;

import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.StoreException;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.internal.crypto.SecretCipher;
import dev.astravault.internal.store.Connections;
import dev.astravault.internal.store.JdbcCalls;
import dev.astravault.internal.store.JdbcConnectionSetup;
import dev.astravault.internal.store.JdbcDeploymentId;
import dev.astravault.internal.store.JdbcKeyRotation;
import dev.astravault.internal.store.JdbcLeaseCodec;
import dev.astravault.internal.store.JdbcLeaseRows;
import dev.astravault.internal.store.JdbcLeaseSql;
import dev.astravault.internal.store.JdbcOrgRows;
import dev.astravault.internal.store.JdbcRoleRows;
import dev.astravault.internal.store.JdbcUrlCredentials;
import dev.astravault.internal.store.Migrations;
import dev.astravault.internal.store.UnreadableRows;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A durable {@link LeaseStore} on plain JDBC: SQLite for one host (one file in WAL mode, shared safely by an
 * application and the CLI) or PostgreSQL for a fleet of managers. It creates and migrates its own schema at
 * {@link Builder#build()}.
 *
 * <pre>{@code
 * LeaseStore store = JdbcLeaseStore.builder()
 *     .sqliteFile(Path.of("/var/lib/myapp/astra-vault.db"))
 *     .keyProvider(KeyProvider.fromEnv())          // ASTRA_VAULT_KEY
 *     .build();
 * }</pre>
 *
 * <p><b>Atomicity.</b> Every write is one SQL statement in auto-commit mode but one: insert-unique relies on the
 * {@code av_lease_triple} unique index (one primary and one successor per (org, role, logical name) of UNIQUE
 * style), and the insert of a UNIQUE primary is a transaction of that insert and a look for the triple's successor
 * (rolled back if there is one: see {@link LeaseStore}); compare-and-set and delete are
 * {@code UPDATE/DELETE ... WHERE lease_id = ? AND version = ?}. Claims of work
 * (revoke, reap, recovery) are compare-and-sets, so of several managers exactly one wins each claim.
 *
 * <p><b>Secrets.</b> Token secrets and root tokens are sealed with AES-256-GCM under the {@link KeyProvider}'s current
 * key, with the record's identity as associated data (for a lease, every other field of its record: a rewritten
 * expiry or state fails authentication) and the key id stored beside the ciphertext; a root token with its org's
 * logical name and URL. A lease row without a secret (PENDING) holds a tag in {@code secret_ct} instead, and a role
 * carries one in {@code av_role.tag}: an empty value sealed with the row's every field as associated data. A row
 * whose seal or tag does not verify, or which has none, is refused. Without a key the
 * builder fails fast, unless {@link Builder#metadataOnly()} is set: then secrets are never written (they stay in
 * this process's memory only), orgs are kept in memory only, and a restarted process cannot read the tokens it issued
 * before (it must re-issue them).
 */
public final class JdbcLeaseStore implements LeaseStore {

  /** The SQL dialects this store speaks. */
  public enum Dialect {
    /** SQLite 3.35+ through {@code org.xerial:sqlite-jdbc}. */
    SQLITE,
    /** PostgreSQL 12+ through {@code org.postgresql:postgresql}. */
    POSTGRESQL
  }

  // How far past pendingBefore's cutoff a PENDING row's issue time may lie before it is read as rewritten: beyond
  // the settle grace (default 5 minutes) plus any clock skew, so no create in flight is read twice per pass.
  static final long PENDING_AHEAD_NANOS = Duration.ofHours(1).toNanos();

  private final JdbcCalls db;
  private final Dialect dialect;
  private final UnreadableRows unreadable = new UnreadableRows(JdbcLeaseStore.class);
  private final @Nullable SecretCipher cipher;
  private final int schemaVersion;
  private final JdbcLeaseCodec codec;
  private final JdbcLeaseRows leaseRows;
  private final JdbcOrgRows orgRows;
  private final JdbcRoleRows roleRows;
  private final JdbcKeyRotation keyRotation;
  private final JdbcDeploymentId deploymentId;

  private JdbcLeaseStore(Connections connections, Dialect dialect, @Nullable SecretCipher cipher) {
    this.db = new JdbcCalls(connections);
    this.dialect = dialect;
    this.cipher = cipher;
    this.codec = new JdbcLeaseCodec(cipher);
    this.leaseRows = new JdbcLeaseRows(db, codec, unreadable);
    this.orgRows = new JdbcOrgRows(db, cipher, unreadable);
    this.roleRows = new JdbcRoleRows(db, cipher, unreadable);
    this.keyRotation = new JdbcKeyRotation(db, codec);
    this.deploymentId = new JdbcDeploymentId(db);
    this.schemaVersion = db.call("migrate the schema", c -> Migrations.migrate(c, dialect));
  }

  /**
   * {@return a new builder: a database (a {@code DataSource}, a JDBC URL or a SQLite file) and keys are required}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A SQLite store in {@code file}, with secrets encrypted under {@code keys}.
   *
   * @param file the database file, created if missing
   * @param keys the keys that encrypt secrets
   * @return the store, its schema migrated
   */
  public static JdbcLeaseStore sqlite(Path file, KeyProvider keys) {
    return builder().sqliteFile(file).keyProvider(keys).build();
  }

  /**
   * {@return the SQL dialect in use}
   */
  public Dialect dialect() {
    return dialect;
  }

  /** {@return the schema version in force (the newest this library knows, after {@code build()})} */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** {@return whether this store keeps no secrets ({@link Builder#metadataOnly()})} */
  public boolean metadataOnly() {
    return cipher == null;
  }

  // ------------------------------------------------------------------ leases

  @Override
  public Optional<LeaseRecord> get(String leaseId) {
    return leaseRows.one("get lease", JdbcLeaseSql.BY_ID, leaseId);
  }

  @Override
  public Optional<LeaseRecord> findByTriple(String orgId, String roleName, String logicalName) {
    return leaseRows.one("find lease by triple", JdbcLeaseSql.BY_TRIPLE, orgId, roleName, logicalName);
  }

  @Override
  public Optional<LeaseRecord> findByClientId(String clientId) {
    return leaseRows.one("find lease by client id", JdbcLeaseSql.BY_CLIENT_ID, clientId);
  }

  @Override
  public boolean holdsRole(String orgId, String roleId) {
    return leaseRows.holdsRole(orgId, roleId);
  }

  @Override
  public List<LeaseRecord> list(String prefix) {
    return list(prefix, null);
  }

  @Override
  public List<LeaseRecord> list(String prefix, @Nullable BiConsumer<String, StoreException> unreadable) {
    if (prefix.isEmpty()) {
      return leaseRows.many("list leases", unreadable, JdbcLeaseSql.ALL);
    }
    return leaseRows.many("list leases", unreadable, JdbcLeaseSql.BY_PREFIX, prefix, prefix.length(), prefix);
  }

  @Override
  public List<LeaseRecord> expiringBefore(Instant instant, int limit) {
    long cutoff = JdbcLeaseCodec.cutoff(instant);
    return leaseRows.readable("find expiring leases", JdbcLeaseSql.EXPIRING, limit, cutoff);
  }

  @Override
  public List<LeaseRecord> pendingBefore(Instant instant, int limit) {
    long cutoff = JdbcLeaseCodec.cutoff(instant);
    List<LeaseRecord> due = leaseRows.readable("find pending leases", JdbcLeaseSql.PENDING, limit, cutoff);
    // A PENDING row issued far in the future is no create in flight: its issued_at was pushed ahead to hide it from
    // the query above. Read such rows too, so that one (which fails as TAMPERED) gets its WARN; never return them.
    if (cutoff < Long.MAX_VALUE - PENDING_AHEAD_NANOS) {
      long ahead = cutoff + PENDING_AHEAD_NANOS;
      leaseRows.readable("find pending leases issued ahead", JdbcLeaseSql.PENDING_AHEAD, limit, ahead);
    }
    return due;
  }

  @Override
  public List<LeaseRecord> changedBefore(LeaseState state, Instant instant, int limit) {
    long cutoff = JdbcLeaseCodec.cutoff(instant);
    return leaseRows.readable("find leases by state", JdbcLeaseSql.CHANGED, limit, state.name(), cutoff);
  }

  @Override
  public void insert(LeaseRecord record) {
    Objects.requireNonNull(record, "record");
    boolean stored;
    try {
      stored = leaseRows.insert(record);
    } catch (SQLException e) {
      if (JdbcCalls.isConstraintViolation(e)) {
        if (get(record.leaseId()).isPresent()) {
          throw new IllegalStateException("lease " + record.leaseId() + " is already stored");
        }
        if (record.style() == IssueStyle.UNIQUE) {
          throw new TokenAlreadyExistsException(record.orgId(), record.roleName(), record.logicalName().orElseThrow());
        }
      }
      throw JdbcCalls.failure("insert lease " + record.leaseId(), e);
    }
    if (!stored) {
      throw new TokenAlreadyExistsException(record.orgId(), record.roleName(), record.logicalName().orElseThrow());
    }
  }

  @Override
  public boolean compareAndSet(LeaseRecord expected, LeaseRecord updated) {
    LeaseStore.checkSuccessor(expected, updated);
    try {
      return leaseRows.compareAndSet(expected, updated);
    } catch (SQLException e) {
      if (JdbcCalls.isConstraintViolation(e) && updated.style() == IssueStyle.UNIQUE) {
        throw new TokenAlreadyExistsException(updated.orgId(), updated.roleName(),
            updated.logicalName().orElseThrow());
      }
      throw JdbcCalls.failure("update lease " + updated.leaseId(), e);
    }
  }

  @Override
  public boolean delete(LeaseRecord expected) {
    return leaseRows.delete(expected);
  }

  /**
   * Re-encrypts every secret (lease secrets and root tokens) and re-tags every role and every lease row without a
   * secret (a PENDING row's tag) that is not under the {@link KeyProvider}'s current key, each only after the old
   * seal opened or the old tag verified. Every such row is read and checked before any is written, so a rotation
   * refused for one row changes none.
   * Safe while managers run: each row is rewritten only if its ciphertext is unchanged since it was read. Run it
   * after making a new key current (keeping the old one available), then drop the old key.
   *
   * @return how many secrets and tags were re-encrypted
   * @throws IllegalStateException in metadata-only mode
   * @throws dev.astravault.SecretDecryptionException if a secret or tag is under a key the provider does not hold,
   *     or does not authenticate (a rewritten row is refused rather than sealed afresh)
   */
  @Override
  public int rotateKeys() {
    return keyRotation.rotate(requireCipher());
  }

  // ------------------------------------------------------------------ orgs

  @Override
  public void putOrg(OrgConfig org) {
    orgRows.put(Objects.requireNonNull(org, "org"));
  }

  @Override
  public Optional<OrgConfig> org(String orgId) {
    return orgRows.find(orgId);
  }

  @Override
  public Optional<OrgConfig> orgByLogicalName(String logicalName) {
    return orgRows.findByLogicalName(logicalName);
  }

  @Override
  public List<OrgConfig> orgs() {
    return orgRows.list();
  }

  @Override
  public List<String> storedOrgIds() {
    return cipher == null ? LeaseStore.super.storedOrgIds() : orgRows.storedIds();
  }

  @Override
  public boolean deleteOrg(String orgId) {
    return orgRows.delete(orgId);
  }

  @Override
  public Optional<String> storedOrgId(String idOrLogicalName) {
    // Metadata-only: kept in memory, so always readable.
    return cipher == null ? LeaseStore.super.storedOrgId(idOrLogicalName) : orgRows.storedId(idOrLogicalName);
  }

  // ------------------------------------------------------------------ roles

  @Override
  public void putRole(Role role) {
    roleRows.put(Objects.requireNonNull(role, "role"));
  }

  @Override
  public Optional<Role> role(String orgId, String name) {
    return roleRows.find(orgId, name);
  }

  /** Leaves out (with a WARN) a role this store cannot read: one damaged role must not hide the org's others. */
  @Override
  public List<Role> roles(String orgId) {
    return roleRows.list(orgId);
  }

  @Override
  public boolean deleteRole(String orgId, String name) {
    return roleRows.delete(orgId, name);
  }

  @Override
  public boolean compareAndSetRole(@Nullable Role expected, Role updated) {
    LeaseStore.checkSameRole(expected, updated);
    return roleRows.compareAndSet(expected, updated);
  }

  @Override
  public boolean deleteRole(Role expected) {
    return roleRows.delete(Objects.requireNonNull(expected, "expected"));
  }

  // ------------------------------------------------------------------ deployment

  /**
   * Kept in {@code av_meta}: the first caller's random id wins (insert-if-absent), so every manager and process
   * sharing the database reads the same one.
   */
  @Override
  public Optional<String> deploymentId() {
    return Optional.of(deploymentId.get());
  }

  @Override
  public void close() {
    db.close();
  }

  @Override
  public String toString() {
    return "JdbcLeaseStore[" + dialect + (cipher == null ? ", metadata only" : "") + "]";
  }

  private SecretCipher requireCipher() {
    if (cipher == null) {
      throw new IllegalStateException("this store is metadata-only: it keeps no secrets and holds no keys");
    }
    return cipher;
  }

  /**
   * Builds a {@link JdbcLeaseStore}. Give exactly one of {@link #dataSource}, {@link #jdbcUrl} or
   * {@link #sqliteFile}, and a {@link #keyProvider} or {@link #metadataOnly()}. {@link #build()} connects, migrates
   * the schema and fails fast with a message naming what is wrong.
   */
  public static final class Builder {
    private @Nullable DataSource dataSource;
    private @Nullable String jdbcUrl;
    private @Nullable JdbcUrlCredentials urlCredentials;
    private final Properties properties = new Properties();
    private @Nullable Dialect dialect;
    private @Nullable KeyProvider keyProvider;
    private boolean metadataOnly;
    private Duration busyTimeout = Duration.ofSeconds(10);
    private int maxConnections = 8;

    private Builder() {}

    /**
     * A (pooled) DataSource owned by the caller; the store does not close it.
     *
     * @param dataSource the data source
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      requireNoConnection("dataSource");
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * A JDBC URL ({@code jdbc:sqlite:/path/file.db}, {@code jdbc:postgresql://host/db}); the driver must be on the
     * classpath. SQLite gets one shared connection, PostgreSQL a HikariCP pool of {@link #maxConnections} that the
     * store closes with itself.
     *
     * <p>Credentials in a {@code jdbc:postgresql:} URL never reach the driver or the pool inside it: the user and
     * password of its user info ({@code jdbc:postgresql://app:pw@db/x}, percent-encoded) and its {@code user},
     * {@code password} and {@code sslpassword} parameters (decoded as pgjdbc decodes parameters) are taken out and
     * given as connection properties, as {@link #credentials} gives them; every other parameter is kept as written.
     * A user named both here and in {@link #user} or {@link #credentials} must be the same one (pgjdbc would let the
     * URL's win). Prefer {@link #credentials}. Other URLs (SQLite's, or another driver's with {@link #dialect}) are
     * used as given.
     *
     * @param url a {@code jdbc:sqlite:} or {@code jdbc:postgresql:} URL
     * @return this builder
     * @throws IllegalArgumentException if the URL gives a password or user twice, or {@link #credentials} gave a
     *     password too, or {@link #user} or {@link #credentials} another user (the message never quotes the URL)
     */
    public Builder jdbcUrl(String url) {
      requireNoConnection("jdbcUrl");
      if (!Objects.requireNonNull(url, "jdbcUrl").startsWith("jdbc:")) {
        throw new IllegalArgumentException("jdbcUrl must start with 'jdbc:'");
      }
      JdbcUrlCredentials split = JdbcUrlCredentials.split(url);
      split.checkAgainst(properties.getProperty("user"), properties.getProperty("password"));
      this.urlCredentials = split;
      this.jdbcUrl = split.url();
      return this;
    }

    /**
     * A SQLite database in {@code file} (created if absent); needs {@code org.xerial:sqlite-jdbc}.
     *
     * @param file the database file
     * @return this builder
     */
    public Builder sqliteFile(Path file) {
      return jdbcUrl("jdbc:sqlite:" + Objects.requireNonNull(file, "sqliteFile").toAbsolutePath());
    }

    /**
     * A user for {@link #jdbcUrl} who logs in without a password (trust, peer or certificate authentication), or
     * with the one the URL carries.
     *
     * @param user the database user
     * @return this builder
     * @throws IllegalArgumentException if the {@link #jdbcUrl} names another user (user info or {@code user=})
     */
    public Builder user(String user) {
      Objects.requireNonNull(user, "user");
      if (urlCredentials != null) {
        urlCredentials.checkAgainst(user, null);
      }
      properties.setProperty("user", user);
      properties.remove("password");
      return this;
    }

    /**
     * User and password for {@link #jdbcUrl}.
     *
     * @param user the database user
     * @param password its password
     * @return this builder
     * @throws IllegalArgumentException if the {@link #jdbcUrl} carries a password too, or another user
     */
    public Builder credentials(String user, String password) {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
      if (urlCredentials != null) {
        urlCredentials.checkAgainst(user, password);
      }
      properties.setProperty("user", user);
      properties.setProperty("password", password);
      return this;
    }

    /**
     * The dialect; detected from the database product name when not set.
     *
     * @param dialect the dialect
     * @return this builder
     */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * The keys that encrypt secrets at rest. Required unless {@link #metadataOnly()}.
     *
     * @param keys the key provider
     * @return this builder
     */
    public Builder keyProvider(KeyProvider keys) {
      if (metadataOnly) {
        throw new IllegalStateException("keyProvider conflicts with metadataOnly()");
      }
      this.keyProvider = Objects.requireNonNull(keys, "keyProvider");
      return this;
    }

    /**
     * Keep no secrets: token secrets stay in this process's memory and are lost on restart (leases issued before a
     * restart cannot be read back and must be re-issued), and orgs (root tokens) are not persisted.
     *
     * @return this builder
     */
    public Builder metadataOnly() {
      if (keyProvider != null) {
        throw new IllegalStateException("metadataOnly() conflicts with keyProvider");
      }
      this.metadataOnly = true;
      return this;
    }

    /**
     * How long a SQLite writer waits for another process's lock before failing (default 10 s).
     *
     * @param timeout the wait
     * @return this builder
     */
    public Builder busyTimeout(Duration timeout) {
      // Compared, not converted: toMillis() of a long enough duration overflowed into an ArithmeticException.
      if (Objects.requireNonNull(timeout, "busyTimeout").isNegative()
          || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException("busyTimeout out of range: " + timeout);
      }
      this.busyTimeout = timeout;
      return this;
    }

    /**
     * The HikariCP pool size for a PostgreSQL {@link #jdbcUrl} (default 8).
     *
     * @param max the pool size
     * @return this builder
     */
    public Builder maxConnections(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1: " + max);
      }
      this.maxConnections = max;
      return this;
    }

    /**
     * Connects, migrates the schema to the newest version and builds the store.
     *
     * @return the store
     */
    public JdbcLeaseStore build() {
      if (dataSource == null && jdbcUrl == null) {
        throw new IllegalStateException("JdbcLeaseStore needs a dataSource, jdbcUrl or sqliteFile");
      }
      if (keyProvider == null && !metadataOnly) {
        throw new IllegalStateException("JdbcLeaseStore needs a keyProvider to encrypt secrets at rest "
            + "(e.g. KeyProvider.fromEnv()), or metadataOnly() to keep no secrets");
      }
      Dialect d = dialect != null ? dialect : JdbcConnectionSetup.detect(jdbcUrl, dataSource);
      Properties connect = urlCredentials == null ? properties : urlCredentials.withCredentials(properties);
      Connections connections = JdbcConnectionSetup.open(dataSource, jdbcUrl, connect, d, busyTimeout,
          maxConnections);
      try {
        return new JdbcLeaseStore(connections, d, keyProvider == null ? null : new SecretCipher(keyProvider));
      } catch (RuntimeException e) {
        connections.close();
        throw e;
      }
    }

    private void requireNoConnection(String option) {
      if (dataSource != null || jdbcUrl != null) {
        throw new IllegalStateException(option + ": a connection (dataSource, jdbcUrl or sqliteFile) was already "
            + "set");
      }
    }
  }
}
