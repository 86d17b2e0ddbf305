package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.internal.astra.AstraDevOps;
import dev.astravault.internal.astra.CreateTokenRequest;
import dev.astravault.internal.astra.CreatedToken;
import dev.astravault.internal.astra.RemoteRole;
import dev.astravault.internal.astra.RemoteToken;
import dev.astravault.internal.astra.RolePolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Direct mode: this library calls the Astra DevOps API with each org's own root token. One client per org config,
 * rebuilt when the config changes, so no org ever uses another's URL or credentials (the plugin's cache bug).
 */
public final class DirectBackend implements TokenBackend {
  private final Function<OrgConfig, AstraDevOps> clientFactory;
  private final Map<String, Entry> clients = new ConcurrentHashMap<>();

  private record Entry(OrgConfig config, AstraDevOps client) {}

  public DirectBackend(Function<OrgConfig, AstraDevOps> clientFactory) {
    this.clientFactory = clientFactory;
  }

  AstraDevOps client(OrgConfig org) {
    // Every call asks: a plain read first (compute locks the map's bin), the same config object is the usual case.
    Entry known = clients.get(org.orgId());
    if (known != null && (known.config() == org || known.config().equals(org))) {
      return known.client();
    }
    return clients.compute(org.orgId(), (id, existing) ->
        existing != null && existing.config().equals(org) ? existing : new Entry(org, clientFactory.apply(org)))
        .client();
  }

  @Override
  public CreatedToken create(OrgConfig org, Role role, @Nullable String description, @Nullable Instant tokenExpiry) {
    return client(org).createToken(new CreateTokenRequest(List.of(role.roleId()), org.orgId(), description,
        tokenExpiry));
  }

  @Override
  public boolean delete(OrgConfig org, LeaseRecord record) {
    return client(org).deleteToken(record.clientId().orElseThrow());
  }

  @Override
  public List<RemoteToken> remoteTokens(OrgConfig org) {
    return client(org).listTokens();
  }

  @Override
  public List<RemoteRole> remoteRoles(OrgConfig org) {
    return client(org).listRoles();
  }

  @Override
  public boolean makesCustomRoles() {
    return true;
  }

  @Override
  public RemoteRole createRole(OrgConfig org, String name, RolePolicy policy) {
    return client(org).createRole(name, policy);
  }

  @Override
  public boolean deleteRole(OrgConfig org, String roleId) {
    return client(org).deleteRole(roleId);
  }

  @Override
  public RemoteRole readRole(OrgConfig org, String roleId) {
    return client(org).role(roleId);
  }

  @Override
  public String validate(OrgConfig org, String token) {
    return client(org).currentOrgId(token);
  }
}
