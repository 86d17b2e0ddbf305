package dev.astravault.store;

import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.internal.DeploymentIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LeaseStore} in this process's memory. One monitor guards all maps, which makes insert-unique and
 * compare-and-set trivially atomic; reads are short, so contention stays low next to the network calls around them.
 */
public final class InMemoryLeaseStore implements LeaseStore {
  private final TreeMap<String, LeaseRecord> leases = new TreeMap<>();
  private final Map<UniqueKey, String> leaseByKey = new HashMap<>();
  private final Map<String, String> leaseByClientId = new HashMap<>();
  private final TreeMap<String, OrgConfig> orgs = new TreeMap<>();
  private final TreeMap<String, Role> roles = new TreeMap<>();
  private @Nullable String deploymentId;

  private record UniqueKey(String orgId, String roleName, String logicalName, boolean successor) {
    static Optional<UniqueKey> of(LeaseRecord r) {
      return r.style() == IssueStyle.UNIQUE
          ? Optional.of(new UniqueKey(r.orgId(), r.roleName(), r.logicalName().orElseThrow(), r.successor()))
          : Optional.empty();
    }
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
  public synchronized Optional<LeaseRecord> get(String leaseId) {
    return Optional.ofNullable(leases.get(leaseId));
  }

  @Override
  public synchronized Optional<LeaseRecord> findByTriple(String orgId, String roleName, String logicalName) {
    String leaseId = leaseByKey.get(new UniqueKey(orgId, roleName, logicalName, false));
    return leaseId == null ? Optional.empty() : Optional.ofNullable(leases.get(leaseId));
  }

  @Override
  public synchronized Optional<LeaseRecord> findByClientId(String clientId) {
    String leaseId = leaseByClientId.get(clientId);
    return leaseId == null ? Optional.empty() : Optional.ofNullable(leases.get(leaseId));
  }

  @Override
  public synchronized List<LeaseRecord> list(String prefix) {
    List<LeaseRecord> out = new ArrayList<>();
    for (LeaseRecord r : leases.tailMap(prefix, true).values()) {
      if (!r.leaseId().startsWith(prefix)) {
        break;
      }
      out.add(r);
    }
    return out;
  }

  @Override
  public synchronized List<LeaseRecord> expiringBefore(Instant instant, int limit) {
    return leases.values().stream()
        .filter(r -> r.state() == LeaseState.ACTIVE && r.expiresAt().isBefore(instant))
        .sorted(Comparator.comparing(LeaseRecord::expiresAt).thenComparing(LeaseRecord::leaseId))
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized List<LeaseRecord> pendingBefore(Instant instant, int limit) {
    return leases.values().stream()
        .filter(r -> r.state() == LeaseState.PENDING && r.issuedAt().isBefore(instant))
        .sorted(Comparator.comparing(LeaseRecord::issuedAt).thenComparing(LeaseRecord::leaseId))
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized List<LeaseRecord> changedBefore(LeaseState state, Instant instant, int limit) {
    return leases.values().stream()
        .filter(r -> r.state() == state && r.stateChangedAt().map(t -> t.isBefore(instant)).orElse(true))
        .sorted(Comparator.comparing((LeaseRecord r) -> r.stateChangedAt().orElse(Instant.MIN))
            .thenComparing(LeaseRecord::leaseId))
        .limit(limit)
        .toList();
  }

  @Override
  public synchronized void insert(LeaseRecord record) {
    if (leases.containsKey(record.leaseId())) {
      throw new IllegalStateException("lease " + record.leaseId() + " is already stored");
    }
    Optional<UniqueKey> key = UniqueKey.of(record);
    if (key.isPresent() && leaseByKey.containsKey(key.get())) {
      throw new TokenAlreadyExistsException(record.orgId(), record.roleName(), record.logicalName().orElseThrow());
    }
    leases.put(record.leaseId(), record);
    key.ifPresent(k -> leaseByKey.put(k, record.leaseId()));
    record.clientId().ifPresent(c -> leaseByClientId.put(c, record.leaseId()));
  }

  @Override
  public synchronized boolean compareAndSet(LeaseRecord expected, LeaseRecord updated) {
    LeaseStore.checkSuccessor(expected, updated);
    LeaseRecord current = leases.get(expected.leaseId());
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
    oldKey.ifPresent(leaseByKey::remove);
    current.clientId().ifPresent(leaseByClientId::remove);
    leases.put(updated.leaseId(), updated);
    newKey.ifPresent(k -> leaseByKey.put(k, updated.leaseId()));
    updated.clientId().ifPresent(c -> leaseByClientId.put(c, updated.leaseId()));
    return true;
  }

  @Override
  public synchronized boolean delete(LeaseRecord expected) {
    LeaseRecord current = leases.get(expected.leaseId());
    if (current == null || current.version() != expected.version()) {
      return false;
    }
    leases.remove(current.leaseId());
    UniqueKey.of(current).ifPresent(leaseByKey::remove);
    current.clientId().ifPresent(leaseByClientId::remove);
    return true;
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
    return orgs.values().stream().filter(o -> o.logicalName().equals(logicalName)).findFirst();
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

  // NUL cannot occur in ids, so the key is unambiguous (the plugin's "org:role" key is not).
  private static String roleKey(String orgId, String name) {
    return orgId + "\u0000" + name;
  }
}
