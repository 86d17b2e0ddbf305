package dev.astravault.cli;

import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.store.JdbcLeaseStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The CLI's store in Vault mode. Lease records (ids, client ids, triples, expiry, Vault's lease id) persist in a
 * metadata-only {@link JdbcLeaseStore}, so that a lease issued by one command can be renewed by the next. Orgs and
 * roles live in this process only: Vault holds them (and the root tokens), and each command reads them through from
 * Vault, so an operator never sees a stale role. No secret is written to disk and no store key is needed.
 */
final class VaultCache implements LeaseStore {
  private final JdbcLeaseStore leases;
  private final LeaseStore memory = LeaseStore.inMemory();

  VaultCache(JdbcLeaseStore leases) {
    if (!leases.metadataOnly()) {
      throw new IllegalArgumentException("the Vault-mode cache must be a metadata-only store");
    }
    this.leases = leases;
  }

  @Override
  public Optional<LeaseRecord> get(String leaseId) {
    return leases.get(leaseId);
  }

  @Override
  public Optional<LeaseRecord> findByTriple(String orgId, String roleName, String logicalName) {
    return leases.findByTriple(orgId, roleName, logicalName);
  }

  @Override
  public Optional<LeaseRecord> findByClientId(String clientId) {
    return leases.findByClientId(clientId);
  }

  @Override
  public List<LeaseRecord> list(String prefix) {
    return leases.list(prefix);
  }

  @Override
  public List<LeaseRecord> expiringBefore(Instant instant, int limit) {
    return leases.expiringBefore(instant, limit);
  }

  @Override
  public List<LeaseRecord> pendingBefore(Instant instant, int limit) {
    return leases.pendingBefore(instant, limit);
  }

  @Override
  public List<LeaseRecord> changedBefore(LeaseState state, Instant instant, int limit) {
    return leases.changedBefore(state, instant, limit);
  }

  @Override
  public void insert(LeaseRecord record) {
    leases.insert(record);
  }

  @Override
  public boolean compareAndSet(LeaseRecord expected, LeaseRecord updated) {
    return leases.compareAndSet(expected, updated);
  }

  @Override
  public boolean delete(LeaseRecord expected) {
    return leases.delete(expected);
  }

  @Override
  public void putOrg(OrgConfig org) {
    memory.putOrg(org);
  }

  @Override
  public Optional<OrgConfig> org(String orgId) {
    return memory.org(orgId);
  }

  @Override
  public Optional<OrgConfig> orgByLogicalName(String logicalName) {
    return memory.orgByLogicalName(logicalName);
  }

  @Override
  public List<OrgConfig> orgs() {
    return memory.orgs();
  }

  @Override
  public boolean deleteOrg(String orgId) {
    return memory.deleteOrg(orgId);
  }

  @Override
  public void putRole(Role role) {
    memory.putRole(role);
  }

  @Override
  public Optional<Role> role(String orgId, String name) {
    return memory.role(orgId, name);
  }

  @Override
  public List<Role> roles(String orgId) {
    return memory.roles(orgId);
  }

  @Override
  public boolean deleteRole(String orgId, String name) {
    return memory.deleteRole(orgId, name);
  }

  @Override
  public boolean compareAndSetRole(@Nullable Role expected, Role updated) {
    return memory.compareAndSetRole(expected, updated);
  }

  @Override
  public boolean deleteRole(Role expected) {
    return memory.deleteRole(expected);
  }

  @Override
  public void close() {
    try {
      memory.close();
    } finally {
      leases.close();
    }
  }
}
