package dev.astravault.internal;

import dev.astravault.AmbiguousRoleException;
import dev.astravault.ConflictException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import dev.astravault.NotFoundException;
import dev.astravault.Org;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.RoleSyncReport;
import dev.astravault.RoleWriteResult;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.event.OrgConfigDeleted;
import dev.astravault.event.OrgConfigWritten;
import dev.astravault.event.RoleDeleted;
import dev.astravault.event.RoleWritten;
import dev.astravault.event.RolesSynced;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.store.UnreadableRows;
import dev.astravault.internal.support.RoleNames;
import dev.astravault.internal.support.Validation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;

/** Org configs and roles: writing, reading, deleting, syncing from Astra, and resolving a role as callers name it. */
final class OrgsAndRoles {
  private static final Logger LOG = Redaction.logger(TokenManager.class);

  private final Clock clock;
  private final LeaseStore store;
  private final Authority authority;
  private final Auditor auditor;

  OrgsAndRoles(Clock clock, LeaseStore store, Authority authority, Auditor auditor) {
    this.clock = clock;
    this.store = store;
    this.authority = authority;
    this.auditor = auditor;
  }

  // ------------------------------------------------------------------ orgs

  Org writeOrg(OrgConfig org) {
    Objects.requireNonNull(org, "org");
    Optional<OrgConfig> previous = store.org(org.orgId());
    boolean created = previous.isEmpty();
    authority.writeOrg(org, previous);
    auditor.record(new OrgConfigWritten(clock.instant(), auditor.actor(), org.orgId(), org.logicalName(),
        org.url().toString(), created));
    LOG.info("{} config for org {} ({})", created ? "Created" : "Updated", org.orgId(), org.logicalName());
    return org.toOrg();
  }

  Optional<Org> org(String org) {
    Validation.requireKey("org", org);
    return findOrg(org).map(OrgConfig::toOrg);
  }

  List<Org> orgs() {
    return authority.orgs().stream().map(OrgConfig::toOrg).toList();
  }

  void deleteOrg(String org) {
    Optional<String> found = orgIdToDelete(org);
    if (found.isEmpty()) {
      return;   // the rule for unknown ids: removing what is not there succeeds (docs/concepts.md)
    }
    String orgId = found.get();
    long leases = records(orgId).size();
    if (leases > 0) {
      throw new ConflictException("org " + orgId + " still has " + leases
          + " lease(s); revoke them before deleting its config, or they could never be revoked");
    }
    Optional<OrgConfig> config = readableConfig(orgId);
    authority.deleteOrg(orgId);
    // An issue that read the org before the delete may have written its record after the count above: counted again,
    // as the issue asks for the org again after its write (Issuer), so one of the two sees the other.
    long late = records(orgId).size();
    if (late > 0) {
      boolean restored = config.isPresent() && authority.restoreOrg(config.get());
      LOG.warn("org {} gained {} lease(s) while its config was deleted; {}", orgId, late,
          restored ? "the config was put back" : "write it again to revoke them");
      throw new ConflictException("org " + orgId + " gained " + late + " lease(s) while its config was being "
          + "deleted; " + (restored ? "the config was put back. Revoke them before deleting it"
          : "write the config again (writeOrg) and revoke them, or they cannot be revoked"));
    }
    // The id only, as for any deletion: an unreadable config has nothing else that could be trusted.
    auditor.record(new OrgConfigDeleted(clock.instant(), auditor.actor(), orgId));
    LOG.info("Deleted config for org {}", orgId);
  }

  /**
   * The id of the org to delete. A stored config that no longer loads (its root token sealed under a lost key or
   * tampered with, its URL rewritten or unparseable) is found by id or logical name without opening it, so that an
   * operator can remove it without going into the database.
   */
  private Optional<String> orgIdToDelete(String org) {
    try {
      return findOrg(org).map(OrgConfig::orgId);
    } catch (StoreException unreadable) {
      Optional<String> stored = store.storedOrgId(org);
      if (stored.isEmpty()) {
        throw unreadable;
      }
      LOG.warn("the stored config of org {} cannot be read ({}); deleting it by its id", stored.get(),
          unreadable.getClass().getSimpleName());
      return stored;
    }
  }

