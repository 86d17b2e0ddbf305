package dev.astravault.test.vault;

import dev.astravault.test.vault.Wire.Envelope;
import dev.astravault.test.vault.Wire.Reply;
import dev.astravault.test.vault.Wire.VaultError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.TreeMap;
import dev.astravault.test.internal.StatusLine;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * DataStax's Astra secrets plugin v2.0.0 (vault-plugin-behaviour.md), with a switch for its bugs. Storage is guarded
 * by FakeVault's lock; Astra is called over HTTP with the lock released.
 */
final class AstraPlugin {
  static final String USER_AGENT = "Vault-Plugin v2.0.0";
  static final String MOUNT_TYPE = "vault-plugin-secrets-datastax-astra";
  private static final Duration DEFAULT_TTL = Duration.ofHours(24);
  private static final MediaType JSON = MediaType.get("application/json");

  interface Host {
    /** Registers a lease for an issued token; called under the lock. Returns the lease. */
    Lease registerLease(String path, Duration ttl, Duration maxTtl, Map<String, String> internal);
  }

  final String mount;
  private final Object lock;
  private final Clock clock;
  private final PluginBehaviour behaviour;
  private final OkHttpClient http;
  private final Host host;

  private final TreeMap<String, Config> configs = new TreeMap<>();
  private final TreeMap<String, Role> roles = new TreeMap<>();
  private final TreeMap<String, StoredToken> tokens = new TreeMap<>();
  private final Set<String> reserved = new HashSet<>();
  private final List<String> log = new ArrayList<>();
  private @Nullable Client cachedClient;

  AstraPlugin(String mount, Object lock, Clock clock, PluginBehaviour behaviour, OkHttpClient http, Host host) {
    this.mount = mount;
    this.lock = lock;
    this.clock = clock;
    this.behaviour = behaviour;
    this.http = http;
    this.host = host;
  }

  private boolean fixed() {
    return behaviour == PluginBehaviour.FIXED;
  }

  static final class Config {
    String astraToken = "";
    String url = "";
    String orgId = "";
    String logicalName = "";
    int callerMode;

    Map<String, Object> toData(boolean withSecret) {
      Map<String, Object> m = new TreeMap<>();
      if (withSecret) {
        m.put("astra_token", astraToken);
      }
      m.put("url", url);
      m.put("org_id", orgId);
      m.put("logical_name", logicalName);
      m.put("caller_mode", callerMode == 1 ? "standard" : callerMode == 2 ? "sidecar" : "unknown");
      return m;
    }
  }

  static final class Role {
    String roleName = "";
    String roleId = "";
    String orgId = "";
    Duration ttl = DEFAULT_TTL;
    Duration maxTtl = DEFAULT_TTL;

    Map<String, Object> toData() {
      Map<String, Object> m = new TreeMap<>();
      m.put("role_name", roleName);
      m.put("role_id", roleId);
      m.put("org_id", orgId);
      m.put("ttl", Wire.goDuration(ttl));
      m.put("max_ttl", Wire.goDuration(maxTtl));
      return m;
    }
  }

  static final class StoredToken {
    String clientId = "";
    String secret = "";
    String orgId = "";
    List<Object> roles = List.of();
    String token = "";
    String generatedOn = "";
    String roleName = "";
    String logicalName = "";
    Map<String, String> metadata = Map.of();

    Map<String, Object> toData(boolean withToken) {
      Map<String, Object> m = new TreeMap<>();
      if (withToken) {
        m.put("token", token);
      }
      m.put("clientId", clientId);
      m.put("orgId", orgId);
      m.put("roleName", roleName);
      m.put("logicalName", logicalName);
      m.put("generatedOn", generatedOn);
      m.put("metadata", new TreeMap<>(metadata));
      return m;
    }
  }

  private record Client(String url, String astraToken) {
    @Override
    public String toString() {
      return "Client[" + url + ", astraToken=██]";
    }
  }

  // ---- inspection (under lock) ----

  void clear() {
    configs.clear();
    roles.clear();
    tokens.clear();
    reserved.clear();
    log.clear();
    cachedClient = null;
  }

  List<String> log() {
    return List.copyOf(log);
  }

  List<String> tokenClientIds() {
    List<String> ids = new ArrayList<>();
    tokens.values().forEach(t -> ids.add(t.clientId));
    return ids;
  }

