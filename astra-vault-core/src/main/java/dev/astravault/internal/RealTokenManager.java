package dev.astravault.internal;

import dev.astravault.AmbiguousRoleException;
import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.AuditException;
import dev.astravault.AuditPolicy;
import dev.astravault.ConflictException;
import dev.astravault.Lease;
import dev.astravault.IssueStyle;
import dev.astravault.LeaseExpiredException;
import dev.astravault.LeasePendingException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.MaxTtlExceededException;
import dev.astravault.NotFoundException;
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
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenInfo;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.LeaseLookedUp;
import dev.astravault.event.LeaseRenewed;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.OrgConfigDeleted;
import dev.astravault.event.OrgConfigWritten;
import dev.astravault.event.RevokeFailed;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.RoleDeleted;
import dev.astravault.event.RoleWritten;
import dev.astravault.event.RolesSynced;
import dev.astravault.event.TokenDeleted;
import dev.astravault.event.TokenIssued;
import dev.astravault.event.TokenRead;
import dev.astravault.event.TokensListed;
import dev.astravault.internal.astra.AstraDevOps;
import dev.astravault.internal.astra.CreatedToken;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.astra.RemoteToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** The one {@link TokenManager}: lease math, uniqueness, audit and the expiry sweeper above a {@link TokenBackend}. */
public final class RealTokenManager implements TokenManager {
  private static final Logger LOG = Redaction.logger(TokenManager.class);
  private static final int CAS_ATTEMPTS = 16;
  private static final int SWEEP_BATCH = 256;

  private final Clock clock;
  private final Scheduler scheduler;
  private final LeaseStore store;
  private final TokenBackend backend;
  private final Auditor auditor;
  private final EngineSettings settings;
  private final List<AutoCloseable> owned;
  private final LeaseIds leaseIds = new LeaseIds();
  private final AtomicBoolean closed = new AtomicBoolean();
  // Vault mode: root tokens this process wrote to Vault, kept in memory only (never in the store) so that an
  // operator's syncRoles in the same process can still read Astra's roles.
  private final Map<String, OrgConfig> rootTokensLentToVault = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Scheduler.@Nullable Task sweep;
  // Managed tokens (issue 5): created on the first manage() so a manager that never manages starts no threads.
  private volatile LeaseEngine.Options managedOptions = LeaseEngine.Options.defaults();
  private volatile @Nullable LeaseEngine leaseEngine;
  private volatile @Nullable Recovery recovery;
  // Scoped tokens (issue 17): the custom roles behind them.
  private final CustomRoles customRoles;

  public RealTokenManager(Clock clock, Scheduler scheduler, LeaseStore store, TokenBackend backend, Auditor auditor,
      EngineSettings settings, List<AutoCloseable> owned) {
    this.clock = clock;
    this.scheduler = scheduler;
    this.store = store;
    this.backend = backend;
    this.auditor = auditor;
    this.settings = settings;
    this.owned = List.copyOf(owned);
    this.customRoles = new CustomRoles(this, scheduler);
  }

  /** Starts the expiry sweeper; separate from the constructor so a half-built manager never runs tasks. */
  public RealTokenManager start(List<OrgConfig> initialOrgs) {
    initialOrgs.forEach(this::writeOrg);
    if (!settings.sweepInterval().isZero()) {
      sweep = scheduler.schedule(this::sweepAndReschedule, settings.sweepInterval());
    }
    return this;
  }

  // ------------------------------------------------------------------ orgs

  @Override
  public Org writeOrg(OrgConfig org) {
    java.util.Objects.requireNonNull(org, "org");
    Optional<OrgConfig> previous = store.org(org.orgId());
    boolean created = previous.isEmpty();
    LeaseAuthority authority = backend.authority();
    store.putOrg(authority == null ? org : authority.withoutRootToken(org));
    if (authority != null) {
      // After the store, which checks the logical name is unique; undone if Vault refuses.
      try {
        authority.writeOrg(org);
      } catch (RuntimeException e) {
        previous.ifPresentOrElse(store::putOrg, () -> store.deleteOrg(org.orgId()));
        throw e;
      }
      rootTokensLentToVault.put(org.orgId(), org);
    }
    audit(new OrgConfigWritten(clock.instant(), auditor.actor(), org.orgId(), org.logicalName(),
        org.url().toString(), created));
    LOG.info("{} config for org {} ({})", created ? "Created" : "Updated", org.orgId(), org.logicalName());
    return org.toOrg();
  }

