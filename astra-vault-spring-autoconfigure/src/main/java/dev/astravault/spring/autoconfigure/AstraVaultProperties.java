package dev.astravault.spring.autoconfigure;

import dev.astravault.IssueStyle;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code astra.vault.*}. A service usually sets one org, one role and the startup token:
 *
 * <pre>{@code
 * astra.vault.orgs[0].root-token=${ASTRA_ORG_TOKEN}
 * astra.vault.token.role=api_ro_user
 * astra.vault.token.logical-name=orders-service
 * }</pre>
 *
 * <p>The root token is bound but never printed: {@link #toString()} is not overridden by a record and the nested
 * classes hide it.
 */
@ConfigurationProperties(prefix = "astra.vault")
public class AstraVaultProperties {

  /** Whether astra-vault's auto-configuration is on. */
  private boolean enabled = true;

  /**
   * Who mints tokens: {@code direct} (this service calls the Astra DevOps API with the org's root token) or
   * {@code vault} (a Vault server with the Astra secrets plugin does, and the root token stays in Vault).
   */
  private Mode mode = Mode.DIRECT;

  /** The Astra organizations this service may mint tokens in (direct mode). */
  private List<Org> orgs = new ArrayList<>();

  /**
   * Orgs read from Vault KV at startup, root tokens included, so that only Vault holds them (direct mode): the path of
   * one secret in {@code astra.vault.vault.kv-mount}, e.g. {@code astra/orgs/prod}, or a folder ending in {@code /}
   * whose every secret is an org, on a KV version 1 or 2 engine (asked of Vault unless
   * {@code astra.vault.vault.kv-version} is set). A secret holds {@code org_id}, {@code root_token} and optionally
   * {@code url} and {@code logical_name}. Added to {@code orgs[*]}.
   */
  private @Nullable String orgsVaultPath;

  /** Roles to create or update at startup (direct mode); roles already in a durable store need not be listed. */
  private List<Role> roles = new ArrayList<>();

  /** Whether to create local roles from each org's Astra roles at startup, so roles can be named without ids. */
  private boolean syncRoles = false;

  /** The token this service obtains at startup and keeps fresh (the managed token). */
  private Token token = new Token();

  /** Where leases, orgs and roles are kept. */
  private Store store = new Store();

  /** Where audit events go. */
  private Audit audit = new Audit();

  /** When the managed token is renewed and rotated. */
  private Renewal renewal = new Renewal();

  /**
   * Whether a startup token that cannot be obtained (after the retries) stops the application. When false the
   * application starts and the token is obtained on first use.
   */
  private boolean failFast = true;

  /** How many times a failed startup issue is retried (unavailable or rate-limited Astra, store errors). */
  private int startupRetries = 3;

  /** The wait before the first startup retry; doubled after each failure. */
  private Duration startupBackoff = Duration.ofSeconds(1);

  /**
   * How long obtaining the startup token may take in all: every attempt (the last one's HTTP calls included), the
   * retries and the waits between them. Once it has passed no further attempt starts, startup stops waiting for an
   * attempt under way (a token that attempt still obtains is revoked when it comes) and fails, or starts without the
   * token when {@code fail-fast} is false. Positive.
   */
  private Duration startupTimeout = Duration.ofMinutes(2);

  /**
   * Whether the managed token is revoked when the application shuts down (late, after the beans that use it have
   * stopped). When false it is only stopped and expires on its own.
   */
  private boolean revokeOnShutdown = true;

  /**
   * The Vault connection used in {@code vault} mode, and by the {@code vault-kv} store, {@code store.key-vault-path}
   * and {@code orgs-vault-path}.
   */
  private Vault vault = new Vault();

  /** The health indicator. */
  private Health health = new Health();

  /** The CQL integration. */
  private Cql cql = new Cql();

  /** The Data API integration (with {@code com.datastax.astra:astra-db-java} on the class path). */
  private DataApi dataApi = new DataApi();

  /**
   * The id that tags this deployment's tokens in Astra, so that the orphan sweep deletes only its own (1-64
   * characters of {@code a-z}, {@code 0-9} and {@code -}, e.g. {@code orders-prod}; direct mode). By default the
   * store makes and keeps a random one; set it for a store that keeps none, or to keep the tag across a move to a new
   * store. Two deployments sharing an org must never share an id.
   */
  private @Nullable String deploymentId;

  /** The client of the Astra DevOps API that mints, lists and deletes the tokens (direct mode). */
  private AstraApi astraApi = new AstraApi();

  /** The TokenManager's background work: the expiry sweep, recovery, the orphan sweep and unused custom roles. */
  private Maintenance maintenance = new Maintenance();

  /**
   * Names under {@code astra.vault} that are not astra-vault's and are ignored rather than failing startup, e.g. a
   * property of a newer astra-vault version in a configuration shared with older services; each also covers the
   * names under it. Any other unknown name (a misspelt one) fails startup, naming it without its value.
   */
  private List<String> ignoredProperties = new ArrayList<>();

  /** Who mints tokens. */
  public enum Mode {
    /** This service calls the Astra DevOps API with the org's root token. */
    DIRECT,
    /** A Vault server with the Astra secrets plugin mints tokens; the root token stays in Vault. */
    VAULT
  }

  /** An Astra organization. */
  public static class Org {
    /** The organization id; discovered from the root token when absent. */
    private @Nullable String id;

    /** The org's root token ({@code AstraCS:...}), typically {@code ${ASTRA_ORG_TOKEN}}. Never logged. */
    private @Nullable String rootToken;

    /** The DevOps API base URL. */
    private URI url = URI.create("https://api.astra.datastax.com");

    /** A name unique among the orgs, usable wherever an org is named; defaults to the org id. */
    private @Nullable String logicalName;

    /** {@return the organization id} */
    public @Nullable String getId() {
      return id;
    }

    /**
     * Sets {@link #getId()}.
     *
     * @param id the new value
     */
    public void setId(@Nullable String id) {
      this.id = id;
    }

    /** {@return the org's root token ({@code AstraCS:...}), typically {@code ${ASTRA_ORG_TOKEN}}} */
    public @Nullable String getRootToken() {
      return rootToken;
    }

    /**
     * Sets {@link #getRootToken()}.
     *
     * @param rootToken the new value
     */
    public void setRootToken(@Nullable String rootToken) {
      this.rootToken = rootToken;
    }

    /** {@return the DevOps API base URL} */
    public URI getUrl() {
      return url;
    }

    /**
     * Sets {@link #getUrl()}.
     *
     * @param url the new value
     */
    public void setUrl(URI url) {
      this.url = url;
    }

    /** {@return a name unique among the orgs, usable wherever an org is named} */
    public @Nullable String getLogicalName() {
      return logicalName;
    }

    /**
     * Sets {@link #getLogicalName()}.
     *
     * @param logicalName the new value
     */
    public void setLogicalName(@Nullable String logicalName) {
      this.logicalName = logicalName;
    }

    @Override
    public String toString() {
      return "Org[id=" + id + ", logicalName=" + logicalName + ", url=" + url + ", rootToken="
          + (rootToken == null ? "unset" : "██") + "]";
    }
  }

  /** A role to write at startup. */
  public static class Role {
    /** The org (id or logical name); defaults to the only org. */
    private @Nullable String org;

    /** The local role name used in token requests. */
    private @Nullable String name;

    /** The Astra role id; required when the role is new. */
    private @Nullable String roleId;

    /** The default lease TTL of tokens of this role. */
    private @Nullable Duration ttl;

    /** The longest a lease of this role may be renewed to, from its issue. */
    private @Nullable Duration maxTtl;

    /** {@return the org (id or logical name)} */
    public @Nullable String getOrg() {
      return org;
    }

    /**
     * Sets {@link #getOrg()}.
     *
     * @param org the new value
     */
    public void setOrg(@Nullable String org) {
      this.org = org;
    }

    /** {@return the local role name used in token requests} */
    public @Nullable String getName() {
      return name;
    }

    /**
     * Sets {@link #getName()}.
     *
     * @param name the new value
     */
    public void setName(@Nullable String name) {
      this.name = name;
    }

    /** {@return the Astra role id} */
    public @Nullable String getRoleId() {
      return roleId;
    }

    /**
     * Sets {@link #getRoleId()}.
     *
     * @param roleId the new value
     */
    public void setRoleId(@Nullable String roleId) {
      this.roleId = roleId;
    }

    /** {@return the default lease TTL of tokens of this role} */
    public @Nullable Duration getTtl() {
      return ttl;
    }

    /**
     * Sets {@link #getTtl()}.
     *
     * @param ttl the new value
     */
    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }

    /** {@return the longest a lease of this role may be renewed to, from its issue} */
    public @Nullable Duration getMaxTtl() {
      return maxTtl;
    }

    /**
     * Sets {@link #getMaxTtl()}.
     *
     * @param maxTtl the new value
     */
    public void setMaxTtl(@Nullable Duration maxTtl) {
      this.maxTtl = maxTtl;
    }
  }

  /** The startup token request. */
  public static class Token {
    /** Whether to obtain a managed token at startup; off, only the TokenManager is configured. */
    private boolean enabled = true;

    /** The org (id or logical name); defaults to the only org. */
    private @Nullable String org;

    /**
     * The role: its local name, Astra's display name (such as "R/W User") or its role id; without one no startup
     * token is obtained.
     */
    private @Nullable String role;

    /** The logical name (what the token is for); defaults to {@code spring.application.name}. */
    private @Nullable String logicalName;

    /** Free-form metadata stored with the lease and in audit events, e.g. owner and purpose. */
    private Map<String, String> metadata = new LinkedHashMap<>();

    /** A lease TTL shorter than the role's; the role's TTL applies when absent. */
    private @Nullable Duration ttl;

    /**
     * How the token is issued: unique (at most one live token per org, role and logical name, so a second instance
     * with the same logical name is refused) or per-request (a fresh token for every instance).
     */
    private IssueStyle style = IssueStyle.UNIQUE;

    /** {@return how the startup token is issued} */
    public IssueStyle getStyle() {
      return style;
    }

    /**
     * Sets {@link #getStyle()}.
     *
     * @param style the new value
     */
    public void setStyle(IssueStyle style) {
      this.style = style;
    }

    /** A least-privilege scope for the startup token (see docs/scoped-tokens.md); none when no database is set. */
    private Scope scope = new Scope();

    /** {@return the least-privilege scope of the startup token} */
    public Scope getScope() {
      return scope;
    }

    /**
     * Sets {@link #getScope()}.
     *
     * @param scope the new value
     */
    public void setScope(Scope scope) {
      this.scope = scope;
    }

    /** {@return whether to obtain a managed token at startup} */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@link #isEnabled()}.
     *
     * @param enabled the new value
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** {@return the org (id or logical name)} */
    public @Nullable String getOrg() {
      return org;
    }

    /**
     * Sets {@link #getOrg()}.
     *
     * @param org the new value
     */
    public void setOrg(@Nullable String org) {
      this.org = org;
    }

    /** {@return the role} */
    public @Nullable String getRole() {
      return role;
    }

    /**
     * Sets {@link #getRole()}.
     *
     * @param role the new value
     */
    public void setRole(@Nullable String role) {
      this.role = role;
    }

    /** {@return the logical name (what the token is for)} */
    public @Nullable String getLogicalName() {
      return logicalName;
    }

    /**
     * Sets {@link #getLogicalName()}.
     *
     * @param logicalName the new value
     */
    public void setLogicalName(@Nullable String logicalName) {
      this.logicalName = logicalName;
    }

    /** {@return free-form metadata stored with the lease and in audit events, e.g. owner and purpose} */
    public Map<String, String> getMetadata() {
      return metadata;
    }

    /**
     * Sets {@link #getMetadata()}.
     *
     * @param metadata the new value
     */
    public void setMetadata(Map<String, String> metadata) {
      this.metadata = metadata;
    }

    /** {@return a lease TTL shorter than the role's} */
    public @Nullable Duration getTtl() {
      return ttl;
    }

    /**
     * Sets {@link #getTtl()}.
     *
     * @param ttl the new value
     */
    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }
  }

  /** The startup token's scope: one database and keyspace, and what the token may do there. */
  public static class Scope {
    /** The database id (UUID); setting it scopes the startup token to a custom role made for the scope. */
    private @Nullable String database;

    /** The one keyspace the scoped token may reach. */
    private @Nullable String keyspace;

    /** The tables the scoped token may reach; all tables of the keyspace when empty. */
    private @Nullable List<String> tables;

    /** The access level: read, read-write or schema. */
    private @Nullable String access;

    /** Raw PolicyAction values (db-cql, db-table-select, ...) instead of an access level; for experts. */
    private @Nullable List<String> actions;

    /** {@return the database id; setting it scopes the startup token} */
    public @Nullable String getDatabase() {
      return database;
    }

    /**
     * Sets {@link #getDatabase()}.
     *
     * @param database the new value
     */
    public void setDatabase(@Nullable String database) {
      this.database = database;
    }

    /** {@return the one keyspace the scoped token may reach} */
    public @Nullable String getKeyspace() {
      return keyspace;
    }

    /**
     * Sets {@link #getKeyspace()}.
     *
     * @param keyspace the new value
     */
    public void setKeyspace(@Nullable String keyspace) {
      this.keyspace = keyspace;
    }

    /** {@return the tables the scoped token may reach; all when empty} */
    public @Nullable List<String> getTables() {
      return tables;
    }

    /**
     * Sets {@link #getTables()}.
     *
     * @param tables the new value
     */
    public void setTables(@Nullable List<String> tables) {
      this.tables = tables;
    }

    /** {@return the access level: read, read-write or schema} */
    public @Nullable String getAccess() {
      return access;
    }

    /**
     * Sets {@link #getAccess()}.
     *
     * @param access the new value
     */
    public void setAccess(@Nullable String access) {
      this.access = access;
    }

    /** {@return raw PolicyAction values instead of an access level} */
    public @Nullable List<String> getActions() {
      return actions;
    }

    /**
     * Sets {@link #getActions()}.
     *
     * @param actions the new value
     */
    public void setActions(@Nullable List<String> actions) {
      this.actions = actions;
    }
  }

  /** The lease store. */
  public static class Store {
    /** The kind of store. */
    private StoreType type = StoreType.MEMORY;

    /** The JDBC store ({@code type=jdbc}). */
    private Jdbc jdbc = new Jdbc();

    /** The SQLite database file ({@code type=sqlite}). */
    private @Nullable Path sqliteFile;

    /** The Vault KV store ({@code type=vault-kv}). */
    private VaultKv vaultKv = new VaultKv();

    /**
     * The environment variable holding the base64 key(s) that encrypt secrets at rest (jdbc, sqlite and vault-kv
     * stores).
     */
    private String keyEnv = "ASTRA_VAULT_KEY";

    /** A file holding the encryption key(s), one base64 key per line; preferred over {@code key-env} when set. */
    private @Nullable Path keyFile;

    /**
     * The Vault KV secret holding the encryption key (field {@code key}, optionally {@code key_id} and
     * {@code previous}): a path in {@code astra.vault.vault.kv-mount}, e.g. {@code astra-vault/store-key}, on a KV
     * version 1 or 2 engine (asked of Vault unless {@code astra.vault.vault.kv-version} is set). Preferred over
     * {@code key-file} and {@code key-env} when set, so the key never sits in the environment or on disk.
     */
    private @Nullable String keyVaultPath;

    /**
     * Keep no secrets in the database (jdbc and sqlite stores): secrets stay in memory and leases issued before a
     * restart must be re-issued. No encryption key is needed.
     */
    private boolean metadataOnly = false;

    /** {@return the kind of store} */
    public StoreType getType() {
      return type;
    }

    /**
     * Sets {@link #getType()}.
     *
     * @param type the new value
     */
    public void setType(StoreType type) {
      this.type = type;
    }

    /** {@return the JDBC store ({@code type=jdbc})} */
    public Jdbc getJdbc() {
      return jdbc;
    }

    /**
     * Sets {@link #getJdbc()}.
     *
     * @param jdbc the new value
     */
    public void setJdbc(Jdbc jdbc) {
      this.jdbc = jdbc;
    }

    /** {@return the SQLite database file ({@code type=sqlite})} */
    public @Nullable Path getSqliteFile() {
      return sqliteFile;
    }

    /**
     * Sets {@link #getSqliteFile()}.
     *
     * @param sqliteFile the new value
     */
    public void setSqliteFile(@Nullable Path sqliteFile) {
      this.sqliteFile = sqliteFile;
    }

    /** {@return the Vault KV store ({@code type=vault-kv})} */
    public VaultKv getVaultKv() {
      return vaultKv;
    }

    /**
     * Sets {@link #getVaultKv()}.
     *
     * @param vaultKv the new value
     */
    public void setVaultKv(VaultKv vaultKv) {
      this.vaultKv = vaultKv;
    }

    /**
     * {@return the Vault KV secret holding the encryption key (field {@code key}, optionally {@code key_id} and
     * {@code previous})}
     */
    public @Nullable String getKeyVaultPath() {
      return keyVaultPath;
    }

    /**
     * Sets {@link #getKeyVaultPath()}.
     *
     * @param keyVaultPath the new value
     */
    public void setKeyVaultPath(@Nullable String keyVaultPath) {
      this.keyVaultPath = keyVaultPath;
    }

    /**
     * {@return the environment variable holding the base64 key(s) that encrypt secrets at rest (jdbc, sqlite and
     * vault-kv stores)}
     */
    public String getKeyEnv() {
      return keyEnv;
    }

    /**
     * Sets {@link #getKeyEnv()}.
     *
     * @param keyEnv the new value
     */
    public void setKeyEnv(String keyEnv) {
      this.keyEnv = keyEnv;
    }

    /** {@return a file holding the encryption key(s), one base64 key per line} */
    public @Nullable Path getKeyFile() {
      return keyFile;
    }

    /**
     * Sets {@link #getKeyFile()}.
     *
     * @param keyFile the new value
     */
    public void setKeyFile(@Nullable Path keyFile) {
      this.keyFile = keyFile;
    }

    /** {@return whether the database keeps no secrets (jdbc and sqlite stores)} */
    public boolean isMetadataOnly() {
      return metadataOnly;
    }

    /**
     * Sets {@link #isMetadataOnly()}.
     *
     * @param metadataOnly the new value
     */
    public void setMetadataOnly(boolean metadataOnly) {
      this.metadataOnly = metadataOnly;
    }
  }

  /** The kinds of lease store. */
  public enum StoreType {
    /** In this process's memory: leases are lost on restart. */
    MEMORY,
    /** A JDBC database (SQLite or PostgreSQL): the application's DataSource or its own URL. */
    JDBC,
    /** A SQLite file. */
    SQLITE,
    /**
     * Vault's KV version 2 engine ({@code astra.vault.vault.kv-mount}), through the {@code astra.vault.vault.*}
     * connection, in either mode; secrets are encrypted before they reach Vault.
     */
    VAULT_KV
  }

  /** The Vault KV store. */
  public static class VaultKv {
    /** The folder in {@code astra.vault.vault.kv-mount} that holds the store's entries; one per fleet of services. */
    private String pathPrefix = "astra-vault";

    /** {@return the folder in {@code astra.vault.vault.kv-mount} that holds the store's entries} */
    public String getPathPrefix() {
      return pathPrefix;
    }

    /**
     * Sets {@link #getPathPrefix()}.
     *
     * @param pathPrefix the new value
     */
    public void setPathPrefix(String pathPrefix) {
      this.pathPrefix = pathPrefix;
    }
  }

  /** The JDBC store. */
  public static class Jdbc {
    /**
     * A JDBC URL of the store's own database; when absent the application's DataSource is used. A password in a
     * PostgreSQL URL never reaches the driver; give it here or in {@code password}, not both. A user in it (user info
     * or {@code user=}) must be {@code username}'s when that is set.
     */
    private @Nullable String url;

    /** The user for {@code url}. */
    private @Nullable String username;

    /** The password for {@code url}; none is sent when unset. Never logged. */
    private @Nullable String password;

    /** {@return a JDBC URL of the store's own database} */
    public @Nullable String getUrl() {
      return url;
    }

    /**
     * Sets {@link #getUrl()}.
     *
     * @param url the new value
     */
    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    /** {@return the user for {@code url}} */
    public @Nullable String getUsername() {
      return username;
    }

    /**
     * Sets {@link #getUsername()}.
     *
     * @param username the new value
     */
    public void setUsername(@Nullable String username) {
      this.username = username;
    }

    /** {@return the password for {@code url}} */
    public @Nullable String getPassword() {
      return password;
    }

    /**
     * Sets {@link #getPassword()}.
     *
     * @param password the new value
     */
    public void setPassword(@Nullable String password) {
      this.password = password;
    }
  }

  /** Audit sinks; several may be on at once. */
  public static class Audit {
    /** Structured SLF4J lines on the logger {@code dev.astravault.audit}. */
    private boolean slf4j = true;

    /**
     * A chained JSON-lines file, keyed (HMAC) when {@code json-lines-key-file} or {@code json-lines-key-env} is set and
     * otherwise an unkeyed chain that only shows accidents; off when absent.
     */
    private @Nullable Path jsonLinesFile;

    /**
     * A file holding the audit key(s) that MAC the {@code json-lines-file} chain, one base64 key per line, current
     * first; a key of its own, not the store key. Set this or {@code json-lines-key-env}, not both.
     */
    private @Nullable Path jsonLinesKeyFile;

    /**
     * The name of the environment variable holding the audit key(s) that MAC the {@code json-lines-file} chain
     * (base64, current first, comma-separated); the variable's name, never the key itself.
     */
    private @Nullable String jsonLinesKeyEnv;

    /** Whether to write audit events to the application's DataSource (table {@code jdbc-table}). */
    private boolean jdbc = false;

    /** The table of the JDBC audit sink. */
    private String jdbcTable = "av_audit";

    /** Whether the file and JDBC sinks sit behind a bounded queue so that renewals never wait for them. */
    private boolean async = true;

    /** {@return whether audit events go as structured SLF4J lines to the logger {@code dev.astravault.audit}} */
    public boolean isSlf4j() {
      return slf4j;
    }

    /**
     * Sets {@link #isSlf4j()}.
     *
     * @param slf4j the new value
     */
    public void setSlf4j(boolean slf4j) {
      this.slf4j = slf4j;
    }

    /**
     * {@return a chained JSON-lines file, keyed (HMAC) when {@code json-lines-key-file} or {@code json-lines-key-env}
     * is set and otherwise an unkeyed chain that only shows accidents}
     */
    public @Nullable Path getJsonLinesFile() {
      return jsonLinesFile;
    }

    /**
     * Sets {@link #getJsonLinesFile()}.
     *
     * @param jsonLinesFile the new value
     */
    public void setJsonLinesFile(@Nullable Path jsonLinesFile) {
      this.jsonLinesFile = jsonLinesFile;
    }

    /**
     * {@return a file holding the audit key(s) that MAC the {@code json-lines-file} chain, one base64 key per line,
     * current first}
     */
    public @Nullable Path getJsonLinesKeyFile() {
      return jsonLinesKeyFile;
    }

    /**
     * Sets {@link #getJsonLinesKeyFile()}.
     *
     * @param jsonLinesKeyFile the new value
     */
    public void setJsonLinesKeyFile(@Nullable Path jsonLinesKeyFile) {
      this.jsonLinesKeyFile = jsonLinesKeyFile;
    }

    /**
     * {@return the name of the environment variable holding the audit key(s) that MAC the {@code json-lines-file} chain
     * (base64, current first, comma-separated)}
     */
    public @Nullable String getJsonLinesKeyEnv() {
      return jsonLinesKeyEnv;
    }

    /**
     * Sets {@link #getJsonLinesKeyEnv()}.
     *
     * @param jsonLinesKeyEnv the new value
     */
    public void setJsonLinesKeyEnv(@Nullable String jsonLinesKeyEnv) {
      this.jsonLinesKeyEnv = jsonLinesKeyEnv;
    }

    /** {@return whether to write audit events to the application's DataSource (table {@code jdbc-table})} */
    public boolean isJdbc() {
      return jdbc;
    }

    /**
     * Sets {@link #isJdbc()}.
     *
     * @param jdbc the new value
     */
    public void setJdbc(boolean jdbc) {
      this.jdbc = jdbc;
    }

    /** {@return the table of the JDBC audit sink} */
    public String getJdbcTable() {
      return jdbcTable;
    }

    /**
     * Sets {@link #getJdbcTable()}.
     *
     * @param jdbcTable the new value
     */
    public void setJdbcTable(String jdbcTable) {
      this.jdbcTable = jdbcTable;
    }

    /** {@return whether the file and JDBC sinks sit behind a bounded queue so that renewals never wait for them} */
    public boolean isAsync() {
      return async;
    }

    /**
     * Sets {@link #isAsync()}.
     *
     * @param async the new value
     */
    public void setAsync(boolean async) {
      this.async = async;
    }
  }

  /** Renewal and rotation windows of the managed token (see docs/rotation.md). */
  public static class Renewal {
    /** The soft refresh point, as a fraction of the time left (exclusive 0..1). */
    private double refreshFraction = 2.0 / 3.0;

    /** Plus or minus this fraction of the time left around the soft point. */
    private double jitter = 0.1;

    /** The hard margin's floor: below {@code max(hard-margin-min, hard-margin-fraction x ttl)} readers wait. */
    private Duration hardMarginMin = Duration.ofSeconds(30);

    /** The hard margin as a fraction of the lease TTL. */
    private double hardMarginFraction = 0.1;

    /** How long the old token stays valid after a rotation swaps in a new one. */
    private Duration rotationOverlap = Duration.ofMinutes(5);

    /** The first retry delay of a failed renewal or rotation; doubled up to {@code backoff-cap}. */
    private Duration backoffBase = Duration.ofSeconds(1);

    /** The longest retry delay. */
    private Duration backoffCap = Duration.ofMinutes(5);

    /** How long a reader waits inside the hard margin for a refresh under way. */
    private Duration maxWait = Duration.ofSeconds(5);

    /** How long revoking the managed token at shutdown may take. */
    private Duration closeTimeout = Duration.ofSeconds(10);

    /** {@return the soft refresh point, as a fraction of the time left (exclusive 0..1)} */
    public double getRefreshFraction() {
      return refreshFraction;
    }

    /**
     * Sets {@link #getRefreshFraction()}.
     *
     * @param refreshFraction the new value
     */
    public void setRefreshFraction(double refreshFraction) {
      this.refreshFraction = refreshFraction;
    }

    /** {@return plus or minus this fraction of the time left around the soft point} */
    public double getJitter() {
      return jitter;
    }

    /**
     * Sets {@link #getJitter()}.
     *
     * @param jitter the new value
     */
    public void setJitter(double jitter) {
      this.jitter = jitter;
    }

    /** {@return the hard margin's floor} */
    public Duration getHardMarginMin() {
      return hardMarginMin;
    }

    /**
     * Sets {@link #getHardMarginMin()}.
     *
     * @param hardMarginMin the new value
     */
    public void setHardMarginMin(Duration hardMarginMin) {
      this.hardMarginMin = hardMarginMin;
    }

    /** {@return the hard margin as a fraction of the lease TTL} */
    public double getHardMarginFraction() {
      return hardMarginFraction;
    }

    /**
     * Sets {@link #getHardMarginFraction()}.
     *
     * @param hardMarginFraction the new value
     */
    public void setHardMarginFraction(double hardMarginFraction) {
      this.hardMarginFraction = hardMarginFraction;
    }

    /** {@return how long the old token stays valid after a rotation swaps in a new one} */
    public Duration getRotationOverlap() {
      return rotationOverlap;
    }

    /**
     * Sets {@link #getRotationOverlap()}.
     *
     * @param rotationOverlap the new value
     */
    public void setRotationOverlap(Duration rotationOverlap) {
      this.rotationOverlap = rotationOverlap;
    }

    /** {@return the first retry delay of a failed renewal or rotation} */
    public Duration getBackoffBase() {
      return backoffBase;
    }

    /**
     * Sets {@link #getBackoffBase()}.
     *
     * @param backoffBase the new value
     */
    public void setBackoffBase(Duration backoffBase) {
      this.backoffBase = backoffBase;
    }

    /** {@return the longest retry delay} */
    public Duration getBackoffCap() {
      return backoffCap;
    }

    /**
     * Sets {@link #getBackoffCap()}.
     *
     * @param backoffCap the new value
     */
    public void setBackoffCap(Duration backoffCap) {
      this.backoffCap = backoffCap;
    }

    /** {@return how long a reader waits inside the hard margin for a refresh under way} */
    public Duration getMaxWait() {
      return maxWait;
    }

    /**
     * Sets {@link #getMaxWait()}.
     *
     * @param maxWait the new value
     */
    public void setMaxWait(Duration maxWait) {
      this.maxWait = maxWait;
    }

    /** {@return how long revoking the managed token at shutdown may take} */
    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    /**
     * Sets {@link #getCloseTimeout()}.
     *
     * @param closeTimeout the new value
     */
    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
    }
  }

  /**
   * The Astra DevOps API client. Unset values keep the engine's defaults (connect 10s, call 30s, 8MB); see
   * docs/operations.md#limits-on-every-call.
   */
  public static class AstraApi {
    /** How long connecting to the DevOps API may take; positive. Default 10s. */
    private @Nullable Duration connectTimeout;

    /**
     * How long one DevOps API call may take (connect, send, wait and read the whole body), retries excluded;
     * positive. Default 30s. It must stay below {@code maintenance.orphan-grace-period}.
     */
    private @Nullable Duration callTimeout;

    /**
     * The largest DevOps API response body read, at least 1KB; a larger one fails the call instead of filling the
     * heap. Default 8MB; raise it only for an org with more than about 30,000 tokens.
     */
    private @Nullable DataSize maxResponseBytes;

    /** {@return how long connecting to the DevOps API may take; null keeps the engine's default} */
    public @Nullable Duration getConnectTimeout() {
      return connectTimeout;
    }

    /**
     * Sets {@link #getConnectTimeout()}.
     *
     * @param connectTimeout the new value
     */
    public void setConnectTimeout(@Nullable Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    /** {@return how long one DevOps API call may take; null keeps the engine's default} */
    public @Nullable Duration getCallTimeout() {
      return callTimeout;
    }

    /**
     * Sets {@link #getCallTimeout()}.
     *
     * @param callTimeout the new value
     */
    public void setCallTimeout(@Nullable Duration callTimeout) {
      this.callTimeout = callTimeout;
    }

    /** {@return the largest DevOps API response body read; null keeps the engine's default} */
    public @Nullable DataSize getMaxResponseBytes() {
      return maxResponseBytes;
    }

    /**
     * Sets {@link #getMaxResponseBytes()}.
     *
     * @param maxResponseBytes the new value
     */
    public void setMaxResponseBytes(@Nullable DataSize maxResponseBytes) {
      this.maxResponseBytes = maxResponseBytes;
    }
  }

  /**
   * The TokenManager's background work (see docs/operations.md). Unset values keep the engine's defaults; a
   * {@link TokenManagerCustomizer} runs after these and may change them again.
   */
  public static class Maintenance {
    /** How often expired leases are revoked; {@code 0} turns the expiry sweep off. Default 30s. */
    private @Nullable Duration sweepInterval;

    /**
     * How often recovery runs (it also runs once at startup); {@code 0} runs it only at startup. Recovery settles the
     * leftovers of crashes and unclear creates, retries failed revokes, revokes expired leases and runs the orphan
     * sweep. Default 1m.
     */
    private @Nullable Duration recoveryInterval;

    /**
     * Whether recovery deletes the tokens that carry this deployment's tag but that no lease record knows, once older
     * than {@code orphan-grace-period}; other deployments' tokens are never touched. Default on.
     */
    private @Nullable Boolean orphanSweep;

    /**
     * How old an unknown token of this deployment must be before the orphan sweep deletes it; positive and longer
     * than {@code astra-api.call-timeout}. Default 15m.
     */
    private @Nullable Duration orphanGracePeriod;

    /**
     * How long the custom role of scoped tokens is kept after its last lease ended, so that a quick re-issue of the
     * same scope reuses it; {@code 0} deletes it at once. Default 5m.
     */
    private @Nullable Duration customRoleGracePeriod;

    /** {@return how often expired leases are revoked; null keeps the engine's default} */
    public @Nullable Duration getSweepInterval() {
      return sweepInterval;
    }

    /**
     * Sets {@link #getSweepInterval()}.
     *
     * @param sweepInterval the new value
     */
    public void setSweepInterval(@Nullable Duration sweepInterval) {
      this.sweepInterval = sweepInterval;
    }

    /** {@return how often recovery runs; null keeps the engine's default} */
    public @Nullable Duration getRecoveryInterval() {
      return recoveryInterval;
    }

    /**
     * Sets {@link #getRecoveryInterval()}.
     *
     * @param recoveryInterval the new value
     */
    public void setRecoveryInterval(@Nullable Duration recoveryInterval) {
      this.recoveryInterval = recoveryInterval;
    }

    /** {@return whether recovery runs the orphan sweep; null keeps the engine's default} */
    public @Nullable Boolean getOrphanSweep() {
      return orphanSweep;
    }

    /**
     * Sets {@link #getOrphanSweep()}.
     *
     * @param orphanSweep the new value
     */
    public void setOrphanSweep(@Nullable Boolean orphanSweep) {
      this.orphanSweep = orphanSweep;
    }

    /** {@return how old an unknown token must be before the orphan sweep deletes it; null keeps the default} */
    public @Nullable Duration getOrphanGracePeriod() {
      return orphanGracePeriod;
    }

    /**
     * Sets {@link #getOrphanGracePeriod()}.
     *
     * @param orphanGracePeriod the new value
     */
    public void setOrphanGracePeriod(@Nullable Duration orphanGracePeriod) {
      this.orphanGracePeriod = orphanGracePeriod;
    }

    /** {@return how long an unused custom role is kept; null keeps the engine's default} */
    public @Nullable Duration getCustomRoleGracePeriod() {
      return customRoleGracePeriod;
    }

    /**
     * Sets {@link #getCustomRoleGracePeriod()}.
     *
     * @param customRoleGracePeriod the new value
     */
    public void setCustomRoleGracePeriod(@Nullable Duration customRoleGracePeriod) {
      this.customRoleGracePeriod = customRoleGracePeriod;
    }
  }

  /**
   * The Vault connection: the Astra plugin in vault mode, and Vault KV for the {@code vault-kv} store, the store key
   * ({@code store.key-vault-path}) and orgs ({@code orgs-vault-path}) in either mode.
   */
  public static class Vault {
    /** The Vault server, e.g. {@code https://vault:8200}. */
    private @Nullable URI uri;

    /** How to log in to Vault. */
    private VaultAuth authentication = VaultAuth.TOKEN;

    /** The Vault token ({@code authentication=token}). Never logged. */
    private @Nullable String token;

    /** The AppRole role id ({@code authentication=approle}). */
    private @Nullable String appRoleRoleId;

    /** The AppRole secret id ({@code authentication=approle}). Never logged. */
    private @Nullable String appRoleSecretId;

    /** The Vault role ({@code authentication=kubernetes}). */
    private @Nullable String kubernetesRole;

    /** The service-account token file ({@code authentication=kubernetes}). */
    private Path kubernetesJwtPath = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    /** Where the Astra secrets plugin is mounted. */
    private String mount = "astra";

    /** Where the KV engine of the vault-kv store, the store key and the orgs is mounted, e.g. {@code team/kv}. */
    private String kvMount = "secret";

    /**
     * The version (1 or 2) of the KV engine at {@code kv-mount}. Unset (the default), the version is asked of Vault
     * (as {@code vault kv get} does) for the store key and the orgs, and the vault-kv store takes 2; set it when the
     * Vault token or a proxy refuses that lookup ({@code sys/internal/ui/mounts}), and nothing is looked up. The
     * vault-kv store needs 2.
     */
    private @Nullable Integer kvVersion;

    /** The Vault namespace (Vault Enterprise). */
    private @Nullable String namespace;

    /**
     * A PEM file of the CA certificate(s) that sign Vault's TLS certificate, read at startup; unset trusts the JVM's
     * trust store. Also used for this library's own calls when the connection is shared from Spring Vault.
     */
    private @Nullable Path caFile;

    /** A PEM file of the client certificate for mutual TLS, read at startup; needs {@code client-key-file}. */
    private @Nullable Path clientCertificateFile;

    /**
     * A PEM file of the client certificate's unencrypted PKCS#8 key ({@code BEGIN PRIVATE KEY}), read at startup;
     * needs {@code client-certificate-file}. Its content is never shown.
     */
    private @Nullable Path clientKeyFile;

    /** How long connecting to Vault may take; whole seconds, at least 1s. Default 5s. */
    private @Nullable Duration connectTimeout;

    /**
     * How long one exchange with Vault may take (send, wait and read the whole body); whole seconds, at least 1s.
     * Default 30s.
     */
    private @Nullable Duration readTimeout;

    /**
     * The largest Vault response body read, at least 1KB; a larger one fails the call instead of filling the heap.
     * Default 8MB; raise it only if a list (the vault-kv store's leases) outgrows it.
     */
    private @Nullable DataSize maxResponseBytes;

    /** {@return the PEM file of the CA certificate(s) that sign Vault's TLS certificate} */
    public @Nullable Path getCaFile() {
      return caFile;
    }

    /**
     * Sets {@link #getCaFile()}.
     *
     * @param caFile the new value
     */
    public void setCaFile(@Nullable Path caFile) {
      this.caFile = caFile;
    }

    /** {@return the PEM file of the client certificate for mutual TLS} */
    public @Nullable Path getClientCertificateFile() {
      return clientCertificateFile;
    }

    /**
     * Sets {@link #getClientCertificateFile()}.
     *
     * @param clientCertificateFile the new value
     */
    public void setClientCertificateFile(@Nullable Path clientCertificateFile) {
      this.clientCertificateFile = clientCertificateFile;
    }

    /** {@return the PEM file of the client certificate's key} */
    public @Nullable Path getClientKeyFile() {
      return clientKeyFile;
    }

    /**
     * Sets {@link #getClientKeyFile()}.
     *
     * @param clientKeyFile the new value
     */
    public void setClientKeyFile(@Nullable Path clientKeyFile) {
      this.clientKeyFile = clientKeyFile;
    }

    /** {@return how long connecting to Vault may take; null keeps the core default} */
    public @Nullable Duration getConnectTimeout() {
      return connectTimeout;
    }

    /**
     * Sets {@link #getConnectTimeout()}.
     *
     * @param connectTimeout the new value
     */
    public void setConnectTimeout(@Nullable Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    /** {@return how long one exchange with Vault may take; null keeps the core default} */
    public @Nullable Duration getReadTimeout() {
      return readTimeout;
    }

    /**
     * Sets {@link #getReadTimeout()}.
     *
     * @param readTimeout the new value
     */
    public void setReadTimeout(@Nullable Duration readTimeout) {
      this.readTimeout = readTimeout;
    }

    /** {@return the largest Vault response body read; null keeps the core default} */
    public @Nullable DataSize getMaxResponseBytes() {
      return maxResponseBytes;
    }

    /**
     * Sets {@link #getMaxResponseBytes()}.
     *
     * @param maxResponseBytes the new value
     */
    public void setMaxResponseBytes(@Nullable DataSize maxResponseBytes) {
      this.maxResponseBytes = maxResponseBytes;
    }

    /** {@return the Vault server, e.g. {@code https://vault:8200}} */
    public @Nullable URI getUri() {
      return uri;
    }

    /**
     * Sets {@link #getUri()}.
     *
     * @param uri the new value
     */
    public void setUri(@Nullable URI uri) {
      this.uri = uri;
    }

    /** {@return how to log in to Vault} */
    public VaultAuth getAuthentication() {
      return authentication;
    }

    /**
     * Sets {@link #getAuthentication()}.
     *
     * @param authentication the new value
     */
    public void setAuthentication(VaultAuth authentication) {
      this.authentication = authentication;
    }

    /** {@return the Vault token ({@code authentication=token})} */
    public @Nullable String getToken() {
      return token;
    }

    /**
     * Sets {@link #getToken()}.
     *
     * @param token the new value
     */
    public void setToken(@Nullable String token) {
      this.token = token;
    }

    /** {@return the AppRole role id ({@code authentication=approle})} */
    public @Nullable String getAppRoleRoleId() {
      return appRoleRoleId;
    }

    /**
     * Sets {@link #getAppRoleRoleId()}.
     *
     * @param appRoleRoleId the new value
     */
    public void setAppRoleRoleId(@Nullable String appRoleRoleId) {
      this.appRoleRoleId = appRoleRoleId;
    }

    /** {@return the AppRole secret id ({@code authentication=approle})} */
    public @Nullable String getAppRoleSecretId() {
      return appRoleSecretId;
    }

    /**
     * Sets {@link #getAppRoleSecretId()}.
     *
     * @param appRoleSecretId the new value
     */
    public void setAppRoleSecretId(@Nullable String appRoleSecretId) {
      this.appRoleSecretId = appRoleSecretId;
    }

    /** {@return the Vault role ({@code authentication=kubernetes})} */
    public @Nullable String getKubernetesRole() {
      return kubernetesRole;
    }

    /**
     * Sets {@link #getKubernetesRole()}.
     *
     * @param kubernetesRole the new value
     */
    public void setKubernetesRole(@Nullable String kubernetesRole) {
      this.kubernetesRole = kubernetesRole;
    }

    /** {@return the service-account token file ({@code authentication=kubernetes})} */
    public Path getKubernetesJwtPath() {
      return kubernetesJwtPath;
    }

    /**
     * Sets {@link #getKubernetesJwtPath()}.
     *
     * @param kubernetesJwtPath the new value
     */
    public void setKubernetesJwtPath(Path kubernetesJwtPath) {
      this.kubernetesJwtPath = kubernetesJwtPath;
    }

    /** {@return where the Astra secrets plugin is mounted} */
    public String getMount() {
      return mount;
    }

    /**
     * Sets {@link #getMount()}.
     *
     * @param mount the new value
     */
    public void setMount(String mount) {
      this.mount = mount;
    }

    /**
     * {@return where the KV engine of the vault-kv store, the store key and the orgs is mounted, e.g. {@code team/kv}}
     */
    public String getKvMount() {
      return kvMount;
    }

    /**
     * Sets {@link #getKvMount()}.
     *
     * @param kvMount the new value
     */
    public void setKvMount(String kvMount) {
      this.kvMount = kvMount;
    }

    /** {@return the version (1 or 2) of the KV engine at {@code kv-mount}, or null to ask Vault (key and orgs)} */
    public @Nullable Integer getKvVersion() {
      return kvVersion;
    }

    /**
     * Sets {@link #getKvVersion()}.
     *
     * @param kvVersion the new value
     */
    public void setKvVersion(@Nullable Integer kvVersion) {
      if (kvVersion != null && kvVersion != 1 && kvVersion != 2) {
        throw new IllegalArgumentException("astra.vault.vault.kv-version must be 1 or 2, was " + kvVersion);
      }
      this.kvVersion = kvVersion;
    }

    /** {@return the Vault namespace (Vault Enterprise)} */
    public @Nullable String getNamespace() {
      return namespace;
    }

    /**
     * Sets {@link #getNamespace()}.
     *
     * @param namespace the new value
     */
    public void setNamespace(@Nullable String namespace) {
      this.namespace = namespace;
    }
  }

  /** Vault login methods. */
  public enum VaultAuth {
    /** A Vault token. */
    TOKEN,
    /** AppRole: role id and secret id. */
    APPROLE,
    /** Kubernetes: the pod's service-account token. */
    KUBERNETES
  }

  /** The health indicator; deprecated, switch it with {@code management.health.astratokens.enabled}. */
  public static class Health {
    /**
     * Deprecated: use {@code management.health.astratokens.enabled}. False still switches the {@code astraTokens}
     * health indicator off for this release; it is on by default, like every Boot indicator.
     */
    private boolean enabled = true;

    /** {@return false to switch the {@code astraTokens} indicator off (deprecated)} */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@link #isEnabled()}.
     *
     * @param enabled the new value
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The CQL integration. */
  public static class Cql {
    /**
     * Whether a {@code CqlSessionBuilderCustomizer} gives Boot's {@code CqlSession} the startup token (when the
     * Cassandra driver and Boot's Cassandra auto-configuration are present).
     */
    private boolean enabled = true;

    /**
     * {@return whether a {@code CqlSessionBuilderCustomizer} gives Boot's {@code CqlSession} the startup token (when
     * the Cassandra driver and Boot's Cassandra auto-configuration are present)}
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@link #isEnabled()}.
     *
     * @param enabled the new value
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@return the Data API integration} */
  public DataApi getDataApi() {
    return dataApi;
  }

  /**
   * Sets {@link #getDataApi()}.
   *
   * @param dataApi the new value
   */
  public void setDataApi(DataApi dataApi) {
    this.dataApi = dataApi;
  }

  /** The Data API integration: a {@code Database} bean on the startup token. */
  public static class DataApi {
    /**
     * The database's Data API endpoint, e.g. {@code https://<db-id>-<region>.apps.astra.datastax.com}; when set (and
     * astra-db-java is present) a {@code Database} bean sends the startup token current at each command.
     */
    private @Nullable String endpoint;

    /** The keyspace of the {@code Database} bean. */
    private String keyspace = "default_keyspace";

    /** {@return the database's Data API endpoint} */
    public @Nullable String getEndpoint() {
      return endpoint;
    }

    /**
     * Sets {@link #getEndpoint()}.
     *
     * @param endpoint the new value
     */
    public void setEndpoint(@Nullable String endpoint) {
      this.endpoint = endpoint;
    }

    /** {@return the keyspace of the {@code Database} bean} */
    public String getKeyspace() {
      return keyspace;
    }

    /**
     * Sets {@link #getKeyspace()}.
     *
     * @param keyspace the new value
     */
    public void setKeyspace(String keyspace) {
      this.keyspace = keyspace;
    }
  }

  /** {@return the CQL integration} */
  public Cql getCql() {
    return cql;
  }

  /**
   * Sets {@link #getCql()}.
   *
   * @param cql the new value
   */
  public void setCql(Cql cql) {
    this.cql = cql;
  }

  /** {@return whether astra-vault's auto-configuration is on} */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@link #isEnabled()}.
   *
   * @param enabled the new value
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** {@return who mints tokens} */
  public Mode getMode() {
    return mode;
  }

  /**
   * Sets {@link #getMode()}.
   *
   * @param mode the new value
   */
  public void setMode(Mode mode) {
    this.mode = mode;
  }

  /** {@return the Astra organizations this service may mint tokens in (direct mode)} */
  public List<Org> getOrgs() {
    return orgs;
  }

  /**
   * Sets {@link #getOrgs()}.
   *
   * @param orgs the new value
   */
  public void setOrgs(List<Org> orgs) {
    this.orgs = orgs;
  }

  /** {@return orgs read from Vault KV at startup, root tokens included, so that only Vault holds them (direct mode)} */
  public @Nullable String getOrgsVaultPath() {
    return orgsVaultPath;
  }

  /**
   * Sets {@link #getOrgsVaultPath()}.
   *
   * @param orgsVaultPath the new value
   */
  public void setOrgsVaultPath(@Nullable String orgsVaultPath) {
    this.orgsVaultPath = orgsVaultPath;
  }

  /** {@return roles to create or update at startup (direct mode)} */
  public List<Role> getRoles() {
    return roles;
  }

  /**
   * Sets {@link #getRoles()}.
   *
   * @param roles the new value
   */
  public void setRoles(List<Role> roles) {
    this.roles = roles;
  }

  /**
   * {@return whether to create local roles from each org's Astra roles at startup, so roles can be named without ids}
   */
  public boolean isSyncRoles() {
    return syncRoles;
  }

  /**
   * Sets {@link #isSyncRoles()}.
   *
   * @param syncRoles the new value
   */
  public void setSyncRoles(boolean syncRoles) {
    this.syncRoles = syncRoles;
  }

  /** {@return the token this service obtains at startup and keeps fresh (the managed token)} */
  public Token getToken() {
    return token;
  }

  /**
   * Sets {@link #getToken()}.
   *
   * @param token the new value
   */
  public void setToken(Token token) {
    this.token = token;
  }

  /** {@return where leases, orgs and roles are kept} */
  public Store getStore() {
    return store;
  }

  /**
   * Sets {@link #getStore()}.
   *
   * @param store the new value
   */
  public void setStore(Store store) {
    this.store = store;
  }

  /** {@return where audit events go} */
  public Audit getAudit() {
    return audit;
  }

  /**
   * Sets {@link #getAudit()}.
   *
   * @param audit the new value
   */
  public void setAudit(Audit audit) {
    this.audit = audit;
  }

  /** {@return the id that tags this deployment's tokens; null keeps the store's} */
  public @Nullable String getDeploymentId() {
    return deploymentId;
  }

  /**
   * Sets {@link #getDeploymentId()}.
   *
   * @param deploymentId the new value
   */
  public void setDeploymentId(@Nullable String deploymentId) {
    this.deploymentId = deploymentId;
  }

  /** {@return the Astra DevOps API client's limits} */
  public AstraApi getAstraApi() {
    return astraApi;
  }

  /**
   * Sets {@link #getAstraApi()}.
   *
   * @param astraApi the new value
   */
  public void setAstraApi(AstraApi astraApi) {
    this.astraApi = astraApi;
  }

  /** {@return the TokenManager's background work} */
  public Maintenance getMaintenance() {
    return maintenance;
  }

  /**
   * Sets {@link #getMaintenance()}.
   *
   * @param maintenance the new value
   */
  public void setMaintenance(Maintenance maintenance) {
    this.maintenance = maintenance;
  }

  /** {@return when the managed token is renewed and rotated} */
  public Renewal getRenewal() {
    return renewal;
  }

  /**
   * Sets {@link #getRenewal()}.
   *
   * @param renewal the new value
   */
  public void setRenewal(Renewal renewal) {
    this.renewal = renewal;
  }

  /** {@return whether a startup token that cannot be obtained (after the retries) stops the application} */
  public boolean isFailFast() {
    return failFast;
  }

  /**
   * Sets {@link #isFailFast()}.
   *
   * @param failFast the new value
   */
  public void setFailFast(boolean failFast) {
    this.failFast = failFast;
  }

  /** {@return how many times a failed startup issue is retried (unavailable or rate-limited Astra, store errors)} */
  public int getStartupRetries() {
    return startupRetries;
  }

  /**
   * Sets {@link #getStartupRetries()}.
   *
   * @param startupRetries the new value
   */
  public void setStartupRetries(int startupRetries) {
    if (startupRetries < 0) {
      throw new IllegalArgumentException("astra.vault.startup-retries must be >= 0, was " + startupRetries);
    }
    this.startupRetries = startupRetries;
  }

  /** {@return the wait before the first startup retry} */
  public Duration getStartupBackoff() {
    return startupBackoff;
  }

  /**
   * Sets {@link #getStartupBackoff()}.
   *
   * @param startupBackoff the new value
   */
  public void setStartupBackoff(Duration startupBackoff) {
    if (startupBackoff.isNegative()) {
      throw new IllegalArgumentException("astra.vault.startup-backoff must not be negative, was " + startupBackoff);
    }
    this.startupBackoff = startupBackoff;
  }

  /** {@return how long obtaining the startup token may take in all, attempts, retries and waits included} */
  public Duration getStartupTimeout() {
    return startupTimeout;
  }

  /**
   * Sets {@link #getStartupTimeout()}.
   *
   * @param startupTimeout the new value, positive
   */
  public void setStartupTimeout(Duration startupTimeout) {
    // Zero would fail every startup before its first attempt; there is no "no limit" value on purpose.
    if (startupTimeout.isZero() || startupTimeout.isNegative()) {
      throw new IllegalArgumentException("astra.vault.startup-timeout must be positive, was " + startupTimeout);
    }
    this.startupTimeout = startupTimeout;
  }

  /**
   * {@return whether the managed token is revoked when the application shuts down (late, after the beans that use it
   * have stopped)}
   */
  public boolean isRevokeOnShutdown() {
    return revokeOnShutdown;
  }

  /**
   * Sets {@link #isRevokeOnShutdown()}.
   *
   * @param revokeOnShutdown the new value
   */
  public void setRevokeOnShutdown(boolean revokeOnShutdown) {
    this.revokeOnShutdown = revokeOnShutdown;
  }

  /**
   * {@return the Vault connection used in {@code vault} mode, and by the {@code vault-kv} store,
   * {@code store.key-vault-path} and {@code orgs-vault-path}}
   */
  public Vault getVault() {
    return vault;
  }

  /**
   * Sets {@link #getVault()}.
   *
   * @param vault the new value
   */
  public void setVault(Vault vault) {
    this.vault = vault;
  }

  /** {@return the health indicator} */
  public Health getHealth() {
    return health;
  }

  /**
   * Sets {@link #getHealth()}.
   *
   * @param health the new value
   */
  public void setHealth(Health health) {
    this.health = health;
  }

  /** {@return the names under {@code astra.vault} that are not astra-vault's and are ignored} */
  public List<String> getIgnoredProperties() {
    return ignoredProperties;
  }

  /**
   * Sets {@link #getIgnoredProperties()}.
   *
   * @param ignoredProperties the new value
   */
  public void setIgnoredProperties(List<String> ignoredProperties) {
    this.ignoredProperties = ignoredProperties;
  }
}
