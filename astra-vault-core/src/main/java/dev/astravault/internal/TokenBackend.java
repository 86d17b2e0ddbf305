package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.ScopeNotSupportedException;
import dev.astravault.internal.astra.CreatedToken;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.astra.RemoteToken;
import dev.astravault.internal.astra.RolePolicy;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The seam between the engine and whoever mints tokens. Everything above it (validation, uniqueness, leases, audit,
 * the managed handle) is written once.
 */
public interface TokenBackend extends AutoCloseable {

  /** Creates a token for {@code role}; the description tags it so an ambiguous failure can be settled. */
  CreatedToken create(OrgConfig org, Role role, @Nullable String description, @Nullable Instant tokenExpiry);

  /** Deletes the token; {@code true} if deleted now, {@code false} if it was already gone. */
  boolean delete(OrgConfig org, LeaseRecord record);

  /** The tokens that exist on the authority's side, without secrets. */
  List<RemoteToken> remoteTokens(OrgConfig org);

  List<RemoteRole> remoteRoles(OrgConfig org);

  /** Checks that {@code token} works, returning the org id it belongs to. */
  String validate(OrgConfig org, String token);

  /**
   * Whether this backend can create and delete custom roles (scoped tokens, see {@link CustomRoles}). The DevOps API
   * can; Vault's Astra plugin cannot, so a scoped request is refused before anything is created.
   */
  default boolean makesCustomRoles() {
    return false;
  }

  /**
   * Creates a custom role (scoped tokens, see {@link CustomRoles}).
   *
   * @throws dev.astravault.ScopeNotSupportedException when this backend cannot make roles
   */
  default RemoteRole createRole(OrgConfig org, String name, RolePolicy policy) {
    throw new ScopeNotSupportedException(getClass().getSimpleName());
  }

  /** Deletes a custom role; {@code true} if deleted now, {@code false} if it was already gone. */
  default boolean deleteRole(OrgConfig org, String roleId) {
    throw new ScopeNotSupportedException(getClass().getSimpleName());
  }

  /** Reads one role by id. */
  default RemoteRole readRole(OrgConfig org, String roleId) {
    throw new ScopeNotSupportedException(getClass().getSimpleName());
  }

  @Override
  default void close() {}
}