  @Override
  public Optional<Org> org(String org) {
    Validation.requireKey("org", org);
    return findOrg(org).map(OrgConfig::toOrg);
  }

  @Override
  public List<Org> orgs() {
    LeaseAuthority authority = backend.authority();
    // Vault mode: Vault holds the configs; the store only caches those this process used.
    return (authority == null ? store.orgs() : authority.listOrgs()).stream().map(OrgConfig::toOrg).toList();
  }

  @Override
  public void deleteOrg(String org) {
    Optional<OrgConfig> found = findOrg(org);
    if (found.isEmpty()) {
      return;   // the rule for unknown ids: removing what is not there succeeds (docs/concepts.md)
    }
    OrgConfig config = found.get();
    long leases = orgRecords(config.orgId()).size();
    if (leases > 0) {
      throw new ConflictException("org " + config.orgId() + " still has " + leases
          + " lease(s); revoke them before deleting its config, or they could never be revoked");
    }
    LeaseAuthority authority = backend.authority();
    if (authority != null) {
      authority.deleteOrg(config.orgId());
    }
    store.deleteOrg(config.orgId());
    rootTokensLentToVault.remove(config.orgId());
    audit(new OrgConfigDeleted(clock.instant(), auditor.actor(), config.orgId()));
    LOG.info("Deleted config for org {}", config.orgId());
  }

  private Optional<OrgConfig> findOrg(String org) {
    Validation.requireKey("org", org);
    Optional<OrgConfig> byId = store.org(org);
    Optional<OrgConfig> found = byId.isPresent() ? byId : store.orgByLogicalName(org);
    LeaseAuthority authority = backend.authority();
    // Vault mode: an org configured in Vault by operators is usable by an app that holds only Vault credentials.
    return found.isPresent() || authority == null ? found : authority.readOrg(org);
  }

  OrgConfig requireOrgConfig(String org) {
    return requireOrg(org);
  }

