package dev.astravault.cli;

import dev.astravault.AuditSink;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.audit.AuditWitness;
import dev.astravault.audit.FsyncPolicy;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.internal.Validation;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKeyProvider;
import dev.astravault.vault.VaultKvLeaseStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root {@code astra-vault} command. Its options are global ({@link ScopeType#INHERIT}): accepted before or after
 * any subcommand. It builds the {@link TokenManager} on first use and closes it when the command ends: in direct mode
 * on the {@link JdbcLeaseStore} named by {@code --store}; in Vault mode ({@code --vault-addr} or {@code VAULT_ADDR})
 * on Vault, with only Vault credentials and a secret-free local cache of lease ids ({@link VaultCache}).
 */
@Command(name = "astra-vault", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Short-lived, audited Astra DB tokens: the Astra Vault plugin's commands, without Vault.",
        "Direct mode keeps orgs, roles and leases in a durable store (SQLite by default). Vault mode (--vault-addr "
            + "or $VAULT_ADDR) works through the Astra plugin in Vault. See docs/cli.md."},
    subcommands = {ConfigCommand.class, RoleCommand.class, TokenCommand.class, LeaseCommand.class,
        MaintenanceCommands.Reap.class, MaintenanceCommands.Reconcile.class, AuditCommand.class, StoreCommand.class},
    footer = {"", "Exit codes: 0 success, 1 the operation failed, 2 usage error."})
final class AstraVaultCommand implements AutoCloseable {
  static final String DEFAULT_STORE_FILE = ".astra-vault/astra-vault.db";
  static final String DEFAULT_VAULT_CACHE_FILE = ".astra-vault/vault-cache.db";

  @Option(names = "--store", paramLabel = "JDBC_URL", scope = ScopeType.INHERIT,
      description = "The store: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB. Default: $ASTRA_VAULT_STORE, else "
          + "jdbc:sqlite:~/" + DEFAULT_STORE_FILE + ". In Vault mode: the secret-free lease-id cache, default "
          + "jdbc:sqlite:~/" + DEFAULT_VAULT_CACHE_FILE + " ($ASTRA_VAULT_STORE is not used).")
  @Nullable String store;

  @Option(names = "--key-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "The store's encryption keys (base64, current first). Default: $ASTRA_VAULT_KEY. See also "
          + "--key-vault-path.")
  @Nullable Path keyFile;

  @Option(names = "--key-vault-path", paramLabel = "PATH", scope = ScopeType.INHERIT,
      description = "Read the store's encryption keys from this Vault KV version 2 secret instead (fields key, "
          + "previous, key_id, as VaultKeyProvider reads them), a path in --key-vault-mount such as "
          + "astra-vault/store-key. Vault's address and credentials as in Vault mode (with --direct for the SQL "
          + "store).")
  @Nullable String keyVaultPath;

  @Option(names = "--key-vault-mount", paramLabel = "MOUNT", scope = ScopeType.INHERIT,
      description = "The KV version 2 mount of --key-vault-path (default: secret).")
  @Nullable String keyVaultMount;

  @Option(names = "--format", paramLabel = "table|json", scope = ScopeType.INHERIT,
      description = "Output format (default: table).")
  Output.@Nullable Format format;

  @Option(names = "--audit-log", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Append chained JSON-lines audit events to FILE (MACed under a key derived from the store key "
          + "when there is one). Default: $ASTRA_VAULT_AUDIT_LOG, else none.")
  @Nullable Path auditLog;

  @Option(names = "--audit-witness", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Append the audit log's checkpoint to FILE when the command ends (keep it where the log's "
          + "writers cannot change it). Default: $ASTRA_VAULT_AUDIT_WITNESS, else none.")
  @Nullable Path auditWitness;

  @Option(names = "--vault-addr", paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "Vault mode: the Vault server (default: $VAULT_ADDR).")
  @Nullable String vaultAddr;

  @Option(names = "--vault-mount", paramLabel = "PATH", scope = ScopeType.INHERIT,
      description = "Vault mode: the Astra plugin's mount (default: astra).")
  @Nullable String vaultMount;

  @Option(names = "--vault-namespace", paramLabel = "NAMESPACE", scope = ScopeType.INHERIT,
      description = "Vault mode: the Vault Enterprise namespace (default: $VAULT_NAMESPACE).")
  @Nullable String vaultNamespace;

  @Option(names = "--vault-ca-cert", paramLabel = "PEM_FILE", scope = ScopeType.INHERIT,
      description = "Vault mode: the CA certificate(s) that sign Vault's TLS certificate (default: $VAULT_CACERT, "
          + "else the JVM's trust store).")
  @Nullable Path vaultCaCert;

  @Option(names = "--vault-role-id", paramLabel = "ROLE_ID", scope = ScopeType.INHERIT,
      description = "Vault mode: log in with AppRole as this role id (default: $VAULT_ROLE_ID); the secret id comes "
          + "from $VAULT_SECRET_ID or --vault-secret-id-file. Without a role id: $VAULT_TOKEN, else ~/.vault-token.")
  @Nullable String vaultRoleId;

  @Option(names = "--vault-secret-id-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Vault mode: read the AppRole secret id from FILE (default: $VAULT_SECRET_ID).")
  @Nullable Path vaultSecretIdFile;

  @Option(names = "--vault-approle-mount", paramLabel = "PATH", scope = ScopeType.INHERIT,
      description = "Vault mode: the AppRole auth mount (default: approle).")
  @Nullable String vaultAppRoleMount;

  @Option(names = "--direct", scope = ScopeType.INHERIT,
      description = "Direct mode even when VAULT_ADDR is set.")
  boolean direct;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Debug logging, and stack traces on errors.")
  boolean debug;

  private final Map<String, String> env;
  private final InputStream stdin;
  private final Clock clock;
  private @Nullable KeyProvider keys;
  private @Nullable JdbcLeaseStore openStore;
  private @Nullable VaultCache openCache;
  private @Nullable VaultKvLeaseStore openKvStore;
  private @Nullable JsonLinesAuditSink openAudit;
  private @Nullable TokenManager manager;

  private final PrintWriter err;

  AstraVaultCommand(Map<String, String> env, InputStream stdin, Clock clock, PrintWriter err) {
    this.env = Map.copyOf(env);
    this.stdin = stdin;
    this.clock = clock;
    this.err = err;
  }

  /**
   * A warning on stderr when a secret file the CLI reads is open to the group or others. Not a refusal, as the
   * library's own key-file check (Kubernetes mounts secrets 0644 unless told otherwise); but said here, as the
   * library's warning goes to its log, which the CLI shows only with --debug.
   */
  void warnIfOthersCanRead(Path file, String what) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      String shown = PosixFilePermissions.toString(mode);
      if (!shown.substring(3).equals("------")) {
        err.println("warning: " + what + " " + file + " is readable by other users (mode " + shown + "); it holds "
            + "a secret: chmod 600 it");
        err.flush();
      }
    } catch (IOException | UnsupportedOperationException missingOrNotPosix) {
      // reading it reports a missing file; Windows has no modes to check
    }
  }

  @Nullable String env(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  InputStream stdin() {
    return stdin;
  }

  Clock clock() {
    return clock;
  }

  Output output(PrintWriter out) {
    return new Output(format == null ? Output.Format.table : format, out);
  }

  /** The manager, built on first use: on the store in direct mode, on Vault in Vault mode. */
  TokenManager manager() {
    if (manager == null) {
      TokenManagerBuilder builder = TokenManager.builder()
          // One short-lived process per command: expired leases end by `reap` (or by the app's own sweeper).
          .sweepInterval(Duration.ZERO)
          // Building runs one recovery pass (crash leftovers, failed revokes, expired leases); no periodic ones.
          .recoveryInterval(Duration.ZERO)
          .clock(clock);
      if (vaultMode()) {
        VaultConfig vault = vaultConfig();
        builder.leaseStore(vaultCache()).vault(vault);
        if (keyGiven()) {
          // Optional here: only so that audit HMACs match across runs, as in direct mode.
          this.keys = keys();
          builder.auditHmacKey(auditHmacKey());
        }
      } else {
        builder.leaseStore(store()).auditHmacKey(auditHmacKey());
      }
      for (AuditSink sink : auditSinks()) {
        builder.auditSink(sink);
      }
      manager = builder.build();
    }
    return manager;
  }

  /** Vault mode: {@code --vault-addr}, else {@code $VAULT_ADDR} unless {@code --direct}. */
  boolean vaultMode() {
    return vaultAddress() != null;
  }

  private @Nullable String vaultAddress() {
    return vaultAddr != null ? vaultAddr : direct ? null : env("VAULT_ADDR");
  }

  /** Refuses a command that only the direct-mode store can do, naming why. */
  void requireDirectMode(String command, String why) {
    if (vaultMode()) {
      throw CliException.failure("`" + command + "` works in direct mode only: " + why + " (Vault mode is on "
          + "because " + (vaultAddr != null ? "--vault-addr" : "VAULT_ADDR") + " is set; pass --direct to use the "
          + "store)");
    }
  }

  /**
   * The plugin caller mode this command's Vault client uses (and writes with {@code config write}); set before the
   * manager is built. Null: the library's default, standard.
   */
  void callerMode(dev.astravault.vault.CallerMode mode) {
    if (manager != null) {
      throw new IllegalStateException("the caller mode must be chosen before the manager is built");
    }
    this.callerMode = mode;
  }

  private dev.astravault.vault.@Nullable CallerMode callerMode;

  VaultConfig vaultConfig() {
    return vaultConfig(Objects.requireNonNull(vaultAddress()));
  }

  private VaultConfig vaultConfig(String addr) {
    URI uri;
    try {
      uri = Validation.parseUrl("the Vault address", addr);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    VaultConfig.Builder b = VaultConfig.builder(uri).auth(vaultAuth());
    if (callerMode != null) {
      b.callerMode(callerMode);
    }
    if (vaultMount != null) {
      b.mount(vaultMount);
    }
    String namespace = vaultNamespace != null ? vaultNamespace : env("VAULT_NAMESPACE");
    if (namespace != null) {
      b.namespace(namespace);
    }
    Path ca = vaultCaCert != null ? vaultCaCert : env("VAULT_CACERT") == null ? null
        : Path.of(Objects.requireNonNull(env("VAULT_CACERT")));
    if (ca != null) {
      try {
        b.caPem(ca);
      } catch (UncheckedIOException e) {
        throw CliException.failure("cannot read the Vault CA certificate " + ca + ": "
            + e.getCause().getClass().getSimpleName());
      } catch (IllegalArgumentException e) {
        throw CliException.usage("the Vault CA certificate " + ca + " is not a PEM certificate");
      }
    }
    return b.build();
  }

  /** AppRole when a role id is given, else a token: never from argv, so that no secret reaches shell history. */
  private VaultAuth vaultAuth() {
    String roleId = vaultRoleId != null ? vaultRoleId : env("VAULT_ROLE_ID");
    if (roleId != null) {
      String secretId = vaultSecretIdFile != null ? readSecret(vaultSecretIdFile, "--vault-secret-id-file")
          : env("VAULT_SECRET_ID");
      if (secretId == null) {
        throw CliException.usage("AppRole login needs its secret id: set VAULT_SECRET_ID or pass "
            + "--vault-secret-id-file FILE");
      }
      return VaultAuth.appRole(vaultAppRoleMount != null ? vaultAppRoleMount : "approle", roleId, secretId.strip());
    }
    String token = env("VAULT_TOKEN");
    if (token == null) {
      // Where `vault login` leaves the token (the vault CLI's default token helper).
      Path helper = Path.of(System.getProperty("user.home"), ".vault-token");
      if (Files.isRegularFile(helper)) {
        token = readSecret(helper, "~/.vault-token");
      }
    }
    if (token == null) {
      throw CliException.usage("Vault mode needs Vault credentials: set VAULT_TOKEN (or run `vault login`, which "
          + "writes ~/.vault-token), or use AppRole with --vault-role-id (or VAULT_ROLE_ID) and VAULT_SECRET_ID or "
          + "--vault-secret-id-file FILE");
    }
    return VaultAuth.token(token.strip());
  }

  private String readSecret(Path file, String what) {
    warnIfOthersCanRead(file, what);
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw CliException.usage(what + " " + file + " is empty");
      }
      return s;
    } catch (IOException e) {
      throw CliException.failure("cannot read " + what + " " + file + ": " + e.getClass().getSimpleName());
    }
  }

  /** Vault mode: an org with the operator's root token, for this process only (see {@code role sync}). */
  void lendRootToken(dev.astravault.OrgConfig org) {
    vaultCache().putOrg(org);
  }

  /** Vault mode's local state: lease ids and metadata only, never a secret, so no store key is needed. */
  private VaultCache vaultCache() {
    if (openCache == null) {
      JdbcLeaseStore.Builder b = JdbcLeaseStore.builder().jdbcUrl(storeUrl(DEFAULT_VAULT_CACHE_FILE)).metadataOnly();
      storeCredentials(b);
      openCache = new VaultCache(b.build());
    }
    return openCache;
  }

  /** ASTRA_VAULT_STORE_USER / _PASSWORD for a server store; an unset password sends none (never the word "null"). */
  private void storeCredentials(JdbcLeaseStore.Builder b) {
    String user = env("ASTRA_VAULT_STORE_USER");
    String password = env("ASTRA_VAULT_STORE_PASSWORD");
    if (user != null && password != null) {
      b.credentials(user, password);
    } else if (user != null) {
      b.user(user);
    }
  }

  /**
   * Whether the lease store the manager uses (the store, or Vault mode's cache) has a lease for {@code clientId}: the
   * library's delete of an unknown one is a silent no-op, which an operator's typo must not look like.
   */
  boolean knowsClientId(String clientId) {
    if (vaultMode()) {
      manager();   // first: missing Vault credentials are a usage error before any lookup
      return vaultCache().findByClientId(clientId).isPresent();
    }
    return store().findByClientId(clientId).isPresent();
  }

  /** The store itself, for what the manager does not expose (the root token kept on a config update). */
  JdbcLeaseStore store() {
    if (openStore == null) {
      requireDirectMode("this command", "it reads the durable store directly");
      KeyProvider keys = keys();
      JdbcLeaseStore.Builder b = JdbcLeaseStore.builder().jdbcUrl(storeUrl()).keyProvider(keys);
      storeCredentials(b);
      openStore = b.build();
      this.keys = keys;
    }
    return openStore;
  }

  /**
   * A Vault KV lease store on Vault mode's address and credentials, sealing with the store key ({@code --key-file},
   * {@code --key-vault-path} or {@code $ASTRA_VAULT_KEY}); for {@code store rotate-keys}, which works on the store
   * rather than through a manager.
   */
  VaultKvLeaseStore vaultKvStore(String mount, String prefix) {
    if (!vaultMode()) {
      throw CliException.usage("a Vault KV lease store is reached through Vault: set VAULT_ADDR or pass --vault-addr "
          + "(with VAULT_TOKEN, ~/.vault-token or AppRole, as in Vault mode)");
    }
    if (openKvStore == null) {
      KeyProvider keys = keys();
      openKvStore = VaultKvLeaseStore.builder(vaultConfig()).mount(mount).pathPrefix(prefix).keyProvider(keys)
          .clock(clock).build();
      this.keys = keys;
    }
    return openKvStore;
  }

  String storeUrl() {
    return storeUrl(DEFAULT_STORE_FILE);
  }

  /** {@code --store}, else (direct mode only: Vault mode must not share the direct store) $ASTRA_VAULT_STORE. */
  private String storeUrl(String defaultFile) {
    String url = store != null ? store : vaultMode() ? null : env("ASTRA_VAULT_STORE");
    if (url != null) {
      if (!url.startsWith("jdbc:")) {
        // Not quoted: a database URL may carry its password (postgresql://user:pass@host/db).
        throw CliException.usage("--store (or ASTRA_VAULT_STORE) must be a JDBC URL starting with jdbc:, such as "
            + "jdbc:sqlite:/path/astra-vault.db or jdbc:postgresql://HOST/DB");
      }
      return url;
    }
    Path file = Path.of(System.getProperty("user.home"), defaultFile);
    try {
      Path dir = file.getParent();
      // 0700 when created (whatever the umask), a warning when it exists open to others; the store file in it is
      // created 0600 by the store.
      dev.astravault.internal.FileModes.privateDirectories(dir);
    } catch (IOException e) {
      throw CliException.failure("cannot create the store directory " + file.getParent() + ": " + e);
    }
    return "jdbc:sqlite:" + file;
  }

  /** Whether a store key is given at all: {@code --key-file}, {@code --key-vault-*} or {@code $ASTRA_VAULT_KEY}. */
  private boolean keyGiven() {
    return keyFile != null || keyVaultPath != null || keyVaultMount != null || env("ASTRA_VAULT_KEY") != null;
  }

  private KeyProvider keys() {
    if (keyVaultMount != null && keyVaultPath == null) {
      throw CliException.usage("--key-vault-mount is the mount of --key-vault-path: give the secret's path too");
    }
    if (keyVaultPath != null) {
      if (keyFile != null) {
        throw CliException.usage("--key-file and --key-vault-path both name the store key: pass one of them");
      }
      if (vaultKeys == null) {
        vaultKeys = vaultKeys(keyVaultPath);
      }
      return vaultKeys;
    }
    if (keyFile != null) {
      warnIfOthersCanRead(keyFile, "--key-file");
      return KeyProvider.fromFile(keyFile);
    }
    String fromEnv = env("ASTRA_VAULT_KEY");
    if (fromEnv != null) {
      // KeyProvider.fromEnv()'s format (current key first, then older ones), read from the injected environment.
      List<EncryptionKey> keys = new ArrayList<>();
      for (String part : fromEnv.split(",")) {
        if (!part.isBlank()) {
          keys.add(EncryptionKey.fromBase64(part));
        }
      }
      if (keys.isEmpty()) {
        throw CliException.usage("ASTRA_VAULT_KEY holds no key");
      }
      return KeyProvider.of(keys.get(0), keys.subList(1, keys.size()).toArray(EncryptionKey[]::new));
    }
    throw CliException.usage("no store key: set ASTRA_VAULT_KEY or pass --key-file FILE or --key-vault-path "
        + "PATH (a key is 32 random bytes in base64: openssl rand -base64 32)");
  }

  private @Nullable KeyProvider vaultKeys;

  /**
   * The keys at {@code --key-vault-path}, read by {@link VaultKeyProvider} as an application keyed from Vault reads
   * them. A path in a mount, as Spring Boot's {@code astra.vault.store.key-vault-path}, so that one value serves both.
   * Vault's address is {@code --vault-addr} or {@code $VAULT_ADDR} even with {@code --direct}: the store may be a SQL
   * one, and only its key is in Vault.
   */
  private KeyProvider vaultKeys(String secretPath) {
    KvPath path;
    try {
      path = KvPath.v2(keyVaultMount != null ? keyVaultMount : "secret", secretPath);
    } catch (IllegalArgumentException e) {
      throw CliException.usage("--key-vault-path or --key-vault-mount: " + e.getMessage());
    }
    String addr = vaultAddr != null ? vaultAddr : env("VAULT_ADDR");
    if (addr == null) {
      throw CliException.usage("--key-vault-path reads the store key from Vault: set VAULT_ADDR or pass "
          + "--vault-addr (with VAULT_TOKEN, ~/.vault-token or AppRole, as in Vault mode)");
    }
    VaultConfig vault = vaultConfig(addr);
    try {
      return VaultKeyProvider.of(vault, path, clock);
    } catch (IllegalArgumentException e) {
      // A malformed key, or a key_id that does not match: the message names the path and key ids, never a key.
      throw CliException.usage(e.getMessage());
    } catch (StoreException e) {
      if (e.getCause() == null) {
        // VaultKeyProvider's own finding (no secret at the path, or no 'key' in it): what was typed is wrong. A
        // failure to reach or read Vault carries its cause and stays an operational failure (exit 1).
        throw CliException.usage(e.getMessage() + " (--key-vault-path is the secret's path inside --key-vault-mount, "
            + "default secret)");
      }
      throw e;
    }
  }

  /** The keys that MAC the audit chain (the store key, however given), or null when none is set. */
  @Nullable KeyProvider auditKeys() {
    return keyGiven() ? keys() : null;
  }

  /**
   * Derived from the store key so that token HMACs in audit events match across CLI runs (a random key per process
   * would make every run's HMACs unrelated).
   */
  private byte[] auditHmacKey() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("astra-vault cli audit hmac v1\u0000".getBytes(StandardCharsets.UTF_8));
      return sha.digest(Objects.requireNonNull(keys).currentKey().bytes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private List<AuditSink> auditSinks() {
    List<AuditSink> sinks = new ArrayList<>();
    Path file = auditLog != null ? auditLog : env("ASTRA_VAULT_AUDIT_LOG") == null ? null
        : Path.of(Objects.requireNonNull(env("ASTRA_VAULT_AUDIT_LOG")));
    if (file != null) {
      JsonLinesAuditSink.Builder b = JsonLinesAuditSink.builder(file).fsync(FsyncPolicy.always()).clock(clock);
      if (keys != null) {
        b.keys(keys);
      }
      Path witness = auditWitness != null ? auditWitness : env("ASTRA_VAULT_AUDIT_WITNESS") == null ? null
          : Path.of(Objects.requireNonNull(env("ASTRA_VAULT_AUDIT_WITNESS")));
      if (witness != null) {
        b.witness(AuditWitness.file(witness));
      }
      openAudit = b.build();
      sinks.add(openAudit);
    } else {
      sinks.add(AuditSink.slf4j()); // seen with --debug
    }
    return sinks;
  }

  @Override
  public void close() {
    List<AutoCloseable> resources = new ArrayList<>();
    if (manager != null) {
      resources.add(manager);
    }
    if (openAudit != null) {
      resources.add(openAudit);
    }
    if (openStore != null) {
      resources.add(openStore);
    }
    if (openCache != null) {
      resources.add(openCache);
    }
    if (openKvStore != null) {
      resources.add(openKvStore);
    }
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        // Closing is best effort; the command's own outcome decides the exit code.
      }
    }
  }
}