  List<String> configOrgIds() {
    return new ArrayList<>(configs.keySet());
  }

  List<String> roleKeys() {
    return new ArrayList<>(roles.keySet());
  }

  // ---- ACL existence check (under lock) ----

  boolean exists(Call call, String rel) {
    if (rel.equals("config")) {
      return configs.containsKey(str(call.params, "org_id", false, ""));
    }
    if (rel.equals("role")) {
      return roles.containsKey(str(call.params, "org_id", false, "") + ":" + str(call.params, "role_name", true, ""));
    }
    return true;
  }

  // ---- dispatch ----

  Reply handle(Call call, String rel) {
    String p = rel;
    boolean list = call.op == Call.Op.LIST;
    switch (p) {
      case "config":
        if (list) {
          break;
        }
        synchronized (lock) {
          return switch (call.op) {
            case READ -> configRead(call.params);
            case WRITE -> configWrite(call.params);
            default -> configDelete(call.params);
          };
        }
      case "configs":
      case "configs/":
        if (!list) {
          break;
        }
        synchronized (lock) {
          return configList();
        }
      case "role":
        if (list) {
          break;
        }
        synchronized (lock) {
          return switch (call.op) {
            case READ -> roleRead(call.params);
            case WRITE -> roleWrite(call.params);
            default -> roleDelete(call.params);
          };
        }
      case "roles":
      case "roles/":
        if (!list) {
          break;
        }
        synchronized (lock) {
          return roleList();
        }
      case "org/token":
        if (call.op == Call.Op.READ || call.op == Call.Op.WRITE) {
          return credentials(call.params, call.op == Call.Op.READ);
        }
        break;
      case "org/tokens":
      case "org/tokens/":
        if (!list) {
          break;
        }
        synchronized (lock) {
          return tokenList();
        }
      default:
        throw new VaultError(404, List.of(Wire.multierror("unsupported path")));
    }
    throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
  }

  // ---- field handling (framework) ----

  private static @Nullable String str(Map<String, Object> params, String field, boolean lower,
      @Nullable String absent) {
    if (!params.containsKey(field)) {
      return absent;
    }
    Object v = params.get(field);
    String s;
    if (v == null) {
      s = "";
    } else if (v instanceof String string) {
      s = string;
    } else if (v instanceof Number || v instanceof Boolean) {
      s = String.valueOf(v);
    } else {
      throw VaultError.badRequest("Field validation failed: error converting input " + goValue(v)
          + " for field \"" + field + "\": '' expected type 'string', got unconvertible type '"
          + KvMount.goType(v) + "'");
    }
    return lower ? s.toLowerCase(Locale.ROOT) : s;
  }

  private static @Nullable Duration duration(Map<String, Object> params, String field) {
    if (!params.containsKey(field)) {
      return null;
    }
    Object v = params.get(field);
    try {
      return Wire.parseDurationSecond(v);
    } catch (IllegalArgumentException e) {
      throw VaultError.badRequest("Field validation failed: error converting input " + goValue(v)
          + " for field \"" + field + "\": " + e.getMessage());
    }
  }

  private static @Nullable Map<String, String> kvPairs(Map<String, Object> params, String field) {
    if (!params.containsKey(field)) {
      return null;
    }
    Object v = params.get(field);
    Map<String, String> out = new TreeMap<>();
    if (v instanceof Map<?, ?> map) {
      map.forEach((k, val) -> out.put(String.valueOf(k), val == null ? "" : String.valueOf(val)));
      return out;
    }
    // sdk/framework TypeKVPairs: mapstructure's weak decoding lifts a single value into a one-element list (a string
    // is NOT split on commas: "a=1,b=2" is the key "a" with the value "1,b=2"; "" is an empty list), then each item
    // is cut at its first '=' and must have a non-empty key.
    List<?> items;
    if (v instanceof List<?> l) {
      items = l;
    } else if (v instanceof String string) {
      items = string.isEmpty() ? List.of() : List.of(string);
    } else if (v instanceof Number || v instanceof Boolean) {
      items = List.of(String.valueOf(v));
    } else {
      throw VaultError.badRequest("Field validation failed: error converting input " + goValue(v)
          + " for field \"" + field + "\": '' expected type 'string', got unconvertible type '"
          + KvMount.goType(v) + "'");
    }
    for (Object item : items) {
      String pair = String.valueOf(item);
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw VaultError.badRequest("Field validation failed: error converting input " + goValue(v)
            + " for field \"" + field + "\": invalid key pair \"" + pair + "\"");
      }
      out.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return out;
  }

