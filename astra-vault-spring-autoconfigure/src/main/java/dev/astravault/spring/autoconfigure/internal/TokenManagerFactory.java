package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.ActorProvider;
import dev.astravault.AuditSink;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.Org;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.audit.JdbcAuditSink;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.astra.AstraClientSettings;
import dev.astravault.internal.files.FileModes;
import dev.astravault.internal.files.PathTrust;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.store.JdbcUrlCredentials;
import dev.astravault.spring.autoconfigure.AstraVaultProperties;
import dev.astravault.spring.autoconfigure.AstraVaultStartupException;
import dev.astravault.spring.autoconfigure.TokenManagerCustomizer;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKeyProvider;
import dev.astravault.vault.VaultKvLeaseStore;
import dev.astravault.vault.VaultKvMountException;
import dev.astravault.vault.VaultOrgConfigs;
import dev.astravault.vault.VaultUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/** Turns {@code astra.vault.*} properties into a lease store, an audit sink and a {@link TokenManager}. */
public final class TokenManagerFactory {

  private static final String AUDIT_KEY_FILE = "astra.vault.audit.json-lines-key-file";
  private static final String AUDIT_KEY_ENV = "astra.vault.audit.json-lines-key-env";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final long MIN_RESPONSE_BYTES = 1024;
  private static final String VAULT_CA_FILE = "astra.vault.vault.ca-file";
  private static final String VAULT_CLIENT_CERT_FILE = "astra.vault.vault.client-certificate-file";
  private static final String VAULT_CLIENT_KEY_FILE = "astra.vault.vault.client-key-file";
  private static final String VAULT_CONNECT_TIMEOUT = "astra.vault.vault.connect-timeout";
  private static final String VAULT_READ_TIMEOUT = "astra.vault.vault.read-timeout";
  private static final String VAULT_MAX_RESPONSE_BYTES = "astra.vault.vault.max-response-bytes";
  // The engine's default, for the grace check before anything is built; the builder checks again at build().
  private static final Duration DEFAULT_CALL_TIMEOUT = AstraClientSettings.DEFAULT_CALL_TIMEOUT;

  private TokenManagerFactory() {}

  /** Checks the mode's properties early, naming the one that is missing. */
  public static void checkMode(AstraVaultProperties p, @Nullable SharedVaultConnection shared) {
    if (p.getMode() == AstraVaultProperties.Mode.VAULT) {
      vaultConfig(p.getVault(), shared, "astra.vault.mode=vault");
    }
  }

  /**
   * The Vault connection: the application's own session ({@code shared}, Spring Vault's) unless
   * {@code astra.vault.vault.uri} is set, else {@code astra.vault.vault.*}; {@code neededBy} names the setting that
   * needs it.
   */
  public static VaultConfig vaultConfig(AstraVaultProperties.Vault v, @Nullable SharedVaultConnection shared,
      String neededBy) {
    VaultConfig.Builder session = v.getUri() == null && shared != null ? shared.builder() : null;
    if (session != null) {
      // Our own calls over the shared session: its address, namespace and token, our TLS files, timeouts and cap.
      connection(v, session);
      try {
        return session.mount(v.getMount()).build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new AstraVaultStartupException("the Spring Vault connection: " + e.getMessage(),
            "Fix spring.cloud.vault.* (uri, namespace) or astra.vault.vault.mount.", e);
      }
    }
    if (v.getUri() == null) {
      throw new AstraVaultStartupException(neededBy + " needs astra.vault.vault.uri",
          "Set astra.vault.vault.uri to the Vault server, e.g. https://vault:8200, and its credentials "
              + "(astra.vault.vault.authentication, token, app-role-* or kubernetes-role).", null);
    }
    VaultAuth auth = switch (v.getAuthentication()) {
      case TOKEN -> VaultAuth.token(required(v.getToken(), "astra.vault.vault.token", "token"));
      case APPROLE -> VaultAuth.appRole(required(v.getAppRoleRoleId(), "astra.vault.vault.app-role-role-id",
          "approle"), required(v.getAppRoleSecretId(), "astra.vault.vault.app-role-secret-id", "approle"));
      case KUBERNETES -> kubernetes(required(v.getKubernetesRole(), "astra.vault.vault.kubernetes-role",
          "kubernetes"), v.getKubernetesJwtPath());
    };
    if (auth instanceof VaultAuth.Kubernetes k) {
      // Core checks it at each login; here too, so that a standing misconfiguration fails startup naming the property.
      requireTrusted("astra.vault.vault.kubernetes-jwt-path", k.jwtFile());
    }
    try {
      VaultConfig.Builder b = VaultConfig.builder(v.getUri()).auth(auth).mount(v.getMount());
      if (v.getNamespace() != null && !v.getNamespace().isBlank()) {
        b.namespace(v.getNamespace());
      }
      connection(v, b);
      return b.build();
    } catch (AstraVaultStartupException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new AstraVaultStartupException("astra.vault.vault: " + e.getMessage(),
          "Fix the astra.vault.vault.* properties.", e);
    }
  }

