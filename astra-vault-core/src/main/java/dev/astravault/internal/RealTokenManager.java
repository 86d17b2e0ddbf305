package dev.astravault.internal;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.Lease;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.Org;
import dev.astravault.OrgConfig;
import dev.astravault.ReconcileReport;
import dev.astravault.Renewal;
import dev.astravault.RenewalSettings;
import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.RoleSyncReport;
import dev.astravault.RoleWriteResult;
import dev.astravault.Scheduler;
import dev.astravault.TokenInfo;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Validation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The one {@link TokenManager}: validates each call and hands it to the part that owns it ({@link OrgsAndRoles},
 * {@link Issuer}, {@link Leases}, {@link TokenReads}, {@link CustomRoles}, {@link Recovery}, {@link LeaseEngine}), all
 * written once above an {@link Authority}. Owns the lifecycle: the expiry sweeper, recovery, managed tokens, and
 * closing.
 */
public final class RealTokenManager implements TokenManager {
  private static final Logger LOG = Redaction.logger(TokenManager.class);

  private final Clock clock;
  private final Scheduler scheduler;
  private final LeaseStore store;
  private final TokenBackend backend;
  private final Auditor auditor;
  private final EngineSettings settings;
  private final List<AutoCloseable> owned;
  private final OrgsAndRoles orgsAndRoles;
  private final Leases leases;
  private final Issuer issuer;
  private final TokenReads reads;
  private final CustomRoles customRoles;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ManagerClosing closing = new ManagerClosing(this::release);
  private volatile Scheduler.@Nullable Task sweep;
  // Managed tokens (issue 5): created on the first manage() so a manager that never manages starts no threads.
  private volatile LeaseEngine.Options managedOptions = LeaseEngine.Options.defaults();
  private volatile @Nullable LeaseEngine leaseEngine;
  private volatile @Nullable Recovery recovery;