  private static String goValue(@Nullable Object v) {
    return v instanceof List<?> l ? "[" + String.join(" ", l.stream().map(String::valueOf).toList()) + "]"
        : String.valueOf(v);
  }

  private String orgMsg(String prefix, String org) {
    return prefix + (fixed() ? " " : "") + org;
  }

  /** v2.0.0 answers a missing object with a 500; the fix answers 404 and keeps the message (so it says what). */
  private VaultError notFound(String msg) {
    return fixed() ? new VaultError(404, List.of(msg)) : VaultError.internal(msg);
  }

  // ---- config ----

  private Reply configWrite(Map<String, Object> params) {
    String orgId = str(params, "org_id", false, null);
    if (orgId == null) {
      throw VaultError.badRequest("please provide an org_id argument");
    }
    if (orgId.isEmpty()) {
      throw VaultError.internal("org ID is an empty string");
    }
    String astraToken = str(params, "astra_token", false, null);
    String url = str(params, "url", false, null);
    String logicalName = str(params, "logical_name", false, null);
    String mode = str(params, "caller_mode", false, null);
    Config existing = configs.get(orgId);
    boolean create = existing == null;
    if (create && astraToken == null) {
      throw VaultError.badRequest("please provide an astra_token argument");
    }
    if (create && url == null) {
      throw VaultError.badRequest("please provide a url argument");
    }
    int callerMode = create ? 1 : existing.callerMode;
    if (mode != null) {
      callerMode = switch (mode.toLowerCase(Locale.ROOT)) {
        case "standard" -> 1;
        case "sidecar" -> 2;
        default -> throw VaultError.badRequest(
            "unrecognised caller_mode argument; valid values are 'standard' or 'sidecar'");
      };
    }
    Config c = create ? new Config() : existing;
    c.orgId = orgId;
    if (astraToken != null) {
      c.astraToken = astraToken;
    }
    if (url != null) {
      c.url = url;
    }
    if (logicalName != null) {
      c.logicalName = logicalName;
    }
    c.callerMode = callerMode;
    configs.put(orgId, c);
    cachedClient = null;
    log.add("[INFO] " + (create ? "Created" : "Updated") + " config for org ID " + orgId + " running in "
        + (callerMode == 1 ? "standard" : "sidecar") + " caller mode");
    return Reply.noContent();
  }

  private Reply configRead(Map<String, Object> params) {
    String orgId = str(params, "org_id", false, "");
    String logicalName = str(params, "logical_name", false, "");
    Config found;
    if (!orgId.isEmpty()) {
      found = configs.get(orgId);
      if (found == null) {
        throw notFound("unable to find config for org ID " + orgId);
      }
    } else if (!logicalName.isEmpty()) {
      if (configs.isEmpty()) {
        throw notFound("no configs found");
      }
      found = configs.values().stream().filter(c -> c.logicalName.equals(logicalName)).findFirst()
          .orElseThrow(() -> notFound("unable to find config for logical name " + logicalName));
    } else {
      throw VaultError.badRequest("please provide an org_id or a logical_name argument");
    }
    return Wire.envelope().mountType(MOUNT_TYPE).data(found.toData(!fixed())).ok();
  }

  private Reply configDelete(Map<String, Object> params) {
    String orgId = str(params, "org_id", false, null);
    if (orgId == null) {
      throw VaultError.badRequest("please provide an org_id argument");
    }
    configs.remove(orgId);
    cachedClient = null;
    log.add("[INFO] Deleted config for org ID " + orgId);
    return Reply.noContent();
  }

  private Reply configList() {
    if (configs.isEmpty()) {
      throw notFound("no configs found");
    }
    Map<String, Object> info = new TreeMap<>();
    configs.forEach((org, c) -> info.put(org, c.toData(!fixed())));
    return Wire.envelope().mountType(MOUNT_TYPE)
        .data(Wire.listData(new ArrayList<>(configs.keySet()), info)).ok();
  }

