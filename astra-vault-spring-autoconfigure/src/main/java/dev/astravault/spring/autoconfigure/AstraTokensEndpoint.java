package dev.astravault.spring.autoconfigure;

import dev.astravault.Lease;
import dev.astravault.ManagedToken;
import dev.astravault.TokenInfo;
import dev.astravault.TokenManager;
import dev.astravault.spring.autoconfigure.internal.DeferredManagedToken;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code astratokens} actuator endpoint: the live leases of the {@link TokenManager}, without tokens or secrets
 * ({@link TokenInfo} has neither), and which lease is the startup token's. Expose it like any endpoint:
 * {@code management.endpoints.web.exposure.include=health,astratokens}.
 */
@Endpoint(id = "astratokens")
public class AstraTokensEndpoint {
  private final TokenManager manager;
  private final List<ManagedToken> managed;

  /**
   * An endpoint over the manager's leases.
   *
   * @param manager the token manager
   * @param managed the managed (startup) tokens
   */
  public AstraTokensEndpoint(TokenManager manager, List<ManagedToken> managed) {
    this.manager = manager;
    this.managed = List.copyOf(managed);
  }

  /**
   * Every live lease, and the lease ids of the managed (startup) tokens.
   *
   * @return a map with {@code managed} (the managed lease ids) and {@code leases} (one entry per live lease)
   */
  @ReadOperation
  public Map<String, Object> leases() {
    List<String> managedIds = managedLeaseIds();
    List<Map<String, Object>> leases = new ArrayList<>();
    for (TokenInfo info : manager.tokens()) {
      leases.add(describe(info, managedIds));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("managed", managedIds);
    body.put("leases", leases);
    return body;
  }

  /**
   * One lease by lease id or client id; {@code null} (404) when unknown.
   *
   * @param id a lease id or a client id
   * @return the lease, or null when unknown
   */
  @ReadOperation
  public @Nullable Map<String, Object> lease(@Selector String id) {
    List<String> managedIds = managedLeaseIds();
    Optional<TokenInfo> found = manager.tokens().stream()
        .filter(t -> t.lease().leaseId().equals(id) || t.clientId().equals(id)).findFirst();
    return found.map(t -> describe(t, managedIds)).orElse(null);
  }

  private List<String> managedLeaseIds() {
    List<String> ids = new ArrayList<>();
    for (ManagedToken token : managed) {
      if (token instanceof DeferredManagedToken d && !d.isObtained()) {
        continue;
      }
      if (token.state() != ManagedToken.State.CLOSED) {
        ids.add(token.snapshot().leaseId());
      }
    }
    return ids;
  }

  private static Map<String, Object> describe(TokenInfo info, List<String> managedIds) {
    Lease lease = info.lease();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("leaseId", lease.leaseId());
    m.put("clientId", info.clientId());
    m.put("org", info.orgId());
    m.put("role", info.roleName());
    info.logicalName().ifPresent(n -> m.put("logicalName", n));
    m.put("style", info.style().name());
    m.put("managed", managedIds.contains(lease.leaseId()));
    m.put("generatedOn", info.generatedOn().toString());
    m.put("issuedAt", lease.issuedAt().toString());
    m.put("expiresAt", lease.expiresAt().toString());
    m.put("maxExpiresAt", lease.maxExpiresAt().toString());
    m.put("ttl", lease.ttl().toString());
    m.put("renewable", lease.renewable());
    lease.lastRenewal().ifPresent(r -> m.put("lastRenewedAt", r.toString()));
    m.put("metadata", info.metadata());
    return m;
  }
}
