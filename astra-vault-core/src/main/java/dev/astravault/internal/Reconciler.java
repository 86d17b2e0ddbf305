package dev.astravault.internal;

import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.OrgConfig;
import dev.astravault.ReconcileReport;
import dev.astravault.ReconcileReport.RecordFinding;
import dev.astravault.ReconcileReport.UnknownToken;
import dev.astravault.ReconcileReport.UnreadableRecord;
import dev.astravault.StoreException;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.ReconcileFinding;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.astra.RemoteToken;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.store.UnreadableRows;
import dev.astravault.internal.support.Descriptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Compares an org's tokens in Astra with the store. Unknown tokens that carry our tag are deleted when fixing;
 * records whose token is gone and leases past expiry are ended through the manager's one revoke path. A token whose
 * tag names a PENDING record is being issued right now and is not reported; nor is a record committed after the list
 * was read. A record the store cannot read (a key this instance lacks, a row rewritten outside the library) is
 * reported with the live token that names it, and never fixed: its fields cannot be trusted either way.
 */
final class Reconciler {
  private static final Logger LOG = Redaction.logger(Reconciler.class);

  private final RealTokenManager engine;

  Reconciler(RealTokenManager engine) {
    this.engine = engine;
  }

  ReconcileReport reconcile(OrgConfig org, boolean fix) {
    // Records are read twice. Those read before the list are the ones whose token the list must show: a record that
    // held a client id then had its token before the list began. Another manager may commit a token after the list
    // and before the second read; comparing clocks (Astra's generatedOn with ours) cannot tell that apart reliably.
    // Rows this instance cannot read are left out of both reads and reported, never taken as absent.
    Map<String, StoreException> unreadable = new TreeMap<>();
    List<LeaseRecord> before = records(org, unreadable);
    Instant listedAt = engine.clock().instant();
    List<RemoteToken> remote = engine.backend().remoteTokens(org);
    // Read after the list: every token in the list had its record written before its POST.
    List<LeaseRecord> records = records(org, unreadable);
    Map<String, LeaseRecord> byClientId = new HashMap<>();
    Map<String, LeaseRecord> byLeaseId = new HashMap<>();
    for (LeaseRecord r : records) {
      r.clientId().ifPresent(c -> byClientId.put(c, r));
      byLeaseId.put(r.leaseId(), r);
    }

    List<UnknownToken> unknown = new ArrayList<>();
    Map<String, String> unreadableTokens = new HashMap<>();
    for (RemoteToken t : remote) {
      if (byClientId.containsKey(t.clientId())) {
        continue;
      }
      String leaseId = Descriptions.leaseId(t.description());
      if (leaseId != null && unreadable.containsKey(leaseId)) {
        unreadableTokens.put(leaseId, t.clientId());
        continue; // its record cannot be read: reported below, never deleted as unknown
      }
      LeaseRecord tagged = leaseId == null ? null : byLeaseId.get(leaseId);
      if (tagged != null && tagged.state() == LeaseState.PENDING) {
        continue; // being issued, or left for recovery to settle
      }
      if (committedSince(t)) {
        continue; // committed after we read the records, or held by a record we cannot read (reported below)
      }
      // Ours: our tag, made by this deployment or by a version that wrote no deployment; another deployment's is not.
      String deployment = Descriptions.deploymentId(t.description());
      boolean ours = leaseId != null
          && (deployment == null || deployment.equals(engine.settings().deploymentId()));
      boolean fixed = fix && ours && deleteOrphan(org, t, leaseId);
      unknown.add(new UnknownToken(t.clientId(), t.description(), t.generatedOn(), ours, leaseId, fixed));
      finding(org, ReconcileFinding.Kind.UNKNOWN_TOKEN, t.clientId(), leaseId, fixed);
    }

    Map<String, RemoteToken> remoteById = new HashMap<>();
    remote.forEach(t -> remoteById.put(t.clientId(), t));
    List<RecordFinding> missing = new ArrayList<>();
    List<RecordFinding> expired = new ArrayList<>();
    Instant now = engine.clock().instant();
    for (LeaseRecord r : before) {
      if (r.state() == LeaseState.PENDING || r.state() == LeaseState.REVOKING || r.clientId().isEmpty()) {
        continue;
      }
      if (!remoteById.containsKey(r.clientId().get())) {
        boolean fixed = fix && end(r, RevokeReason.REAPED);
        missing.add(new RecordFinding(r.leaseId(), r.clientId().get(), r.state(), r.expiresAt(), fixed));
        finding(org, ReconcileFinding.Kind.MISSING_TOKEN, r.clientId().get(), r.leaseId(), fixed);
      } else if (!r.expiresAt().isAfter(now)) {
        boolean fixed = fix && end(r, RevokeReason.EXPIRED);
        expired.add(new RecordFinding(r.leaseId(), r.clientId().get(), r.state(), r.expiresAt(), fixed));
        finding(org, ReconcileFinding.Kind.EXPIRED_LEASE, r.clientId().get(), r.leaseId(), fixed);
      }
    }
    List<UnreadableRecord> unread = new ArrayList<>();
    unreadable.forEach((leaseId, e) -> {
      String clientId = unreadableTokens.get(leaseId);
      if (clientId != null || leaseId.startsWith("astra/" + org.orgId() + "/")) {
        unread.add(new UnreadableRecord(leaseId, clientId, UnreadableRows.reason(e)));
        finding(org, ReconcileFinding.Kind.UNREADABLE_RECORD, clientId, leaseId, false);
      }
    });
    // Scoped tokens' custom roles, after the records above are settled (fix may have ended leases).
    return new ReconcileReport(org.orgId(), listedAt, unknown, missing, expired,
        engine.customRoles().reconcile(org, fix), unread);
  }

