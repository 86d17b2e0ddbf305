package dev.astravault.cli;

import dev.astravault.AuditSink;
import dev.astravault.KeyProvider;
import dev.astravault.OrgConfig;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.vault.CallerMode;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import dev.astravault.vault.VaultKvMountException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The root {@code astra-vault} command. Its options are global ({@link ScopeType#INHERIT}): accepted before or after
 * any subcommand; most live in mixins by concern ({@link StoreOptions}, {@link StoreKeyOptions}, {@link VaultOptions},
 * {@link AuditOptions}). This class wires them: it builds the {@link TokenManager} on first use and closes it, and
 * what it opened, when the command ends: in direct mode on the {@link JdbcLeaseStore} named by {@code --store}; in
 * Vault mode ({@code --vault-addr} or {@code VAULT_ADDR}) on Vault, with only Vault credentials and a secret-free
 * local cache of lease ids ({@link VaultCache}).
 */
@Command(name = "astra-vault", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Short-lived, audited Astra DB tokens: the Astra Vault plugin's commands, without Vault.",
        "Direct mode keeps orgs, roles and leases in a durable store (SQLite by default). Vault mode (--vault-addr "
            + "or $VAULT_ADDR) works through the Astra plugin in Vault. See docs/cli.md."},
    subcommands = {ConfigCommand.class, RoleCommand.class, TokenCommand.class, LeaseCommand.class,
        MaintenanceCommands.Reap.class, MaintenanceCommands.Reconcile.class, AuditCommand.class, StoreCommand.class},
    footer = {"", "Exit codes: 0 success, 1 the operation failed, 2 usage error."})
final class AstraVaultCommand implements AutoCloseable {
  @Mixin StoreOptions storeOptions = new StoreOptions();
  @Mixin StoreKeyOptions keyOptions = new StoreKeyOptions();
  @Mixin AuditOptions auditOptions = new AuditOptions();
  @Mixin VaultOptions vaultOptions = new VaultOptions();

  @Option(names = "--format", paramLabel = "table|json", scope = ScopeType.INHERIT,
      description = "Output format (default: table).")
  Output.@Nullable Format format;

  @Option(names = "--debug", scope = ScopeType.INHERIT,
      description = "Debug logging, and stack traces on errors.")
  boolean debug;

  private final CliContext ctx;
  /** The store key this run used, if any: it also MACs the audit file and keys the audit HMACs. */
  private @Nullable KeyProvider keys;
  private @Nullable JdbcLeaseStore openStore;
  private @Nullable VaultCache openCache;
  private @Nullable VaultKvLeaseStore openKvStore;
  private @Nullable JsonLinesAuditSink openAudit;
  private @Nullable TokenManager manager;
  private @Nullable CallerMode callerMode;

  AstraVaultCommand(Map<String, String> env, InputStream stdin, Clock clock, PrintWriter err) {
    this.ctx = new CliContext(env, stdin, clock, err);
  }

  /** See {@link CliContext#read}. */
  String readFile(Path file, String what) {
    return ctx.read(file, what);
  }

  @Nullable String env(String name) {
    return ctx.env(name);
  }

  InputStream stdin() {
    return ctx.stdin();
  }

  Clock clock() {
    return ctx.clock();
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
          .clock(ctx.clock());
      if (vaultMode()) {
        VaultConfig vault = vaultConfig();
        builder.leaseStore(vaultCache()).vault(vault);
        if (keyOptions.given(ctx)) {
          // Optional here: only so that audit HMACs match across runs, as in direct mode.
          KeyProvider keys = keys();
          this.keys = keys;
          builder.auditHmacKey(AuditOptions.hmacKey(keys));
        }
      } else {
        builder.leaseStore(store()).auditHmacKey(AuditOptions.hmacKey(Objects.requireNonNull(keys)));
      }
      openAudit = auditOptions.fileSink(ctx, keys);
      builder.auditSink(openAudit != null ? openAudit : AuditSink.slf4j()); // slf4j: seen with --debug
      manager = builder.build();
    }
    return manager;
  }

  /** Vault mode: {@code --vault-addr}, else {@code $VAULT_ADDR} unless {@code --direct}. */
  boolean vaultMode() {
    return vaultOptions.modeAddress(ctx) != null;
  }

  /** Refuses a command that only the direct-mode store can do, naming why. */
  void requireDirectMode(String command, String why) {
    vaultOptions.requireDirectMode(ctx, command, why);
  }

  /**
   * The plugin caller mode this command's Vault client uses (and writes with {@code config write}); set before the
   * manager is built. Null: the library's default, standard.
   */
  void callerMode(CallerMode mode) {
    if (manager != null) {
      throw new IllegalStateException("the caller mode must be chosen before the manager is built");
    }
    this.callerMode = mode;
  }

  private VaultConfig vaultConfig() {
    return vaultOptions.config(ctx, Objects.requireNonNull(vaultOptions.modeAddress(ctx)), callerMode);
  }

  /** Vault mode: an org with the operator's root token, for this process only (see {@code role sync}). */
  void lendRootToken(OrgConfig org) {
    vaultCache().putOrg(org);
  }

  /** Vault mode's local state: lease ids and metadata only, never a secret, so no store key is needed. */
  private VaultCache vaultCache() {
    if (openCache == null) {
      String url = storeOptions.url(ctx, vaultMode(), StoreOptions.DEFAULT_VAULT_CACHE_FILE);
      JdbcLeaseStore.Builder b = JdbcLeaseStore.builder().jdbcUrl(url).metadataOnly();
      StoreOptions.credentials(ctx, url, b);
      openCache = new VaultCache(b.build());
    }
    return openCache;
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
      String url = storeOptions.url(ctx, vaultMode(), StoreOptions.DEFAULT_STORE_FILE);
      JdbcLeaseStore.Builder b = JdbcLeaseStore.builder().jdbcUrl(url).keyProvider(keys);
      StoreOptions.credentials(ctx, url, b);
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
      VaultKvLeaseStore store = VaultKvLeaseStore.builder(vaultConfig()).mount(mount).pathPrefix(prefix)
          .keyProvider(keys).clock(ctx.clock()).build();
      try {
        store.checkMount();
      } catch (StoreException e) {
        // A KV version 1 mount, or one that is not KV: what was typed is wrong (exit 2). Any other failure is
        // Vault's or the mount's configuration (exit 1).
        if (e.getCause() instanceof VaultKvMountException) {
          throw CliException.usage(e.getMessage() + " (--kv-mount names the store's KV version 2 mount, default "
              + "secret)");
        }
        throw e;
      }
      openKvStore = store;
      this.keys = keys;
    }
    return openKvStore;
  }

  private KeyProvider keys() {
    return keyOptions.keys(ctx, vaultOptions);
  }

  /** The keys that MAC the audit chain (the store key, however given), or null when none is set. */
  @Nullable KeyProvider auditKeys() {
    return keyOptions.given(ctx) ? keys() : null;
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