  /**
   * Applies {@code ca-file}, {@code client-certificate-file}/{@code client-key-file}, the timeouts and
   * {@code max-response-bytes}; unset ones keep core's defaults. Each bad value fails naming its property (and the
   * file's path), never a file's content.
   */
  private static void connection(AstraVaultProperties.Vault v, VaultConfig.Builder b) {
    Path ca = v.getCaFile();
    if (ca != null) {
      b.caPem(certificates(VAULT_CA_FILE, ca));
    }
    Path cert = v.getClientCertificateFile();
    Path key = v.getClientKeyFile();
    if (cert != null || key != null) {
      if (cert == null || key == null) {
        String set = cert == null ? VAULT_CLIENT_KEY_FILE : VAULT_CLIENT_CERT_FILE;
        String unset = cert == null ? VAULT_CLIENT_CERT_FILE : VAULT_CLIENT_KEY_FILE;
        throw new AstraVaultStartupException(set + " is set but " + unset + " is not", "Mutual TLS needs both: set "
            + unset + " too, or remove " + set + ".", null);
      }
      String certPem = certificates(VAULT_CLIENT_CERT_FILE, cert);
      String keyPem = readPem(VAULT_CLIENT_KEY_FILE, key);
      // A warning, as for key files: Kubernetes mounts TLS secrets 0644 unless told otherwise.
      FileModes.warnIfOpen(key, VAULT_CLIENT_KEY_FILE);
      if (!keyPem.contains("-----BEGIN PRIVATE KEY-----")) {
        // Never quote the file: whatever it holds may be a key.
        throw new AstraVaultStartupException(VAULT_CLIENT_KEY_FILE + ": " + key + " holds no unencrypted PKCS#8 key "
            + "(a PEM 'BEGIN PRIVATE KEY' block)", "Point " + VAULT_CLIENT_KEY_FILE
            + " at the client certificate's key in PKCS#8 PEM; convert a PKCS#1 (BEGIN RSA PRIVATE KEY) or encrypted "
            + "key with openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem.", null);
      }
      b.clientCertificate(certPem, keyPem);
    }
    try {
      if (v.getConnectTimeout() != null) {
        b.openTimeout(v.getConnectTimeout());
      }
    } catch (IllegalArgumentException e) {
      throw new AstraVaultStartupException(VAULT_CONNECT_TIMEOUT + " must be at least 1s, was "
          + v.getConnectTimeout(), "Set " + VAULT_CONNECT_TIMEOUT + " to whole seconds such as 5s (the default), or "
          + "remove it.", e);
    }
    try {
      if (v.getReadTimeout() != null) {
        b.readTimeout(v.getReadTimeout());
      }
    } catch (IllegalArgumentException e) {
      throw new AstraVaultStartupException(VAULT_READ_TIMEOUT + " must be at least 1s, was " + v.getReadTimeout(),
          "Set " + VAULT_READ_TIMEOUT + " to whole seconds such as 30s (the default), or remove it.", e);
    }
    DataSize max = v.getMaxResponseBytes();
    if (max != null) {
      try {
        b.maxResponseBytes(max.toBytes());
      } catch (IllegalArgumentException e) {
        throw new AstraVaultStartupException(VAULT_MAX_RESPONSE_BYTES + " must be at least 1KB, was " + max, "Set "
            + VAULT_MAX_RESPONSE_BYTES + " to a size such as "
            + DataSize.ofBytes(VaultConfig.DEFAULT_MAX_RESPONSE_BYTES).toMegabytes() + "MB (the default), or "
            + "remove it.", e);
      }
    }
  }

  /** The PEM certificate(s) of {@code file}, checked to parse, so a wrong file is named here and not at a handshake. */
  private static String certificates(String property, Path file) {
    String pem = readPem(property, file);
    try {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
      if (certs.isEmpty() || !pem.contains("-----BEGIN CERTIFICATE-----")) {
        throw new CertificateException("no certificate");
      }
    } catch (CertificateException e) {
      // The parser's message is not quoted: a key file given here by mistake must not reach a log.
      throw new AstraVaultStartupException(property + ": " + file + " holds no PEM certificate (-----BEGIN "
          + "CERTIFICATE-----)", "Point " + property + " at a PEM certificate file.", null);
    }
    return pem;
  }

  /** Refused naming {@code property} when another local user could replace {@code file} (see {@link PathTrust}). */
  private static void requireTrusted(String property, Path file) {
    PathTrust.checkReadable(file, property, untrusted(property, file));
  }

  private static Function<String, AstraVaultStartupException> untrusted(String property, Path file) {
    return reason -> new AstraVaultStartupException(property + ": " + reason, "Keep " + file + " and the "
        + "directories on its way writable only by root or the service's user, or point " + property + " at a file "
        + "that is.", null);
  }

  /** The text of a PEM file; a value that is no path (PEM pasted in place of one) is refused without echoing it. */
  private static String readPem(String property, Path file) {
    String name = file.toString();
    if (name.contains("-----") || name.contains("\n") || name.length() > 1024) {
      throw new AstraVaultStartupException(property + " is not a file path (it looks like PEM text, which is not "
          + "shown)", "Set " + property + " to the PATH of the PEM file, e.g. a mounted Kubernetes secret such as "
          + "/etc/vault-tls/" + (property.endsWith("key-file") ? "tls.key" : "ca.crt") + "; if a key was pasted "
          + "there, remove it from the configuration.", null);
    }
    // Whoever can replace the CA chooses which server is trusted as Vault; the key is a secret. Links are followed
    // (a Kubernetes secret volume's ..data chain, root-owned in a sticky mount point, passes), and the file read is
    // the one checked.
    try {
      return PathTrust.read(file, property, untrusted(property, file));
    } catch (AstraVaultStartupException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // The exception type says why (NoSuchFile, AccessDenied, MalformedInput); its message could hold content.
      throw new AstraVaultStartupException(property + ": cannot read " + file + " (" + e.getClass().getSimpleName()
          + ")", "Make " + file + " exist and be readable by the service, or fix " + property + ".", null);
    }
  }

