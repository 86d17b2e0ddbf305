package dev.astravault.cli;

import dev.astravault.AstraToken;
import dev.astravault.Lease;
import dev.astravault.Org;
import dev.astravault.ReconcileReport;
import dev.astravault.Renewal;
import dev.astravault.Role;
import dev.astravault.RoleSyncReport;
import dev.astravault.TokenInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The printed shape of each result, with the camelCase keys of {@code docs/cli.md}. Durations are whole seconds and
 * instants ISO-8601 UTC. Only {@link #issued} carries a secret: the one view printed once, by {@code token issue}.
 */
final class Views {
  private Views() {}

  static Map<String, @Nullable Object> org(Org org) {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("orgId", org.orgId());
    v.put("logicalName", org.logicalName());
    v.put("url", org.url().toString());
    return v;
  }

  /** A stored org config this instance cannot read: its id only, marked; its other columns cannot be trusted. */
  static Map<String, @Nullable Object> unreadableOrg(String orgId) {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("orgId", orgId);
    v.put("logicalName", null);
    v.put("url", "(unreadable)");
    v.put("unreadable", true);
    return v;
  }

  static Map<String, @Nullable Object> role(Role role) {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("roleName", role.name());
    v.put("roleId", role.roleId());
    v.put("orgId", role.orgId());
    v.put("ttl", role.ttl().getSeconds());
    v.put("maxTtl", role.maxTtl().getSeconds());
    return v;
  }

  /** {@code token issue}: the lease, then the token data, secret included. */
  static Map<String, @Nullable Object> issued(AstraToken token) {
    Lease lease = token.lease();
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("leaseId", lease.leaseId());
    v.put("leaseDuration", lease.ttl().getSeconds());
    v.put("renewable", lease.renewable());
    v.put("clientId", token.clientId());
    v.put("token", token.token());
    v.put("orgId", token.orgId());
    v.put("roleName", token.roleName());
    v.put("logicalName", token.logicalName().orElse(null));
    v.put("generatedOn", token.generatedOn().toString());
    v.put("metadata", new TreeMap<>(token.metadata()));
    return v;
  }

  /** {@code token read} and {@code token list}: everything but the secret. */
  static Map<String, @Nullable Object> token(TokenInfo info) {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("clientId", info.clientId());
    v.put("orgId", info.orgId());
    v.put("roleName", info.roleName());
    v.put("logicalName", info.logicalName().orElse(null));
    v.put("generatedOn", info.generatedOn().toString());
    v.put("metadata", new TreeMap<>(info.metadata()));
    v.put("leaseId", info.lease().leaseId());
    v.put("expireTime", info.lease().expiresAt().toString());
    return v;
  }

  /** {@code lease lookup}: Vault's {@code sys/leases/lookup} fields; {@code ttl} is the time left now. */
  static Map<String, @Nullable Object> lease(Lease lease, Clock clock) {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("id", lease.leaseId());
    v.put("issueTime", lease.issuedAt().toString());
    v.put("expireTime", lease.expiresAt().toString());
    v.put("lastRenewal", lease.lastRenewal().map(Instant::toString).orElse(null));
    v.put("renewable", lease.renewable());
    v.put("ttl", lease.remaining(clock).getSeconds());
    return v;
  }

  static Map<String, @Nullable Object> renewal(Renewal renewal) {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("leaseId", renewal.lease().leaseId());
    v.put("leaseDuration", renewal.lease().ttl().getSeconds());
    v.put("renewable", renewal.lease().renewable());
    v.put("warnings", renewal.warnings());
    return v;
  }

  static Map<String, @Nullable Object> sync(Org org, RoleSyncReport report) {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("orgId", report.orgId());
    v.put("logicalName", org.logicalName());
    v.put("created", report.created().stream().map(Role::name).toList());
    v.put("updated", report.updated().stream().map(Role::name).toList());
    v.put("unchanged", report.unchanged().stream().map(Role::name).toList());
    v.put("collisions", report.collisions().stream().map(c -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("roleName", c.name());
      m.put("astraNames", c.astraNames());
      m.put("roleIds", c.roleIds());
      return m;
    }).toList());
    v.put("error", null);
    return v;
  }

  static Map<String, @Nullable Object> reconcile(ReconcileReport r) {
    Map<String, @Nullable Object> v = new LinkedHashMap<>();
    v.put("orgId", r.orgId());
    v.put("checkedAt", r.checkedAt().toString());
    v.put("clean", r.isClean());
    v.put("unknownTokens", r.unknownTokens().stream().map(t -> {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("clientId", t.clientId());
      m.put("description", t.description());
      m.put("generatedOn", t.generatedOn() == null ? null : t.generatedOn().toString());
      m.put("ours", t.ours());
      m.put("leaseId", t.leaseId());
      m.put("fixed", t.fixed());
      return m;
    }).toList());
    v.put("missingTokens", findings(r.missingTokens()));
    v.put("expiredLeases", findings(r.expiredLeases()));
    v.put("customRoles", r.customRoles().stream().map(f -> {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("name", f.name());
      m.put("roleId", f.roleId());
      m.put("kind", f.kind().name());
      m.put("fixed", f.fixed());
      return m;
    }).toList());
    v.put("unreadableRecords", r.unreadableRecords().stream().map(u -> {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("leaseId", u.leaseId());
      m.put("clientId", u.clientId());
      m.put("reason", u.reason());
      m.put("fixed", false);
      return m;
    }).toList());
    return v;
  }

  private static List<Map<String, @Nullable Object>> findings(List<ReconcileReport.RecordFinding> findings) {
    return findings.stream().map(f -> {
      Map<String, @Nullable Object> m = new LinkedHashMap<>();
      m.put("leaseId", f.leaseId());
      m.put("clientId", f.clientId());
      m.put("state", f.state().name());
      m.put("expireTime", f.expiresAt().toString());
      m.put("fixed", f.fixed());
      return m;
    }).toList();
  }
}
