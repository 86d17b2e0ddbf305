package dev.astravault.internal;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.AuditException;
import dev.astravault.AuditPolicy;
import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenIssued;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Descriptions;
import dev.astravault.internal.support.LeaseMath;
import dev.astravault.store.InMemoryLeaseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Issuing: a scoped request's custom role first ({@link CustomRoles}), then the write-ahead record that claims the
 * (org, role, logical name) triple before the {@link Authority} mints the token, the compare-and-set that makes the
 * record ACTIVE, and the audit rule for the issue. A scoped issue re-reads its role's record after the write-ahead
 * record is stored and starts again if another manager is deleting the role ({@link CustomRoles#stillTaken}).
 */
final class Issuer {
  private static final Logger LOG = Redaction.logger(TokenManager.class);

  private final Clock clock;
  private final LeaseStore store;
  private final Authority authority;
  private final Auditor auditor;
  private final EngineSettings settings;
  private final OrgsAndRoles orgsAndRoles;
  private final Leases leases;
  private final CustomRoles customRoles;
  private final LeaseIds leaseIds = new LeaseIds();

  Issuer(Clock clock, LeaseStore store, Authority authority, Auditor auditor, EngineSettings settings,
      OrgsAndRoles orgsAndRoles, Leases leases, CustomRoles customRoles) {
    this.clock = clock;
    this.store = store;
    this.authority = authority;
    this.auditor = auditor;
    this.settings = settings;
    this.orgsAndRoles = orgsAndRoles;
    this.leases = leases;
    this.customRoles = customRoles;
  }

  /**
   * Issues a token; a failure is audited and rethrown.
   *
   * @param successor whether the token goes into the triple's successor slot (the new token of a UNIQUE-style
   *     rotation; see {@link LeaseEngine})
   */
  AstraToken issue(TokenRequest request, boolean successor) {
    try {
      return doIssue(request, successor);
    } catch (RuntimeException e) {
      auditor.record(new IssueFailed(clock.instant(), auditor.actor(), request.org(), request.role(),
          request.logicalName().orElse(null), CustomRoles.withScope(request), e.getClass().getName(),
          RealTokenManager.safeMessage(e)));
      throw e;
    }
  }

  private AstraToken doIssue(TokenRequest request, boolean successor) {
    OrgConfig org = orgsAndRoles.requireOrg(request.org());
    Role role = orgsAndRoles.requireRole(org.orgId(), request.role());
    Duration ttl = request.ttl().orElse(role.ttl());
    if (ttl.compareTo(role.ttl()) > 0) {
      throw new IllegalArgumentException("ttl " + ttl + " exceeds the ttl of role " + role.name() + " ("
          + role.ttl() + ")");
    }
    if (request.scope().isPresent()) {
      LeaseMath.after(clock.instant(), role.maxTtl());   // a clock out of range is refused before a role is made
    }
    Role ttlRole = role;
    for (int attempt = 1; ; attempt++) {
      // Scoped: the custom role exists before the token; if it cannot be made, no token is issued.
      Map<String, String> metadata = request.metadata();
      String customRole = null;
      if (request.scope().isPresent()) {
        customRoles.requireSupported();
        refuseIfTaken(org.orgId(), ttlRole.name(), request, successor);
        role = customRoles.ensure(org, ttlRole, request.scope().get());
        customRole = CustomRoles.roleName(org.orgId(), settings.deploymentId(), request.scope().get());
        metadata = CustomRoles.metadata(metadata, customRole, request.scope().get());
      }
      LeaseRecord pending = writeAhead(request, successor, org, role, ttl, metadata, customRole);
      // The lease holds the role from here on; re-read its record before the token is made with it. A manager
      // deleting the role marks the record before it counts holders: see CustomRoles.stillTaken for the invariant.
      if (customRole != null && !customRoles.stillTaken(org.orgId(), customRole, role.roleId())) {
        store.delete(pending);
        if (attempt >= CustomRoles.ROLE_ATTEMPTS) {
          throw CustomRoles.changedMeanwhile(org.orgId(), customRole);
        }
        LOG.info("custom role {} was being deleted by another manager while lease {} took it; issuing again",
            customRole, pending.leaseId());
        continue;
      }
      // Another manager may have deleted the org after it was read above, having counted no lease: asked again now
      // that the record is stored (OrgsAndRoles.deleteOrg counts again after its delete), so no token is minted for an
      // org whose config, and so every way to revoke the token, is gone.
      if (!authority.hasOrg(org.orgId())) {
        store.delete(pending);
        throw new NotFoundException(NotFoundException.Kind.ORG, request.org());
      }
      return mintAndAudit(org, role, pending, ttl);
    }
  }

  /** Builds and inserts the write-ahead PENDING record, which claims the triple before the token exists. */
  private LeaseRecord writeAhead(TokenRequest request, boolean successor, OrgConfig org, Role role, Duration ttl,
      Map<String, String> metadata, @Nullable String customRole) {
    LeaseRecord pending;
    // The write-ahead record: it claims the triple atomically before the authority mints the token.
    try {
      Instant now = clock.instant();
      String leaseId = leaseIds.next(org.orgId(), role.name());
      pending = LeaseRecord.builder()
          .leaseId(leaseId).orgId(org.orgId()).roleName(role.name()).roleId(role.roleId())
          .logicalName(request.logicalName().orElse(null)).style(request.style()).successor(successor)
          .state(LeaseState.PENDING).metadata(metadata)
          .description(Descriptions.tag(settings.deploymentId(), leaseId, request.logicalName().orElse(null)))
          .issuedAt(now).ttl(ttl).expiresAt(LeaseMath.after(now, ttl))
          .maxExpiresAt(LeaseMath.after(now, role.maxTtl()))
          .build();
      insertFreeingExpired(pending);
    } catch (RuntimeException e) {
      if (customRole != null) {
        // Lost the triple to a concurrent issue after refuseIfTaken (or the insert failed, or the clock left its range
        // after doIssue's check): the role this request made or took may be held by no lease; its deletion is
        // scheduled as after a last revoke.
        customRoles.abandoned(org.orgId(), customRole, role.roleId());
      }
      throw e;
    }
    return pending;
  }

  private AstraToken mintAndAudit(OrgConfig org, Role role, LeaseRecord pending, Duration ttl) {
    String leaseId = pending.leaseId();
    LeaseRecord active = authority.mint(org, role, pending);
    if (!store.compareAndSet(pending, active)) {
      // Someone (recovery) settled our pending record meanwhile: do not leave the token behind.
      leases.deleteQuietly(org, active);
      throw new AstraVaultException("lease " + leaseId + " was settled by recovery while it was being issued; "
          + "the new token was deleted");
    }
    // Sinks that record nothing (AuditSink.noop()) accept every event: skip building it (issue's hot path).
    boolean recorded = auditor.recordsNothing() || auditor.record(new TokenIssued(clock.instant(), auditor.actor(),
        auditor.ref(active), active.style(), active.expiresAt(), active.maxExpiresAt()));
    if (!recorded) {
      if (settings.auditPolicy() == AuditPolicy.FAIL_CLOSED) {
        leases.revokeRecord(active, RevokeReason.REAPED, false);
        throw new AuditException("no audit sink recorded the issue of lease " + leaseId
            + "; the token was revoked (audit policy FAIL_CLOSED)", null);
      }
      LOG.error("no audit sink recorded the issue of lease {}; handing the token out (audit policy FAIL_OPEN)",
          leaseId);
    }
    if (LOG.isInfoEnabled()) {   // four arguments: an array on every issue otherwise
      LOG.info("Created token '{}' (lease {}) with TTL {} and max TTL {}", active.clientId().orElse("?"), leaseId,
          ttl, role.maxTtl());
    }
    // The in-memory store holds `active` itself: the token can be a view of it instead of a copy (Views), which
    // saves a TokenInfo and a Lease per issue, and per lease for callers that keep their tokens.
    if (store instanceof InMemoryLeaseStore && active.token().isPresent()) {   // with its secret: both or neither
      return Views.backedBy(active);
    }
    return new AstraToken(active.toTokenInfo(), active.token().orElseThrow(), active.secret().orElse(""));
  }

  /**
   * Refuses a scoped UNIQUE request whose triple a live lease holds, before its custom role is made or taken: a refused
   * request then leaves nothing in Astra (no role POST), no role record, and no cancelled role deletion. A holder past
   * its expiry is ended first, as {@link #insertFreeingExpired} would. Unscoped requests skip this read: nothing
   * happens before their insert that the insert's refusal would leave behind.
   *
   * <p>This is a check-then-act: two requests for a free triple both pass it, both make or take their role, and
   * the store's insert-unique picks the one that gets the triple. The loser's role is then released by
   * {@link CustomRoles#abandoned} (deleted a grace period later if no lease holds it) or, if the loser dies first,
   * by recovery. The pre-check only keeps the common case, a triple already taken, free of side effects.
   */
  private void refuseIfTaken(String orgId, String roleName, TokenRequest request, boolean successor) {
    if (request.style() != IssueStyle.UNIQUE || successor || request.logicalName().isEmpty()) {
      return;   // no triple to take; or a rotation's successor slot, whose role the current lease already holds
    }
    Optional<LeaseRecord> holder = store.findByTriple(orgId, roleName, request.logicalName().get());
    if (holder.isPresent() && !endIfExpired(holder.get())) {
      throw new TokenAlreadyExistsException(orgId, roleName, request.logicalName().get());
    }
  }

  /**
   * Inserts the write-ahead record. A triple held by a lease past its expiry is free at once: that lease is ended
   * first (revoked and audited as {@link RevokeReason#EXPIRED}, exactly as the sweeper would), then the insert is
   * tried again. A triple held by a successor alone is refused by the store; a live one is promoted here
   * ({@link Successors}). Every step is a store compare-and-set or insert, so of concurrent issuers exactly one gets
   * the triple and the others get {@link TokenAlreadyExistsException}.
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
        // No primary: a successor holds the triple (a rotation between its old token's end and its promotion, or
        // one whose manager stopped there). It is the triple's token: promoted as its handle would next, not doubled.
        boolean successorHolds = holder.isEmpty();
        if (successorHolds) {
          holder = Successors.of(store, pending.orgId(), pending.roleName(), pending.logicalName().get());
        }
        if (holder.isPresent() && !endIfExpired(holder.get())) {
          if (successorHolds) {
            Successors.promoteLone(store, holder.get());
          }
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
    if (leases.revokeRecord(holder, RevokeReason.EXPIRED, false)) {
      LOG.info("Lease {} had expired; ended it to free its (org, role, logical name) for a new token",
          holder.leaseId());
      return true;
    }
    return store.get(holder.leaseId()).isEmpty();
  }
}