  /**
   * {@code path} on the KV engine of {@code astra.vault.vault.kv-mount} and {@code kv-version}; unset, the version is
   * 2 here only to check the mount and path, and callers ask Vault for it.
   */
  static KvPath kvPath(AstraVaultProperties.Vault v, String path, String property) {
    try {
      Integer version = v.getKvVersion();
      return new KvPath(v.getKvMount(), path, version != null ? version : 2);
    } catch (IllegalArgumentException e) {
      throw new AstraVaultStartupException(property + ": " + e.getMessage(), "Fix " + property
          + " (a path inside astra.vault.vault.kv-mount) or astra.vault.vault.kv-mount.", e);
    }
  }

  private static VaultAuth kubernetes(String role, Path jwtFile) {
    try {
      return VaultAuth.kubernetes(role, jwtFile);
    } catch (IllegalArgumentException e) {
      // The message says which of the two is wrong; a token given as the path is not quoted.
      throw new AstraVaultStartupException("astra.vault.vault.kubernetes-role or kubernetes-jwt-path: "
          + e.getMessage(), "Set astra.vault.vault.kubernetes-jwt-path to the file that holds the service-account "
          + "token (not the token itself), and astra.vault.vault.kubernetes-role to the Vault role's name.", null);
    }
  }

  private static String required(@Nullable String value, String property, String method) {
    if (value == null || value.isBlank()) {
      throw new AstraVaultStartupException(property + " is not set (astra.vault.vault.authentication=" + method
          + ")", "Set " + property + ", or choose another astra.vault.vault.authentication.", null);
    }
    return value;
  }

  public static LeaseStore leaseStore(AstraVaultProperties p, Supplier<@Nullable DataSource> dataSource,
      @Nullable Clock clock, @Nullable SharedVaultConnection shared) {
    AstraVaultProperties.Store s = p.getStore();
    return switch (s.getType()) {
      case MEMORY -> LeaseStore.inMemory();
      case JDBC -> {
        JdbcLeaseStore.Builder b = JdbcLeaseStore.builder();
        String url = s.getJdbc().getUrl();
        String user = s.getJdbc().getUsername();
        if (url != null) {
          if (user == null && s.getJdbc().getPassword() != null) {
            // The builder takes both or neither; dropping the password silently would connect without it.
            throw new AstraVaultStartupException("astra.vault.store.jdbc.password is set but "
                + "astra.vault.store.jdbc.username is not", "Set astra.vault.store.jdbc.username to the database "
                + "user the password belongs to.", null);
          }
          try {
            b.jdbcUrl(url);
            if (user != null) {
              if (JdbcUrlCredentials.split(url).user().filter(u -> !u.equals(user)).isPresent()) {
                // Named here, as the builder names its methods; pgjdbc would have logged in as the URL's user.
                throw new AstraVaultStartupException("astra.vault.store.jdbc.url names a user (in its user info or "
                    + "a user parameter) other than astra.vault.store.jdbc.username", "Name the user once, in "
                    + "astra.vault.store.jdbc.username, and take it out of astra.vault.store.jdbc.url.", null);
              }
              String password = s.getJdbc().getPassword();
              // No password is no password, not the string "null": trust and peer authentication need none.
              if (password != null) {
                b.credentials(user, password);
              } else {
                b.user(user);
              }
            }
          } catch (IllegalArgumentException e) {
            // A password given twice (in the URL and in the property), or the URL's own clash: no value quoted.
            throw new AstraVaultStartupException("astra.vault.store.jdbc: " + e.getMessage(), "Give the password "
                + "once, in astra.vault.store.jdbc.password, and take it out of astra.vault.store.jdbc.url.", null);
          }
        } else {
          DataSource ds = dataSource.get();
          if (ds == null) {
            throw new AstraVaultStartupException("astra.vault.store.type=jdbc needs a database, but "
                + "astra.vault.store.jdbc.url is not set and the application has no single DataSource bean",
                "Set astra.vault.store.jdbc.url (jdbc:postgresql://... or jdbc:sqlite:...), or define a DataSource "
                    + "(spring.datasource.*).", null);
          }
          b.dataSource(ds);
        }
        try {
          yield build(b, p, clock, shared);
        } catch (StoreException e) {
          // The driver's message (e.g. password authentication failed for user ...) never holds the password;
          // the URL is left out because it may.
          boolean noPassword = url != null && user != null && s.getJdbc().getPassword() == null
              && !JdbcUrlCredentials.split(url).hasPassword();
          throw new AstraVaultStartupException("astra.vault.store.type=jdbc: cannot open the lease store in "
              + (url != null ? "astra.vault.store.jdbc.url" + (user != null ? " as user " + user
                  + (noPassword ? " with no password (astra.vault.store.jdbc.password is not set)" : "") : "")
                  : "the application's DataSource") + " (" + e.getMessage() + ")",
              url != null ? (noPassword ? "If the database requires a "
                  + "password for this user, set astra.vault.store.jdbc.password. " : "")
                  + "Check astra.vault.store.jdbc.url, astra.vault.store.jdbc.username and "
                  + "astra.vault.store.jdbc.password, and that the database is reachable."
                  : "Check the application's DataSource (spring.datasource.*), or give the store its own database "
                      + "with astra.vault.store.jdbc.url.", e);
        }
      }
      case SQLITE -> {
        if (s.getSqliteFile() == null) {
          throw new AstraVaultStartupException("astra.vault.store.type=sqlite needs astra.vault.store.sqlite-file",
              "Set astra.vault.store.sqlite-file to the database file (created if absent).", null);
        }
        yield build(JdbcLeaseStore.builder().sqliteFile(s.getSqliteFile()), p, clock, shared);
      }
      case VAULT_KV -> vaultKvStore(p, clock, shared);
    };
  }