  /** Whether a record holds {@code t} now; a record that holds it but cannot be read counts (it is not unknown). */
  private boolean committedSince(RemoteToken t) {
    try {
      return engine.store().findByClientId(t.clientId()).isPresent();
    } catch (StoreException e) {
      if (!UnreadableRows.unreadable(e)) {
        throw e;
      }
      return true;
    }
  }

  private boolean deleteOrphan(OrgConfig org, RemoteToken t, String leaseId) {
    Instant now = engine.clock().instant();
    LeaseRecord ghost = LeaseRecord.builder().leaseId(leaseId).orgId(org.orgId()).roleName("unknown")
        .roleId(t.roles().isEmpty() ? "unknown" : t.roles().get(0)).style(IssueStyle.PER_REQUEST)
        .clientId(t.clientId()).description(Optional.ofNullable(t.description()).orElse(""))
        .issuedAt(now).ttl(Duration.ofSeconds(1)).expiresAt(now).maxExpiresAt(now).build();
    try {
      // Gone since the list (another manager's sweep or reconcile deleted it and audited that): fixed, not by us.
      if (engine.backend().delete(org, ghost)) {
        engine.auditor().record(new LeaseRevoked(now, engine.auditor().actor(), engine.auditor().ref(ghost),
            RevokeReason.REAPED, false));
      }
      return true;
    } catch (RuntimeException e) {
      LOG.warn("reconcile could not delete unknown token '{}': {}", t.clientId(), RealTokenManager.safeMessage(e));
      return false;
    }
  }

  /**
   * The org's records by its lease-id prefix: another org's records are not read (nor can a bad one fail this).
   * Rows under the prefix that cannot be read go to {@code unreadable}.
   */
  private List<LeaseRecord> records(OrgConfig org, Map<String, StoreException> unreadable) {
    return engine.store().list(LeaseIds.orgPrefix(org.orgId()), unreadable::put).stream()
        .filter(r -> r.orgId().equals(org.orgId())).toList();
  }

  private boolean end(LeaseRecord r, RevokeReason reason) {
    try {
      return engine.revokeRecord(r, reason, false);
    } catch (RuntimeException e) {
      LOG.warn("reconcile could not end lease {}: {}", r.leaseId(), RealTokenManager.safeMessage(e));
      return false;
    }
  }

  private void finding(OrgConfig org, ReconcileFinding.Kind kind, @Nullable String clientId,
      @Nullable String leaseId, boolean fixed) {
    engine.auditor().record(new ReconcileFinding(engine.clock().instant(), engine.auditor().actor(), org.orgId(),
        kind, clientId, leaseId, fixed));
  }
}