  public RealTokenManager(Clock clock, Scheduler scheduler, LeaseStore store, TokenBackend backend,
      Authority authority, Auditor auditor, EngineSettings settings, List<AutoCloseable> owned) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.store = store;
    this.backend = backend;
    this.auditor = auditor;
    this.settings = settings;
    this.owned = List.copyOf(owned);
    this.orgsAndRoles = new OrgsAndRoles(clock, store, authority, auditor);
    this.customRoles = new CustomRoles(this, scheduler);
    this.leases = new Leases(clock, store, authority, backend, auditor, orgsAndRoles, customRoles);
    this.issuer = new Issuer(clock, store, authority, auditor, settings, orgsAndRoles, leases, customRoles);
    this.reads = new TokenReads(clock, store, authority, auditor, orgsAndRoles);
  }

  /** Starts the expiry sweeper; separate from the constructor so a half-built manager never runs tasks. */
  public RealTokenManager start(List<OrgConfig> initialOrgs) {
    initialOrgs.forEach(this::writeOrg);
    if (!settings.sweepInterval().isZero()) {
      sweep = scheduler.schedule(this::sweepAndReschedule, settings.sweepInterval());
    }
    return this;
  }

  // ------------------------------------------------------------------ orgs and roles

  @Override
  public Org writeOrg(OrgConfig org) {
    return orgsAndRoles.writeOrg(org);
  }

  @Override
  public Optional<Org> org(String org) {
    return orgsAndRoles.org(org);
  }

  @Override
  public List<Org> orgs() {
    return orgsAndRoles.orgs();
  }

  @Override
  public void deleteOrg(String org) {
    orgsAndRoles.deleteOrg(org);
  }

  OrgConfig requireOrgConfig(String org) {
    return orgsAndRoles.requireOrg(org);
  }

  @Override
  public RoleWriteResult writeRole(RoleSpec spec) {
    return orgsAndRoles.writeRole(spec);
  }

  @Override
  public Optional<Role> role(String org, String name) {
    return orgsAndRoles.role(org, name);
  }

  @Override
  public List<Role> roles(String org) {
    return orgsAndRoles.roles(org);
  }

  @Override
  public void deleteRole(String org, String name) {
    orgsAndRoles.deleteRole(org, name);
  }

  @Override
  public RoleSyncReport syncRoles(String org) {
    return orgsAndRoles.syncRoles(org);
  }

  @Override
  public String resolveRoleId(String org, String roleName) {
    return orgsAndRoles.resolveRoleId(org, roleName);
  }

  /** A role as a caller names it (local name, Astra display name or id). */
  Role requireRole(String orgId, String reference) {
    return orgsAndRoles.requireRole(orgId, reference);
  }

  // ------------------------------------------------------------------ issue

  @Override
  public AstraToken issue(TokenRequest request) {
    Objects.requireNonNull(request, "request");
    return issuer.issue(request, false);
  }

  /** Issues into the triple's successor slot: the new token of a UNIQUE-style rotation (see {@link LeaseEngine}). */
  AstraToken issueSuccessor(TokenRequest request) {
    return issuer.issue(request, true);
  }

  // ------------------------------------------------------------------ read

  @Override
  public Optional<AstraToken> token(String clientId) {
    Validation.requireKey("clientId", clientId);
    return reads.token(clientId);
  }

  @Override
  public Optional<AstraToken> token(String org, String role, String logicalName) {
    String reference = Validation.roleReference(role);
    String name = Validation.logicalName(logicalName);
    return reads.token(org, reference, name);
  }

  @Override
  public List<TokenInfo> tokens() {
    return reads.allTokens();
  }

  @Override
  public List<TokenInfo> tokens(String org) {
    return reads.tokens(org);
  }

  @Override
  public List<TokenInfo> tokens(String org, LeaseState... states) {
    return reads.tokens(org, states);
  }

  @Override
  public Optional<Lease> lease(String leaseId) {
    Validation.requireKey("leaseId", leaseId);
    return reads.lease(leaseId);
  }

  @Override
  public List<Lease> leases() {
    return reads.allLeases();
  }

  @Override
  public List<Lease> leases(String org) {
    return reads.leases(org);
  }

  // ------------------------------------------------------------------ leases

  @Override
  public void deleteToken(String clientId) {
    Validation.requireKey("clientId", clientId);
    leases.deleteToken(clientId);
  }

  @Override
  public Renewal renew(String leaseId) {
    Validation.requireKey("leaseId", leaseId);
    return leases.renew(leaseId, null);
  }

  @Override
  public Renewal renew(String leaseId, Duration increment) {
    Validation.requireKey("leaseId", leaseId);
    Duration asked = Validation.requireNonNegative("increment", increment);
    // Zero means "the role's TTL", as Vault reads an increment of 0.
    return leases.renew(leaseId, asked.isZero() ? null : asked);
  }

  @Override
  public void revoke(String leaseId) {
    Validation.requireKey("leaseId", leaseId);
    leases.revoke(leaseId);
  }

  /** Ends a lease; see {@link Leases#revokeRecord}. */
  boolean revokeRecord(LeaseRecord record, RevokeReason reason, boolean rethrow) {
    return leases.revokeRecord(record, reason, rethrow);
  }

  @Override
  public int reapExpired() {
    return leases.reapExpired();
  }

  private void sweepAndReschedule() {
    if (closed.get()) {
      return;
    }
    try {
      reapExpired();
    } catch (RuntimeException e) {
      LOG.warn("expiry sweep failed: {}", e.getClass().getName());
    } finally {
      if (!closed.get()) {
        sweep = scheduler.schedule(this::sweepAndReschedule, settings.sweepInterval());
      }
    }
  }

  // ------------------------------------------------------------------ recovery

  /** Runs a {@link Recovery} pass now (at build) and then on the scheduler; see {@link Recovery}. */
  public RealTokenManager startRecovery(RecoverySettings recoverySettings) {
    Recovery r = new Recovery(this, recoverySettings);
    recovery = r;
    r.start(scheduler);
    return this;
  }

  /** Runs one recovery pass now, on the caller's thread. */
  public Recovery.Result recover() {
    Recovery r = recovery;
    return (r != null ? r : new Recovery(this, RecoverySettings.defaults())).runOnce();
  }

  @Override
  public ReconcileReport reconcile(String org, boolean fix) {
    Validation.requireKey("org", org);
    return new Reconciler(this).reconcile(requireOrgConfig(org), fix);
  }

  // ------------------------------------------------------------------ plumbing

  /** Messages of our own exceptions are secret-free by construction (and scrubbed again); others become their type. */
  static String safeMessage(Throwable e) {
    if (e instanceof AstraVaultException || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException) {
      return String.valueOf(Redaction.scrub(e.getMessage()));
    }
    return e.getClass().getSimpleName();
  }

  public Clock clock() {
    return clock;
  }

  public LeaseStore store() {
    return store;
  }

  EngineSettings settings() {
    return settings;
  }

  public TokenBackend backend() {
    return backend;
  }

  public Auditor auditor() {
    return auditor;
  }

  /** The custom roles behind scoped tokens. */
  public CustomRoles customRoles() {
    return customRoles;
  }

  /** Set by the builder before {@link #start}: how long an unused custom role is kept for a quick re-issue. */
  public RealTokenManager customRoleGrace(Duration grace) {
    customRoles.grace(grace);
    return this;
  }

  // ------------------------------------------------------------------ managed tokens

  /** Set by the builder before {@link #start}. */
  public RealTokenManager managedOptions(LeaseEngine.Options options) {
    this.managedOptions = options;
    return this;
  }

  @Override
  public ManagedToken manage(TokenRequest request, RenewalSettings renewal) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(renewal, "settings");
    LeaseEngine engine = leaseEngine;
    if (engine == null) {
      synchronized (this) {
        if (closed.get()) {
          throw new IllegalStateException("the token manager is closed");
        }
        engine = leaseEngine;
        if (engine == null) {
          engine = new LeaseEngine(this, scheduler, managedOptions);
          leaseEngine = engine;
        }
      }
    }
    return engine.manage(request, renewal);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      closing.awaitEarlierClose();
      return;
    }
    LeaseEngine engine;
    synchronized (this) {
      engine = leaseEngine;
    }
    // First, while the backend and store are still open: managed tokens revoke what they own (or just stop). From a
    // listener callback this does not wait, and the rest is released when those revokes finish (ManagerClosing).
    closing.close(engine);
  }

  /** What close releases once the managed tokens are closed. */
  private void release() {
    Scheduler.Task task = sweep;
    if (task != null) {
      task.cancel();
    }
    Recovery r = recovery;
    if (r != null) {
      r.stop();
    }
    customRoles.close();
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resource.getClass().getName(), e.getClass().getName());
      }
    }
  }
}