  private static LeaseStore vaultKvStore(AstraVaultProperties p, @Nullable Clock clock,
      @Nullable SharedVaultConnection shared) {
    AstraVaultProperties.Store s = p.getStore();
    AstraVaultProperties.Vault v = p.getVault();
    VaultConfig vault = vaultConfig(v, shared, "astra.vault.store.type=vault-kv");
    Integer kvVersion = v.getKvVersion();
    if (kvVersion != null && kvVersion != 2) {
      throw new AstraVaultStartupException("astra.vault.store.type=vault-kv needs a KV version 2 engine, but "
          + "astra.vault.vault.kv-version is " + kvVersion, "Point astra.vault.vault.kv-mount at a KV v2 "
          + "engine (vault secrets enable -version=2 kv) and set astra.vault.vault.kv-version=2.", null);
    }
    if (s.isMetadataOnly()) {
      throw new AstraVaultStartupException("astra.vault.store.metadata-only applies to the jdbc and sqlite stores; "
          + "the vault-kv store always keeps the (encrypted) secrets", "Remove astra.vault.store.metadata-only, or "
          + "choose astra.vault.store.type=jdbc or sqlite.", null);
    }
    VaultKvLeaseStore store;
    try {
      VaultKvLeaseStore.Builder b = VaultKvLeaseStore.builder(vault).mount(v.getKvMount())
          .pathPrefix(s.getVaultKv().getPathPrefix()).keyProvider(keys(p, clock, shared));
      if (clock != null) {
        b.clock(clock);
      }
      store = b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new AstraVaultStartupException("astra.vault.store: " + e.getMessage(),
          "Fix astra.vault.store.vault-kv.path-prefix and astra.vault.vault.kv-mount.", e);
    }
    checkKvMount(store, v.getKvMount());
    return store;
  }

  /**
   * The store's mount check, made now rather than at the first lease (which may come from a background task, where
   * a wrong mount would be a logged failure rather than a failed startup): a KV version 1 mount, one that is not KV or
   * one with {@code delete_version_after} fails startup naming the property. A Vault that cannot be reached or is
   * sealed does not, as before (the store checks again at its first call); the store key, when in Vault, already
   * needed it.
   */
  private static void checkKvMount(VaultKvLeaseStore store, String mount) {
    try {
      store.checkMount();
    } catch (StoreException e) {
      if (e.getCause() instanceof VaultUnavailableException) {
        Redaction.logger(VaultKvLeaseStore.class).warn("astra.vault.store.type=vault-kv: cannot check mount '{}' "
            + "at startup ({}); the store checks it at its first call", mount, e.getMessage());
        return;
      }
      String fix = e.getCause() instanceof VaultKvMountException
          ? "Point astra.vault.vault.kv-mount at a KV version 2 engine (vault secrets enable -path=<mount> kv-v2, or "
              + "vault kv enable-versioning " + mount + "), or choose another astra.vault.store.type. The store's "
              + "compare-and-set is KV v2's check-and-set, which KV version 1 lacks."
          : "Fix the mount's configuration in Vault, or point astra.vault.vault.kv-mount at another KV version 2 "
              + "engine (see docs/vault.md, \"Vault KV as the lease store\").";
      throw new AstraVaultStartupException("astra.vault.store.type=vault-kv, astra.vault.vault.kv-mount=" + mount
          + ": " + e.getMessage(), fix, e);
    }
  }

  private static LeaseStore build(JdbcLeaseStore.Builder b, AstraVaultProperties p, @Nullable Clock clock,
      @Nullable SharedVaultConnection shared) {
    AstraVaultProperties.Store s = p.getStore();
    if (s.isMetadataOnly()) {
      b.metadataOnly();
    } else {
      b.keyProvider(keys(p, clock, shared));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new AstraVaultStartupException("astra.vault.store: " + e.getMessage(),
          "Fix the astra.vault.store.* properties.", e);
    }
  }