  // ---- roles ----

  private Reply roleWrite(Map<String, Object> params) {
    Duration ttl = duration(params, "ttl");
    Duration maxTtl = duration(params, "max_ttl");
    String roleName = str(params, "role_name", true, null);
    if (roleName == null) {
      throw VaultError.badRequest("please provide a role_name argument");
    }
    String orgId = str(params, "org_id", false, null);
    if (orgId == null) {
      throw VaultError.badRequest("please provide an org_id argument");
    }
    if (roleName.isEmpty()) {
      throw VaultError.internal("role name is an empty string");
    }
    if (orgId.isEmpty()) {
      throw VaultError.internal("org ID is an empty string");
    }
    String key = orgId + ":" + roleName;
    Role existing = roles.get(key);
    boolean create = existing == null;
    String roleId = str(params, "role_id", false, null);
    if (create && roleId == null) {
      throw VaultError.badRequest("please provide a role_id argument");
    }
    Role r = create ? new Role() : existing;
    r.roleName = roleName;
    r.orgId = orgId;
    if (roleId != null) {
      r.roleId = roleId;
    }
    r.ttl = ttlSetting("ttl", ttl, create, r.ttl);
    r.maxTtl = ttlSetting("max_ttl", maxTtl, create, r.maxTtl);
    if (r.ttl.compareTo(r.maxTtl) > 0) {
      r.ttl = r.maxTtl;
      log.add("[WARN] The ttl value provided is greater than max_ttl (" + Wire.goDuration(r.maxTtl)
          + "); setting ttl to " + Wire.goDuration(r.ttl));
    }
    roles.put(key, r);
    log.add("[INFO] " + (create ? "Created" : "Updated") + " role " + roleName + " with token settings TTL: "
        + Wire.goDuration(r.ttl) + " and MaxTTL: " + Wire.goDuration(r.maxTtl));
    return Reply.noContent();
  }

  private Duration ttlSetting(String field, @Nullable Duration given, boolean create, Duration current) {
    if (given == null) {
      if (create) {
        log.add("[WARN] No " + field + " value provided; defaulting to " + Wire.goDuration(DEFAULT_TTL));
        return DEFAULT_TTL;
      }
      return current;
    }
    if (given.isZero()) {
      log.add("[WARN] A " + field + " value of 0 was provided; defaulting to " + Wire.goDuration(DEFAULT_TTL));
      return DEFAULT_TTL;
    }
    return given;
  }

  private Reply roleRead(Map<String, Object> params) {
    String roleName = str(params, "role_name", true, null);
    String orgId = str(params, "org_id", false, null);
    if (fixed() && roleName == null) {
      throw VaultError.badRequest("please provide a role_name argument");
    }
    if (fixed() && orgId == null) {
      throw VaultError.badRequest("please provide an org_id argument");
    }
    if (roleName == null || roleName.isEmpty()) {
      throw VaultError.internal("role name is an empty string");
    }
    if (orgId == null || orgId.isEmpty()) {
      throw VaultError.internal("org ID is an empty string");
    }
    Role r = roles.get(orgId + ":" + roleName);
    if (r == null) {
      throw VaultError.empty(404);
    }
    return Wire.envelope().mountType(MOUNT_TYPE).data(r.toData()).ok();
  }

  private Reply roleDelete(Map<String, Object> params) {
    String roleName = str(params, "role_name", true, null);
    if (roleName == null) {
      throw VaultError.badRequest("please provide a role_name argument");
    }
    String orgId = str(params, "org_id", false, null);
    if (orgId == null) {
      throw VaultError.badRequest("please provide an org_id argument");
    }
    roles.remove(orgId + ":" + roleName);
    log.add("[INFO] Deleted role " + roleName);
    return Reply.noContent();
  }

  private Reply roleList() {
    if (roles.isEmpty()) {
      throw notFound("no roles found");
    }
    List<String> keys = new ArrayList<>();
    Map<String, Object> info = new TreeMap<>();
    roles.forEach((key, r) -> {
      String name = key.split(":", -1)[1];
      keys.add(name);
      info.put(name, r.toData());
    });
    return Wire.envelope().mountType(MOUNT_TYPE).data(Wire.listData(keys, info)).ok();
  }

