package dev.astravault.store;

import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.internal.PackedRecords;
import dev.astravault.internal.store.ExpiryLeaves;
import dev.astravault.internal.store.RecordTable;
import dev.astravault.internal.support.ClientIds;
import dev.astravault.internal.support.DeploymentIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LeaseStore} in this process's memory. Reads never lock: leases sit in tables written by one writer at a time
 * and read without a lock ({@link RecordTable}), and in concurrent maps and sets. Writes of leases
 * (insert, compare-and-set, delete) take one short lock, held for a few table updates (hash tables, and O(log n) for
 * the expiry index), which keeps insert-unique and compare-and-set atomic across the lease map and its indexes. The
 * sweeper's and recovery's scans walk indexes ordered by (time, lease id) per state (ACTIVE leases by expiry in
 * sorted leaves, {@link ExpiryLeaves}; PENDING leases, few at any moment, are a set sorted when asked) without that
 * lock, so they cost O(matches) and never stall an issue or a
 * renewal; what a scan returns is re-read from the lease map, so it never reports a record in a state it has left (a
 * record may change right after: the caller's compare-and-set settles that, as with every store). {@link #list}
 * scans every lease and sorts the matches: O(n log n), an operator's call, kept off the issue path.
 * Orgs and roles, rare writes, stay under the store's monitor.
 */
public final class InMemoryLeaseStore implements LeaseStore {
  private static final ByClientId CLIENT_IDS = new ByClientId();
  private static final ByExpiry BY_EXPIRY = new ByExpiry();
  // By lease id, unordered: every issue and renewal reads and writes here, and a hash lookup touches one or two cache
  // lines where a skip list of a million ids walks ~20 cold nodes whose keys share a 50-character prefix. list(prefix),
  // an operator's call, pays instead: it scans and sorts. The slots hold the records: no node or key object a lease
  // (a ConcurrentHashMap cost a 32-byte node a lease, and its table).
  private final RecordTable<String, LeaseRecord> leases = new RecordTable<>(new ByLeaseId());
  private final Map<UniqueKey, String> leaseByKey = new ConcurrentHashMap<>();
  // Keyed by the client id as the record's token carries it (read in place, no substring): a lease's slot holds its
  // record, which is only a key, as in the expiry index: findByClientId reads the lease table for the record as it is.
  // Records with no client id are not in it.
  private final RecordTable<String, LeaseRecord> byClientId = new RecordTable<>(CLIENT_IDS);
  // How many records (any state) carry each Astra role id, per org: holdsRole in O(1). One counter per distinct role
  // id, not per lease; counters that fall to zero stay (there are few role ids). Written under writeLock.
  private final Map<String, Map<String, AtomicInteger>> holdersByRole = new ConcurrentHashMap<>();
  // ACTIVE leases by expiry, the two revoke states by state change (absent = Instant.MIN). ACTIVE and PENDING leases,
  // nearly all of them, are not indexed by state change: that costs ~50 B a lease, and only recovery asks, for the
  // revoke states; changedBefore(ACTIVE or PENDING) walks all leases, without a lock.
  // The entries are the records themselves, ordered by (time, lease id): no key object per lease. An entry is a key
  // only; scans read the lease map for the record as it is now. ACTIVE leases, nearly all of them, sit in sorted
  // leaves of up to 64 records: ~5-7 B a lease, where a skip-list set cost a node and part of an index (~36 B).
  private final ExpiryLeaves<LeaseRecord> activeByExpiry = new ExpiryLeaves<>(BY_EXPIRY);
  // PENDING leases by id. A PENDING record lives for one round trip (an issue's write-ahead) or until recovery settles
  // it, so there are few at any moment: a hash set costs each issue an O(1) add and remove where an ordered index
  // cost two skip-list walks, and pendingBefore sorts the few it finds.
  private final Set<String> pendingIds = ConcurrentHashMap.newKeySet();
  // Two fields, not a map by state: every write reindexes, and iterating an EnumMap cost an issue more than the
  // index updates it led to.
  private final ConcurrentSkipListSet<LeaseRecord> revokingByChange =
      new ConcurrentSkipListSet<>(InMemoryLeaseStore::compareStateChange);
  private final ConcurrentSkipListSet<LeaseRecord> revokeFailedByChange =
      new ConcurrentSkipListSet<>(InMemoryLeaseStore::compareStateChange);
  private final ReentrantLock writeLock = new ReentrantLock();
  private final TreeMap<String, OrgConfig> orgs = new TreeMap<>();
  private final TreeMap<String, Role> roles = new TreeMap<>();
  private @Nullable String deploymentId;

  /** Creates an empty store. */
  public InMemoryLeaseStore() {
  }

  private record UniqueKey(String orgId, String roleName, String logicalName, boolean successor) {
    static Optional<UniqueKey> of(LeaseRecord r) {
      return r.style() == IssueStyle.UNIQUE
          ? Optional.of(new UniqueKey(r.orgId(), r.roleName(), r.logicalName().orElseThrow(), r.successor()))
          : Optional.empty();
    }

    UniqueKey asSuccessor() {
      return new UniqueKey(orgId, roleName, logicalName, true);
    }
  }

  private static final class ByLeaseId implements RecordTable.Keys<String, LeaseRecord> {
    // A record keeps its lease id split (SplitIds): these read it in place, as the string's hash and equality.
    @Override
    public int hash(String leaseId) {
      return leaseId.hashCode();   // cached in the string
    }

    @Override
    public int hashOf(LeaseRecord r) {
      return PackedRecords.leaseIdHash(r);
    }

    @Override
    public boolean hasKey(LeaseRecord r, String leaseId) {
      return PackedRecords.hasLeaseId(r, leaseId);
    }

    @Override
    public boolean sameKey(LeaseRecord a, LeaseRecord b) {
      return PackedRecords.sameLeaseId(a, b);
    }
  }

  /**
   * A record's client id: the characters of its client id string, or of the client id inside its token
   * ({@code AstraCS:<clientId>:…}), hashed as {@link String#hashCode} hashes them, so a plain client id finds it.
   */
  private static final class ByClientId implements RecordTable.Keys<String, LeaseRecord> {
    @Override
    public int hash(String clientId) {
      return clientId.hashCode();
    }

    @Override
    public int hashOf(LeaseRecord r) {
      String text = clientIdText(r);
      int h = 0;
      for (int i = start(r), end = end(r, text); i < end; i++) {
        h = 31 * h + text.charAt(i);
      }
      return h;
    }

    @Override
    public boolean hasKey(LeaseRecord r, String clientId) {
      String text = clientIdText(r);
      int start = start(r);
      return end(r, text) - start == clientId.length() && text.regionMatches(start, clientId, 0, clientId.length());
    }

    @Override
    public boolean sameKey(LeaseRecord a, LeaseRecord b) {
      String at = clientIdText(a);
      String bt = clientIdText(b);
      int as = start(a);
      int length = end(a, at) - as;
      return end(b, bt) - start(b) == length && at.regionMatches(as, bt, start(b), length);
    }

    /** The string {@code r}'s client id is read from: its token if that carries it (no substring cut), else its own. */
    private static String clientIdText(LeaseRecord r) {
      return PackedRecords.clientIdInToken(r) ? r.token().orElseThrow() : r.clientId().orElseThrow();
    }

    private static int start(LeaseRecord r) {
      return PackedRecords.clientIdInToken(r) ? ClientIds.START : 0;
    }

    private static int end(LeaseRecord r, String text) {
      return PackedRecords.clientIdInToken(r) ? ClientIds.end(text) : text.length();
    }
  }

  /** {@return whether {@code r} has a client id, so belongs in the client-id table} */
  private static boolean hasClientId(LeaseRecord r) {
    return PackedRecords.clientIdInToken(r) || r.clientId().isPresent();
  }

  /** {@return whether {@code a} and {@code b} have the same client id, or both none} */
  private static boolean sameClientId(LeaseRecord a, LeaseRecord b) {
    boolean has = hasClientId(a);
    return has == hasClientId(b) && (!has || CLIENT_IDS.sameKey(a, b));
  }

  /** ACTIVE leases' order: by expiry, then lease id (the order the scans return). */
  private static final class ByExpiry implements ExpiryLeaves.Order<LeaseRecord> {
    @Override
    public int compare(LeaseRecord a, LeaseRecord b) {
      int c = PackedRecords.compareExpiry(a, b);   // no Instant, and no lease id string, made per comparison
      return c != 0 ? c : PackedRecords.compareLeaseIds(a, b);
    }

    @Override
    public Instant time(LeaseRecord r) {
      return r.expiresAt();
    }

    @Override
    public String id(LeaseRecord r) {
      return r.leaseId();
    }

    @Override
    public int compareId(LeaseRecord r, String id) {
      return PackedRecords.compareLeaseIdTo(r, id);
    }
  }

  private static int compareStateChange(LeaseRecord a, LeaseRecord b) {
    int c = stateChange(a).compareTo(stateChange(b));
    return c != 0 ? c : PackedRecords.compareLeaseIds(a, b);
  }

  private static Instant stateChange(LeaseRecord r) {
    return r.stateChangedAt().orElse(Instant.MIN);
  }

  /** Random per store instance: a store in memory is its own deployment. */
  @Override
  public synchronized Optional<String> deploymentId() {
    if (deploymentId == null) {
      deploymentId = DeploymentIds.random();
    }
    return Optional.of(deploymentId);
  }

  @Override
  public Optional<LeaseRecord> get(String leaseId) {
    return Optional.ofNullable(leases.get(leaseId));
  }

  @Override
  public Optional<LeaseRecord> findByTriple(String orgId, String roleName, String logicalName) {
    String leaseId = leaseByKey.get(new UniqueKey(orgId, roleName, logicalName, false));
    return leaseId == null ? Optional.empty() : Optional.ofNullable(leases.get(leaseId));
  }

  @Override
  public Optional<LeaseRecord> findByClientId(String clientId) {
    LeaseRecord entry = byClientId.get(clientId);
    return entry == null ? Optional.empty() : Optional.ofNullable(leases.get(entry.leaseId()));
  }

  @Override
  public List<LeaseRecord> list(String prefix) {
    List<LeaseRecord> out = new ArrayList<>();
    for (LeaseRecord r : leases) {
      if (PackedRecords.leaseIdStartsWith(r, prefix)) {   // no id string made for the leases of other prefixes
        out.add(r);
      }
    }
    out.sort(PackedRecords::compareLeaseIds);
    return distinctIds(out);
  }

  @Override
  public boolean holdsRole(String orgId, String roleId) {
    Map<String, AtomicInteger> roles = holdersByRole.get(orgId);
    AtomicInteger holders = roles == null ? null : roles.get(roleId);
    return holders != null && holders.get() > 0;
  }

  /** Counts {@code r} in (+1) or out (-1) of its role's holders. Under writeLock. */
  private void countHolder(LeaseRecord r, int delta) {
    holdersByRole.computeIfAbsent(r.orgId(), org -> new ConcurrentHashMap<>())
        .computeIfAbsent(r.roleId(), role -> new AtomicInteger()).addAndGet(delta);
  }

  @Override
  public List<LeaseRecord> expiringBefore(Instant instant, int limit) {
    List<LeaseRecord> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    Set<String> seen = new HashSet<>();
    activeByExpiry.forEachBefore(instant, entry -> {
      LeaseRecord r = leases.get(entry.leaseId());
      if (r != null && r.state() == LeaseState.ACTIVE && r.expiresAt().isBefore(instant) && seen.add(r.leaseId())) {
        out.add(r);
      }
      return out.size() < limit;
    });
    return out;
  }

  @Override
  public List<LeaseRecord> pendingBefore(Instant instant, int limit) {
    List<LeaseRecord> out = new ArrayList<>();
    for (String leaseId : pendingIds) {
      LeaseRecord r = leases.get(leaseId);
      if (r != null && r.state() == LeaseState.PENDING && r.issuedAt().isBefore(instant)) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(LeaseRecord::issuedAt).thenComparing(LeaseRecord::leaseId));
    return out.size() <= limit ? out : new ArrayList<>(out.subList(0, Math.max(0, limit)));
  }

  @Override
  public List<LeaseRecord> changedBefore(LeaseState state, Instant instant, int limit) {
    Predicate<LeaseRecord> matches =
        r -> r.state() == state && r.stateChangedAt().map(t -> t.isBefore(instant)).orElse(true);
    ConcurrentSkipListSet<LeaseRecord> index = state == LeaseState.REVOKING ? revokingByChange
        : state == LeaseState.REVOKE_FAILED ? revokeFailedByChange : null;
    if (index != null) {
      return scan(index, instant, limit, matches);
    }
    List<LeaseRecord> out = new ArrayList<>();
    for (LeaseRecord r : leases) {
      if (matches.test(r)) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing((LeaseRecord r) -> r.stateChangedAt().orElse(Instant.MIN))
        .thenComparing(PackedRecords::compareLeaseIds));
    out = distinctIds(out);
    return out.size() <= limit ? out : new ArrayList<>(out.subList(0, Math.max(0, limit)));
  }

  /**
   * {@code sorted} without a second record of a lease met earlier: a walk of the lease table may meet a lease twice
   * if it was deleted and inserted again meanwhile, or moved to the table's new array during the walk (see
   * {@link RecordTable}; the new array is walked first). Sorted by lease id last, so a lease's records are neighbours.
   */
  private static List<LeaseRecord> distinctIds(List<LeaseRecord> sorted) {
    List<LeaseRecord> out = new ArrayList<>(sorted.size());
    Set<String> seen = new HashSet<>();
    for (LeaseRecord r : sorted) {
      if (seen.add(r.leaseId())) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Walks the index up to {@code instant} and returns the records that match now: O(matches), no lock. A record is
   * judged as the lease map holds it, whichever of its entries led to it: a lease renewed while the walk passes it is
   * found under its old entry (the iterator may already have looked past the spot where its new entry goes), and
   * returned once even if the walk meets its new entry too. Under concurrent writes the order is then approximate.
   * {@link #expiringBefore} walks the expiry leaves the same way.
   */
  private List<LeaseRecord> scan(ConcurrentSkipListSet<LeaseRecord> index, Instant instant, int limit,
      Predicate<LeaseRecord> matches) {
    List<LeaseRecord> out = new ArrayList<>();
    if (limit <= 0) {
      return out;
    }
    Set<String> seen = new HashSet<>();
    for (LeaseRecord entry : index) {
      if (!stateChange(entry).isBefore(instant)) {
        break;
      }
      LeaseRecord r = leases.get(entry.leaseId());
      if (r != null && matches.test(r) && seen.add(r.leaseId())) {
        out.add(r);
        if (out.size() >= limit) {
          break;
        }
      }
    }
    return out;
  }

  /**
   * Moves {@code old}'s index entries to {@code now}'s (either may be null) in two phases around the write of the
   * lease map: {@code adding} before it, removing after it, so that a concurrent scan finds the lease under an entry
   * that matches whichever record it reads. An entry that does not change is left alone.
   */
  private void reindex(@Nullable LeaseRecord old, @Nullable LeaseRecord now, boolean adding) {
    LeaseRecord was = old != null && old.state() == LeaseState.ACTIVE ? old : null;
    LeaseRecord is = now != null && now.state() == LeaseState.ACTIVE ? now : null;
    if (!sameEntry(BY_EXPIRY, was, is)) {   // see the other reindex
      if (adding && is != null) {
        activeByExpiry.add(is);
      }
      if (!adding && was != null) {
        activeByExpiry.remove(was);
      }
    }
    reindex(revokingByChange, LeaseState.REVOKING, old, now, adding);
    reindex(revokeFailedByChange, LeaseState.REVOKE_FAILED, old, now, adding);
    boolean wasPending = old != null && old.state() == LeaseState.PENDING;
    boolean isPending = now != null && now.state() == LeaseState.PENDING;
    if (adding && isPending && !wasPending) {
      pendingIds.add(now.leaseId());
    }
    if (!adding && wasPending && !isPending) {
      pendingIds.remove(old.leaseId());
    }
  }

  private void reindex(ConcurrentSkipListSet<LeaseRecord> index, LeaseState state, @Nullable LeaseRecord old,
      @Nullable LeaseRecord now, boolean adding) {
    LeaseRecord was = old != null && old.state() == state ? old : null;
    LeaseRecord is = now != null && now.state() == state ? now : null;
    // Same time and id: the entry in place stays, even if it is an older record of the lease. It is only a key
    // (scans read the lease map), and swapping it would leave a moment in which a lock-free scan misses the lease.
    // It is replaced, and the old record freed, when the lease next moves in or out of this index.
    if (sameEntry(index.comparator(), was, is)) {
      return;
    }
    if (adding && is != null) {
      index.add(is);
    }
    if (!adding && was != null) {
      index.remove(was);
    }
  }

  /** {@return whether {@code was} and {@code is} are the same entry of an index ordered by {@code order}} */
  private static boolean sameEntry(Comparator<? super LeaseRecord> order, @Nullable LeaseRecord was,
      @Nullable LeaseRecord is) {
    return was == is || (was != null && is != null && order.compare(was, is) == 0);
  }

  @Override
  public void insert(LeaseRecord record) {
    prepareGrowth();
    writeLock.lock();
    try {
      if (leases.find(record) != null) {   // through the record: no lease id string made
        throw new IllegalStateException("lease " + record.leaseId() + " is already stored");
      }
      Optional<UniqueKey> key = UniqueKey.of(record);
      // A primary is refused while a successor holds the triple too: see LeaseStore's insert-unique.
      if (key.isPresent() && (leaseByKey.containsKey(key.get())
          || !key.get().successor() && leaseByKey.containsKey(key.get().asSuccessor()))) {
        throw new TokenAlreadyExistsException(record.orgId(), record.roleName(), record.logicalName().orElseThrow());
      }
      key.ifPresent(k -> leaseByKey.put(k, record.leaseId()));
      if (hasClientId(record)) {
        byClientId.put(record);
      }
      reindex(null, record, true);
      countHolder(record, 1);
      leases.put(record);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public boolean compareAndSet(LeaseRecord expected, LeaseRecord updated) {
    LeaseStore.checkSuccessor(expected, updated);
    prepareGrowth();
    writeLock.lock();
    try {
      LeaseRecord current = leases.find(expected);
      if (current == null || current.version() != expected.version()) {
        return false;
      }
      Optional<UniqueKey> oldKey = UniqueKey.of(current);
      Optional<UniqueKey> newKey = UniqueKey.of(updated);
      if (newKey.isPresent() && !newKey.equals(oldKey)) {
        String holder = leaseByKey.get(newKey.get());
        if (holder != null && !holder.equals(updated.leaseId())) {
          throw new TokenAlreadyExistsException(updated.orgId(), updated.roleName(),
              updated.logicalName().orElseThrow());
        }
      }
      // Readers take no lock: a mapping that stays (a renewal keeps triple and client id) is never removed, so a
      // concurrent findByTriple or findByClientId never misses the lease while it changes.
      if (oldKey.isPresent() && !oldKey.equals(newKey)) {
        leaseByKey.remove(oldKey.get());
      }
      if (hasClientId(current) && !sameClientId(current, updated)) {
        byClientId.remove(current);
      }
      reindex(current, updated, true);
      if (!current.orgId().equals(updated.orgId()) || !current.roleId().equals(updated.roleId())) {
        countHolder(updated, 1);
      }
      leases.put(updated);
      reindex(current, updated, false);
      if (!current.orgId().equals(updated.orgId()) || !current.roleId().equals(updated.roleId())) {
        countHolder(current, -1);
      }
      newKey.ifPresent(k -> leaseByKey.put(k, updated.leaseId()));
      if (hasClientId(updated)) {
        byClientId.put(updated);   // same client id: into the same slot, so the table holds no outdated record
      }
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  /** Allocates the tables' next arrays before the lock when they are near their bound: see RecordTable. */
  private void prepareGrowth() {
    leases.prepareGrowth();
    byClientId.prepareGrowth();
  }

  @Override
  public boolean delete(LeaseRecord expected) {
    writeLock.lock();
    try {
      LeaseRecord current = leases.find(expected);
      if (current == null || current.version() != expected.version()) {
        return false;
      }
      leases.remove(current);
      countHolder(current, -1);
      UniqueKey.of(current).ifPresent(leaseByKey::remove);
      if (hasClientId(current)) {
        byClientId.remove(current);
      }
      reindex(current, null, false);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public synchronized void putOrg(OrgConfig org) {
    for (OrgConfig other : orgs.values()) {
      if (!other.orgId().equals(org.orgId()) && other.logicalName().equals(org.logicalName())) {
        throw new IllegalArgumentException("logicalName '" + org.logicalName() + "' is already used by org "
            + other.orgId());
      }
    }
    orgs.put(org.orgId(), org);
  }

  @Override
  public synchronized Optional<OrgConfig> org(String orgId) {
    return Optional.ofNullable(orgs.get(orgId));
  }

  @Override
  public synchronized Optional<OrgConfig> orgByLogicalName(String logicalName) {
    for (OrgConfig o : orgs.values()) {   // a loop, not a stream: every issue that names its org by name asks
      if (o.logicalName().equals(logicalName)) {
        return Optional.of(o);
      }
    }
    return Optional.empty();
  }

  @Override
  public synchronized List<OrgConfig> orgs() {
    return List.copyOf(orgs.values());
  }

  @Override
  public synchronized boolean deleteOrg(String orgId) {
    return orgs.remove(orgId) != null;
  }

  @Override
  public synchronized void putRole(Role role) {
    roles.put(roleKey(role.orgId(), role.name()), role);
  }

  @Override
  public synchronized Optional<Role> role(String orgId, String name) {
    return Optional.ofNullable(roles.get(roleKey(orgId, name)));
  }

  @Override
  public synchronized List<Role> roles(String orgId) {
    String prefix = orgId + "\u0000";
    return roles.tailMap(prefix, true).entrySet().stream()
        .takeWhile(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .toList();
  }

  @Override
  public synchronized boolean deleteRole(String orgId, String name) {
    return roles.remove(roleKey(orgId, name)) != null;
  }

  @Override
  public synchronized boolean compareAndSetRole(@Nullable Role expected, Role updated) {
    LeaseStore.checkSameRole(expected, updated);
    String key = roleKey(updated.orgId(), updated.name());
    if (!Objects.equals(roles.get(key), expected)) {
      return false;
    }
    roles.put(key, updated);
    return true;
  }

  @Override
  public synchronized boolean deleteRole(Role expected) {
    return roles.remove(roleKey(expected.orgId(), expected.name()), expected);
  }

  // NUL cannot occur in ids, so the key is unambiguous (the plugin's "org:role" key is not).
  private static String roleKey(String orgId, String name) {
    return orgId + "\u0000" + name;
  }
}
