package dev.astravault.internal;

import dev.astravault.AstraVaultException;
import dev.astravault.LeaseExpiredException;
import dev.astravault.LeasePendingException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.Renewal;
import dev.astravault.TokenManager;
import dev.astravault.event.LeaseRenewed;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeFailed;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenDeleted;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.LeaseMath;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** A lease after its issue: renewal (the math is the {@link Authority}'s), revocation, and reaping expired leases. */
final class Leases {
  private static final Logger LOG = Redaction.logger(TokenManager.class);
  private static final int CAS_ATTEMPTS = 16;
  private static final int SWEEP_BATCH = 256;

  private final Clock clock;
  private final LeaseStore store;
  private final Authority authority;
  private final TokenBackend backend;
  private final Auditor auditor;
  private final OrgsAndRoles orgsAndRoles;
  private final CustomRoles customRoles;

  Leases(Clock clock, LeaseStore store, Authority authority, TokenBackend backend, Auditor auditor,
      OrgsAndRoles orgsAndRoles, CustomRoles customRoles) {
    this.clock = clock;
    this.store = store;
    this.authority = authority;
    this.backend = backend;
    this.auditor = auditor;
    this.orgsAndRoles = orgsAndRoles;
    this.customRoles = customRoles;
  }

  // ------------------------------------------------------------------ renew

  /** Renews a live lease by {@code increment}, or by the role's TTL when null, capped at its max TTL. */
  Renewal renew(String leaseId, @Nullable Duration increment) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      LeaseRecord record = store.get(leaseId).filter(r -> r.state() != LeaseState.PENDING)
          .orElseThrow(() -> new NotFoundException(NotFoundException.Kind.LEASE, leaseId));
      Instant now = clock.instant();
      if (record.state() != LeaseState.ACTIVE || !now.isBefore(record.expiresAt())) {
        throw new LeaseExpiredException(leaseId, record.expiresAt());
      }
      LeaseMath.Grant grant = authority.renew(record, increment, now);
      LeaseRecord renewed = record.next().ttl(grant.ttl()).expiresAt(now.plus(grant.ttl()))
          .maxExpiresAt(grant.maxExpiresAt()).lastRenewedAt(now).build();
      if (store.compareAndSet(record, renewed)) {
        auditor.record(new LeaseRenewed(clock.instant(), auditor.actor(), auditor.ref(renewed), grant.ttl(),
            renewed.expiresAt(), grant.warnings()));
        LOG.info("Renewed lease {} for token '{}' with TTL {}", leaseId, renewed.clientId().orElse("?"),
            grant.ttl());
        return new Renewal(renewed.lease(), grant.warnings());
      }
    }
    throw new AstraVaultException("lease " + leaseId + " is changing too fast to renew; try again");
  }

  // ------------------------------------------------------------------ revoke

  void revoke(String leaseId) {
    store.get(leaseId).ifPresent(record -> revokeRecord(record, RevokeReason.EXPLICIT, true));
  }

  void deleteToken(String clientId) {
    Optional<LeaseRecord> found = store.findByClientId(clientId);
    if (found.isEmpty()) {
      return;   // the rule for unknown ids: removing what is not there succeeds (docs/concepts.md)
    }
    LeaseRecord record = found.get();
    if (revokeRecord(record, RevokeReason.EXPLICIT, true)) {
      auditor.record(new TokenDeleted(clock.instant(), auditor.actor(), auditor.ref(record)));
    }
  }

  /**
   * The one way a lease ends: claim it (ACTIVE/REVOKE_FAILED → REVOKING), delete the token (404 = already gone),
   * delete the record, audit. A failure leaves the record in REVOKE_FAILED with its error, for retry.
   *
   * @return whether this call ended the lease (false when another caller already had it, or, for an expiry, when the
   *     lease was renewed meanwhile)
   */
  boolean revokeRecord(LeaseRecord record, RevokeReason reason, boolean rethrow) {
    LeaseRecord claimed = claim(record, reason == RevokeReason.EXPIRED);
    if (claimed == null) {
      return false;
    }
    try {
      OrgConfig org = orgsAndRoles.findOrg(claimed.orgId()).orElseThrow(() ->
          new NotFoundException(NotFoundException.Kind.ORG, claimed.orgId()));
      boolean deleted = backend.delete(org, claimed);
      if (!store.delete(claimed)) {
        // Recovery took over our claim (it looked abandoned) and will end and audit the lease: once, not twice.
        LOG.warn("the revoke claim of lease {} was reclaimed by recovery meanwhile", claimed.leaseId());
        return false;
      }
      auditor.record(new LeaseRevoked(clock.instant(), auditor.actor(), auditor.ref(claimed), reason, !deleted));
      LOG.info("Revoked lease {} for token '{}' ({}{})", claimed.leaseId(), claimed.clientId().orElse("?"),
          reason, deleted ? "" : ", already gone");
      customRoles.released(claimed);   // a scoped token's custom role, once no lease holds it (after a grace period)
      return true;
    } catch (RuntimeException e) {
      LeaseRecord failed = claimed.next().state(LeaseState.REVOKE_FAILED).lastError(RealTokenManager.safeMessage(e))
          .revokeAttempts(claimed.revokeAttempts() + 1).stateChangedAt(clock.instant()).build();
      store.compareAndSet(claimed, failed);
      auditor.record(new RevokeFailed(clock.instant(), auditor.actor(), auditor.ref(claimed), reason,
          failed.revokeAttempts(), e.getClass().getName(), RealTokenManager.safeMessage(e)));
      LOG.warn("Revoking lease {} failed (attempt {}): {}", claimed.leaseId(), failed.revokeAttempts(),
          RealTokenManager.safeMessage(e));
      if (rethrow) {
        throw e;
      }
      return false;
    }
  }

  /**
   * @param onlyIfExpired an expiry's claim: the record may have been read before another manager renewed it, so a
   *     re-read that is live again is left alone (a renewal that returned must not be followed by a revoke)
   */
  private @Nullable LeaseRecord claim(LeaseRecord record, boolean onlyIfExpired) {
    LeaseRecord current = record;
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      if (current.state() == LeaseState.PENDING) {
        throw new LeasePendingException(current.leaseId());
      }
      if (current.state() == LeaseState.REVOKING) {
        return null;
      }
      if (onlyIfExpired && current.state() == LeaseState.ACTIVE && clock.instant().isBefore(current.expiresAt())) {
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

  /** Deletes a token nobody will hold (no record claims it); a failure is logged for reconcile to report. */
  void deleteQuietly(OrgConfig org, LeaseRecord record) {
    try {
      backend.delete(org, record);
    } catch (RuntimeException e) {
      LOG.error("could not delete token '{}' of lease {} ({}); reconcile will report it",
          record.clientId().orElse("?"), record.leaseId(), e.getClass().getName());
    }
  }

  // ------------------------------------------------------------------ reap

  /** Ends up to one batch of leases past their expiry; the number ended. */
  int reapExpired() {
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
}
