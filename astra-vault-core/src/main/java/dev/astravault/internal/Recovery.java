package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Scheduler;
import dev.astravault.StoreException;
import dev.astravault.IssueStyle;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.ReconcileFinding;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.astra.RemoteToken;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.store.UnreadableRows;
import dev.astravault.internal.support.Descriptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Puts the store and Astra back in agreement after crashes: run once when the manager is built and then every
 * {@link RecoverySettings#interval()} on the manager's scheduler. One pass:
 * <ol>
 *   <li><b>Stale PENDING records</b> (older than {@code pendingSettleAfter}): a process died between writing the
 *       record and committing it. The record is claimed by compare-and-set (so a still-running issuer's commit fails
 *       and it deletes its own token), the org's tokens are listed, every token whose description carries the
 *       record's tag is deleted (its secret was never stored, so it cannot be adopted), and the record is deleted.
 *       Each deleted token is audited as {@link LeaseRevoked} with reason {@link RevokeReason#REAPED}.</li>
 *   <li><b>Stale REVOKING claims</b> (older than {@code revokingStaleAfter}): the manager that claimed the revoke
 *       died. The claim is moved to REVOKE_FAILED and revoked again (a DELETE that finds the token gone counts).</li>
 *   <li><b>Failed revokes</b>: each REVOKE_FAILED record is retried once its back-off has passed
 *       ({@link RecoverySettings#backoff} of its attempts, counted from its {@code stateChangedAt}); it stays
 *       visible, with its error, until a retry succeeds.</li>
 *   <li><b>Expired leases</b>: revoked through the manager's one revoke path.</li>
 *   <li><b>Orphan sweep</b> (every explicit pass; scheduled passes at most every {@code max(interval, orphanGrace/3)};
 *       not the pass at start; direct mode, when {@link RecoverySettings#orphanSweep()} is on and the manager has a
 *       deployment id): every org's tokens are listed, and a token whose description carries <em>this</em>
 *       deployment's tag ({@link Descriptions}) but which no record knows (no record of its lease id, or one holding
 *       another client id) is deleted once it is older than {@link RecoverySettings#orphanGrace()}, by Astra's
 *       {@code generatedOn} or, when Astra gives none, since this process first saw it unknown. The list comes
 *       before the record look-ups, and every create writes its record before its POST, so a token being issued is
 *       always known. Each deletion is audited as {@link ReconcileFinding} (UNKNOWN_TOKEN, fixed) and
 *       {@link LeaseRevoked} ({@link RevokeReason#REAPED}). Tokens of other deployments, untagged tokens and tokens
 *       with the older tag without a deployment are never touched.</li>
 * </ol>
 * Every step claims its record by compare-and-set, so several managers sharing a store may recover at once.
 */
public final class Recovery {
  private static final Logger LOG = Redaction.logger(Recovery.class);
  private static final int BATCH = 256;

  private final RealTokenManager engine;
  private final RecoverySettings settings;
  private final AtomicBoolean stopped = new AtomicBoolean();
  // A live token whose record cannot be read is passed by on every sweep: warned about once, not every time.
  private final UnreadableRows unreadable = new UnreadableRows(Recovery.class);
  // Client id -> when this process first saw it as an unknown token of this deployment (for tokens without
  // generatedOn). Only touched by runOnce, which the scheduler runs on one thread at a time; guarded anyway.
  private final Map<String, Instant> firstSeenUnknown = new HashMap<>();
  private volatile Scheduler.@Nullable Task task;
  private volatile @Nullable Instant lastSweep;

  /** What one pass did. */
  public record Result(int pendingSettled, int orphansDeleted, int staleClaimsReclaimed, int retriesSucceeded,
      int expiredRevoked, int orphansSwept) {}

  public Recovery(RealTokenManager engine, RecoverySettings settings) {
    this.engine = engine;
    this.settings = settings;
  }

  public RecoverySettings settings() {
    return settings;
  }

  /**
   * Runs one pass now, then schedules the next ones (unless the interval is zero). The pass at start skips the orphan
   * sweep: it would list every org's tokens on each start-up (each CLI command, each application start), and delay
   * it by the retries when Astra is down; its grace period means it would rarely find anything the first scheduled
   * pass does not.
   */
  public void start(Scheduler scheduler) {
    runQuietly(false);
    if (!settings.interval().isZero()) {
      task = scheduler.schedule(() -> loop(scheduler), settings.interval());
    }
  }

  public void stop() {
    stopped.set(true);
    Scheduler.Task t = task;
    if (t != null) {
      t.cancel();
    }
  }

  private void loop(Scheduler scheduler) {
    if (stopped.get()) {
      return;
    }
    try {
      runQuietly(sweepDue());
    } finally {
      if (!stopped.get()) {
        task = scheduler.schedule(() -> loop(scheduler), settings.interval());
      }
    }
  }

  /**
   * Scheduled passes sweep at most every {@code max(interval, orphanGrace / 3)} (5 minutes by default): each sweep
   * lists every org's tokens, and an orphan waits out the grace period anyway.
   */
  private boolean sweepDue() {
    Duration every = settings.orphanGrace().dividedBy(3);
    if (every.compareTo(settings.interval()) < 0) {
      every = settings.interval();
    }
    Instant last = lastSweep;
    return last == null || !engine.clock().instant().isBefore(last.plus(every));
  }

  private void runQuietly(boolean sweep) {
    try {
      Result r = runOnce(sweep);
      if (r.pendingSettled() + r.staleClaimsReclaimed() + r.retriesSucceeded() + r.expiredRevoked()
          + r.orphansSwept() > 0) {
        LOG.info("recovery: {}", r);
      }
    } catch (RuntimeException e) {
      LOG.warn("recovery pass failed: {}", RealTokenManager.safeMessage(e));
    }
  }

  /** One recovery pass, orphan sweep included; each record's failure is logged and left for the next pass. */
  public Result runOnce() {
    return runOnce(true);
  }

  private Result runOnce(boolean sweep) {
    int[] pending = settlePending();
    int reclaimed = reclaimStaleRevokes();
    int retried = retryFailedRevokes();
    int expired = engine.reapExpired();
    int swept = 0;
    if (sweep) {
      lastSweep = engine.clock().instant();
      swept = sweepOrphans();
    }
    // After the leases above are settled: custom roles no lease holds any more (issue 17).
    swept += engine.customRoles().recover(sweep && settings.orphanSweep());
    return new Result(pending[0], pending[1], reclaimed, retried, expired, swept);
  }

  private int sweepOrphans() {
    String deployment = engine.settings().deploymentId();
    // No deployment id, no tag to recognise our own tokens by (Vault mode never has one: Vault tags its tokens).
    if (!settings.orphanSweep() || deployment == null) {
      return 0;
    }
    int swept = 0;
    Set<String> stillUnknown = new HashSet<>();
    for (OrgConfig org : engine.store().orgs()) {
      // Listed before any record is read: a token in this list had its record written before its POST.
      Optional<List<RemoteToken>> remote = list(org);
      if (remote.isEmpty()) {
        continue;
      }
      for (RemoteToken t : remote.get()) {
        if (!deployment.equals(Descriptions.deploymentId(t.description()))) {
          continue;
        }
        try {
          boolean known = known(t);
          unreadable.readableToken(t.clientId());
          if (known) {
            continue;
          }
          Instant now = engine.clock().instant();
          stillUnknown.add(t.clientId());
          Instant seen;
          synchronized (firstSeenUnknown) {
            seen = firstSeenUnknown.computeIfAbsent(t.clientId(), id -> now);
          }
          Instant since = t.generatedOn() != null && t.generatedOn().isBefore(seen) ? t.generatedOn() : seen;
          if (since.plus(settings.orphanGrace()).isAfter(now)) {
            continue;
          }
          stillUnknown.remove(t.clientId());
          if (deleteOrphan(org, t)) {
            swept++;
          }
        } catch (StoreException e) {
          if (!UnreadableRows.unreadable(e)) {
            warnUnhandled(org, t, e);
          } else {
            unreadable.skippedToken(t.clientId(), org.orgId(), Descriptions.leaseId(t.description()), e);
          }
        } catch (RuntimeException e) {
          warnUnhandled(org, t, e);
        }
      }
    }
    synchronized (firstSeenUnknown) {
      firstSeenUnknown.keySet().retainAll(stillUnknown);
    }
    return swept;
  }

  private static void warnUnhandled(OrgConfig org, RemoteToken t, RuntimeException e) {
    LOG.warn("orphan sweep could not handle token '{}' of org {}: {}", t.clientId(), org.orgId(),
        RealTokenManager.safeMessage(e));
  }

  /** Whether a record owns this token: its lease's record, still without a client id or with this one. */
  private boolean known(RemoteToken t) {
    String leaseId = Descriptions.leaseId(t.description());
    Optional<LeaseRecord> byLease = leaseId == null ? Optional.empty() : engine.store().get(leaseId);
    if (byLease.isPresent()
        && byLease.get().clientId().map(c -> c.equals(t.clientId())).orElse(true)) {
      return true;
    }
    return engine.store().findByClientId(t.clientId()).isPresent();
  }

  private boolean deleteOrphan(OrgConfig org, RemoteToken t) {
    Instant now = engine.clock().instant();
    String leaseId = Objects.requireNonNull(Descriptions.leaseId(t.description()));
    LeaseRecord ghost = LeaseRecord.builder().leaseId(leaseId).orgId(org.orgId()).roleName("unknown")
        .roleId(t.roles().isEmpty() ? "unknown" : t.roles().get(0)).style(IssueStyle.PER_REQUEST)
        .clientId(t.clientId()).description(Objects.requireNonNull(t.description()))
        .issuedAt(now).ttl(Duration.ofSeconds(1)).expiresAt(now).maxExpiresAt(now).build();
    if (!engine.backend().delete(org, ghost)) {
      // Gone since the list: its lease was revoked meanwhile (the revoke deletes the token before the record).
      LOG.debug("orphan sweep: token '{}' (lease {}) was already gone", t.clientId(), leaseId);
      return false;
    }
    engine.auditor().record(new ReconcileFinding(now, engine.auditor().actor(), org.orgId(),
        ReconcileFinding.Kind.UNKNOWN_TOKEN, t.clientId(), leaseId, true));
    engine.auditor().record(new LeaseRevoked(now, engine.auditor().actor(), engine.auditor().ref(ghost),
        RevokeReason.REAPED, false));
    LOG.warn("orphan sweep deleted token '{}' (lease {}): it carries this deployment's tag but no record knows it",
        t.clientId(), leaseId);
    return true;
  }

  private int[] settlePending() {
    LeaseStore store = engine.store();
    Instant now = engine.clock().instant();
    Map<String, Optional<List<RemoteToken>>> remoteByOrg = new HashMap<>();
    int settled = 0;
    int orphans = 0;
    for (LeaseRecord p : store.pendingBefore(now.minus(settings.pendingSettleAfter()), BATCH)) {
      // Another recoverer's fresh claim: leave it to them.
      if (p.stateChangedAt().map(t -> t.isAfter(now.minus(settings.revokingStaleAfter()))).orElse(false)) {
        continue;
      }
      Optional<OrgConfig> org;
      try {
        org = store.org(p.orgId());
      } catch (RuntimeException e) {
        // An org row this instance cannot read (docs/operations.md) holds up its own leases only.
        LOG.warn("recovery could not read org {} of pending lease {}: {}", p.orgId(), p.leaseId(),
            RealTokenManager.safeMessage(e));
        continue;
      }
      if (org.isEmpty()) {
        LOG.error("pending lease {} belongs to org {}, which has no config; cannot settle it", p.leaseId(),
            p.orgId());
        continue;
      }
      Optional<List<RemoteToken>> remote = remoteByOrg.computeIfAbsent(p.orgId(), id -> list(org.get()));
      if (remote.isEmpty()) {
        continue;
      }
      LeaseRecord claimed = p.next().stateChangedAt(now).build();
      if (!store.compareAndSet(p, claimed)) {
        continue;
      }
      try {
        for (RemoteToken t : remote.get()) {
          if (p.description().equals(t.description())) {
            LeaseRecord ghost = claimed.toBuilder().clientId(t.clientId()).build();
            boolean deleted = engine.backend().delete(org.get(), ghost);
            orphans++;
            engine.auditor().record(new LeaseRevoked(engine.clock().instant(), engine.auditor().actor(),
                engine.auditor().ref(ghost), RevokeReason.REAPED, !deleted));
            LOG.warn("recovery deleted token '{}' of lease {}, created before a crash and never committed",
                t.clientId(), p.leaseId());
          }
        }
        if (store.delete(claimed)) {
          settled++;
        }
      } catch (RuntimeException e) {
        LOG.warn("recovery could not settle pending lease {}: {}", p.leaseId(), RealTokenManager.safeMessage(e));
      }
    }
    return new int[] {settled, orphans};
  }

  private Optional<List<RemoteToken>> list(OrgConfig org) {
    try {
      return Optional.of(engine.backend().remoteTokens(org));
    } catch (RuntimeException e) {
      LOG.warn("recovery could not list the tokens of org {}: {}", org.orgId(), RealTokenManager.safeMessage(e));
      return Optional.empty();
    }
  }

  private int reclaimStaleRevokes() {
    LeaseStore store = engine.store();
    Instant now = engine.clock().instant();
    int ended = 0;
    for (LeaseRecord r : store.changedBefore(LeaseState.REVOKING, now.minus(settings.revokingStaleAfter()), BATCH)) {
      LeaseRecord abandoned = r.next().state(LeaseState.REVOKE_FAILED)
          .lastError("the revoke claim was abandoned (its manager stopped); reclaimed by recovery")
          .stateChangedAt(now).build();
      if (!store.compareAndSet(r, abandoned)) {
        continue;
      }
      LOG.warn("recovery reclaimed the abandoned revoke of lease {}", r.leaseId());
      if (revoke(abandoned, now)) {
        ended++;
      }
    }
    return ended;
  }

  private int retryFailedRevokes() {
    Instant now = engine.clock().instant();
    int ended = 0;
    for (LeaseRecord r : engine.store().changedBefore(LeaseState.REVOKE_FAILED, now.plusNanos(1), BATCH)) {
      Instant due = r.stateChangedAt().map(t -> t.plus(settings.backoff(r.revokeAttempts()))).orElse(Instant.MIN);
      if (due.isAfter(now)) {
        continue;
      }
      if (revoke(r, now)) {
        ended++;
      }
    }
    return ended;
  }

  private boolean revoke(LeaseRecord r, Instant now) {
    try {
      return engine.revokeRecord(r, r.expiresAt().isAfter(now) ? RevokeReason.EXPLICIT : RevokeReason.EXPIRED,
          false);
    } catch (RuntimeException e) {
      LOG.warn("recovery could not revoke lease {}: {}", r.leaseId(), RealTokenManager.safeMessage(e));
      return false;
    }
  }
}
