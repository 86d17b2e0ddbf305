package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.internal.astra.CreatedToken;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A backend that is itself the lease authority (Vault mode): it issues tokens with their leases, renews and looks
 * them up, and keeps org configs and roles. The engine then writes orgs and roles through to it, reads roles through
 * it on a cache miss, and uses the {@link dev.astravault.LeaseStore} only as a cache of what it granted. Revocation
 * stays {@link TokenBackend#delete}. Validation, uniqueness, events, audit and the managed handle are unchanged.
 */
public interface LeaseAuthority {

  /** A token issued with the authority's lease: its id there and the TTL it granted. */
  record Issued(CreatedToken token, String authorityLeaseId, Duration ttl) {}

  void writeOrg(OrgConfig org);

  void deleteOrg(String orgId);

  /**
   * What the local store may keep of an org the authority holds: the authority owns the root token, so the copy
   * carries none (the app then holds only the authority's credentials at rest).
   */
  OrgConfig withoutRootToken(OrgConfig org);

  void writeRole(Role role);

  void deleteRole(String orgId, String roleName);

  /**
   * An org the authority has and the store does not, by id or logical name. The authority keeps its root token, so
   * the config returned holds a placeholder one and is not written to the store.
   */
  Optional<OrgConfig> readOrg(String org);

  /**
   * Every org the authority holds, listed there (not from the local cache), each with a placeholder root token as
   * {@link #readOrg} gives.
   */
  List<OrgConfig> listOrgs();

  /** Every role of one org (by id) that the authority holds, listed there. */
  List<Role> listRoles(String orgId);

  /** The role as the authority has it, for a cache miss. */
  Optional<Role> readRole(String orgId, String roleName);

  /** Issues a token for the pending record (its style, logical name, metadata and TTL). */
  Issued issue(OrgConfig org, Role role, LeaseRecord pending);

  /** Renews at the authority; the grant's max expiry is {@code maxExpiresAt} as the engine knows it. */
  LeaseMath.Grant renew(LeaseRecord record, @Nullable Duration increment, Instant maxExpiresAt);

  /** The lease's expiry at the authority; empty when the authority no longer has it. */
  Optional<Instant> lookup(LeaseRecord record);

  /** The client ids of the tokens the authority holds now. */
  Set<String> liveClientIds();
}
