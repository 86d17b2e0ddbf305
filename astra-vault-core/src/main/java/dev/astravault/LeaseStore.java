package dev.astravault;

import dev.astravault.store.InMemoryLeaseStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link TokenManager} keeps leases, org configs (root tokens included) and roles. The store is the source
 * of truth in direct mode; several managers may share one durable store.
 *
 * <h2>Concurrency contract</h2>
 * <ul>
 *   <li>Every method is thread-safe and, for shared stores, safe across processes.</li>
 *   <li>{@link #insert} is atomic with respect to the uniqueness of the (org, role, logical name, successor) key of
 *       {@link IssueStyle#UNIQUE} records: of concurrent inserts for one key exactly one succeeds, the others throw
 *       {@link TokenAlreadyExistsException}. The key stays taken until the record is deleted, whatever its state.</li>
 *   <li>{@link #compareAndSet} and {@link #delete} succeed only if the stored version equals the expected record's
 *       version; otherwise they change nothing and return {@code false}. A successful compare-and-set stores the
 *       updated record, whose version must be the expected version + 1.</li>
 *   <li>Reads return a consistent snapshot of each record (never a torn one), but lists are not a snapshot of the
 *       whole store.</li>
 *   <li>Failures of the underlying storage are thrown as {@link StoreException}.</li>
 * </ul>
 */
public interface LeaseStore extends AutoCloseable {

  // ---- leases

  Optional<LeaseRecord> get(String leaseId);

  /** The primary (non-successor) UNIQUE-style record of a triple. */
  Optional<LeaseRecord> findByTriple(String orgId, String roleName, String logicalName);

  Optional<LeaseRecord> findByClientId(String clientId);

  /** Records whose lease id starts with {@code prefix} ({@code ""} for all), ordered by lease id. */
  List<LeaseRecord> list(String prefix);

  /**
   * At most {@code limit} records in state ACTIVE or REVOKE_FAILED whose {@code expiresAt} is strictly before
   * {@code instant}, soonest first.
   */
  List<LeaseRecord> expiringBefore(Instant instant, int limit);

  /** At most {@code limit} PENDING records issued strictly before {@code instant}, oldest first. */
  List<LeaseRecord> pendingBefore(Instant instant, int limit);

  /**
   * Inserts a new record (its version is stored as given, normally 1).
   *
   * @throws TokenAlreadyExistsException if a UNIQUE-style record holds the same (org, role, logical name, successor)
   * @throws IllegalStateException if the lease id is already stored
   */
  void insert(LeaseRecord record);

  /**
   * Replaces {@code expected} with {@code updated} if the stored version still equals {@code expected.version()}.
   *
   * @throws IllegalArgumentException if the lease ids differ or {@code updated.version() != expected.version() + 1}
   */
  boolean compareAndSet(LeaseRecord expected, LeaseRecord updated);

  /** Deletes the record if the stored version still equals {@code expected.version()}. */
  boolean delete(LeaseRecord expected);

  // ---- org configs

  /**
   * Creates or replaces the org with this id.
   *
   * @throws IllegalArgumentException if another org already uses the logical name
   */
  void putOrg(OrgConfig org);

  Optional<OrgConfig> org(String orgId);

  Optional<OrgConfig> orgByLogicalName(String logicalName);

  /** All orgs, ordered by id. */
  List<OrgConfig> orgs();

  boolean deleteOrg(String orgId);

  // ---- roles

  /** Creates or replaces the role with this (org, name). */
  void putRole(Role role);

  Optional<Role> role(String orgId, String name);

  /** The org's roles, ordered by name. */
  List<Role> roles(String orgId);

  boolean deleteRole(String orgId, String name);

  /** Releases connections and files; the default does nothing. */
  @Override
  default void close() {}

  /** A store that lives in this process only: leases are forgotten when it exits. */
  static LeaseStore inMemory() {
    return new InMemoryLeaseStore();
  }
}
