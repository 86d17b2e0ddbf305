package dev.astravault.cli;

import dev.astravault.AuditSink;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.audit.FsyncPolicy;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.store.JdbcLeaseStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root {@code astra-vault} command. Its options are global ({@link ScopeType#INHERIT}): accepted before or after
 * any subcommand. It builds the {@link TokenManager} on first use, on the {@link JdbcLeaseStore} named by
 * {@code --store}, and closes it when the command ends.
 */
@Command(name = "astra-vault", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Short-lived, audited Astra DB tokens: the Astra Vault plugin's commands, without Vault.",
        "Direct mode keeps orgs, roles and leases in a durable store (SQLite by default); see docs/cli.md."},
    subcommands = {ConfigCommand.class, RoleCommand.class, TokenCommand.class, LeaseCommand.class,
        MaintenanceCommands.Reap.class, MaintenanceCommands.Reconcile.class, AuditCommand.class},
    footer = {"", "Exit codes: 0 success, 1 the operation failed, 2 usage error."})
final class AstraVaultCommand implements AutoCloseable {
  static final String DEFAULT_STORE_FILE = ".astra-vault/astra-vault.db";

  @Option(names = "--store", paramLabel = "JDBC_URL", scope = ScopeType.INHERIT,
      description = "The store: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB. Default: $ASTRA_VAULT_STORE, else "
          + "jdbc:sqlite:~/" + DEFAULT_STORE_FILE + ".")
  @Nullable String store;

  @Option(names = "--key-file", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "The store's encryption keys (base64, current first). Default: $ASTRA_VAULT_KEY.")
  @Nullable Path keyFile;

  @Option(names = "--format", paramLabel = "table|json", scope = ScopeType.INHERIT,
      description = "Output format (default: table).")
  Output.@Nullable Format format;

  @Option(names = "--audit-log", paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Append hash-chained JSON-lines audit events to FILE. Default: $ASTRA_VAULT_AUDIT_LOG, else none.")
  @Nullable Path auditLog;

  @Option(names = "--vault-addr", paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "Vault mode: the Vault server (default: $VAULT_ADDR).")
  @Nullable String vaultAddr;

  @Option(names = "--vault-mount", paramLabel = "PATH", scope = ScopeType.INHERIT,
      description = "Vault mode: the Astra plugin's mount (default: astra).")
  @Nullable String vaultMount;

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
  private @Nullable JsonLinesAuditSink openAudit;
  private @Nullable TokenManager manager;

  AstraVaultCommand(Map<String, String> env, InputStream stdin, Clock clock) {
    this.env = Map.copyOf(env);
    this.stdin = stdin;
    this.clock = clock;
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

  /** The manager on the store, built on first use. */
  TokenManager manager() {
    if (manager == null) {
      requireDirectMode();
      JdbcLeaseStore s = store();
      TokenManagerBuilder builder = TokenManager.builder().leaseStore(s)
          // One short-lived process per command: expired leases end by `reap` (or by the app's own sweeper).
          .sweepInterval(Duration.ZERO)
          // Building runs one recovery pass (crash leftovers, failed revokes, expired leases); no periodic ones.
          .recoveryInterval(Duration.ZERO)
          .clock(clock)
          .auditHmacKey(auditHmacKey());
      for (AuditSink sink : auditSinks()) {
        builder.auditSink(sink);
      }
      manager = builder.build();
    }
    return manager;
  }

  /** The store itself, for what the manager does not expose (the root token kept on a config update). */
  JdbcLeaseStore store() {
    if (openStore == null) {
      requireDirectMode();
      KeyProvider keys = keys();
      JdbcLeaseStore.Builder b = JdbcLeaseStore.builder().jdbcUrl(storeUrl()).keyProvider(keys);
      String user = env("ASTRA_VAULT_STORE_USER");
      if (user != null) {
        b.credentials(user, String.valueOf(env("ASTRA_VAULT_STORE_PASSWORD")));
      }
      openStore = b.build();
      this.keys = keys;
    }
    return openStore;
  }

  private void requireDirectMode() {
    String addr = vaultAddr != null ? vaultAddr : direct ? null : env("VAULT_ADDR");
    if (addr != null) {
      throw CliException.failure("Vault mode is not available yet in this build (" + (vaultAddr != null
          ? "--vault-addr" : "VAULT_ADDR") + " is set); drop --vault-addr, or pass --direct to use the store");
    }
  }

  String storeUrl() {
    String url = store != null ? store : env("ASTRA_VAULT_STORE");
    if (url != null) {
      if (!url.startsWith("jdbc:")) {
        throw CliException.usage("--store must be a JDBC URL such as jdbc:sqlite:/path/astra-vault.db, was '"
            + url + "'");
      }
      return url;
    }
    Path file = Path.of(System.getProperty("user.home"), DEFAULT_STORE_FILE);
    try {
      Path dir = file.getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        try {
          Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
          // Windows: the user's profile directory is private already.
        }
      }
    } catch (IOException e) {
      throw CliException.failure("cannot create the store directory " + file.getParent() + ": " + e);
    }
    return "jdbc:sqlite:" + file;
  }

  private KeyProvider keys() {
    if (keyFile != null) {
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
    throw CliException.usage("no store key: set ASTRA_VAULT_KEY or pass --key-file FILE (a key is 32 random "
        + "bytes in base64: openssl rand -base64 32)");
  }

  /**
   * Derived from the store key so that token HMACs in audit events match across CLI runs (a random key per process
   * would make every run's HMACs unrelated).
   */
  private byte[] auditHmacKey() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("astra-vault cli audit hmac v1\u0000".getBytes(StandardCharsets.UTF_8));
      return sha.digest(java.util.Objects.requireNonNull(keys).currentKey().bytes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private List<AuditSink> auditSinks() {
    List<AuditSink> sinks = new ArrayList<>();
    Path file = auditLog != null ? auditLog : env("ASTRA_VAULT_AUDIT_LOG") == null ? null
        : Path.of(java.util.Objects.requireNonNull(env("ASTRA_VAULT_AUDIT_LOG")));
    if (file != null) {
      openAudit = JsonLinesAuditSink.builder(file).fsync(FsyncPolicy.always()).build();
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
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        // Closing is best effort; the command's own outcome decides the exit code.
      }
    }
  }
}
