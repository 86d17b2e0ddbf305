package dev.astravault.spring.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

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
   * whose every secret is an org. A secret holds {@code org_id}, {@code root_token} and optionally {@code url} and
   * {@code logical_name}. Added to {@code orgs[*]}.
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

    public @Nullable String getId() {
      return id;
    }

    public void setId(@Nullable String id) {
      this.id = id;
    }

    public @Nullable String getRootToken() {
      return rootToken;
    }

    public void setRootToken(@Nullable String rootToken) {
      this.rootToken = rootToken;
    }

    public URI getUrl() {
      return url;
    }

    public void setUrl(URI url) {
      this.url = url;
    }

    public @Nullable String getLogicalName() {
      return logicalName;
    }

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

    public @Nullable String getOrg() {
      return org;
    }

    public void setOrg(@Nullable String org) {
      this.org = org;
    }

    public @Nullable String getName() {
      return name;
    }

    public void setName(@Nullable String name) {
      this.name = name;
    }

    public @Nullable String getRoleId() {
      return roleId;
    }

    public void setRoleId(@Nullable String roleId) {
      this.roleId = roleId;
    }

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }

    public @Nullable Duration getMaxTtl() {
      return maxTtl;
    }

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

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable String getOrg() {
      return org;
    }

    public void setOrg(@Nullable String org) {
      this.org = org;
    }

    public @Nullable String getRole() {
      return role;
    }

    public void setRole(@Nullable String role) {
      this.role = role;
    }

    public @Nullable String getLogicalName() {
      return logicalName;
    }

    public void setLogicalName(@Nullable String logicalName) {
      this.logicalName = logicalName;
    }

    public Map<String, String> getMetadata() {
      return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
      this.metadata = metadata;
    }

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
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
     * {@code previous}): a path in {@code astra.vault.vault.kv-mount}, e.g. {@code astra-vault/store-key}. Preferred
     * over {@code key-file} and {@code key-env} when set, so the key never sits in the environment or on disk.
     */
    private @Nullable String keyVaultPath;

    /**
     * Keep no secrets in the database (jdbc and sqlite stores): secrets stay in memory and leases issued before a
     * restart must be re-issued. No encryption key is needed.
     */
    private boolean metadataOnly = false;

    public StoreType getType() {
      return type;
    }

    public void setType(StoreType type) {
      this.type = type;
    }

    public Jdbc getJdbc() {
      return jdbc;
    }

    public void setJdbc(Jdbc jdbc) {
      this.jdbc = jdbc;
    }

    public @Nullable Path getSqliteFile() {
      return sqliteFile;
    }

    public void setSqliteFile(@Nullable Path sqliteFile) {
      this.sqliteFile = sqliteFile;
    }

    public VaultKv getVaultKv() {
      return vaultKv;
    }

    public void setVaultKv(VaultKv vaultKv) {
      this.vaultKv = vaultKv;
    }

    public @Nullable String getKeyVaultPath() {
      return keyVaultPath;
    }

    public void setKeyVaultPath(@Nullable String keyVaultPath) {
      this.keyVaultPath = keyVaultPath;
    }

    public String getKeyEnv() {
      return keyEnv;
    }

    public void setKeyEnv(String keyEnv) {
      this.keyEnv = keyEnv;
    }

    public @Nullable Path getKeyFile() {
      return keyFile;
    }

    public void setKeyFile(@Nullable Path keyFile) {
      this.keyFile = keyFile;
    }

    public boolean isMetadataOnly() {
      return metadataOnly;
    }

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

    public String getPathPrefix() {
      return pathPrefix;
    }

    public void setPathPrefix(String pathPrefix) {
      this.pathPrefix = pathPrefix;
    }
  }

  /** The JDBC store. */
  public static class Jdbc {
    /** A JDBC URL of the store's own database; when absent the application's DataSource is used. */
    private @Nullable String url;

    /** The user for {@code url}. */
    private @Nullable String username;

    /** The password for {@code url}; none is sent when unset. Never logged. */
    private @Nullable String password;

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public @Nullable String getUsername() {
      return username;
    }

    public void setUsername(@Nullable String username) {
      this.username = username;
    }

    public @Nullable String getPassword() {
      return password;
    }

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

    public boolean isSlf4j() {
      return slf4j;
    }

    public void setSlf4j(boolean slf4j) {
      this.slf4j = slf4j;
    }

    public @Nullable Path getJsonLinesFile() {
      return jsonLinesFile;
    }

    public void setJsonLinesFile(@Nullable Path jsonLinesFile) {
      this.jsonLinesFile = jsonLinesFile;
    }

    public @Nullable Path getJsonLinesKeyFile() {
      return jsonLinesKeyFile;
    }

    public void setJsonLinesKeyFile(@Nullable Path jsonLinesKeyFile) {
      this.jsonLinesKeyFile = jsonLinesKeyFile;
    }

    public @Nullable String getJsonLinesKeyEnv() {
      return jsonLinesKeyEnv;
    }

    public void setJsonLinesKeyEnv(@Nullable String jsonLinesKeyEnv) {
      this.jsonLinesKeyEnv = jsonLinesKeyEnv;
    }

    public boolean isJdbc() {
      return jdbc;
    }

    public void setJdbc(boolean jdbc) {
      this.jdbc = jdbc;
    }

    public String getJdbcTable() {
      return jdbcTable;
    }

    public void setJdbcTable(String jdbcTable) {
      this.jdbcTable = jdbcTable;
    }

    public boolean isAsync() {
      return async;
    }

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

    public double getRefreshFraction() {
      return refreshFraction;
    }

    public void setRefreshFraction(double refreshFraction) {
      this.refreshFraction = refreshFraction;
    }

    public double getJitter() {
      return jitter;
    }

    public void setJitter(double jitter) {
      this.jitter = jitter;
    }

    public Duration getHardMarginMin() {
      return hardMarginMin;
    }

    public void setHardMarginMin(Duration hardMarginMin) {
      this.hardMarginMin = hardMarginMin;
    }

    public double getHardMarginFraction() {
      return hardMarginFraction;
    }

    public void setHardMarginFraction(double hardMarginFraction) {
      this.hardMarginFraction = hardMarginFraction;
    }

    public Duration getRotationOverlap() {
      return rotationOverlap;
    }

    public void setRotationOverlap(Duration rotationOverlap) {
      this.rotationOverlap = rotationOverlap;
    }

    public Duration getBackoffBase() {
      return backoffBase;
    }

    public void setBackoffBase(Duration backoffBase) {
      this.backoffBase = backoffBase;
    }

    public Duration getBackoffCap() {
      return backoffCap;
    }

    public void setBackoffCap(Duration backoffCap) {
      this.backoffCap = backoffCap;
    }

    public Duration getMaxWait() {
      return maxWait;
    }

    public void setMaxWait(Duration maxWait) {
      this.maxWait = maxWait;
    }

    public Duration getCloseTimeout() {
      return closeTimeout;
    }

    public void setCloseTimeout(Duration closeTimeout) {
      this.closeTimeout = closeTimeout;
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

    /** The version (1 or 2) of the KV engine at {@code kv-mount}; the vault-kv store needs 2. */
    private int kvVersion = 2;

    /** The Vault namespace (Vault Enterprise). */
    private @Nullable String namespace;

    public @Nullable URI getUri() {
      return uri;
    }

    public void setUri(@Nullable URI uri) {
      this.uri = uri;
    }

    public VaultAuth getAuthentication() {
      return authentication;
    }

    public void setAuthentication(VaultAuth authentication) {
      this.authentication = authentication;
    }

    public @Nullable String getToken() {
      return token;
    }

    public void setToken(@Nullable String token) {
      this.token = token;
    }

    public @Nullable String getAppRoleRoleId() {
      return appRoleRoleId;
    }

    public void setAppRoleRoleId(@Nullable String appRoleRoleId) {
      this.appRoleRoleId = appRoleRoleId;
    }

    public @Nullable String getAppRoleSecretId() {
      return appRoleSecretId;
    }

    public void setAppRoleSecretId(@Nullable String appRoleSecretId) {
      this.appRoleSecretId = appRoleSecretId;
    }

    public @Nullable String getKubernetesRole() {
      return kubernetesRole;
    }

    public void setKubernetesRole(@Nullable String kubernetesRole) {
      this.kubernetesRole = kubernetesRole;
    }

    public Path getKubernetesJwtPath() {
      return kubernetesJwtPath;
    }

    public void setKubernetesJwtPath(Path kubernetesJwtPath) {
      this.kubernetesJwtPath = kubernetesJwtPath;
    }

    public String getMount() {
      return mount;
    }

    public void setMount(String mount) {
      this.mount = mount;
    }

    public String getKvMount() {
      return kvMount;
    }

    public void setKvMount(String kvMount) {
      this.kvMount = kvMount;
    }

    public int getKvVersion() {
      return kvVersion;
    }

    public void setKvVersion(int kvVersion) {
      if (kvVersion != 1 && kvVersion != 2) {
        throw new IllegalArgumentException("astra.vault.vault.kv-version must be 1 or 2, was " + kvVersion);
      }
      this.kvVersion = kvVersion;
    }

    public @Nullable String getNamespace() {
      return namespace;
    }

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

  /** The health indicator (opt-in). */
  public static class Health {
    /** Whether to contribute the {@code astraTokens} health indicator (needs Spring Boot's health support). */
    private boolean enabled = false;

    public boolean isEnabled() {
      return enabled;
    }

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

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  public Cql getCql() {
    return cql;
  }

  public void setCql(Cql cql) {
    this.cql = cql;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public List<Org> getOrgs() {
    return orgs;
  }

  public void setOrgs(List<Org> orgs) {
    this.orgs = orgs;
  }

  public @Nullable String getOrgsVaultPath() {
    return orgsVaultPath;
  }

  public void setOrgsVaultPath(@Nullable String orgsVaultPath) {
    this.orgsVaultPath = orgsVaultPath;
  }

  public List<Role> getRoles() {
    return roles;
  }

  public void setRoles(List<Role> roles) {
    this.roles = roles;
  }

  public boolean isSyncRoles() {
    return syncRoles;
  }

  public void setSyncRoles(boolean syncRoles) {
    this.syncRoles = syncRoles;
  }

  public Token getToken() {
    return token;
  }

  public void setToken(Token token) {
    this.token = token;
  }

  public Store getStore() {
    return store;
  }

  public void setStore(Store store) {
    this.store = store;
  }

  public Audit getAudit() {
    return audit;
  }

  public void setAudit(Audit audit) {
    this.audit = audit;
  }

  public Renewal getRenewal() {
    return renewal;
  }

  public void setRenewal(Renewal renewal) {
    this.renewal = renewal;
  }

  public boolean isFailFast() {
    return failFast;
  }

  public void setFailFast(boolean failFast) {
    this.failFast = failFast;
  }

  public int getStartupRetries() {
    return startupRetries;
  }

  public void setStartupRetries(int startupRetries) {
    if (startupRetries < 0) {
      throw new IllegalArgumentException("astra.vault.startup-retries must be >= 0, was " + startupRetries);
    }
    this.startupRetries = startupRetries;
  }

  public Duration getStartupBackoff() {
    return startupBackoff;
  }

  public void setStartupBackoff(Duration startupBackoff) {
    if (startupBackoff.isNegative()) {
      throw new IllegalArgumentException("astra.vault.startup-backoff must not be negative, was " + startupBackoff);
    }
    this.startupBackoff = startupBackoff;
  }

  public boolean isRevokeOnShutdown() {
    return revokeOnShutdown;
  }

  public void setRevokeOnShutdown(boolean revokeOnShutdown) {
    this.revokeOnShutdown = revokeOnShutdown;
  }

  public Vault getVault() {
    return vault;
  }

  public void setVault(Vault vault) {
    this.vault = vault;
  }

  public Health getHealth() {
    return health;
  }

  public void setHealth(Health health) {
    this.health = health;
  }
}