  /** The config as it is about to be deleted, to put back; empty when it cannot be read (then it cannot be). */
  private Optional<OrgConfig> readableConfig(String orgId) {
    try {
      return authority.findOrg(orgId).filter(o -> o.orgId().equals(orgId));
    } catch (StoreException unreadable) {
      return Optional.empty();
    }
  }

  /** An org by id or logical name; empty when unknown. */
  Optional<OrgConfig> findOrg(String org) {
    Validation.requireKey("org", org);
    return authority.findOrg(org);
  }

  OrgConfig requireOrg(String org) {
    Optional<OrgConfig> found = findOrg(org);   // not orElseThrow: its capturing lambda is an object per issue
    if (found.isEmpty()) {
      throw new NotFoundException(NotFoundException.Kind.ORG, org);
    }
    return found.get();
  }

  /** An org's records in any state: by the lease-id prefix, checked against the org id. */
  List<LeaseRecord> records(String orgId) {
    return LeaseIds.ofOrg(store, orgId);
  }

  // ------------------------------------------------------------------ roles

  RoleWriteResult writeRole(RoleSpec spec) {
    Objects.requireNonNull(spec, "spec");
    OrgConfig org = requireOrg(spec.org());
    Optional<Role> existing = authority.role(org.orgId(), spec.name());
    RoleMath.Result result = RoleMath.apply(org.orgId(), spec, existing);
    authority.putRole(result.role());
    Role role = result.role();
    result.warnings().forEach(w -> LOG.warn("role {}: {}", role.name(), w));
    auditor.record(new RoleWritten(clock.instant(), auditor.actor(), role.orgId(), role.name(), role.roleId(),
        role.ttl(), role.maxTtl(), existing.isEmpty(), result.warnings()));
    return new RoleWriteResult(role, existing.isEmpty(), result.warnings());
  }

  Optional<Role> role(String org, String name) {
    String reference = Validation.roleReference(name);
    return findOrg(org).flatMap(o -> lookupRole(o.orgId(), reference));
  }

  List<Role> roles(String org) {
    return authority.roles(requireOrg(Validation.requireKey("org", org)).orgId());
  }

  void deleteRole(String org, String name) {
    String reference = Validation.roleReference(name);
    Optional<OrgConfig> found = findOrg(org);
    if (found.isEmpty()) {
      return;   // the rule for unknown ids: removing what is not there succeeds (docs/concepts.md)
    }
    String orgId = found.get().orgId();
    Optional<Role> resolved;
    try {
      resolved = lookupRole(orgId, reference);
    } catch (StoreException e) {
      // A stored role that no longer verifies (rewritten, or without a tag) fails every read: deleted by its name,
      // so that the operator need not go into the database. Never by a role id, which only a readable role shows.
      String lower = reference.toLowerCase(Locale.ROOT);
      if (!UnreadableRows.unreadable(e) || !Validation.isRoleName(lower)) {
        throw e;
      }
      LOG.warn("the stored role {} of org {} cannot be read ({}); deleting it by its name", lower, orgId,
          UnreadableRows.reason(e));
      resolved = Optional.of(new Role(orgId, lower, "unreadable", Role.DEFAULT_TTL, Role.DEFAULT_TTL));
    }
    if (resolved.isEmpty()) {
      return;
    }
    String role = resolved.get().name();
    if (authority.deleteRole(orgId, role)) {
      auditor.record(new RoleDeleted(clock.instant(), auditor.actor(), orgId, role));
    }
  }