  private static KeyProvider keys(AstraVaultProperties p, @Nullable Clock clock,
      @Nullable SharedVaultConnection shared) {
    AstraVaultProperties.Store s = p.getStore();
    if (s.getKeyVaultPath() != null && !s.getKeyVaultPath().isBlank()) {
      String property = "astra.vault.store.key-vault-path";
      VaultConfig vault = vaultConfig(p.getVault(), shared, property);
      KvPath path = kvPath(p.getVault(), s.getKeyVaultPath(), property);
      Clock c = clock != null ? clock : Clock.systemUTC();
      boolean stated = p.getVault().getKvVersion() != null;
      try {
        // kv-version unset: the key's mount may be KV v1 or v2, and Vault is asked which (as vault kv get does).
        return stated ? VaultKeyProvider.of(vault, path, c)
            : VaultKeyProvider.of(vault, path.mount(), path.path(), c);
      } catch (RuntimeException e) {
        // The provider's messages name the path and key ids, never a key.
        String where = stated ? path.toString() : path.mount() + "/" + path.path();
        throw new AstraVaultStartupException(property + ": no usable encryption key in Vault at " + where + " ("
            + e.getMessage() + ")", "Write the key to Vault (vault kv put " + p.getVault().getKvMount() + "/"
            + path.path() + " key=\"$(openssl rand -base64 32)\"), check the Vault credentials' policy, or fix "
            + property + " and astra.vault.vault.kv-mount/kv-version.", e);
      }
    }
    if (s.getKeyFile() == null && !ENV_NAME.matcher(s.getKeyEnv()).matches()) {
      // Most likely the key itself was put here: never echo it.
      throw new AstraVaultStartupException("astra.vault.store.key-env is not an environment variable name (letters, "
          + "digits and '_'; not starting with a digit)", "Set astra.vault.store.key-env to the NAME of the variable "
          + "that holds the key, e.g. ASTRA_VAULT_KEY, never to the key; if a key was put there, replace it.", null);
    }
    try {
      return s.getKeyFile() != null ? KeyProvider.fromFile(s.getKeyFile()) : KeyProvider.fromEnv(s.getKeyEnv());
    } catch (RuntimeException e) {
      throw new AstraVaultStartupException("astra.vault.store: no usable encryption key for secrets at rest ("
          + e.getMessage() + ")", "Set the environment variable " + s.getKeyEnv() + " to a base64 32-byte key, or "
          + "astra.vault.store.key-file, or astra.vault.store.key-vault-path (the key in Vault KV)"
          + (s.getType() == AstraVaultProperties.StoreType.VAULT_KV ? "."
              : ", or astra.vault.store.metadata-only=true to keep no secrets."), e);
    }
  }

  /** The configured sinks behind one closeable sink; {@link AuditSink#noop()} when all are off. */
  public static ClosingAuditSink auditSink(AstraVaultProperties p, Supplier<@Nullable DataSource> dataSource) {
    AstraVaultProperties.Audit a = p.getAudit();
    List<AuditSink> sinks = new ArrayList<>();
    List<AutoCloseable> closeables = new ArrayList<>();
    if (a.isSlf4j()) {
      sinks.add(AuditSink.slf4j());
    }
    List<AuditSink> slow = new ArrayList<>();
    KeyProvider auditKeys = auditKeys(a);
    if (a.getJsonLinesFile() != null) {
      JsonLinesAuditSink.Builder builder = JsonLinesAuditSink.builder(a.getJsonLinesFile());
      if (auditKeys != null) {
        builder.keys(auditKeys);
      }
      JsonLinesAuditSink file = builder.build();
      closeables.add(file);
      slow.add(file);
    }
    if (a.isJdbc()) {
      DataSource ds = dataSource.get();
      if (ds == null) {
        throw new AstraVaultStartupException("astra.vault.audit.jdbc=true needs the application's DataSource, "
            + "and there is no single DataSource bean", "Define a DataSource (spring.datasource.*) or turn "
            + "astra.vault.audit.jdbc off.", null);
      }
      try {
        slow.add(JdbcAuditSink.builder(ds).table(a.getJdbcTable()).build());
      } catch (IllegalArgumentException | StoreException e) {
        throw new AstraVaultStartupException("astra.vault.audit.jdbc-table: " + e.getMessage(), "Set "
            + "astra.vault.audit.jdbc-table to an unquoted SQL table name (schema.name allowed) that the "
            + "DataSource's user may create and insert into.", e);
      }
    }
    for (AuditSink sink : slow) {
      if (a.isAsync()) {
        var async = AuditSink.async(sink);
        closeables.add(0, async);
        sinks.add(async);
      } else {
        sinks.add(sink);
      }
    }
    AuditSink sink = sinks.isEmpty() ? AuditSink.noop()
        : sinks.size() == 1 ? sinks.get(0) : AuditSink.composite(sinks.toArray(AuditSink[]::new));
    return new ClosingAuditSink(sink, closeables);
  }

