package dev.astravault;

import dev.astravault.internal.Auditor;
import dev.astravault.internal.Authority;
import dev.astravault.internal.DirectBackend;
import dev.astravault.internal.EngineSettings;
import dev.astravault.internal.ExecutorScheduler;
import dev.astravault.internal.LeaseEngine;
import dev.astravault.internal.LocalAuthority;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.internal.RecoverySettings;
import dev.astravault.internal.TokenBackend;
import dev.astravault.internal.astra.AstraClientSettings;
import dev.astravault.internal.astra.OkHttpAstraDevOps;
import dev.astravault.internal.support.DeploymentIds;
import dev.astravault.internal.support.Validation;
import dev.astravault.internal.vault.VaultAuthority;
import dev.astravault.internal.vault.VaultPluginBackend;
import dev.astravault.vault.VaultConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link TokenManager}. Setters fail fast: a bad value, or a single-valued option set twice, throws at once
 * with a message naming the option.
 *
 * <p>Defaults: an in-memory {@link LeaseStore}, the SLF4J {@link AuditSink}, {@link Clock#systemUTC()}, one daemon
 * scheduler thread, fail-closed auditing, {@code tokenExpiry} and {@code description} sent on create, and an expiry
 * sweep every 30 seconds.
 */
public final class TokenManagerBuilder {
  private final List<OrgConfig> orgs = new ArrayList<>();
  private final List<AuditSink> sinks = new ArrayList<>();
  private @Nullable LeaseStore store;
  private @Nullable Clock clock;
  private @Nullable Scheduler scheduler;
  private @Nullable ActorProvider actorProvider;
  private @Nullable OkHttpClient httpClient;
  private @Nullable Duration connectTimeout;
  private @Nullable Duration callTimeout;
  private @Nullable Long maxResponseBytes;
  private @Nullable String deploymentId;
  private @Nullable Consumer<AstraClientSettings.Builder> clientCustomizer;
  private @Nullable Function<TokenManagerBuilder.Context, TokenBackend> backendFactory;
  private dev.astravault.vault.@Nullable VaultConfig vault;
  private boolean sendTokenExpiry = true;
  private Duration tokenExpiryMargin = Duration.ofMinutes(10);
  private boolean sendDescription = true;
  private Duration sweepInterval = Duration.ofSeconds(30);
  private Duration customRoleGrace = Duration.ofMinutes(5);
  private @Nullable Executor managedIoExecutor;
  private @Nullable Executor managedEventExecutor;
  private boolean revokeManagedOnClose = true;
  private RecoverySettings recovery = RecoverySettings.defaults();
  private AuditPolicy auditPolicy = AuditPolicy.FAIL_CLOSED;
  private byte @Nullable [] auditHmacKey;

  TokenManagerBuilder() {}

  /**
   * Adds an org; several can be added. Orgs already in a durable store need not be added again.
   *
   * @param org the org's config
   * @return this builder
   */
  public TokenManagerBuilder org(OrgConfig org) {
    orgs.add(Objects.requireNonNull(org, "org"));
    return this;
  }

  /**
   * Where leases, orgs and roles live. Defaults to {@link LeaseStore#inMemory()}.
   *
   * @param store the store
   * @return this builder
   */
  public TokenManagerBuilder leaseStore(LeaseStore store) {
    requireUnset("leaseStore", this.store);
    this.store = Objects.requireNonNull(store, "leaseStore");
    return this;
  }

  /**
   * Adds an audit sink; with none, events go to {@link AuditSink#slf4j()}.
   *
   * @param sink the sink to add
   * @return this builder
   */
  public TokenManagerBuilder auditSink(AuditSink sink) {
    sinks.add(Objects.requireNonNull(sink, "auditSink"));
    return this;
  }

  /**
   * Whether an unrecorded {@code TokenIssued} revokes the token (the default) or is only logged.
   *
   * @param policy the policy
   * @return this builder
   */
  public TokenManagerBuilder auditPolicy(AuditPolicy policy) {
    this.auditPolicy = Objects.requireNonNull(policy, "auditPolicy");
    return this;
  }

  /**
   * The key of the HMAC-SHA256 that identifies tokens in audit events (at least 16 bytes). Without one, a random
   * per-process key is used and HMACs only match within the process.
   *
   * @param key the key bytes (copied)
   * @return this builder
   */
  public TokenManagerBuilder auditHmacKey(byte[] key) {
    requireUnset("auditHmacKey", this.auditHmacKey);
    if (key.length < 16) {
      throw new IllegalArgumentException("auditHmacKey must be at least 16 bytes, was " + key.length);
    }
    this.auditHmacKey = key.clone();
    return this;
  }

  /**
   * Who audit events name as the actor; defaults to {@link ActorProvider#system()}.
   *
   * @param provider the provider
   * @return this builder
   */
  public TokenManagerBuilder actorProvider(ActorProvider provider) {
    requireUnset("actorProvider", this.actorProvider);
    this.actorProvider = Objects.requireNonNull(provider, "actorProvider");
    return this;
  }

  /**
   * The wall clock leases expire by. Injected so that tests drive time by hand.
   *
   * @param clock the clock
   * @return this builder
   */
  public TokenManagerBuilder clock(Clock clock) {
    requireUnset("clock", this.clock);
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Runs the expiry sweeper (and renewals). Injected so that tests run tasks by hand instead of sleeping.
   *
   * @param scheduler the scheduler
   * @return this builder
   */
  public TokenManagerBuilder scheduler(Scheduler scheduler) {
    requireUnset("scheduler", this.scheduler);
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    return this;
  }

  /**
   * A base OkHttp client to share (pool, dispatcher, TLS); each org derives its own with its own credentials.
   *
   * @param client the client to derive from
   * @return this builder
   */
  public TokenManagerBuilder httpClient(OkHttpClient client) {
    requireUnset("httpClient", this.httpClient);
    this.httpClient = Objects.requireNonNull(client, "httpClient");
    return this;
  }

  /**
   * Bounds connecting to the DevOps API.
   *
   * @param timeout a positive timeout
   * @return this builder
   */
  public TokenManagerBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = Validation.requirePositive("connectTimeout", timeout);
    return this;
  }

  /**
   * Bounds every DevOps API call, retries excluded.
   *
   * @param timeout a positive timeout
   * @return this builder
   */
  public TokenManagerBuilder callTimeout(Duration timeout) {
    this.callTimeout = Validation.requirePositive("callTimeout", timeout);
    return this;
  }

  /**
   * Whether to send {@code tokenExpiry} (the lease's max expiry plus a margin) so Astra kills orphaned tokens.
   *
   * @param send whether to send it (default true)
   * @return this builder
   */
  public TokenManagerBuilder sendTokenExpiry(boolean send) {
    this.sendTokenExpiry = send;
    return this;
  }

  /**
   * How far past the lease's max expiry the {@code tokenExpiry} sent to Astra lies.
   *
   * @param margin a non-negative margin
   * @return this builder
   */
  public TokenManagerBuilder tokenExpiryMargin(Duration margin) {
    this.tokenExpiryMargin = Validation.requireNonNegative("tokenExpiryMargin", margin);
    return this;
  }

  /**
   * Whether to send a {@code description} naming the library, lease and logical name with each new token.
   *
   * @param send whether to send it
   * @return this builder
   */
  public TokenManagerBuilder sendDescription(boolean send) {
    this.sendDescription = send;
    return this;
  }

  /**
   * Runs the Astra calls of managed tokens (renew, issue, validate, revoke). Default: 4 daemon threads and a bounded
   * queue, owned by the manager. Injected so that tests run them on the calling thread
   * ({@code Runnable::run}) and stay deterministic.
   *
   * @param executor the executor
   * @return this builder
   */
  public TokenManagerBuilder managedIoExecutor(Executor executor) {
    requireUnset("managedIoExecutor", this.managedIoExecutor);
    this.managedIoExecutor = Objects.requireNonNull(executor, "managedIoExecutor");
    return this;
  }

  /**
   * Delivers managed-token events to listeners, off the renewal thread. Default: one daemon thread.
   *
   * @param executor the executor
   * @return this builder
   */
  public TokenManagerBuilder managedEventExecutor(Executor executor) {
    requireUnset("managedEventExecutor", this.managedEventExecutor);
    this.managedEventExecutor = Objects.requireNonNull(executor, "managedEventExecutor");
    return this;
  }

  /**
   * Whether {@link TokenManager#close()} revokes the leases of managed tokens (default) or only stops them.
   *
   * @param revoke whether to revoke them
   * @return this builder
   */
  public TokenManagerBuilder revokeManagedOnClose(boolean revoke) {
    this.revokeManagedOnClose = revoke;
    return this;
  }

  /**
   * How often expired leases are revoked; {@link Duration#ZERO} turns the sweeper off.
   *
   * @param interval the interval, or zero
   * @return this builder
   */
  public TokenManagerBuilder sweepInterval(Duration interval) {
    this.sweepInterval = Validation.requireNonNegative("sweepInterval", interval);
    return this;
  }

  /**
   * How often recovery runs (default 1 minute); it always runs once at {@link #build()}. {@link Duration#ZERO} runs
   * it only at build. Recovery settles PENDING records left by a crash or an unclear create, reclaims abandoned
   * revokes, retries failed revokes with back-off, revokes expired leases and, on scheduled passes, runs the
   * {@link #orphanSweep orphan sweep} (see docs/stores.md and docs/operations.md).
   *
   * @param interval the interval, or zero
   * @return this builder
   */
  public TokenManagerBuilder recoveryInterval(Duration interval) {
    Validation.requireNonNegative("recoveryInterval", interval);
    recovery = recovery.withInterval(interval);
    return this;
  }

  /**
   * How old a PENDING record must be before recovery takes it for a crash's leftover and settles it (default 5
   * minutes). Keep it well above the longest create call, or a slow issue loses its token to recovery.
   *
   * @param age the age
   * @return this builder
   */
  public TokenManagerBuilder pendingSettleAfter(Duration age) {
    Validation.requireNonNegative("pendingSettleAfter", age);
    recovery = recovery.withPendingSettleAfter(age);
    return this;
  }

  /**
   * How old a REVOKING claim must be before recovery takes it for a crashed manager's and reclaims it (default 5 min).
   *
   * @param age the age
   * @return this builder
   */
  public TokenManagerBuilder revokingStaleAfter(Duration age) {
    Validation.requireNonNegative("revokingStaleAfter", age);
    recovery = recovery.withRevokingStaleAfter(age);
    return this;
  }

  /**
   * The back-off of failed revokes: {@code initial}, doubling per attempt, capped at {@code max} (10 s, 10 min).
   *
   * @param initial the first wait
   * @param max the longest wait
   * @return this builder
   */
  public TokenManagerBuilder revokeRetryBackoff(Duration initial, Duration max) {
    Validation.requirePositive("revokeRetryBackoff initial", initial);
    if (Validation.requirePositive("revokeRetryBackoff max", max).compareTo(initial) < 0) {
      throw new IllegalArgumentException("revokeRetryBackoff max " + max + " is below initial " + initial);
    }
    recovery = recovery.withRetryBackoff(initial, max);
    return this;
  }

  /**
   * Whether each recovery pass runs the orphan sweep (default on): it deletes the tokens whose description carries
   * this deployment's id but that no lease record knows, once older than {@link #orphanGracePeriod}. Tokens of
   * other deployments sharing the org carry another id and are never touched. Each deletion is audited. See
   * docs/operations.md.
   *
   * @param on whether the sweep runs
   * @return this builder
   */
  public TokenManagerBuilder orphanSweep(boolean on) {
    recovery = recovery.withOrphanSweep(on, recovery.orphanGrace());
    return this;
  }

  /**
   * How long an unknown token of this deployment must have existed (by Astra's {@code generatedOn}, or else since
   * this process first saw it) before the orphan sweep deletes it (default 15 minutes). It must exceed the call
   * timeout, so that no create still in flight is swept.
   *
   * @param grace the minimum age of a token before it is swept; positive
   * @return this builder
   */
  public TokenManagerBuilder orphanGracePeriod(Duration grace) {
    Validation.requirePositive("orphanGracePeriod", grace);
    recovery = recovery.withOrphanSweep(recovery.orphanSweep(), grace);
    return this;
  }

  /**
   * How long a custom role of scoped tokens is kept after its last lease ended, so that a quick re-issue of the same
   * scope reuses it (default 5 minutes); recovery waits as long before deleting a role it finds unused. See
   * docs/scoped-tokens.md.
   *
   * @param grace zero or positive
   * @return this builder
   */
  public TokenManagerBuilder customRoleGracePeriod(Duration grace) {
    this.customRoleGrace = Validation.requireNonNegative("customRoleGracePeriod", grace);
    return this;
  }

  /**
   * The id that tags this deployment's tokens (1-64 characters of {@code [a-z0-9-]}). By default the store makes
   * and keeps a random one ({@link LeaseStore#deploymentId()}); set it for a store that keeps none, or to keep the
   * tag across a move to a new store. Two deployments sharing an org must never share an id.
   *
   * @param id the deployment id
   * @return this builder
   */
  public TokenManagerBuilder deploymentId(String id) {
    requireUnset("deploymentId", this.deploymentId);
    this.deploymentId = DeploymentIds.check("deploymentId", id);
    return this;
  }

  /**
   * The largest DevOps API response body read, in bytes (default 8 MiB); a larger one fails with
   * {@link AstraResponseTooLargeException} instead of filling the heap. Together with {@link #callTimeout} it bounds
   * every call in size and time.
   *
   * @param bytes the cap in bytes, at least 1024
   * @return this builder
   */
  public TokenManagerBuilder maxResponseBytes(long bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("maxResponseBytes must be at least 1024, was " + bytes);
    }
    this.maxResponseBytes = bytes;
    return this;
  }

  /**
   * Advanced: adjusts the internal DevOps client settings (retry policy, back-off sleeper). Internal types may change
   * between releases.
   *
   * @param customizer changes to the settings
   * @return this builder
   */
  public TokenManagerBuilder astraClient(Consumer<AstraClientSettings.Builder> customizer) {
    requireUnset("astraClient", this.clientCustomizer);
    this.clientCustomizer = Objects.requireNonNull(customizer, "astraClient");
    return this;
  }

  /**
   * Advanced: replaces the direct backend (used by Vault mode).
   *
   * @param factory builds the backend from the manager's context
   * @return this builder
   */
  public TokenManagerBuilder backend(Function<TokenManagerBuilder.Context, TokenBackend> factory) {
    requireUnset("backend", this.backendFactory);
    if (vault != null) {
      throw new IllegalStateException("backend cannot be combined with vault(..): choose one token backend");
    }
    this.backendFactory = Objects.requireNonNull(factory, "backend");
    return this;
  }

  /**
   * Vault mode: tokens are issued, renewed and revoked by DataStax's Astra plugin in Vault, which holds the root
   * tokens and is the lease authority; the {@link LeaseStore} only caches. Orgs and roles written through this
   * manager are written to the plugin. Excludes {@link #backend}. See docs/vault.md.
   *
   * @param config where Vault is and how to log in
   * @return this builder
   */
  public TokenManagerBuilder vault(VaultConfig config) {
    requireUnset("vault", this.vault);
    if (backendFactory != null) {
      throw new IllegalStateException("vault cannot be combined with backend(..): choose one token backend");
    }
    this.vault = Objects.requireNonNull(config, "vault");
    return this;
  }

  /**
   * What a backend factory may use.
   *
   * @param clock the manager's clock
   * @param httpClient the base OkHttp client given to the builder, if any
   */
  public record Context(Clock clock, @Nullable OkHttpClient httpClient) {}

  /**
   * Builds the manager and runs its first recovery pass; the manager owns (and closes) the store, scheduler and
   * executors it created itself, not the ones it was given.
   *
   * @return the manager
   */
  public TokenManager build() {
    List<AutoCloseable> owned = new ArrayList<>();
    Clock clock = this.clock == null ? Clock.systemUTC() : this.clock;
    Scheduler scheduler = this.scheduler;
    if (scheduler == null) {
      ExecutorScheduler own = ExecutorScheduler.singleThread("astra-vault-scheduler");
      owned.add(own);
      scheduler = own;
    }
    LeaseStore store = this.store;
    if (store == null) {
      store = LeaseStore.inMemory();
      owned.add(store);
    }
    TokenBackend backend;
    VaultPluginBackend plugin = null;
    if (backendFactory != null) {
      backend = backendFactory.apply(new Context(clock, httpClient));
    } else if (vault != null) {
      plugin = new VaultPluginBackend(vault, clock,
          new DirectBackend(org -> OkHttpAstraDevOps.create(clientSettings(org, clock))));
      backend = plugin;
    } else {
      backend = new DirectBackend(org -> OkHttpAstraDevOps.create(clientSettings(org, clock)));
    }
    owned.add(0, backend);
    List<AuditSink> sinks = this.sinks.isEmpty() ? List.of(AuditSink.slf4j()) : this.sinks;
    Auditor auditor = new Auditor(sinks, actorProvider == null ? ActorProvider.system() : actorProvider,
        auditHmacKey == null ? Auditor.randomKey() : auditHmacKey);
    Duration timeout = callTimeout == null ? AstraClientSettings.DEFAULT_CALL_TIMEOUT : callTimeout;
    if (recovery.orphanSweep() && recovery.orphanGrace().compareTo(timeout) <= 0) {
      throw new IllegalArgumentException("orphanGracePeriod " + recovery.orphanGrace()
          + " must exceed callTimeout " + timeout + ", or a create still in flight could be swept");
    }
    // Vault mode tags tokens with Vault's lease ids, never ours: no deployment id.
    String deployment = vault != null ? null : deploymentId != null ? deploymentId
        : store.deploymentId().map(id -> DeploymentIds.check("the store's deployment id", id)).orElse(null);
    EngineSettings settings = new EngineSettings(sendTokenExpiry, tokenExpiryMargin, sendDescription,
        sweepInterval, auditPolicy, deployment);
    // Who owns the truth: Vault (the store is its cache), or the store itself (the DevOps API mints the tokens).
    Authority authority = plugin != null ? new VaultAuthority(plugin, store)
        : new LocalAuthority(store, backend, auditor, clock, settings);
    return new RealTokenManager(clock, scheduler, store, backend, authority, auditor, settings, owned)
        .managedOptions(new LeaseEngine.Options(managedIoExecutor, managedEventExecutor, revokeManagedOnClose))
        .customRoleGrace(customRoleGrace)
        .start(orgs)
        .startRecovery(recovery);
  }

  private AstraClientSettings clientSettings(OrgConfig org, Clock clock) {
    AstraClientSettings.Builder b = AstraClientSettings.builder();
    if (clientCustomizer != null) {
      clientCustomizer.accept(b);
    }
    b.baseUrl(org.url()).rootToken(org.rootToken()).clock(clock);
    if (httpClient != null) {
      b.httpClient(httpClient);
    }
    if (connectTimeout != null) {
      b.connectTimeout(connectTimeout);
    }
    if (callTimeout != null) {
      b.callTimeout(callTimeout);
    }
    if (maxResponseBytes != null) {
      b.maxResponseBytes(maxResponseBytes);
    }
    return b.build();
  }

  private static void requireUnset(String option, @Nullable Object current) {
    if (current != null) {
      throw new IllegalStateException(option + " was already set");
    }
  }
}