  RoleSyncReport syncRoles(String org) {
    OrgConfig config = requireOrg(Validation.requireKey("org", org));
    Map<String, List<RemoteRole>> byName = new LinkedHashMap<>();
    for (RemoteRole r : authority.astraRoles(config)) {
      if (CustomRoles.isReserved(r.name())) {
        continue;   // custom roles of scoped tokens (ours or another deployment's) are not roles to issue with
      }
      byName.computeIfAbsent(RoleNames.sanitize(r.name()), k -> new ArrayList<>()).add(r);
    }
    List<Role> created = new ArrayList<>();
    List<Role> updated = new ArrayList<>();
    List<Role> unchanged = new ArrayList<>();
    List<RoleSyncReport.Collision> collisions = new ArrayList<>();
    for (Map.Entry<String, List<RemoteRole>> e : byName.entrySet()) {
      String name = e.getKey();
      if (e.getValue().size() > 1) {
        collisions.add(new RoleSyncReport.Collision(name, e.getValue().stream().map(RemoteRole::name).toList(),
            e.getValue().stream().map(RemoteRole::id).toList()));
        continue;
      }
      String roleId = e.getValue().get(0).id();
      // Read through in Vault mode: a role Vault has but this cache does not keeps its TTLs.
      Optional<Role> existing = authority.role(config.orgId(), name);
      if (existing.isEmpty()) {
        Role role = new Role(config.orgId(), name, roleId, Role.DEFAULT_TTL, Role.DEFAULT_TTL);
        authority.putRole(role);
        created.add(role);
      } else if (!existing.get().roleId().equals(roleId)) {
        Role role = new Role(config.orgId(), name, roleId, existing.get().ttl(), existing.get().maxTtl());
        authority.putRole(role);
        updated.add(role);
      } else {
        unchanged.add(existing.get());
      }
    }
    collisions.forEach(c -> LOG.warn("role sync for org {}: Astra roles {} all map to '{}'; none was written",
        config.orgId(), c.astraNames(), c.name()));
    auditor.record(new RolesSynced(clock.instant(), auditor.actor(), config.orgId(),
        created.stream().map(Role::name).toList(), updated.stream().map(Role::name).toList(),
        collisions.stream().map(RoleSyncReport.Collision::name).toList()));
    return new RoleSyncReport(config.orgId(), created, updated, unchanged, collisions);
  }

  String resolveRoleId(String org, String roleName) {
    OrgConfig config = requireOrg(org);
    return requireRole(config.orgId(), Validation.roleReference(roleName)).roleId();
  }

  /** A role as a caller names it; see {@link #lookupRole}. */
  Role requireRole(String orgId, String reference) {
    Optional<Role> found = lookupRole(orgId, reference);
    if (found.isEmpty()) {
      throw new NotFoundException(NotFoundException.Kind.ROLE, reference);
    }
    return found.get();
  }

  /**
   * Resolves a role as Astra shows it. A local role name (case-insensitive) names its role outright. Anything else
   * is read both as Astra's display name, sanitised with the rule of {@link #syncRoles} ({@code "R/W User"} →
   * {@code r_w_user}), and as a role id; if those two readings name different roles the reference is ambiguous.
   *
   * @throws AmbiguousRoleException listing the matched roles
   */
  Optional<Role> lookupRole(String orgId, String reference) {
    String lower = reference.toLowerCase(Locale.ROOT);
    if (Validation.isRoleName(lower)) {
      Optional<Role> byName = authority.role(orgId, lower);
      if (byName.isPresent()) {
        return byName;
      }
    }
    Map<String, Role> found = new LinkedHashMap<>();
    String sanitized = RoleNames.sanitize(reference);
    if (!sanitized.equals(lower) && Validation.isRoleName(sanitized)) {
      authority.role(orgId, sanitized).ifPresent(r -> found.put(r.name(), r));
    }
    for (Role r : authority.rolesToMatchIds(orgId)) {
      if (r.roleId().equalsIgnoreCase(reference)) {
        found.putIfAbsent(r.name(), r);
      }
    }
    if (found.size() > 1) {
      throw new AmbiguousRoleException(orgId, reference, found.values().stream()
          .map(r -> new AmbiguousRoleException.Candidate(r.name(), r.roleId())).toList());
    }
    return found.values().stream().findFirst();
  }
}
