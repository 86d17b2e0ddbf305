package dev.astravault.internal.store;

import dev.astravault.SecretDecryptionException;
import dev.astravault.StoreException;
import dev.astravault.internal.redact.Redaction;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The lease rows a store's finders skipped because this instance cannot read them: sealed under a key it does not
 * hold, or rewritten by someone without the key. One such row must not stop the sweeper or recovery from ending the
 * leases around it, so the finders ({@code expiringBefore}, {@code pendingBefore}, {@code changedBefore}) leave it
 * out, and this class makes it visible: a WARN naming the lease id (not a secret) and the reason, once per row and
 * reason for the life of the store instance, then at DEBUG, so a sweep every few seconds does not flood the log.
 * The message of the store's exception is logged too: it names the row and the column or key id, never a value.
 * The orphan sweep reports the live tokens it passes by for the same reason through its own instance.
 */
public final class UnreadableRows {
  // Bounded: when full it forgets everything, and the rows still unreadable are warned about once more.
  private static final int REMEMBERED = 4096;

  private final Logger log;
  private final Map<String, String> warned = new ConcurrentHashMap<>();

  public UnreadableRows(Class<?> store) {
    this.log = Redaction.logger(store);
  }

  /** Whether {@code e} says the row cannot be read, rather than that the storage failed (which must propagate). */
  public static boolean unreadable(RuntimeException e) {
    return e instanceof SecretDecryptionException || e instanceof MalformedRowException;
  }

  /** The kind of {@code e}, for the log: UNKNOWN_KEY, TAMPERED, MALFORMED_CIPHERTEXT or MALFORMED_ROW. */
  public static String reason(StoreException e) {
    if (e instanceof SecretDecryptionException d) {
      return d.reason() == SecretDecryptionException.Reason.MALFORMED ? "MALFORMED_CIPHERTEXT" : d.reason().name();
    }
    return "MALFORMED_ROW";
  }

  /** Reports a row a finder skipped. */
  public void skipped(String leaseId, StoreException e) {
    report(leaseId, "lease store: skipped lease " + leaseId, "which", e, "Until it is fixed the sweeper and "
        + "recovery pass it by (it is not revoked)");
  }

  /**
   * Reports an org config a listing ({@code orgs()}) left out: one damaged org must not hide every other org. Keyed
   * apart from lease ids, warned about once per org and reason like a lease row.
   */
  public void skippedOrg(String orgId, StoreException e) {
    report("org " + orgId, "lease store: left out org " + orgId, "whose stored config", e, "Org listings leave it "
        + "out and its own calls fail until it is fixed or deleted");
  }

  /**
   * Reports a role a listing ({@code roles(org)}) left out: rewritten without the key, or without a tag. One damaged
   * role must not hide the org's others; left out it is never issued with, and its name stays taken (an
   * insert-if-absent of it fails) until an operator writes the role again or deletes it. Warned once like an org.
   */
  public void skippedRole(String orgId, String name, StoreException e) {
    report("role " + orgId + "/" + name, "lease store: left out role " + name + " of org " + orgId, "which", e,
        "Role listings leave it out and issues with it fail until it is written again or deleted");
  }

  /**
   * Reports a live Astra token of this deployment that the orphan sweep passed by because the record naming it (its
   * lease's, or the one holding its client id) cannot be read. Never deleted: a key this instance lacks is a common
   * cause, and the token is then in use. Warned once per token and reason like a lease row, not on every sweep.
   */
  public void skippedToken(String clientId, String orgId, @Nullable String leaseId, StoreException e) {
    report("token " + clientId, "orphan sweep: passed by live token '" + clientId + "' of org " + orgId
        + (leaseId == null ? "" : " (lease " + leaseId + ")"), "whose record", e, "It is not deleted, and "
        + "reconcile reports it as UNREADABLE_RECORD");
  }

  /** A token the orphan sweep could look up again: warned about afresh should its record break again. */
  public void readableToken(String clientId) {
    forget("token " + clientId);
  }

  /** A row read again: if it was skipped before, it is warned about afresh should it break again. */
  public void readable(String leaseId) {
    forget(leaseId);
  }

  /** An org config read again in a listing: warned about afresh should it break again. */
  public void readableOrg(String orgId) {
    forget("org " + orgId);
  }

  /** A role read again in a listing: warned about afresh should it break again. */
  public void readableRole(String orgId, String name) {
    forget("role " + orgId + "/" + name);
  }

  /**
   * A WARN the first time {@code key} is reported for its reason (remembered within the bound), DEBUG after. The
   * subject names the row by id; the exception's message names the row and a column or key id, never a value.
   */
  private void report(String key, String subject, String clause, StoreException e, String consequence) {
    String reason = reason(e);
    if (reason.equals(warned.get(key))) {
      log.debug("{} again ({})", subject, reason);
      return;
    }
    if (warned.size() >= REMEMBERED) {
      warned.clear();
    }
    warned.put(key, reason);
    log.warn("{}, {} this instance cannot read ({}): {}. {}; see docs/operations.md", subject, clause,
        reason, e.getMessage(), consequence);
  }

  private void forget(String key) {
    if (!warned.isEmpty()) {
      warned.remove(key);
    }
  }
}
