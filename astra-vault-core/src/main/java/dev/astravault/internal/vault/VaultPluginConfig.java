package dev.astravault.internal.vault;

import static dev.astravault.internal.vault.PluginWire.expectOk;
import static dev.astravault.internal.vault.PluginWire.goDuration;
import static dev.astravault.internal.vault.PluginWire.notFoundText;
import static dev.astravault.internal.vault.PluginWire.query;

import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.internal.support.Validation;
import dev.astravault.vault.CallerMode;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plugin's org configs ({@code <mount>/config}) and roles ({@code <mount>/role}): written, read, listed and
 * deleted. Root tokens go in and never come back out: plugin v2.0.0 returns them in plaintext, and they are dropped
 * from each reply before anything else sees it.
 */
final class VaultPluginConfig {
  /** Stands in for a root token that only Vault holds; never sent anywhere (Vault mode calls only Vault). */
  static final String ROOT_TOKEN_HELD_BY_VAULT = "AstraCS:RootTokenHeldByVaultOnly:" + "0".repeat(64);

  // Configs read from Vault, by id and by logical name: an app reads each org once.
  private final Map<String, OrgConfig> vaultOrgs = new ConcurrentHashMap<>();

  private final VaultSession session;
  private final String mount;
  private final CallerMode callerMode;

  VaultPluginConfig(VaultSession session, String mount, CallerMode callerMode) {
    this.session = session;
    this.mount = mount;
    this.callerMode = callerMode;
  }

  private String path(String rel) {
    return mount + "/" + rel;
  }

  void writeOrg(OrgConfig org) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("org_id", org.orgId());
    body.put("astra_token", org.rootToken());
    String url = org.url().toString();
    body.put("url", url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    body.put("logical_name", org.logicalName());
    body.put("caller_mode", callerMode.name().toLowerCase(Locale.ROOT));
    expectOk("writing the config of org " + org.orgId(), session.write("write org config", path("config"), body));
  }

  void deleteOrg(String orgId) {
    vaultOrgs.values().removeIf(o -> o.orgId().equals(orgId));
    expectOk("deleting the config of org " + orgId,
        session.delete("delete org config", path("config") + query(Map.of("org_id", orgId))));
  }

  void writeRole(Role role) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("role_name", role.name());
    body.put("org_id", role.orgId());
    body.put("role_id", role.roleId());
    body.put("ttl", role.ttl().toSeconds());
    body.put("max_ttl", role.maxTtl().toSeconds());
    expectOk("writing role " + role.name(), session.write("write role", path("role"), body));
  }

  void deleteRole(String orgId, String roleName) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("org_id", orgId);
    q.put("role_name", roleName);
    expectOk("deleting role " + roleName, session.delete("delete role", path("role") + query(q)));
  }

  OrgConfig withoutRootToken(OrgConfig org) {
    return org.toBuilder().rootToken(ROOT_TOKEN_HELD_BY_VAULT).build();
  }

  Optional<OrgConfig> readOrg(String org) {
    OrgConfig cached = vaultOrgs.get(org);
    if (cached != null) {
      return Optional.of(cached);
    }
    VaultReply reply = session.read("read org config", path("config") + query(Map.of("org_id", org)));
    if (reply.status() == 404 || notFoundText(reply)) {
      reply = session.read("read org config", path("config") + query(Map.of("logical_name", org)));
      if (reply.status() == 404 || notFoundText(reply)) {
        return Optional.empty();
      }
    }
    expectOk("reading the config of org " + org, reply);
    JsonObject d = reply.data();
    // Plugin v2.0.0 returns the root token in plaintext: dropped here, before anything else sees the reply.
    d.remove("astra_token");
    Optional<OrgConfig> config = orgFrom(d);
    config.ifPresent(c -> {
      vaultOrgs.put(org, c);
      vaultOrgs.put(c.orgId(), c);
    });
    return config;
  }

  /** An org config from the plugin's config data (without its root token, which only Vault keeps). */
  private static Optional<OrgConfig> orgFrom(JsonObject d) {
    String orgId = VaultReply.string(d, "org_id");
    String url = VaultReply.string(d, "url");
    if (orgId == null || orgId.isEmpty()) {
      return Optional.empty();
    }
    String logical = VaultReply.string(d, "logical_name");
    OrgConfig config = OrgConfig.builder().orgId(orgId).rootToken(ROOT_TOKEN_HELD_BY_VAULT)
        .url(url == null || url.isEmpty() ? OrgConfig.DEFAULT_URL : Validation.parseUrl("the plugin config's url", url))
        .logicalName(logical == null || logical.isEmpty() ? orgId : logical).build();
    return Optional.of(config);
  }

  List<OrgConfig> listOrgs() {
    VaultReply reply = session.list("listing org configs", path("configs"));
    if (reply.status() == 404 || notFoundText(reply)) {
      return List.of();   // v2.0.0: an empty list is a 500 "no configs found"
    }
    expectOk("listing org configs", reply);
    JsonObject d = reply.data();
    JsonValue info = d.get("key_info");
    // v2.0.0 puts every org's root token in key_info: take the other fields and drop the rest at once.
    JsonObject keyInfo = info != null && info.isObject() ? info.asObject() : new JsonObject();
    d.remove("key_info");
    List<OrgConfig> out = new ArrayList<>();
    for (String orgId : VaultReply.strings(d, "keys")) {
      JsonValue entry = keyInfo.get(orgId);
      Optional<OrgConfig> config;
      if (entry != null && entry.isObject()) {
        entry.asObject().remove("astra_token");
        config = orgFrom(entry.asObject());
      } else {
        vaultOrgs.remove(orgId);
        config = readOrg(orgId);
      }
      config.ifPresent(c -> {
        vaultOrgs.put(c.orgId(), c);
        out.add(c);
      });
    }
    return out;
  }

  List<Role> listRoles(String orgId) {
    VaultReply reply = session.list("listing roles", path("roles"));
    if (reply.status() == 404 || notFoundText(reply)) {
      return List.of();   // v2.0.0: an empty list is a 500 "no roles found"
    }
    expectOk("listing roles", reply);
    // The keys are bare role names of every org (the same name once per org): read each in this org.
    List<Role> out = new ArrayList<>();
    for (String name : new LinkedHashSet<>(VaultReply.strings(reply.data(), "keys"))) {
      readRole(orgId, name).ifPresent(out::add);
    }
    return out;
  }

  Optional<Role> readRole(String orgId, String roleName) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("org_id", orgId);
    q.put("role_name", roleName);
    VaultReply reply = session.read("read role", path("role") + query(q));
    if (reply.status() == 404 || notFoundText(reply)) {
      return Optional.empty();
    }
    expectOk("reading role " + roleName, reply);
    JsonObject d = reply.data();
    String roleId = VaultReply.string(d, "role_id");
    if (roleId == null || roleId.isEmpty()) {
      return Optional.empty();
    }
    Duration ttl = goDuration("reading role " + roleName, "ttl", VaultReply.string(d, "ttl"));
    Duration maxTtl = goDuration("reading role " + roleName, "max_ttl", VaultReply.string(d, "max_ttl"));
    return Optional.of(new Role(orgId, roleName, roleId, ttl, maxTtl.compareTo(ttl) < 0 ? ttl : maxTtl));
  }
}
