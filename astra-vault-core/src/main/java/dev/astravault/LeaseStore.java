package dev.astravault;

import dev.astravault.store.InMemoryLeaseStore;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link TokenManager} keeps leases, org configs (root tokens included) and roles. In direct mode the store
 * is the source of truth: a token whose record is lost can only be found again by reconciliation. Several managers,
 * in one process or many, may share one durable store; the contract below is what makes that safe. The kit
 * {@code dev.astravault.test.store.LeaseStoreContract} in {@code astra-vault-test} checks an implementation against
 * it.
 *
 * <h2>Records and versions</h2>
 * A {@link LeaseRecord} is identified by its lease id and carries a {@code version} (1 on insert). Every change is a
 * {@link #compareAndSet} from version {@code n} to {@code n + 1}: a writer reads a record, derives the next one with
 * {@link LeaseRecord#next()}, and succeeds only if nobody changed the record meanwhile.
 *
 * <h2>Concurrency contract</h2>
 * <ul>
 *   <li>Every method is thread-safe and, for shared stores, safe across processes; each method is atomic on its
 *       own (there are no multi-call transactions).</li>
 *   <li><b>Insert-unique.</b> A record of style {@link IssueStyle#UNIQUE} holds the key (org id, role name, logical
 *       name, successor flag): at most one stored record holds each key, whatever its state, until it is deleted.
 *       Of any number of concurrent {@link #insert}s for one key exactly one succeeds; the others throw
 *       {@link TokenAlreadyExistsException} and store nothing. Records of other styles hold no key.</li>
 *   <li><b>A successor stands for its triple.</b> An {@link #insert} of a primary (non-successor) UNIQUE record
 *       also throws {@link TokenAlreadyExistsException} and stores nothing while a successor record holds the
 *       triple. A rotation ends its old primary and then promotes its successor by a {@link #compareAndSet} (which
 *       this rule does not touch); without the rule, another manager could issue the triple in between and it would
 *       hold two live tokens (docs/rotation.md). The insert takes the primary key first and looks for the successor
 *       after: it sees every successor stored before the primary key became free. A successor inserted
 *       <em>concurrently</em> into a triple that has no primary may go unseen in stores without transactions over
 *       both keys (PostgreSQL under READ COMMITTED, Vault KV; SQLite and the in-memory store see it): the engine
 *       never relies on that case, as a rotation reads the triple's primary after storing its successor and
 *       promotes the successor at once when there is none.</li>
 *   <li><b>Compare-and-set.</b> {@link #compareAndSet} stores {@code updated} if and only if the stored record's
 *       version equals {@code expected.version()} at that moment; then it returns {@code true}. Otherwise (the
 *       record changed or is gone) it changes nothing and returns {@code false}. Of concurrent compare-and-sets
 *       from the same version, exactly one returns {@code true}. If {@code updated} would take a key another record
 *       holds, it throws {@link TokenAlreadyExistsException} and changes nothing.</li>
 *   <li><b>Roles.</b> {@link #putRole} and {@link #deleteRole(String, String)} are last-writer-wins;
 *       {@link #compareAndSetRole} and {@link #deleteRole(Role)} act only if the stored role equals the expected one,
 *       with the same exactly-one-wins guarantee as leases. Reads of roles reflect every completed write.</li>
 *   <li><b>Delete</b> removes the record if and only if its version equals {@code expected.version()}, with the
 *       same exactly-one-wins guarantee, and frees its key.</li>
 *   <li><b>Reads</b> ({@link #get}, the finders and lists) return records as some successful write left them, never
 *       a mix of two writes, and reflect every write that completed before the read began. A list is not a
 *       snapshot of the whole store: records may change while it is being read. Returned lists are immutable or
 *       private copies.</li>
 *   <li><b>Claims.</b> Work that must happen once per lease (revoke, reap, recovery) is claimed by a compare-and-set
 *       of the record into a new state (for example ACTIVE → REVOKING); the finders only propose candidates.</li>
 *   <li><b>Secrets.</b> A durable store encrypts token secrets and root tokens at rest. A store that keeps no
 *       secrets returns records whose {@link LeaseRecord#token()} and {@link LeaseRecord#secret()} are empty.</li>
 *   <li>Failures of the underlying storage throw {@link StoreException} (a secret that cannot be decrypted,
 *       {@link SecretDecryptionException}); when a write throws, the caller cannot tell whether it took effect,
 *       and must read again.</li>
 *   <li><b>Unreadable rows.</b> A record this store cannot read (its secret sealed under a key it does not hold, or
 *       a value rewritten outside the library) is never returned in part: {@link #get}, {@link #findByTriple},
 *       {@link #findByClientId} and {@link #list} throw for it, naming it. The finders ({@link #expiringBefore},
 *       {@link #pendingBefore}, {@link #changedBefore}) leave it out instead, and it does not count against their
 *       {@code limit}: one bad row must not stop the sweeper and recovery from ending the leases around it. A
 *       store should make each one it leaves out visible (the stores in this library log a WARN naming the lease
 *       id and the reason, once per row). A failure of the storage itself still throws from the finders.</li>
 * </ul>
 */
public interface LeaseStore extends AutoCloseable {

  // ---- leases

  /**
   * The record with this lease id.
   *
   * @param leaseId the lease id
   * @return the record, or empty when none has that id
   */
  Optional<LeaseRecord> get(String leaseId);

  /**
   * The primary (non-successor) UNIQUE-style record of a triple, in any state.
   *
   * @param orgId the org id
   * @param roleName the role name
   * @param logicalName the logical name
   * @return the record, or empty when no primary record holds the triple
   */
  Optional<LeaseRecord> findByTriple(String orgId, String roleName, String logicalName);

  /**
   * The record whose token has this client id (client ids are unique).
   *
   * @param clientId the token's Astra client id
   * @return the record, or empty when none has that client id
   */
  Optional<LeaseRecord> findByClientId(String clientId);

  /**
   * Records whose lease id starts with {@code prefix} ({@code ""} for all), in any state, ordered by lease id
   * ({@link String#compareTo} order). Unlike the finders it throws for a record it cannot read: its callers
   * (listings, reconcile, the default {@link #holdsRole}) take a record's absence to mean that there is none, and
   * would delete a live token or role on that basis.
   *
   * @param prefix the start of the lease ids to list
   * @return the matching records
   */
  List<LeaseRecord> list(String prefix);

  /**
   * {@link #list(String)} that does not throw for a record this store cannot read: it passes the record's lease id
   * and the error (which names the row, never a value) to {@code unreadable}, and leaves the record out. Reconcile
   * lists with it, so that one such record does not stop it for the whole org, and so that it reports that lease's
   * live token instead of taking it for unknown (and deleting it). The default calls {@link #list(String)}, which
   * throws for such a record.
   *
   * @param prefix the start of the lease ids to list
   * @param unreadable told of each record left out, with its lease id and why it cannot be read
   * @return the matching records this store can read
   */
  default List<LeaseRecord> list(String prefix, BiConsumer<String, StoreException> unreadable) {
    return list(prefix);
  }

  /**
   * Whether any record of org {@code orgId}, in any state, carries Astra role id {@code roleId}. The engine asks this
   * before it deletes a custom role it made for scoped tokens, on every such lease's end and in every recovery pass,
   * so a store should answer it without reading the org's records: the default does read them all (a
   * {@link #list} of the org's prefix), which costs O(records) each time; the stores in this library answer from
   * a count or an index.
   *
   * @param orgId the org's id
   * @param roleId the Astra role id
   * @return whether a record holds it
   */
  default boolean holdsRole(String orgId, String roleId) {
    return list("astra/" + orgId + "/").stream()
        .anyMatch(r -> r.orgId().equals(orgId) && r.roleId().equals(roleId));
  }

  /**
   * At most {@code limit} {@link LeaseState#ACTIVE} records whose {@code expiresAt} is strictly before
   * {@code instant}, soonest first. (REVOKE_FAILED records are retried with back-off through
   * {@link #changedBefore}, not here.) Records this store cannot read are left out, and not counted.
   *
   * @param instant the moment the leases must expire before
   * @param limit the most records to return
   * @return the expiring records, soonest first
   */
  List<LeaseRecord> expiringBefore(Instant instant, int limit);

  /**
   * At most {@code limit} {@link LeaseState#PENDING} records whose {@code issuedAt} is strictly before
   * {@code instant}, oldest first. Records this store cannot read are left out, and not counted.
   *
   * @param instant the moment the records must have been issued before
   * @param limit the most records to return
   * @return the pending records, oldest first
   */
  List<LeaseRecord> pendingBefore(Instant instant, int limit);

  /**
   * At most {@code limit} records in {@code state} whose {@link LeaseRecord#stateChangedAt()} is absent or strictly
   * before {@code instant}, absent first and then oldest first. Recovery finds stale REVOKING claims and
   * REVOKE_FAILED records due for a retry with it. Records this store cannot read are left out, and not counted.
   *
   * @param state the state the records are in
   * @param instant the moment their state must have changed before
   * @param limit the most records to return
   * @return the records, absent state-change times first, then oldest first
   */
  List<LeaseRecord> changedBefore(LeaseState state, Instant instant, int limit);

  /**
   * Inserts a new record (its version is stored as given, normally 1).
   *
   * @param record the record to store
   * @throws TokenAlreadyExistsException if a UNIQUE-style record holds the same (org, role, logical name, successor),
   *     or {@code record} is a UNIQUE-style primary and a successor record holds its triple
   * @throws IllegalStateException if the lease id is already stored
   */
  void insert(LeaseRecord record);

  /**
   * Replaces {@code expected} with {@code updated} if the stored version still equals {@code expected.version()}.
   *
   * @param expected the record as the caller read it
   * @param updated the next version of it ({@link LeaseRecord#next()})
   * @return whether {@code updated} was stored
   * @throws IllegalArgumentException if the lease ids differ or {@code updated.version() != expected.version() + 1}
   * @throws TokenAlreadyExistsException if {@code updated} would take a key another record holds
   */
  boolean compareAndSet(LeaseRecord expected, LeaseRecord updated);

  /**
   * Deletes the record if the stored version still equals {@code expected.version()}.
   *
   * @param expected the record as the caller read it
   * @return whether this call deleted it
   */
  boolean delete(LeaseRecord expected);

  // ---- org configs

  /**
   * Creates or replaces the org with this id (last writer wins).
   *
   * @param org the org's config, root token included
   * @throws IllegalArgumentException if another org already uses the logical name
   */
  void putOrg(OrgConfig org);

  /**
   * An org by id.
   *
   * @param orgId the org id
   * @return the org's config, or empty when none has that id
   */
  Optional<OrgConfig> org(String orgId);

  /**
   * An org by logical name.
   *
   * @param logicalName the org's logical name
   * @return the org's config, or empty when none has that logical name
   */
  Optional<OrgConfig> orgByLogicalName(String logicalName);

  /**
   * All orgs this store can read, ordered by id. A stored config it cannot read (its root token sealed under a key the
   * store lacks or tampered with, its URL rewritten or unparseable) is left out, so that one damaged row does not
   * hide every other org, and is made visible without any secret: a WARN naming its id and the reason, once per row
   * for the life of the store instance, and {@link #storedOrgIds}, which still lists it. A caller that would act on
   * an org's absence must compare with {@link #storedOrgIds}. Reading the org itself ({@link #org}, or
   * {@link #orgByLogicalName} once its row is found) still throws.
   *
   * @return the readable orgs' configs
   */
  List<OrgConfig> orgs();

  /**
   * The ids of every stored org, readable or not, ordered, found without opening any config: what {@link #orgs}
   * would list if every row could be read. The default reads the configs ({@link #orgs}), so a store whose configs
   * can become unreadable should override it; the stores in this library do.
   *
   * @return the stored orgs' ids
   */
  default List<String> storedOrgIds() {
    return orgs().stream().map(OrgConfig::orgId).toList();
  }

  /**
   * Deletes the org's config. It deletes by id without reading the stored config, so a config that no longer loads
   * (see {@link #storedOrgId}) is deleted too.
   *
   * @param orgId the org id
   * @return whether it existed
   */
  boolean deleteOrg(String orgId);

  /**
   * The id of the org stored under this id or, failing that, this logical name, found without opening the stored
   * config, so that a config that no longer loads (its root token sealed under a key the store lacks or tampered
   * with, its URL rewritten or unparseable) can still be found and deleted: {@link TokenManager#deleteOrg} falls back
   * to this when reading the org fails. The default reads the config ({@link #org}, then {@link #orgByLogicalName}),
   * so a store whose configs can become unreadable should override it; the stores in this library do.
   *
   * @param idOrLogicalName the org's id or logical name
   * @return the stored org's id, or empty when no org has that id or logical name
   */
  default Optional<String> storedOrgId(String idOrLogicalName) {
    Optional<OrgConfig> byId = org(idOrLogicalName);
    return (byId.isPresent() ? byId : orgByLogicalName(idOrLogicalName)).map(OrgConfig::orgId);
  }

  // ---- roles

  /**
   * Creates or replaces the role with this (org, name) (last writer wins).
   *
   * @param role the role
   */
  void putRole(Role role);

  /**
   * A role by org and name.
   *
   * @param orgId the org id
   * @param name the role name
   * @return the role, or empty when the org has no role of that name
   */
  Optional<Role> role(String orgId, String name);

  /**
   * The org's roles, ordered by name.
   *
   * @param orgId the org id
   * @return the org's roles
   */
  List<Role> roles(String orgId);

  /**
   * Deletes the role.
   *
   * @param orgId the org id
   * @param name the role name
   * @return whether it existed
   */
  boolean deleteRole(String orgId, String name);

  /**
   * Replaces the role of {@code updated}'s (org, name) with {@code updated} if and only if the stored role equals
   * {@code expected} in every component at that moment ({@code expected == null}: if and only if no role of that
   * (org, name) is stored). Atomic, also across processes sharing the store: of concurrent calls from the same
   * {@code expected}, exactly one returns {@code true}. The engine keeps the custom roles of scoped tokens with it,
   * so that a manager deleting an unused role and another manager taking it cannot both succeed (see
   * docs/stores.md). There is deliberately no default: a read-then-write would silently let a fleet delete a role a
   * new token holds.
   *
   * @param expected the role as the caller read it, or null for "no role stored"
   * @param updated the role to store
   * @return whether {@code updated} was stored
   * @throws IllegalArgumentException if {@code expected} and {@code updated} name different roles
   */
  boolean compareAndSetRole(@Nullable Role expected, Role updated);

  /**
   * Deletes the role if and only if the stored role equals {@code expected} in every component at that moment;
   * atomic like {@link #compareAndSetRole}.
   *
   * @param expected the role as the caller read it
   * @return whether this call deleted it
   */
  boolean deleteRole(Role expected);

  /**
   * The argument check every {@link #compareAndSetRole} starts with: both roles name the same (org, name). For
   * implementations.
   *
   * @param expected the role the caller read, or null
   * @param updated the role to store
   * @throws IllegalArgumentException naming the mismatch
   */
  static void checkSameRole(@Nullable Role expected, Role updated) {
    Objects.requireNonNull(updated, "updated");
    if (expected != null && (!expected.orgId().equals(updated.orgId()) || !expected.name().equals(updated.name()))) {
      throw new IllegalArgumentException("roles differ: " + expected.orgId() + "/" + expected.name() + " vs "
          + updated.orgId() + "/" + updated.name());
    }
  }

  // ---- deployment

  /**
   * The id of the deployment this store belongs to: random, made on the first call and the same ever after, for
   * every manager sharing the store (concurrent first calls agree on one). It is written into the description of
   * every token this library creates, so that the orphan sweep deletes only tokens this deployment made, never
   * those of another deployment sharing the org. At most 64 characters of {@code [a-z0-9-]}.
   *
   * <p>The default returns empty: a store that cannot keep one. Then the manager's
   * {@code TokenManagerBuilder.deploymentId} must name it, or the orphan sweep stays off.
   *
   * @return this deployment's id, or empty when the store cannot keep one
   */
  default Optional<String> deploymentId() {
    return Optional.empty();
  }

  /**
   * Reseals every value at rest that is not under the {@link KeyProvider}'s current key (lease secrets, the tags of
   * lease rows without one, root tokens, role tags), each only after its old seal opened or its old tag verified (a
   * rewritten row is refused, never sealed afresh) and only if it is unchanged since it was read, so it is safe
   * while managers run. Run it once every instance has the new key current, until it returns 0; then drop the old
   * key. The CLI runs it as {@code astra-vault store rotate-keys}.
   *
   * <p>The default throws: a store that keeps nothing sealed (in memory, metadata-only) has no key to rotate.
   *
   * @return how many values were resealed; 0 when nothing is left under an older key
   * @throws IllegalStateException if this store holds no keys
   * @throws SecretDecryptionException naming a row whose seal or tag is under a key the provider lacks or does not
   *     authenticate (never its value)
   */
  default int rotateKeys() {
    throw new IllegalStateException(getClass().getSimpleName() + " holds no keys: nothing at rest is sealed, so "
        + "there is nothing to rotate");
  }

  /** Releases connections and files; the default does nothing. */
  @Override
  default void close() {}

  /**
   * The argument check every {@link #compareAndSet} starts with: the same lease, and {@code updated} exactly one
   * version after {@code expected}. For implementations.
   *
   * @param expected the record the caller read
   * @param updated the record to store in its place
   * @throws IllegalArgumentException naming the mismatch
   */
  static void checkSuccessor(LeaseRecord expected, LeaseRecord updated) {
    if (!expected.leaseId().equals(updated.leaseId())) {
      throw new IllegalArgumentException("lease ids differ: " + expected.leaseId() + " vs " + updated.leaseId());
    }
    if (updated.version() != expected.version() + 1) {
      throw new IllegalArgumentException("updated version must be " + (expected.version() + 1) + ", was "
          + updated.version());
    }
  }

  /**
   * A store that lives in this process only: leases are forgotten when it exits.
   *
   * @return a new, empty in-memory store
   */
  static LeaseStore inMemory() {
    return new InMemoryLeaseStore();
  }
}