  private OrgConfig requireOrg(String org) {
    return findOrg(org).orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ORG, org));
  }

  // ------------------------------------------------------------------ roles

  @Override
  public RoleWriteResult writeRole(RoleSpec spec) {
    java.util.Objects.requireNonNull(spec, "spec");
    OrgConfig org = requireOrg(spec.org());
    Optional<Role> existing = findRole(org.orgId(), spec.name());
    RoleMath.Result result = RoleMath.apply(org.orgId(), spec, existing);
    putRole(result.role());
    Role role = result.role();
    result.warnings().forEach(w -> LOG.warn("role {}: {}", role.name(), w));
    audit(new RoleWritten(clock.instant(), auditor.actor(), role.orgId(), role.name(), role.roleId(), role.ttl(),
        role.maxTtl(), existing.isEmpty(), result.warnings()));
    return new RoleWriteResult(role, existing.isEmpty(), result.warnings());
  }

  @Override
  public Optional<Role> role(String org, String name) {
    String reference = Validation.roleReference(name);
    return findOrg(org).flatMap(o -> lookupRole(o.orgId(), reference));
  }

  @Override
  public List<Role> roles(String org) {
    String orgId = requireOrg(Validation.requireKey("org", org)).orgId();
    LeaseAuthority authority = backend.authority();
    return authority == null ? store.roles(orgId) : authority.listRoles(orgId);
  }

  @Override
  public void deleteRole(String org, String name) {
    String reference = Validation.roleReference(name);
    Optional<OrgConfig> found = findOrg(org);
    Optional<Role> resolved = found.flatMap(o -> lookupRole(o.orgId(), reference));
    if (resolved.isEmpty()) {
      return;   // the rule for unknown ids: removing what is not there succeeds (docs/concepts.md)
    }
    OrgConfig config = found.get();
    String role = resolved.get().name();
    LeaseAuthority authority = backend.authority();
    if (authority != null) {
      authority.deleteRole(config.orgId(), role);
    }
    if (!store.deleteRole(config.orgId(), role) && authority == null) {
      return;   // deleted by another caller meanwhile
    }
    audit(new RoleDeleted(clock.instant(), auditor.actor(), config.orgId(), role));
  }

  @Override
  public RoleSyncReport syncRoles(String org) {
    OrgConfig config = requireOrg(Validation.requireKey("org", org));
    List<RemoteRole> remote = backend.remoteRoles(rootTokensLentToVault.getOrDefault(config.orgId(), config));
    Map<String, List<RemoteRole>> byName = new LinkedHashMap<>();
    for (RemoteRole r : remote) {
      if (CustomRoles.isReserved(r.name())) {
        continue;   // custom roles of scoped tokens (ours or another deployment's) are not roles to issue with
      }
      byName.computeIfAbsent(RoleNames.sanitize(r.name()), k -> new ArrayList<>()).add(r);
    }
    List<Role> created = new ArrayList<>();
    List<Role> updated = new ArrayList<>();
    List<Role> unchanged = new ArrayList<>();
    List<RoleSyncReport.Collision> collisions = new ArrayList<>();
    for (Map.Entry<String, List<RemoteRole>> e : byName.entrySet()) {
      String name = e.getKey();
      if (e.getValue().size() > 1) {
        collisions.add(new RoleSyncReport.Collision(name, e.getValue().stream().map(RemoteRole::name).toList(),
            e.getValue().stream().map(RemoteRole::id).toList()));
        continue;
      }
      String roleId = e.getValue().get(0).id();
      // Read through in Vault mode: a role Vault has but this cache does not keeps its TTLs.
      Optional<Role> existing = findRole(config.orgId(), name);
      if (existing.isEmpty()) {
        Role role = new Role(config.orgId(), name, roleId, Role.DEFAULT_TTL, Role.DEFAULT_TTL);
        putRole(role);
        created.add(role);
      } else if (!existing.get().roleId().equals(roleId)) {
        Role role = new Role(config.orgId(), name, roleId, existing.get().ttl(), existing.get().maxTtl());
        putRole(role);
        updated.add(role);
      } else {
        unchanged.add(existing.get());
      }
    }
    collisions.forEach(c -> LOG.warn("role sync for org {}: Astra roles {} all map to '{}'; none was written",
        config.orgId(), c.astraNames(), c.name()));
    audit(new RolesSynced(clock.instant(), auditor.actor(), config.orgId(),
        created.stream().map(Role::name).toList(), updated.stream().map(Role::name).toList(),
        collisions.stream().map(RoleSyncReport.Collision::name).toList()));
    return new RoleSyncReport(config.orgId(), created, updated, unchanged, collisions);
  }

  @Override
  public String resolveRoleId(String org, String roleName) {
    OrgConfig config = requireOrg(org);
    return requireRole(config.orgId(), Validation.roleReference(roleName)).roleId();
  }

  /** A role as a caller names it; see {@link #lookupRole}. */
  Role requireRole(String orgId, String reference) {
    return lookupRole(orgId, reference)
        .orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ROLE, reference));
  }

  /**
   * Resolves a role as Astra shows it. A local role name (case-insensitive) names its role outright. Anything else
   * is read both as Astra's display name, sanitised with the rule of {@link #syncRoles} ({@code "R/W User"} →
   * {@code r_w_user}), and as a role id; if those two readings name different roles the reference is ambiguous.
   *
   * @throws AmbiguousRoleException listing the matched roles
   */
  private Optional<Role> lookupRole(String orgId, String reference) {
    String lower = reference.toLowerCase(java.util.Locale.ROOT);
    if (Validation.isRoleName(lower)) {
      Optional<Role> byName = findRole(orgId, lower);
      if (byName.isPresent()) {
        return byName;
      }
    }
    Map<String, Role> found = new LinkedHashMap<>();
    String sanitized = RoleNames.sanitize(reference);
    if (!sanitized.equals(lower) && Validation.isRoleName(sanitized)) {
      findRole(orgId, sanitized).ifPresent(r -> found.put(r.name(), r));
    }
    for (Role r : rolesForIdLookup(orgId)) {
      if (r.roleId().equalsIgnoreCase(reference)) {
        found.putIfAbsent(r.name(), r);
      }
    }
    if (found.size() > 1) {
      throw new AmbiguousRoleException(orgId, reference, found.values().stream()
          .map(r -> new AmbiguousRoleException.Candidate(r.name(), r.roleId())).toList());
    }
    return found.values().stream().findFirst();
  }

  /**
   * The org's roles to match a role id against. Vault mode lists Vault's roles; an app whose policy may not list
   * them (least privilege) matches the roles this process has cached instead.
   */
  private List<Role> rolesForIdLookup(String orgId) {
    LeaseAuthority authority = backend.authority();
    if (authority == null) {
      return store.roles(orgId);
    }
    try {
      return authority.listRoles(orgId);
    } catch (dev.astravault.vault.VaultAccessDeniedException denied) {
      LOG.debug("may not list the roles of org {} in Vault; matching role ids against cached roles", orgId);
      return store.roles(orgId);
    }
  }

  /** A role from the store; in Vault mode a miss is read through from Vault and cached. */
  private Optional<Role> findRole(String orgId, String name) {
    Optional<Role> cached = store.role(orgId, name);
    LeaseAuthority authority = backend.authority();
    if (cached.isPresent() || authority == null) {
      return cached;
    }
    Optional<Role> remote = authority.readRole(orgId, name);
    remote.ifPresent(store::putRole);
    return remote;
  }

  /** Stores a role; in Vault mode it is written to Vault first. */
  private void putRole(Role role) {
    LeaseAuthority authority = backend.authority();
    if (authority != null) {
      authority.writeRole(role);
    }
    store.putRole(role);
  }

  // ------------------------------------------------------------------ issue

  @Override
  public AstraToken issue(TokenRequest request) {
    java.util.Objects.requireNonNull(request, "request");
    return issue(request, false);
  }

  /** Issues into the triple's successor slot: the new token of a UNIQUE-style rotation (see {@link LeaseEngine}). */
  AstraToken issueSuccessor(TokenRequest request) {
    return issue(request, true);
  }

  private AstraToken issue(TokenRequest request, boolean successor) {
    try {
      return doIssue(request, successor);
    } catch (RuntimeException e) {
      audit(new IssueFailed(clock.instant(), auditor.actor(), request.org(), request.role(),
          request.logicalName().orElse(null), CustomRoles.withScope(request), e.getClass().getName(),
          safeMessage(e)));
      throw e;
    }
  }

  private AstraToken doIssue(TokenRequest request, boolean successor) {
    OrgConfig org = requireOrg(request.org());
    Role role = requireRole(org.orgId(), request.role());
    Duration ttl = request.ttl().orElse(role.ttl());
    if (ttl.compareTo(role.ttl()) > 0) {
      throw new IllegalArgumentException("ttl " + ttl + " exceeds the ttl of role " + role.name() + " ("
          + role.ttl() + ")");
    }
    // Scoped (issue 17): the custom role exists before the token; if it cannot be made, no token is issued.
    Map<String, String> metadata = request.metadata();
    if (request.scope().isPresent()) {
      role = customRoles.ensure(org, role, request.scope().get());
      metadata = CustomRoles.metadata(metadata, CustomRoles.roleName(org.orgId(), settings.deploymentId(),
          request.scope().get()), request.scope().get());
    }
    Instant now = clock.instant();
    String leaseId = leaseIds.next(org.orgId(), role.name());
    LeaseRecord pending = LeaseRecord.builder()
        .leaseId(leaseId).orgId(org.orgId()).roleName(role.name()).roleId(role.roleId())
        .logicalName(request.logicalName().orElse(null)).style(request.style()).successor(successor)
        .state(LeaseState.PENDING).metadata(metadata)
        .description(Descriptions.tag(settings.deploymentId(), leaseId, request.logicalName().orElse(null)))
        .issuedAt(now).ttl(ttl).expiresAt(now.plus(ttl)).maxExpiresAt(now.plus(role.maxTtl()))
        .build();
    // The write-ahead record: it claims the triple atomically before Astra is called.
    insertFreeingExpired(pending);
    LeaseAuthority authority = backend.authority();
    CreatedToken created;
    LeaseRecord active;
    if (authority == null) {
      created = createOrSettle(org, role, pending);
      active = pending.next().state(LeaseState.ACTIVE).clientId(created.clientId())
          .token(created.token()).secret(created.secret()).generatedOn(created.generatedOn()).build();
    } else {
      // Vault mode: Vault grants the lease; the record caches it, with Vault's lease id as its description.
      LeaseAuthority.Issued issued;
      try {
        issued = authority.issue(org, role, pending);
      } catch (RuntimeException e) {
        store.delete(pending);
        throw e;
      }
      created = issued.token();
      active = pending.next().state(LeaseState.ACTIVE).clientId(created.clientId())
          .token(created.token()).secret(created.secret()).generatedOn(created.generatedOn())
          .description(issued.authorityLeaseId()).ttl(issued.ttl()).expiresAt(now.plus(issued.ttl())).build();
    }
    if (!store.compareAndSet(pending, active)) {
      // Someone (recovery) settled our pending record meanwhile: do not leave the token behind.
      deleteQuietly(org, active);
      throw new AstraVaultException("lease " + leaseId + " was settled by recovery while it was being issued; "
          + "the new token was deleted");
    }
    TokenInfo info = active.toTokenInfo();
    boolean recorded = auditor.record(new TokenIssued(clock.instant(), auditor.actor(), auditor.ref(active),
        active.style(), active.expiresAt(), active.maxExpiresAt()));
    if (!recorded) {
      if (settings.auditPolicy() == AuditPolicy.FAIL_CLOSED) {
        revokeRecord(active, RevokeReason.REAPED, false);
        throw new AuditException("no audit sink recorded the issue of lease " + leaseId
            + "; the token was revoked (audit policy FAIL_CLOSED)", null);
      }
      LOG.error("no audit sink recorded the issue of lease {}; handing the token out (audit policy FAIL_OPEN)",
          leaseId);
    }
    LOG.info("Created token '{}' (lease {}) with TTL {} and max TTL {}", created.clientId(), leaseId, ttl,
        role.maxTtl());
    return new AstraToken(info, created.token(), created.secret());
  }

  /**
   * Inserts the write-ahead record. A triple held by a lease past its expiry is free at once: that lease is ended
   * first (revoked and audited as {@link RevokeReason#EXPIRED}, exactly as the sweeper would), then the insert is
   * tried again. Every step is a store compare-and-set or insert, so of concurrent issuers exactly one gets the
   * triple and the others get {@link TokenAlreadyExistsException}.
   */
  private void insertFreeingExpired(LeaseRecord pending) {
    for (int attempt = 0; ; attempt++) {
      try {
        store.insert(pending);
        return;
      } catch (TokenAlreadyExistsException taken) {
        if (attempt >= 2 || pending.style() != IssueStyle.UNIQUE || pending.successor()
            || pending.logicalName().isEmpty()) {
          throw taken;
        }
        Optional<LeaseRecord> holder = store.findByTriple(pending.orgId(), pending.roleName(),
            pending.logicalName().get());
        if (holder.isPresent() && !endIfExpired(holder.get())) {
          throw taken;
        }
      }
    }
  }

  /** Ends a lease past its expiry now; true when it is gone (ended by this call or by someone else). */
  private boolean endIfExpired(LeaseRecord holder) {
    boolean endable = holder.state() == LeaseState.ACTIVE || holder.state() == LeaseState.REVOKE_FAILED;
    if (!endable || clock.instant().isBefore(holder.expiresAt())) {
      return false;
    }
    if (revokeRecord(holder, RevokeReason.EXPIRED, false)) {
      LOG.info("Lease {} had expired; ended it to free its (org, role, logical name) for a new token",
          holder.leaseId());
      return true;
    }
    return store.get(holder.leaseId()).isEmpty();
  }

  private CreatedToken createOrSettle(OrgConfig org, Role role, LeaseRecord pending) {
    Instant tokenExpiry = settings.sendTokenExpiry()
        ? pending.maxExpiresAt().plus(settings.tokenExpiryMargin()) : null;
    String description = settings.sendDescription() ? pending.description() : null;
    try {
      return backend.create(org, role, description, tokenExpiry);
    } catch (RuntimeException e) {
      if (AstraDevOps.createdNothing(e)) {
        store.delete(pending);
        throw e;
      }
      // A 5xx, a reset or timeout after sending, an unreadable body: Astra may hold a token whose secret we never
      // saw. Find it by its tag and delete it; the write-ahead record stays until that is done.
      LOG.warn("the create of lease {} had an unclear outcome ({}); settling it by its description tag",
          pending.leaseId(), safeMessage(e));
      settleAmbiguousCreate(org, pending, description);
      throw e;
    }
  }

  /**
   * A POST that may or may not have created a token: find it by its description tag and delete it (its secret was
   * never seen, so it cannot be adopted), then drop the pending record. If Astra cannot be asked, the pending
   * record stays for recovery to settle.
   */
  private void settleAmbiguousCreate(OrgConfig org, LeaseRecord pending, @Nullable String description) {
    if (description == null) {
      LOG.error("token creation for lease {} is ambiguous and descriptions are disabled; the pending record is kept "
          + "for reconciliation", pending.leaseId());
      return;
    }
    try {
      for (RemoteToken t : backend.remoteTokens(org)) {
        if (description.equals(t.description())) {
          LeaseRecord ghost = pending.toBuilder().clientId(t.clientId()).build();
          boolean deleted = backend.delete(org, ghost);
          auditor.record(new LeaseRevoked(clock.instant(), auditor.actor(), auditor.ref(ghost), RevokeReason.REAPED,
              !deleted));
          LOG.warn("deleted token '{}' created by an ambiguous request for lease {}", t.clientId(),
              pending.leaseId());
        }
      }
      store.delete(pending);
    } catch (RuntimeException e) {
      LOG.error("could not settle the ambiguous creation of lease {} ({}); its PENDING record stays and recovery "
          + "settles it once it is older than pendingSettleAfter", pending.leaseId(), e.getClass().getName());
    }
  }

  // ------------------------------------------------------------------ read

  @Override
  public Optional<AstraToken> token(String clientId) {
    Validation.requireKey("clientId", clientId);
    return store.findByClientId(clientId).flatMap(this::readable);
  }

  @Override
  public Optional<AstraToken> token(String org, String role, String logicalName) {
    String reference = Validation.roleReference(role);
    String name = Validation.logicalName(logicalName);
    // A lookup: an unknown org or role is an empty answer, as an unknown triple is.
    return findOrg(org).flatMap(config -> lookupRole(config.orgId(), reference)
        .flatMap(r -> store.findByTriple(config.orgId(), r.name(), name)))
        .flatMap(this::readable);
  }

  private Optional<AstraToken> readable(LeaseRecord record) {
    if (!record.isLive(clock.instant())) {
      return Optional.empty();
    }
    if (record.token().isEmpty() || record.secret().isEmpty()) {
      return Optional.empty();
    }
    audit(new TokenRead(clock.instant(), auditor.actor(), auditor.ref(record)));
    return Optional.of(new AstraToken(record.toTokenInfo(), record.token().get(), record.secret().get()));
  }

  @Override
  public List<TokenInfo> tokens() {
    List<TokenInfo> out = liveTokens(null);
    audit(new TokensListed(clock.instant(), auditor.actor(), null, out.size()));
    return out;
  }

  @Override
  public List<TokenInfo> tokens(String org) {
    OrgConfig config = requireOrg(Validation.requireKey("org", org));
    List<TokenInfo> out = liveTokens(config.orgId());
    audit(new TokensListed(clock.instant(), auditor.actor(), config.orgId(), out.size()));
    return out;
  }

  @Override
  public List<TokenInfo> tokens(String org, LeaseState... states) {
    OrgConfig config = requireOrg(org);
    java.util.EnumSet<LeaseState> wanted = java.util.EnumSet.noneOf(LeaseState.class);
    for (LeaseState state : states) {
      wanted.add(java.util.Objects.requireNonNull(state, "states"));
    }
    List<TokenInfo> out = orgRecords(config.orgId()).stream()
        .filter(r -> r.state() != LeaseState.PENDING && wanted.contains(r.state()))
        .map(LeaseRecord::toTokenInfo)
        .toList();
    audit(new TokensListed(clock.instant(), auditor.actor(), config.orgId(), out.size()));
    return out;
  }

  /** Live tokens only: ACTIVE and not past expiry (and, in Vault mode, a lease Vault still has). */
  private List<TokenInfo> liveTokens(@Nullable String orgId) {
    LeaseAuthority authority = backend.authority();
    java.util.Set<String> live = authority == null ? null : authority.liveClientIds();
    Instant now = clock.instant();
    return (orgId == null ? store.list("") : orgRecords(orgId)).stream()
        .filter(r -> r.isLive(now))
        .filter(r -> live == null || r.clientId().filter(live::contains).isPresent())
        .map(LeaseRecord::toTokenInfo)
        .toList();
  }

  /** An org's records in any state: by the lease-id prefix, checked against the org id. */
  private List<LeaseRecord> orgRecords(String orgId) {
    return store.list(LeaseIds.orgPrefix(orgId)).stream().filter(r -> r.orgId().equals(orgId)).toList();
  }

  @Override
  public void deleteToken(String clientId) {
    Validation.requireKey("clientId", clientId);
    Optional<LeaseRecord> found = store.findByClientId(clientId);
    if (found.isEmpty()) {
      return;   // the rule for unknown ids: removing what is not there succeeds (docs/concepts.md)
    }
    LeaseRecord record = found.get();
    if (revokeRecord(record, RevokeReason.EXPLICIT, true)) {
      audit(new TokenDeleted(clock.instant(), auditor.actor(), auditor.ref(record)));
    }
  }

  // ------------------------------------------------------------------ leases

  @Override
  public Optional<Lease> lease(String leaseId) {
    Validation.requireKey("leaseId", leaseId);
    Optional<LeaseRecord> record = store.get(leaseId).filter(r -> r.state() != LeaseState.PENDING);
    LeaseAuthority authority = backend.authority();
    if (authority != null && record.isPresent()) {
      record = refreshFromAuthority(authority, record.get());
    }
    record.ifPresent(r -> audit(new LeaseLookedUp(clock.instant(), auditor.actor(), auditor.ref(r))));
    return record.map(LeaseRecord::lease);
  }

  /** Vault mode: Vault's expiry wins over the cache; a lease Vault no longer has is not shown (nor deleted). */
  private Optional<LeaseRecord> refreshFromAuthority(LeaseAuthority authority, LeaseRecord record) {
    Optional<Instant> expiry = authority.lookup(record);
    if (expiry.isEmpty()) {
      return Optional.empty();
    }
    if (Duration.between(record.expiresAt(), expiry.get()).abs().compareTo(Duration.ofSeconds(1)) < 0) {
      return Optional.of(record);
    }
    // Vault started the lease a moment after our clock did, so its expiry may pass our max by that moment: it wins.
    LeaseRecord refreshed = record.next().expiresAt(expiry.get())
        .maxExpiresAt(expiry.get().isAfter(record.maxExpiresAt()) ? expiry.get() : record.maxExpiresAt()).build();
    return Optional.of(store.compareAndSet(record, refreshed) ? refreshed : record);
  }

  @Override
  public List<Lease> leases() {
    return leases(store.list(""));
  }

  @Override
  public List<Lease> leases(String org) {
    Validation.requireNoSecret("org", org);
    if (org.isEmpty() || org.startsWith(LeaseIds.ROOT)) {
      return leases(store.list(org));   // the deprecated lease-id prefix form
    }
    return leases(orgRecords(requireOrg(org).orgId()));
  }

  private static List<Lease> leases(List<LeaseRecord> records) {
    return records.stream().filter(r -> r.state() != LeaseState.PENDING).map(LeaseRecord::lease).toList();
  }

  @Override
  public Renewal renew(String leaseId) {
    Validation.requireKey("leaseId", leaseId);
    return doRenew(leaseId, null);
  }

  @Override
  public Renewal renew(String leaseId, Duration increment) {
    Validation.requireKey("leaseId", leaseId);
    Duration asked = Validation.requireNonNegative("increment", increment);
    // Zero means "the role's TTL", as Vault reads an increment of 0.
    return doRenew(leaseId, asked.isZero() ? null : asked);
  }

  private Renewal doRenew(String leaseId, @Nullable Duration increment) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      LeaseRecord record = store.get(leaseId).filter(r -> r.state() != LeaseState.PENDING)
          .orElseThrow(() -> new NotFoundException(NotFoundException.Kind.LEASE, leaseId));
      Instant now = clock.instant();
      if (record.state() != LeaseState.ACTIVE || !now.isBefore(record.expiresAt())) {
        throw new LeaseExpiredException(leaseId, record.expiresAt());
      }
      LeaseAuthority authority = backend.authority();
      LeaseMath.Grant grant;
      if (authority != null) {
        // Vault mode: Vault renews (and caps); the role cache only dates the cap for the record.
        Instant max = store.role(record.orgId(), record.roleName())
            .map(r -> record.issuedAt().plus(r.maxTtl())).orElse(record.maxExpiresAt());
        grant = authority.renew(record, increment, max);
      } else {
        // The cap counts from the original issue time, with the role's *current* max TTL (as Vault does).
        Role role = store.role(record.orgId(), record.roleName())
            .orElseThrow(() -> new NotFoundException(NotFoundException.Kind.ROLE, record.roleName()));
        grant = LeaseMath.renew(leaseId, record.issuedAt(), now, increment, role);
      }
      Instant expiresAt = now.plus(grant.ttl());
      // Vault mode: Vault's cap counts from its own (slightly later) issue instant; its grant wins over ours.
      Instant maxExpiresAt = authority != null && expiresAt.isAfter(grant.maxExpiresAt()) ? expiresAt
          : grant.maxExpiresAt();
      LeaseRecord renewed = record.next().ttl(grant.ttl()).expiresAt(expiresAt)
          .maxExpiresAt(maxExpiresAt).lastRenewedAt(now).build();
      if (store.compareAndSet(record, renewed)) {
        audit(new LeaseRenewed(clock.instant(), auditor.actor(), auditor.ref(renewed), grant.ttl(),
            renewed.expiresAt(), grant.warnings()));
        LOG.info("Renewed lease {} for token '{}' with TTL {}", leaseId, renewed.clientId().orElse("?"),
            grant.ttl());
        return new Renewal(renewed.lease(), grant.warnings());
      }
    }
    throw new AstraVaultException("lease " + leaseId + " is changing too fast to renew; try again");
  }

  @Override
  public void revoke(String leaseId) {
    Validation.requireKey("leaseId", leaseId);
    store.get(leaseId).ifPresent(record -> revokeRecord(record, RevokeReason.EXPLICIT, true));
  }

  /**
   * The one way a lease ends: claim it (ACTIVE/REVOKE_FAILED → REVOKING), delete the token in Astra (404 = already
   * gone), delete the record, audit. A failure leaves the record in REVOKE_FAILED with its error, for retry.
   *
   * @return whether this call ended the lease (false when another caller already had it)
   */
  boolean revokeRecord(LeaseRecord record, RevokeReason reason, boolean rethrow) {
    LeaseRecord claimed = claim(record);
    if (claimed == null) {
      return false;
    }
    try {
      OrgConfig org = findOrg(claimed.orgId()).orElseThrow(() ->
          new NotFoundException(NotFoundException.Kind.ORG, claimed.orgId()));
      boolean deleted = backend.delete(org, claimed);
      if (!store.delete(claimed)) {
        // Recovery took over our claim (it looked abandoned) and will end and audit the lease: once, not twice.
        LOG.warn("the revoke claim of lease {} was reclaimed by recovery meanwhile", claimed.leaseId());
        return false;
      }
      audit(new LeaseRevoked(clock.instant(), auditor.actor(), auditor.ref(claimed), reason, !deleted));
      LOG.info("Revoked lease {} for token '{}' ({}{})", claimed.leaseId(), claimed.clientId().orElse("?"),
          reason, deleted ? "" : ", already gone");
      customRoles.released(claimed);
      return true;
    } catch (RuntimeException e) {
      LeaseRecord failed = claimed.next().state(LeaseState.REVOKE_FAILED).lastError(safeMessage(e))
          .revokeAttempts(claimed.revokeAttempts() + 1).stateChangedAt(clock.instant()).build();
      store.compareAndSet(claimed, failed);
      audit(new RevokeFailed(clock.instant(), auditor.actor(), auditor.ref(claimed), reason,
          failed.revokeAttempts(), e.getClass().getName(), safeMessage(e)));
      LOG.warn("Revoking lease {} failed (attempt {}): {}", claimed.leaseId(), failed.revokeAttempts(),
          safeMessage(e));
      if (rethrow) {
        throw e;
      }
      return false;
    }
  }

  private @Nullable LeaseRecord claim(LeaseRecord record) {
    LeaseRecord current = record;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      if (current.state() == LeaseState.PENDING) {
        throw new LeasePendingException(current.leaseId());
      }
      if (current.state() == LeaseState.REVOKING) {
        return null;
      }
      LeaseRecord revoking = current.next().state(LeaseState.REVOKING).stateChangedAt(clock.instant()).build();
      if (store.compareAndSet(current, revoking)) {
        return revoking;
      }
      Optional<LeaseRecord> reread = store.get(current.leaseId());
      if (reread.isEmpty()) {
        return null;
      }
      current = reread.get();
    }
    throw new AstraVaultException("lease " + record.leaseId() + " is changing too fast to revoke; try again");
  }

  private void deleteQuietly(OrgConfig org, LeaseRecord record) {
    try {
      backend.delete(org, record);
    } catch (RuntimeException e) {
      LOG.error("could not delete token '{}' of lease {} ({}); reconcile will report it",
          record.clientId().orElse("?"), record.leaseId(), e.getClass().getName());
    }
  }

  @Override
  public int reapExpired() {
    int ended = 0;
    List<LeaseRecord> due = store.expiringBefore(clock.instant().plusNanos(1), SWEEP_BATCH);
    for (LeaseRecord record : due) {
      try {
        if (revokeRecord(record, RevokeReason.EXPIRED, false)) {
          ended++;
        }
      } catch (RuntimeException e) {
        LOG.warn("sweeper could not revoke lease {}: {}", record.leaseId(), e.getClass().getName());
      }
    }
    return ended;
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
    return new Reconciler(this).reconcile(requireOrg(org), fix);
  }

  // ------------------------------------------------------------------ plumbing

  private void audit(AuditEvent event) {
    auditor.record(event);
  }

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

  /** The custom roles behind scoped tokens (issue 17). */
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
    java.util.Objects.requireNonNull(request, "request");
    java.util.Objects.requireNonNull(renewal, "settings");
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
      return;
    }
    LeaseEngine engine;
    synchronized (this) {
      engine = leaseEngine;
    }
    if (engine != null) {
      // First, while the backend and store are still open: managed tokens revoke what they own (or just stop).
      engine.close();
    }
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
