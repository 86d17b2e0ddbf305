package dev.astravault.audit;

import dev.astravault.Actor;
import dev.astravault.AstraToken;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Builds the field map an event must have (the layout of {@link AuditEvents#toMap}), by hand, for assertions. */
final class Expected {
  private final Map<String, Object> map = new LinkedHashMap<>();
  private final Map<String, Object> details = new LinkedHashMap<>();

  private Expected(String type, Instant time, Actor actor) {
    map.put("type", type);
    map.put("time", time.toString());
    map.put("outcome", "SUCCESS");
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("user", actor.user());
    a.put("host", actor.host());
    a.put("process", actor.process());
    actor.applicationName().ifPresent(v -> a.put("application", v));
    actor.principalName().ifPresent(v -> a.put("principal", v));
    map.put("actor", a);
    map.put("metadata", Map.of());
    map.put("details", details);
  }

  static Expected event(String type, Instant time, Actor actor) {
    return new Expected(type, time, actor);
  }

  Expected failure(Class<?> error, String message) {
    map.put("outcome", "FAILURE");
    map.put("errorType", error.getName());
    map.put("errorMessage", message);
    return this;
  }

  Expected org(String orgId) {
    map.put("orgId", orgId);
    return this;
  }

  Expected role(String role) {
    map.put("roleName", role);
    return this;
  }

  Expected logicalName(String name) {
    map.put("logicalName", name);
    return this;
  }

  Expected metadata(Map<String, String> metadata) {
    map.put("metadata", new TreeMap<>(metadata));
    return this;
  }

  /** Every token field: org, role, logical name, client id, lease id, metadata and the HMAC under {@code key}. */
  Expected token(AstraToken token, byte[] key) {
    org(token.orgId());
    role(token.roleName());
    token.logicalName().ifPresent(this::logicalName);
    map.put("clientId", token.clientId());
    map.put("leaseId", token.lease().leaseId());
    metadata(token.metadata());
    map.put("tokenHmac", AuditHmac.of(key, token.token()));
    return this;
  }

  Expected withToken(String clientId, String leaseId, String tokenHmac) {
    map.put("clientId", clientId);
    map.put("leaseId", leaseId);
    map.put("tokenHmac", tokenHmac);
    return this;
  }

  /** Client and lease id (when known) of an event about a token whose secret the manager never held. */
  Expected withClientAndLease(String clientId, @Nullable String leaseId) {
    map.put("clientId", clientId);
    if (leaseId != null) {
      map.put("leaseId", leaseId);
    }
    return this;
  }

  Expected detail(String name, Object value) {
    details.put(name, value instanceof Enum<?> e ? e.name()
        : value instanceof List<?> || value instanceof String || value instanceof Boolean
            || value instanceof Integer ? value : value.toString());
    return this;
  }

  Map<String, Object> toMap() {
    return map;
  }
}