  // ---- tokens ----

  private Reply tokenList() {
    if (tokens.isEmpty()) {
      throw notFound("no tokens found");
    }
    List<String> keys = new ArrayList<>();
    Map<String, Object> info = new TreeMap<>();
    tokens.values().forEach(t -> {
      keys.add(t.clientId);
      info.put(t.clientId, t.toData(!fixed()));
    });
    return Wire.envelope().mountType(MOUNT_TYPE).data(Wire.listData(keys, info)).ok();
  }

  /** What the locked prelude decided: either a reply, or a token to create in Astra. */
  private static final class Plan {
    @Nullable Reply reply;
    Role role = new Role();
    Client client = new Client("", "");
    String orgId = "";
    String logicalName = "";
    String tokenId = "";
    Map<String, String> metadata = Map.of();
    boolean sidecar;
  }

  private Reply credentials(Map<String, Object> params, boolean read) {
    Plan plan;
    synchronized (lock) {
      plan = plan(params, read);
    }
    if (plan.reply != null) {
      return plan.reply;
    }
    StoredToken created;
    try {
      created = createInAstra(plan);
    } catch (VaultError e) {
      synchronized (lock) {
        reserved.remove(plan.tokenId);
        log.add("[ERROR] " + e.errors.get(0).replace("1 error occurred:\n\t* ", "").strip());
      }
      throw e;
    }
    synchronized (lock) {
      reserved.remove(plan.tokenId);
      String tokenId = plan.sidecar ? created.clientId : plan.tokenId;
      tokens.put(tokenId, created);
      Map<String, String> internal = new LinkedHashMap<>();
      internal.put("secret_type", "astra_token");
      internal.put("orgId", plan.orgId);
      internal.put("clientId", created.clientId);
      internal.put("roleName", plan.role.roleName);
      internal.put("tokenId", tokenId);
      Lease lease = host.registerLease(mount + "org/token", plan.role.ttl, plan.role.maxTtl, internal);
      log.add("[INFO] Created token '" + created.clientId + "' with TTL: " + Wire.goDuration(plan.role.ttl)
          + " and MaxTTL: " + Wire.goDuration(plan.role.maxTtl));
      Envelope e = Wire.envelope().mountType(MOUNT_TYPE).data(created.toData(true));
      e.leaseId = lease.id;
      e.renewable = true;
      e.leaseDuration = Duration.between(clock.instant(), lease.expireTime).getSeconds();
      return e.ok();
    }
  }

  private Plan plan(Map<String, Object> params, boolean read) {
    Plan plan = new Plan();
    Map<String, String> metadata = kvPairs(params, "metadata");
    String orgId = str(params, "org_id", false, null);
    if (orgId == null) {
      throw VaultError.badRequest("please provide an org_id argument");
    }
    if (orgId.isEmpty()) {
      throw VaultError.internal("org ID is an empty string");
    }
    Config config = configs.get(orgId);
    if (config == null) {
      throw notFound(orgMsg("unable to find config for org ID", orgId));
    }
    plan.orgId = orgId;
    plan.metadata = metadata == null ? Map.of() : metadata;
    String roleName = str(params, "role_name", true, null);
    if (config.callerMode == 2) {
      plan.sidecar = true;
      plan.role = role(roleName, orgId);
      if (plan.role.roleId.isEmpty()) {
        plan.reply = read ? VaultError.empty(404).reply() : Reply.noContent();
        return plan;
      }
      plan.client = client(orgId);
      return plan;
    }
    if (config.callerMode != 1) {
      plan.reply = read ? VaultError.empty(404).reply() : Reply.noContent();
      return plan;
    }
    String clientId = str(params, "client_id", false, "");
    if (read && !clientId.isEmpty()) {
      if (tokens.isEmpty()) {
        throw notFound("no tokens found");
      }
      StoredToken t = tokens.values().stream()
          .filter(x -> x.clientId.equals(clientId) && (!fixed() || x.orgId.equals(orgId))).findFirst()
          .orElseThrow(() -> notFound("no token found with clientId " + clientId));
      plan.reply = Wire.envelope().mountType(MOUNT_TYPE).data(t.toData(true)).ok();
      return plan;
    }
    String logicalName = str(params, "logical_name", true, null);
    if (roleName == null) {
      throw VaultError.badRequest("please provide a role_name argument");
    }
    if (logicalName == null) {
      throw VaultError.badRequest("please provide a logical_name argument");
    }
    if (logicalName.isEmpty()) {
      throw VaultError.internal("logical_name is set to an empty string; a non-empty value must be provided");
    }
    plan.role = role(roleName, orgId);
    if (plan.role.roleId.isEmpty()) {
      plan.reply = read ? VaultError.empty(404).reply() : Reply.noContent();
      return plan;
    }
    plan.logicalName = logicalName;
    plan.tokenId = tokenId(plan.role.orgId, plan.role.roleName, logicalName);
    if (read) {
      StoredToken t = tokens.get(plan.tokenId);
      if (t == null) {
        throw notFound(orgMsg("unable to find token for org ID", orgId) + ", role " + plan.role.roleName
            + ", with logical name " + logicalName);
      }
      plan.reply = Wire.envelope().mountType(MOUNT_TYPE).data(t.toData(true)).ok();
      return plan;
    }
    if (tokens.containsKey(plan.tokenId) || (fixed() && reserved.contains(plan.tokenId))) {
      throw VaultError.internal("token already exists for org ID " + orgId + ", role " + plan.role.roleName
          + ", with logical name " + logicalName);
    }
    if (fixed()) {
      reserved.add(plan.tokenId);
    }
    try {
      plan.client = client(orgId);
    } catch (VaultError e) {
      reserved.remove(plan.tokenId);
      throw e;
    }
    return plan;
  }

