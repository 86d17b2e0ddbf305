package dev.astravault.internal;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.redact.Redaction;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The successor slot of a UNIQUE-style triple (docs/rotation.md). A rotation stores its new token as the triple's
 * successor, ends the old primary after the overlap and then promotes the successor. Two rules keep the triple at one
 * live token for managers sharing a store, also between the old primary's deletion and the promotion:
 * <ol>
 *   <li>the store refuses a primary's insert while a successor holds the triple ({@link LeaseStore}'s
 *       insert-unique); an issuer so refused promotes a lone ACTIVE successor itself, as its handle would next,
 *       so that the triple has its primary again (and a successor whose manager died there blocks nothing);</li>
 *   <li>a rotation, once its successor is stored, reads the triple's primary: its own current lease is fine; none
 *       (its old token was ended elsewhere) means it promotes the successor at once; another lease means the triple
 *       was taken meanwhile, and the new token is revoked. So a successor is only ever left waiting behind a primary
 *       that was there before it: any primary inserted later sees it.</li>
 * </ol>
 */
final class Successors {
  private static final Logger LOG = Redaction.logger(TokenManager.class);
  private static final int CAS_ATTEMPTS = 16;

  private Successors() {}

  /**
   * The triple's successor record, in any state (a list of the role's leases: only on rare paths). A lease of the
   * role this instance cannot read is passed by, as the finders do (docs/stores.md, "Rows a store cannot read"):
   * before, one such row of the role made an issue refused by a lone successor, and a rotation whose slot was
   * taken, fail. Passing it by cannot double the triple: the store, not this list, decides it. A promotion is a
   * compare-and-set that the store refuses while a primary holds the triple, readable or not; and only a readable
   * record, which the key authenticates as this triple's successor, is ever promoted or revoked. If the unreadable
   * row is the successor itself, nothing is found, and the callers give up with TokenAlreadyExistsException.
   */
  static Optional<LeaseRecord> of(LeaseStore store, String orgId, String roleName, String logicalName) {
    return store.list(LeaseIds.ROOT + orgId + "/" + roleName + "/", (leaseId, e) -> LOG.debug(
        "looking for the successor of ({}, {}, {}): passed by lease {}, which this instance cannot read: {}", orgId,
        roleName, logicalName, leaseId, e.getMessage())).stream()
        .filter(r -> r.successor() && r.orgId().equals(orgId) && r.roleName().equals(roleName)
            && r.logicalName().filter(logicalName::equals).isPresent())
        .findFirst();
  }

  /**
   * Issues the new token of a UNIQUE-style rotation into the successor slot; a successor left over by an earlier
   * failed attempt is revoked first. Then rule 2 above.
   */
  static AstraToken issueForRotation(RealTokenManager manager, TokenRequest request, String currentLeaseId) {
    OrgConfig org = manager.requireOrgConfig(request.org());
    String name = request.logicalName().orElseThrow();
    AstraToken fresh;
    try {
      fresh = manager.issueSuccessor(request);
    } catch (TokenAlreadyExistsException taken) {
      Optional<LeaseRecord> stale = of(manager.store(), org.orgId(), request.role(), name);
      if (stale.isEmpty() || stale.get().leaseId().equals(currentLeaseId)) {
        throw taken;
      }
      LOG.warn("revoking successor lease {} left over by an earlier rotation", stale.get().leaseId());
      manager.revokeRecord(stale.get(), RevokeReason.REAPED, true);
      fresh = manager.issueSuccessor(request);
    }
    String freshLease = fresh.lease().leaseId();
    LeaseStore store = manager.store();
    Optional<LeaseRecord> primary = store.findByTriple(org.orgId(), request.role(), name);
    if (primary.isEmpty()) {
      try {
        promote(store, freshLease);   // the old token was ended elsewhere: nothing to wait for
      } catch (TokenAlreadyExistsException meanwhile) {
        LOG.debug("the triple of lease {} got a primary while it was promoted", freshLease);
      }
      primary = store.findByTriple(org.orgId(), request.role(), name);
    }
    String holder = primary.map(LeaseRecord::leaseId).orElse(freshLease);
    if (holder.equals(currentLeaseId) || holder.equals(freshLease)) {
      return fresh;
    }
    // The current token's record was ended elsewhere and another lease took the triple: the new token is not ours
    // to serve, or the triple would hold two live tokens.
    store.get(freshLease).ifPresent(r -> manager.revokeRecord(r, RevokeReason.REAPED, false));
    throw new TokenAlreadyExistsException(org.orgId(), request.role(), name, "lease " + holder
        + " took it while lease " + currentLeaseId + " was being rotated; the new token was revoked");
  }

  /** Makes a successor record the triple's primary one, once the old primary is gone; a no-op if it is not one. */
  static void promote(LeaseStore store, String leaseId) {
    for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      Optional<LeaseRecord> record = store.get(leaseId);
      if (record.isEmpty() || !record.get().successor()) {
        return;
      }
      if (store.compareAndSet(record.get(), record.get().next().successor(false).build())) {
        return;
      }
    }
    throw new AstraVaultException("lease " + leaseId + " is changing too fast to promote; will retry");
  }

  /**
   * Rule 1 above, for an issuer whose primary insert was refused and that found no primary: promotes {@code lone}
   * if it is ACTIVE. Losing the compare-and-set, or finding a primary there after all, changes nothing.
   */
  static void promoteLone(LeaseStore store, LeaseRecord lone) {
    if (lone.state() != LeaseState.ACTIVE || !lone.successor()) {
      return;
    }
    try {
      if (store.compareAndSet(lone, lone.next().successor(false).build())) {
        LOG.info("promoted successor lease {}: its triple had no primary", lone.leaseId());
      }
    } catch (TokenAlreadyExistsException meanwhile) {
      LOG.debug("successor lease {} was not promoted: its triple got a primary meanwhile", lone.leaseId());
    }
  }
}