  /**
   * The keys of {@code astra.vault.audit.json-lines-key-file} or {@code json-lines-key-env}; null when neither is set
   * (the file is then an unkeyed chain, and the sink warns). Never the store key: whoever verifies the audit file needs
   * its key, and must not thereby be able to decrypt the secrets at rest.
   */
  private static @Nullable KeyProvider auditKeys(AstraVaultProperties.Audit a) {
    Path file = a.getJsonLinesKeyFile();
    String env = a.getJsonLinesKeyEnv() == null || a.getJsonLinesKeyEnv().isBlank() ? null : a.getJsonLinesKeyEnv();
    if (file == null && env == null) {
      return null;
    }
    String property = file != null ? AUDIT_KEY_FILE : AUDIT_KEY_ENV;
    if (file != null && env != null) {
      throw new AstraVaultStartupException(AUDIT_KEY_FILE + " and " + AUDIT_KEY_ENV + " are both set",
          "Set only one of them: the audit key comes from one place.", null);
    }
    if (a.getJsonLinesFile() == null) {
      // A key for a file that is never written would look like a keyed audit trail and be none.
      throw new AstraVaultStartupException(property + " is set but astra.vault.audit.json-lines-file is not",
          "Set astra.vault.audit.json-lines-file to the audit file the key MACs, or remove " + property + ".", null);
    }
    if (env != null && !ENV_NAME.matcher(env).matches()) {
      // Most likely the key itself was put here: never echo it.
      throw new AstraVaultStartupException(AUDIT_KEY_ENV + " is not an environment variable name (letters, digits "
          + "and '_'; not starting with a digit)", "Set " + AUDIT_KEY_ENV + " to the NAME of the variable that "
          + "holds the key, e.g. ASTRA_VAULT_AUDIT_KEY, never to the key; if a key was put there, replace it.", null);
    }
    try {
      return file != null ? KeyProvider.fromFile(file) : KeyProvider.fromEnv(env);
    } catch (RuntimeException e) {
      // KeyProvider's messages name the file or variable and which key is malformed, never a key.
      throw new AstraVaultStartupException(property + ": no usable audit key (" + e.getMessage() + ")",
          (file != null ? "Make " + file + " readable by the service and put" : "Set the environment variable "
              + env + " to") + " a base64 key of 32 bytes (openssl rand -base64 32), or remove " + property
              + " to write an unkeyed chain.", e);
    }
  }