  /** Role lookup shared by both modes. role_name is checked here; the order follows pathCredentialsStandardMode. */
  private Role role(@Nullable String roleName, String orgId) {
    if (roleName == null) {
      throw VaultError.badRequest("please provide a role_name argument");
    }
    Role r = roles.get(orgId + ":" + roleName);
    if (r == null) {
      throw notFound("unable to find role " + roleName);
    }
    return r;
  }

  static String tokenId(String orgId, String roleName, String logicalName) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest((orgId + ":" + roleName + ":" + logicalName).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** backend.go getClient: v2.0.0 returns the one cached client whatever the org. Under the lock. */
  private Client client(String orgId) {
    if (!fixed() && cachedClient != null) {
      return cachedClient;
    }
    Config c = configs.get(orgId);
    if (c == null) {
      throw VaultError.internal("error creating Astra token: unable to find config for org ID " + orgId);
    }
    if (c.astraToken.isEmpty()) {
      throw VaultError.internal("error creating Astra token: astra token was not defined");
    }
    if (c.url.isEmpty()) {
      throw VaultError.internal("error creating Astra token: client URL was not defined");
    }
    Client client = new Client(c.url, c.astraToken);
    if (!fixed()) {
      cachedClient = client;
    }
    return client;
  }

  private StoredToken createInAstra(Plan plan) {
    String body = fixed()
        ? "{\"roles\": [" + Wire.toJson(plan.role.roleId) + "]}"
        : "{\"roles\": [\"" + plan.role.roleId + "\"]}";
    Request request;
    try {
      request = new Request.Builder()
          .url(plan.client.url() + "/v2/clientIdSecrets")
          .header("Authorization", "Bearer " + plan.client.astraToken())
          .header("User-Agent", USER_AGENT)
          .post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), JSON))
          .build();
    } catch (IllegalArgumentException e) {
      throw VaultError.internal("error creating Astra token: error sending request Post "
          + GoErrors.quote(plan.client.url() + "/v2/clientIdSecrets") + ": unsupported protocol scheme "
          + GoErrors.quote(scheme(plan.client.url())));
    }
    int code;
    String text;
    try (Response response = http.newCall(request).execute()) {
      code = response.code();
      ResponseBody rb = response.body();
      text = rb.string();
    } catch (IOException e) {
      throw VaultError.internal("error creating Astra token: error sending request "
          + GoErrors.transport("POST", request.url(), e));
    }
    if (fixed() && (code < 200 || code > 299)) {
      throw VaultError.internal("error creating Astra token: Astra answered HTTP " + code);
    }
    Object parsed;
    try {
      parsed = Wire.parse(text);
    } catch (IOException e) {
      throw VaultError.internal("error creating Astra token: failed to decode JSON response '" + text
          + "', caused by " + GoErrors.unmarshal(text));
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw VaultError.internal("error creating Astra token: failed to decode JSON response '" + text
          + "', caused by json: cannot unmarshal " + (parsed == null ? "null" : KvMount.goType(parsed))
          + " into Go value of type astra.astraToken");
    }
    StoredToken t = new StoredToken();
    t.clientId = field(map, "clientId", text);
    t.secret = field(map, "secret", text);
    t.token = field(map, "token", text);
    t.generatedOn = field(map, "generatedOn", text);
    Object roles = map.get("roles");
    t.roles = roles instanceof List<?> l ? new ArrayList<>(l) : List.of();
    if (fixed() && (t.clientId.isEmpty() || t.token.isEmpty())) {
      throw VaultError.internal("error creating Astra token: the response has no clientId or token");
    }
    t.orgId = plan.orgId;
    t.roleName = plan.role.roleName;
    t.logicalName = plan.logicalName;
    t.metadata = plan.metadata;
    return t;
  }

  private static String field(Map<?, ?> map, String name, String text) {
    Object v = map.get(name);
    if (v == null) {
      return "";
    }
    if (!(v instanceof String s)) {
      throw VaultError.internal("error creating Astra token: failed to decode JSON response '" + text
          + "', caused by json: cannot unmarshal " + KvMount.goType(v).replace("json.Number", "number")
          + " into Go struct field astraToken." + name + " of type string");
    }
    return s;
  }



  private static String scheme(String url) {
    int colon = url.indexOf("://");
    return colon < 0 ? "" : url.substring(0, colon);
  }

  // ---- lease callbacks ----

  /** tokenRenew: the role as it is now, or a VaultError. Under the lock. */
  Role renew(Lease lease) {
    String orgId = lease.internal.get("orgId");
    if (orgId == null) {
      throw VaultError.badRequest("secret is missing orgId internal data");
    }
    String roleName = lease.internal.get("roleName");
    if (roleName == null) {
      throw VaultError.badRequest("secret is missing role internal data");
    }
    Role r = roles.get(orgId + ":" + roleName);
    if (r == null) {
      throw VaultError.badRequest("unable to find role " + roleName);
    }
    log.add("[INFO] Renewed lease for token '" + lease.internal.get("clientId") + "' with TTL: "
        + Wire.goDuration(r.ttl) + " and MaxTTL: " + Wire.goDuration(r.maxTtl) + " ");
    return r;
  }

  /**
   * tokenRevoke. Call without the lock: it deletes the token in Astra over HTTP. Returns null on success, else the
   * plugin's error text.
   */
  @Nullable String revoke(Lease lease) {
    String orgId = lease.internal.get("orgId");
    if (orgId == null) {
      return "failed to retrieve organisation Id related to token";
    }
    Client client;
    synchronized (lock) {
      try {
        client = client(orgId);
      } catch (VaultError e) {
        return "error getting client: " + e.errors.get(0)
            .replace("1 error occurred:\n\t* error creating Astra token: ", "").replace("\n\n", "");
      }
    }
    String clientId = lease.internal.getOrDefault("clientId", "");
    Request request = new Request.Builder()
        .url(client.url() + "/v2/clientIdSecrets/" + clientId)
        .header("Authorization", "Bearer " + client.astraToken())
        .header("User-Agent", USER_AGENT)
        .delete()
        .build();
    int code;
    String statusLine;
    try (Response response = http.newCall(request).execute()) {
      code = response.code();
      // Go's res.Status: the code and the reason phrase exactly as the server sent it.
      statusLine = code + " " + (response.message().isEmpty() ? StatusLine.reason(code) : response.message());
    } catch (IOException e) {
      return "error revoking user token: error sending request " + GoErrors.transport("DELETE", request.url(), e);
    }
    boolean ok = fixed() ? (code >= 200 && code <= 299) || code == 404 : code == 204;
    if (!ok) {
      return "error revoking user token: unable to delete token in astra; " + statusLine;
    }
    synchronized (lock) {
      tokens.remove(lease.internal.getOrDefault("tokenId", ""));
      log.add("[INFO] Revoked lease for token '" + clientId + "'");
    }
    return null;
  }


}
