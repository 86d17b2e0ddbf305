package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.support.LeaseMath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Who owns the truth about orgs, roles and leases. The engine asks it and never asks which one it holds.
 *
 * <p>Two implementations: {@link LocalAuthority} (direct mode: the {@link dev.astravault.LeaseStore} is the truth and
 * the DevOps API mints tokens) and {@code internal.vault.VaultAuthority} (Vault mode: the plugin in Vault is the truth
 * and the store caches what it granted). {@link dev.astravault.TokenManagerBuilder} picks one. Everything else (the
 * write-ahead record, uniqueness, revocation, audit, the managed handle) is written once above this interface.
 */
public interface Authority {

  // ------------------------------------------------------------------ orgs

  /**
   * Records an org config; {@code previous} is what the store held before, so a refusal can be undone. Local: into
   * the store. Vault: into the store without its root token (Vault keeps that), then into Vault.
   */
  void writeOrg(OrgConfig org, Optional<OrgConfig> previous);

  /** An org by id or logical name: the store, and in Vault mode also the configs operators wrote into Vault. */
  Optional<OrgConfig> findOrg(String idOrLogicalName);

  /** Every org the authority holds. */
  List<OrgConfig> orgs();

  /** Removes an org config (the engine has checked that no lease refers to it). */
  void deleteOrg(String orgId);

  /**
   * Whether the org's config is still held, by id: an issue asks again once its write-ahead record is stored, as a
   * deleteOrg counts leases again once the config is deleted, so that one of the two sees the other.
   */
  boolean hasOrg(String orgId);

  /**
   * Puts back a config that {@link #deleteOrg} removed while an issue wrote a lease of it; false when this authority
   * cannot (Vault mode: the store's copy lacks the root token Vault held).
   */
  boolean restoreOrg(OrgConfig org);

  // ------------------------------------------------------------------ roles

  /** A role by its local name; Vault mode reads a cache miss through from Vault and caches it. */
  Optional<Role> role(String orgId, String name);

  /** Every role of one org. */
  List<Role> roles(String orgId);

  /**
   * The roles to match a role id against: {@link #roles}, or the cached roles when the caller may not list them
   * (least privilege in Vault).
   */
  List<Role> rolesToMatchIds(String orgId);

  /** Records a role: into the store, and in Vault mode into Vault first. */
  void putRole(Role role);

  /** Removes a role; whether this call removed it (false when it was already gone). */
  boolean deleteRole(String orgId, String name);

  /** The roles Astra has in the org, read with the org's root token (for {@code syncRoles}). */
  List<RemoteRole> astraRoles(OrgConfig org);

  // ------------------------------------------------------------------ leases

  /**
   * Mints the token for a write-ahead record and returns the record it becomes: ACTIVE, with the token, and the TTL
   * and description the authority granted. The engine then compare-and-sets the pending record into it.
   *
   * <p>On failure the pending record is settled as far as can be known: dropped when nothing can exist, kept for
   * recovery when the outcome is unclear. The exception is rethrown.
   */
  LeaseRecord mint(OrgConfig org, Role role, LeaseRecord pending);

  /**
   * Renews a live lease: the TTL granted and the capped max expiry, counted from {@code now}. Local: {@link
   * LeaseMath} with the role's current max TTL. Vault: Vault renews and caps; its grant wins.
   *
   * @param increment the increment asked for; null for the role's TTL
   */
  LeaseMath.Grant renew(LeaseRecord record, @Nullable Duration increment, Instant now);

  /**
   * The record as the authority knows it now, for a lease lookup: unchanged locally; in Vault mode refreshed with
   * Vault's expiry, or empty when Vault no longer has the lease.
   */
  Optional<LeaseRecord> current(LeaseRecord record);

  /**
   * Which live records the authority still grants, for listings. Locally every one; in Vault mode those whose token
   * Vault still lists (one call per listing, not per record).
   */
  Predicate<LeaseRecord> stillGranted();
}
