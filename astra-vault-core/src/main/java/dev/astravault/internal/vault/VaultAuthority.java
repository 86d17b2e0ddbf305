package dev.astravault.internal.vault;

import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.TokenManager;
import dev.astravault.internal.Authority;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Interrupts;
import dev.astravault.internal.support.LeaseMath;
import dev.astravault.vault.VaultAccessDeniedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Vault mode's authority: the Astra plugin in Vault is the truth about orgs, roles and leases, and the {@link
 * LeaseStore} caches what it granted (with Vault's lease id as each record's description). Org configs are cached
 * without their root token: Vault keeps that.
 */
public final class VaultAuthority implements Authority {
  private static final Logger LOG = Redaction.logger(TokenManager.class);

  private final VaultPluginBackend plugin;
  private final VaultPluginConfig config;
  private final LeaseStore store;
  // Root tokens this process wrote to Vault, kept in memory only (never in the store) so that an operator's
  // syncRoles in the same process can still read Astra's roles.
  private final Map<String, OrgConfig> rootTokensLentToVault = new ConcurrentHashMap<>();

  public VaultAuthority(VaultPluginBackend plugin, LeaseStore store) {
    this.plugin = plugin;
    this.config = plugin.config();
    this.store = store;
  }

  // ------------------------------------------------------------------ orgs

  @Override
  public void writeOrg(OrgConfig org, Optional<OrgConfig> previous) {
    store.putOrg(config.withoutRootToken(org));
    // After the store, which checks the logical name is unique; undone if Vault refuses.
    try {
      config.writeOrg(org);
    } catch (RuntimeException e) {
      previous.ifPresentOrElse(store::putOrg, () -> store.deleteOrg(org.orgId()));
      throw e;
    }
    rootTokensLentToVault.put(org.orgId(), org);
  }

  @Override
  public Optional<OrgConfig> findOrg(String idOrLogicalName) {
    Optional<OrgConfig> byId = store.org(idOrLogicalName);
    Optional<OrgConfig> found = byId.isPresent() ? byId : store.orgByLogicalName(idOrLogicalName);
    // An org configured in Vault by operators is usable by an app that holds only Vault credentials.
    return found.isPresent() ? found : config.readOrg(idOrLogicalName);
  }

  @Override
  public List<OrgConfig> orgs() {
    // Vault holds the configs; the store only caches those this process used.
    return config.listOrgs();
  }

  @Override
  public void deleteOrg(String orgId) {
    config.deleteOrg(orgId);
    store.deleteOrg(orgId);
    rootTokensLentToVault.remove(orgId);
  }

  @Override
  public boolean hasOrg(String orgId) {
    return findOrg(orgId).filter(o -> o.orgId().equals(orgId)).isPresent();
  }

  @Override
  public boolean restoreOrg(OrgConfig org) {
    return false;   // the store's copy carries a placeholder for the root token Vault held
  }

  // ------------------------------------------------------------------ roles

  @Override
  public Optional<Role> role(String orgId, String name) {
    Optional<Role> cached = store.role(orgId, name);
    if (cached.isPresent()) {
      return cached;
    }
    Optional<Role> remote = config.readRole(orgId, name);
    remote.ifPresent(store::putRole);
    return remote;
  }

  @Override
  public List<Role> roles(String orgId) {
    return config.listRoles(orgId);
  }

  @Override
  public List<Role> rolesToMatchIds(String orgId) {
    try {
      return config.listRoles(orgId);
    } catch (VaultAccessDeniedException denied) {
      LOG.debug("may not list the roles of org {} in Vault; matching role ids against cached roles", orgId);
      return store.roles(orgId);
    }
  }

  @Override
  public void putRole(Role role) {
    config.writeRole(role);
    store.putRole(role);
  }

  @Override
  public boolean deleteRole(String orgId, String name) {
    config.deleteRole(orgId, name);
    store.deleteRole(orgId, name);
    return true;   // Vault's delete succeeded; the cache may never have held the role
  }

  @Override
  public List<RemoteRole> astraRoles(OrgConfig org) {
    return plugin.remoteRoles(rootTokensLentToVault.getOrDefault(org.orgId(), org));
  }

  // ------------------------------------------------------------------ leases

  @Override
  public LeaseRecord mint(OrgConfig org, Role role, LeaseRecord pending) {
    VaultPluginBackend.Issued issued;
    try {
      issued = plugin.issue(org, role, pending);
    } catch (RuntimeException e) {
      // Its lease was revoked, never existed, or (no answer) is one Vault ends at its TTL. Deleted even for an
      // interrupted caller: the record is ours to undo, and the store may be Vault KV, which refuses such a caller.
      try {
        Interrupts.heldBack(() -> store.delete(pending));
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return pending.next().state(LeaseState.ACTIVE).clientId(issued.token().clientId())
        .token(issued.token().token()).secret(issued.token().secret()).generatedOn(issued.token().generatedOn())
        .description(issued.authorityLeaseId()).ttl(issued.ttl())
        .expiresAt(pending.issuedAt().plus(issued.ttl())).build();
  }

  @Override
  public LeaseMath.Grant renew(LeaseRecord record, @Nullable Duration increment, Instant now) {
    // Vault renews and caps; the role cache only dates the cap for the record.
    Instant max = store.role(record.orgId(), record.roleName())
        .map(r -> LeaseMath.after(record.issuedAt(), r.maxTtl())).orElse(record.maxExpiresAt());
    LeaseMath.Grant grant = plugin.renew(record, increment, max);
    // Vault's cap counts from its own (slightly later) issue instant; its grant wins over ours.
    Instant expiresAt = LeaseMath.after(now, grant.ttl());
    Instant maxExpiresAt = expiresAt.isAfter(grant.maxExpiresAt()) ? expiresAt : grant.maxExpiresAt();
    return new LeaseMath.Grant(grant.ttl(), maxExpiresAt, grant.warnings());
  }

  /** Vault's expiry wins over the cache; a lease Vault no longer has is not shown (nor deleted). */
  @Override
  public Optional<LeaseRecord> current(LeaseRecord record) {
    Optional<Instant> expiry = plugin.lookup(record);
    if (expiry.isEmpty()) {
      return Optional.empty();
    }
    if (Duration.between(record.expiresAt(), expiry.get()).abs().compareTo(Duration.ofSeconds(1)) < 0) {
      return Optional.of(record);
    }
    // Vault started the lease a moment after our clock did, so its expiry may pass our max by that moment: it wins.
    LeaseRecord refreshed = record.next().expiresAt(expiry.get())
        .maxExpiresAt(expiry.get().isAfter(record.maxExpiresAt()) ? expiry.get() : record.maxExpiresAt()).build();
    return Optional.of(store.compareAndSet(record, refreshed) ? refreshed : record);
  }

  @Override
  public Predicate<LeaseRecord> stillGranted() {
    Set<String> live = plugin.liveClientIds();
    return record -> record.clientId().filter(live::contains).isPresent();
  }
}