  /** Builds the manager, then writes the configured roles (and syncs them from Astra when asked). */
  public static TokenManager tokenManager(AstraVaultProperties p, LeaseStore store, AuditSink audit,
      ActorProvider actor, @Nullable Clock clock, dev.astravault.@Nullable Scheduler scheduler,
      List<TokenManagerCustomizer> customizers, @Nullable SharedVaultConnection shared) {
    TokenManagerBuilder b = TokenManager.builder().leaseStore(store).auditSink(audit).actorProvider(actor)
        // With revoke-on-shutdown=false, closing the manager must not revoke the managed token either.
        .revokeManagedOnClose(p.isRevokeOnShutdown());
    if (p.getMode() == AstraVaultProperties.Mode.VAULT) {
      // Vault holds the root tokens and is the lease authority; orgs and roles given here are written to it.
      b.vault(vaultConfig(p.getVault(), shared, "astra.vault.mode=vault"));
    }
    if (clock != null) {
      b.clock(clock);
    }
    if (scheduler != null) {
      b.scheduler(scheduler);
    }
    List<AstraVaultProperties.Org> orgs = p.getOrgs();
    for (int i = 0; i < orgs.size(); i++) {
      b.org(org(orgs.get(i), i));
    }
    vaultOrgs(p, shared).forEach(b::org);
    engineOptions(p, b);
    // After the properties, so that a customizer may override them.
    try {
      customizers.forEach(c -> c.customize(b));
    } catch (IllegalStateException e) {
      // A once-only builder option (deploymentId, clock, scheduler, ...) the starter had set already.
      throw new AstraVaultStartupException("a TokenManagerCustomizer: " + e.getMessage(), "The customizer sets an "
          + "option the starter already set from a property or a bean (astra.vault.deployment-id, a Clock or "
          + "Scheduler bean, the LeaseStore, ...), and that option can be set only once: set it in one place.", e);
    }
    TokenManager manager;
    try {
      manager = b.build();
    } catch (IllegalArgumentException e) {
      // The builder's cross-checks (orphanGracePeriod vs callTimeout), also after a customizer changed a value.
      throw new AstraVaultStartupException("the TokenManager: " + e.getMessage(), "Fix astra.vault.maintenance.* "
          + "and astra.vault.astra-api.*, or the TokenManagerCustomizer beans that set these options.", e);
    } catch (RuntimeException e) {
      // Vault mode reaches Vault while building (token lookup, org writes): name what to check when it cannot.
      String vault = StartupTokens.vaultConnectionAction(e);
      if (vault == null) {
        throw e;
      }
      throw new AstraVaultStartupException("the TokenManager: " + e.getMessage(), vault, e);
    }
    try {
      writeRoles(p, manager, store);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
    return manager;
  }

  /**
   * Applies {@code astra.vault.deployment-id}, {@code astra-api.*} and {@code maintenance.*}; unset properties leave
   * the builder's defaults. Each bad value fails startup naming its property, before anything is built.
   */
  static void engineOptions(AstraVaultProperties p, TokenManagerBuilder b) {
    String deploymentId = p.getDeploymentId();
    if (deploymentId != null) {
      if (p.getMode() == AstraVaultProperties.Mode.VAULT) {
        // Vault tags the tokens it mints with its own lease ids: an id here would silently do nothing.
        throw new AstraVaultStartupException("astra.vault.deployment-id applies to direct mode; in vault mode the "
            + "plugin mints and tags the tokens", "Remove astra.vault.deployment-id, or use astra.vault.mode=direct.",
            null);
      }
      try {
        b.deploymentId(deploymentId);
      } catch (IllegalArgumentException e) {
        // The message says what is allowed; the id is not a secret, but need not be echoed either.
        throw new AstraVaultStartupException("astra.vault.deployment-id: " + e.getMessage(), "Set "
            + "astra.vault.deployment-id to 1-64 characters of a-z, 0-9 and -, e.g. orders-prod, unique among the "
            + "deployments that share an org; or remove it to use the id the store keeps.", e);
      }
    }
    AstraVaultProperties.AstraApi api = p.getAstraApi();
    Duration connect = positive(api.getConnectTimeout(), "astra.vault.astra-api.connect-timeout", "10s");
    if (connect != null) {
      b.connectTimeout(connect);
    }
    Duration call = positive(api.getCallTimeout(), "astra.vault.astra-api.call-timeout", "30s");
    if (call != null) {
      b.callTimeout(call);
    }
    DataSize max = api.getMaxResponseBytes();
    if (max != null) {
      if (max.toBytes() < MIN_RESPONSE_BYTES) {
        throw new AstraVaultStartupException("astra.vault.astra-api.max-response-bytes must be at least 1KB, was "
            + max, "Set astra.vault.astra-api.max-response-bytes to a size such as 8MB (the default), or remove it.",
            null);
      }
      b.maxResponseBytes(max.toBytes());
    }
    AstraVaultProperties.Maintenance m = p.getMaintenance();
    Duration sweep = nonNegative(m.getSweepInterval(), "astra.vault.maintenance.sweep-interval",
        "30s (the default), or 0 to turn the expiry sweep off");
    if (sweep != null) {
      b.sweepInterval(sweep);
    }
    Duration recovery = nonNegative(m.getRecoveryInterval(), "astra.vault.maintenance.recovery-interval",
        "1m (the default), or 0 to run recovery only at startup");
    if (recovery != null) {
      b.recoveryInterval(recovery);
    }
    if (m.getOrphanSweep() != null) {
      b.orphanSweep(m.getOrphanSweep());
    }
    Duration grace = positive(m.getOrphanGracePeriod(), "astra.vault.maintenance.orphan-grace-period", "15m");
    if (grace != null) {
      Duration callTimeout = call != null ? call : DEFAULT_CALL_TIMEOUT;
      if (!Boolean.FALSE.equals(m.getOrphanSweep()) && grace.compareTo(callTimeout) <= 0) {
        throw new AstraVaultStartupException("astra.vault.maintenance.orphan-grace-period (" + grace + ") must be "
            + "longer than astra.vault.astra-api.call-timeout (" + callTimeout + "), or the orphan sweep could "
            + "delete a token whose create is still in flight", "Raise astra.vault.maintenance.orphan-grace-period "
            + "(default 15m) or lower astra.vault.astra-api.call-timeout.", null);
      }
      b.orphanGracePeriod(grace);
    }
    Duration roleGrace = nonNegative(m.getCustomRoleGracePeriod(), "astra.vault.maintenance.custom-role-grace-period",
        "5m (the default), or 0 to delete an unused custom role at once");
    if (roleGrace != null) {
      b.customRoleGracePeriod(roleGrace);
    }
  }

  private static @Nullable Duration positive(@Nullable Duration d, String property, String example) {
    if (d != null && (d.isNegative() || d.isZero())) {
      throw new AstraVaultStartupException(property + " must be positive, was " + d, "Set " + property
          + " to a duration such as " + example + " (the default), or remove it.", null);
    }
    return d;
  }

  private static @Nullable Duration nonNegative(@Nullable Duration d, String property, String fix) {
    if (d != null && d.isNegative()) {
      throw new AstraVaultStartupException(property + " must not be negative, was " + d, "Set " + property + " to "
          + fix + ".", null);
    }
    return d;
  }

  /** The orgs of {@code astra.vault.orgs-vault-path}: one secret, or every secret of a folder ending in '/'. */
  private static List<OrgConfig> vaultOrgs(AstraVaultProperties p, @Nullable SharedVaultConnection shared) {
    String location = p.getOrgsVaultPath();
    if (location == null || location.isBlank()) {
      return List.of();
    }
    String property = "astra.vault.orgs-vault-path";
    VaultConfig vault = vaultConfig(p.getVault(), shared, property);
    KvPath path = kvPath(p.getVault(), location, property);
    // kv-version unset: the mount may be KV v1 or v2, and Vault is asked which (as vault kv get does).
    boolean stated = p.getVault().getKvVersion() != null;
    String where = stated ? path.toString() : path.mount() + "/" + path.path();
    try {
      boolean folder = location.endsWith("/");
      List<OrgConfig> orgs = stated
          ? (folder ? VaultOrgConfigs.readAll(vault, path) : List.of(VaultOrgConfigs.read(vault, path)))
          : (folder ? VaultOrgConfigs.readAll(vault, path.mount(), path.path())
              : List.of(VaultOrgConfigs.read(vault, path.mount(), path.path())));
      if (orgs.isEmpty()) {
        throw new IllegalArgumentException("the folder holds no org secret");
      }
      return orgs;
    } catch (RuntimeException e) {
      // VaultOrgConfigs' messages name the path and field, never the root token.
      String connection = StartupTokens.vaultConnectionAction(e);
      String action = connection != null ? connection : "Write the org to Vault (vault kv put "
          + p.getVault().getKvMount() + "/" + path.path().replaceAll("/$", "/<name>") + " org_id=... root_token=...), "
          + "check the Vault credentials' policy, or fix " + property + " and astra.vault.vault.kv-mount/kv-version.";
      throw new AstraVaultStartupException(property + ": cannot read the org(s) at " + where + " (" + e.getMessage()
          + ")", action, e);
    }
  }

  private static OrgConfig org(AstraVaultProperties.Org o, int index) {
    String prefix = "astra.vault.orgs[" + index + "]";
    if (o.getRootToken() == null || o.getRootToken().isBlank()) {
      throw new AstraVaultStartupException(prefix + ".root-token is not set",
          "Set " + prefix + ".root-token, e.g. to ${ASTRA_ORG_TOKEN}.", null);
    }
    try {
      OrgConfig.Builder b = o.getId() == null || o.getId().isBlank()
          ? OrgConfig.discover(o.getRootToken(), o.getUrl()).toBuilder()
          : OrgConfig.builder().orgId(o.getId()).rootToken(o.getRootToken()).url(o.getUrl());
      if (o.getLogicalName() != null) {
        b.logicalName(o.getLogicalName());
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new AstraVaultStartupException(prefix + ": " + e.getMessage(), "Fix " + prefix + ".*.", e);
    } catch (RuntimeException e) {
      throw StartupTokens.explain(prefix + ": cannot discover the org id from the root token", e, index);
    }
  }

  private static void writeRoles(AstraVaultProperties p, TokenManager manager, LeaseStore store) {
    if (p.isSyncRoles()) {
      for (Org org : manager.orgs()) {
        try {
          manager.syncRoles(org.orgId());
        } catch (RuntimeException e) {
          throw StartupTokens.explain("astra.vault.sync-roles: syncing the roles of org " + org.logicalName()
              + " failed", e, -1);
        }
      }
    }
    List<AstraVaultProperties.Role> roles = p.getRoles();
    for (int i = 0; i < roles.size(); i++) {
      AstraVaultProperties.Role r = roles.get(i);
      String prefix = "astra.vault.roles[" + i + "]";
      try {
        RoleSpec.Builder spec = RoleSpec.builder().org(r.getOrg() != null ? r.getOrg() : onlyOrg(manager, store,
            prefix + ".org"));
        if (r.getName() != null) {
          spec.name(r.getName());
        }
        if (r.getRoleId() != null) {
          spec.roleId(r.getRoleId());
        }
        if (r.getTtl() != null) {
          spec.ttl(r.getTtl());
        }
        if (r.getMaxTtl() != null) {
          spec.maxTtl(r.getMaxTtl());
        }
        manager.writeRole(spec.build());
      } catch (AstraVaultStartupException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new AstraVaultStartupException(prefix + ": " + e.getMessage(), "Fix " + prefix
            + ".* (name, role-id of a new role, org, ttl <= max-ttl).", e);
      }
    }
  }

  /**
   * The id of the only org, for properties that may leave the org out. An org the store holds but cannot read
   * (left out of {@code orgs()}) still counts: with it there is no only org, and picking the readable one would act
   * on its absence. Without a store (none, or not a unique bean) only the manager's orgs count.
   */
  public static String onlyOrg(TokenManager manager, @Nullable LeaseStore store, String property) {
    List<Org> orgs = manager.orgs();
    Set<String> readable = new HashSet<>();
    orgs.forEach(o -> readable.add(o.orgId()));
    List<String> unreadable = List.of();
    if (store != null) {
      store.orgs().forEach(o -> readable.add(o.orgId()));
      unreadable = store.storedOrgIds().stream().filter(id -> !readable.contains(id)).toList();
    }
    int count = orgs.size() + unreadable.size();
    if (count == 1 && unreadable.isEmpty()) {
      return orgs.get(0).orgId();
    }
    throw new AstraVaultStartupException(property + " is not set and " + (count == 0 ? "no org is configured"
        : "there are " + count + " orgs" + (unreadable.isEmpty() ? ""
            : " (" + String.join(", ", unreadable) + " stored but unreadable by this instance)")), count == 0
        ? "Configure an org: astra.vault.orgs[0].root-token (and optionally id, url, logical-name)."
        : "Set " + property + " to the id or logical name of one of the orgs"
            + (unreadable.isEmpty() ? "." : ", and see docs/operations.md on an org config that no longer loads."),
        null);
  }

  /** One sink that also closes the file and queue sinks it was built from. */
  public static final class ClosingAuditSink implements AuditSink, AutoCloseable {
    private final AuditSink delegate;
    private final List<AutoCloseable> closeables;

    ClosingAuditSink(AuditSink delegate, List<AutoCloseable> closeables) {
      this.delegate = delegate;
      this.closeables = List.copyOf(closeables);
    }

    @Override
    public void record(AuditEvent event) {
      delegate.record(event);
    }

    @Override
    public void close() {
      for (AutoCloseable c : closeables) {
        try {
          c.close();
        } catch (Exception e) {
          Redaction.logger(ClosingAuditSink.class).warn("closing audit sink {} failed: {}",
              c.getClass().getSimpleName(), e.getClass().getName());
        }
      }
    }
  }
}
