package dev.astravault.test.vault;

import dev.astravault.test.vault.Wire.Envelope;
import dev.astravault.test.vault.Wire.Reply;
import dev.astravault.test.vault.Wire.VaultError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** A KV secrets engine mount, version 1 or 2. Not thread-safe: FakeVault calls it under its lock. */
final class KvMount {
  private static final int DEFAULT_MAX_VERSIONS = 10;

  final String path;
  final int version;
  private final Clock clock;
  private final Duration defaultTtl;
  /** v1: key to data. */
  private final TreeMap<String, Map<String, Object>> v1 = new TreeMap<>();
  /** v2: key to metadata and versions. */
  private final TreeMap<String, Key> v2 = new TreeMap<>();
  private boolean casRequired;
  private int maxVersions;
  /** The mount's {@code delete_version_after}; zero: versions are never deleted by age. */
  private Duration deleteVersionAfter = Duration.ZERO;

  KvMount(String path, int version, Clock clock, Duration defaultTtl) {
    this.path = path;
    this.version = version;
    this.clock = clock;
    this.defaultTtl = defaultTtl;
  }

  private static final class Version {
    @Nullable Map<String, Object> data;
    final Instant created;
    @Nullable Instant deleted;
    /** When delete_version_after soft-deletes it: fixed when written, as Vault does; undelete clears it. */
    @Nullable Instant expires;
    boolean destroyed;

    Version(Map<String, Object> data, Instant created) {
      this.data = data;
      this.created = created;
    }

    Map<String, Object> metadata(int number, boolean withVersion) {
      Map<String, Object> m = new TreeMap<>();
      m.put("created_time", Wire.time(created));
      Instant deletion = deleted != null ? deleted : expires;
      m.put("deletion_time", deletion == null ? "" : Wire.time(deletion));
      m.put("destroyed", destroyed);
      if (withVersion) {
        m.put("custom_metadata", null);
        m.put("version", number);
      }
      return m;
    }

    /** Vault reads a version as deleted once its deletion time is before now. */
    boolean live(Instant now) {
      return deleted == null && !destroyed && (expires == null || !expires.isBefore(now));
    }
  }

  private static final class Key {
    final TreeMap<Integer, Version> versions = new TreeMap<>();
    int current;
    int oldest;
    int maxVersions;
    boolean casRequired;
    Duration deleteVersionAfter = Duration.ZERO;
    @Nullable Map<String, Object> customMetadata;
    final Instant created;
    Instant updated;

    Key(Instant created) {
      this.created = created;
      this.updated = created;
    }
  }

  void clear() {
    v1.clear();
    v2.clear();
    casRequired = false;
    maxVersions = 0;
    deleteVersionAfter = Duration.ZERO;
  }

  // ---- inspection ----

  Optional<Map<String, Object>> latest(String key) {
    if (version == 1) {
      Map<String, Object> data = v1.get(key);
      return Optional.ofNullable(data == null ? null : copy(data));
    }
    Key k = v2.get(key);
    if (k == null) {
      return Optional.empty();
    }
    Version v = k.versions.get(k.current);
    return v == null || !v.live(clock.instant()) || v.data == null ? Optional.empty() : Optional.of(copy(v.data));
  }

  List<String> keys() {
    return new ArrayList<>(version == 1 ? v1.keySet() : v2.keySet());
  }

  void put(String key, Map<String, Object> data) {
    if (version == 1) {
      v1.put(key, copy(data));
    } else {
      writeVersion(key, copy(data));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, ?> data) {
    return (Map<String, Object>) Wire.deepCopy(data);
  }

  // ---- ACL ----

  /** Whether a write to {@code rel} would update (true) or create (false). */
  boolean exists(String rel) {
    if (version == 1) {
      return v1.containsKey(rel);
    }
    String[] parts = split(rel);
    return parts != null && v2.containsKey(parts[1]);
  }

  private static String @Nullable [] split(String rel) {
    int slash = rel.indexOf('/');
    if (slash < 0) {
      return null;
    }
    return new String[] {rel.substring(0, slash), rel.substring(slash + 1)};
  }

  // ---- handling ----

  Reply handle(Call call, String rel) {
    return version == 1 ? handleV1(call, rel) : handleV2(call, rel);
  }

  private Reply handleV1(Call call, String rel) {
    switch (call.op) {
      case LIST: {
        String prefix = rel.isEmpty() || rel.endsWith("/") ? rel : rel + "/";
        List<String> keys = Wire.childKeys(v1.keySet(), prefix);
        if (keys.isEmpty()) {
          throw VaultError.empty(404);
        }
        return Wire.envelope().mountType("kv").data(Wire.listData(keys, null)).ok();
      }
      case READ: {
        Map<String, Object> data = v1.get(rel);
        if (data == null) {
          throw VaultError.empty(404);
        }
        Envelope e = Wire.envelope().mountType("kv").data(copy(data));
        Duration ttl = defaultTtl;
        Object ttlField = data.get("ttl");
        if (ttlField != null) {
          try {
            ttl = Wire.parseDurationSecond(ttlField);
          } catch (IllegalArgumentException ignored) {
            // Vault ignores an unparseable ttl field here and keeps the default.
          }
        }
        e.leaseDuration = ttl.getSeconds();
        return e.ok();
      }
      case WRITE:
        if (call.params.isEmpty()) {
          throw VaultError.badRequest("missing data fields");
        }
        v1.put(rel, copy(call.params));
        return Reply.noContent();
      case PATCH:
      case HEADER:  // the passthrough backend has neither handler
        throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
      case DELETE:
      default:
        v1.remove(rel);
        return Reply.noContent();
    }
  }

  private Reply handleV2(Call call, String rel) {
    if (rel.equals("config")) {
      return config(call);
    }
    String[] parts = split(rel);
    String kind = parts == null ? rel : parts[0];
    String key = parts == null ? "" : parts[1];
    boolean list = call.op == Call.Op.LIST;
    switch (kind) {
      case "data":
        if (list) {
          throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
        }
        if (parts == null || key.isEmpty()) {
          break;
        }
        return data(call, key);
      case "metadata":
        if (list) {
          String prefix = key.isEmpty() || key.endsWith("/") ? key : key + "/";
          List<String> keys = Wire.childKeys(v2.keySet(), prefix);
          if (keys.isEmpty()) {
            throw VaultError.empty(404);
          }
          return Wire.envelope().mountType("kv").data(Wire.listData(keys, null)).ok();
        }
        if (parts == null || key.isEmpty()) {
          break;
        }
        return metadata(call, key);
      case "delete":
      case "undelete":
      case "destroy":
        if (parts == null || key.isEmpty() || list) {
          break;
        }
        if (call.op != Call.Op.WRITE) {
          throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
        }
        return versions(kind, call, key);
      default:
        break;
    }
    String sub = switch (call.op) {
      case WRITE -> "put";
      case PATCH -> "patch";
      case READ, HEADER -> "get";
      case LIST -> "list";
      case DELETE -> "delete";
    };
    return Wire.envelope().mountType("kv")
        .warning("Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API "
            + "endpoints to use. If using the Vault CLI, use 'vault kv " + sub + "' for this operation.")
        .reply(404);
  }

  private Reply config(Call call) {
    if (call.op == Call.Op.READ) {
      Map<String, Object> d = new TreeMap<>();
      d.put("cas_required", casRequired);
      d.put("delete_version_after", Wire.goDuration(deleteVersionAfter));
      d.put("max_versions", maxVersions);
      return Wire.envelope().mountType("kv").data(d).ok();
    }
    if (call.op == Call.Op.WRITE) {
      if (call.params.containsKey("max_versions")) {
        maxVersions = intParam(call.params.get("max_versions"), "max_versions");
      }
      if (call.params.containsKey("cas_required")) {
        casRequired = boolParam(call.params.get("cas_required"), "cas_required");
      }
      if (call.params.containsKey("delete_version_after")) {
        deleteVersionAfter = durationParam(call.params.get("delete_version_after"), "delete_version_after");
      }
      return Reply.noContent();
    }
    throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
  }

  @SuppressWarnings("unchecked")
  private Reply data(Call call, String key) {
    Key k = v2.get(key);
    switch (call.op) {
      case READ: {
        if (k == null) {
          throw VaultError.empty(404);
        }
        int wanted = k.current;
        String v = call.query("version");
        if (v != null) {
          try {
            int n = Integer.parseInt(v);
            if (n > 0) {
              wanted = n;
            }
          } catch (NumberFormatException e) {
            throw VaultError.badRequest("Field validation failed: error converting input " + v
                + " for field \"version\": strconv.ParseInt: parsing \"" + v + "\": invalid syntax");
          }
        }
        Version ver = k.versions.get(wanted);
        if (ver == null) {
          throw VaultError.empty(404);
        }
        Map<String, Object> d = new TreeMap<>();
        boolean live = ver.live(clock.instant());
        d.put("data", live && ver.data != null ? copy(ver.data) : null);
        Map<String, Object> meta = ver.metadata(wanted, true);
        meta.put("custom_metadata", k.customMetadata == null ? null : copy(k.customMetadata));
        d.put("metadata", meta);
        return Wire.envelope().mountType("kv").data(d).reply(live ? 200 : 404);
      }
      case WRITE: {
        Object data = call.params.get("data");
        if (data == null) {
          throw VaultError.badRequest("no data provided");
        }
        if (!(data instanceof Map)) {
          throw VaultError.badRequest("Field validation failed: error converting input " + data
              + " for field \"data\": '' expected a map, got '" + goType(data) + "'");
        }
        checkAndSet(call, k == null ? 0 : k.current, k != null && k.casRequired);
        int n = writeVersion(key, copy((Map<String, Object>) data));
        Key written = v2.get(key);
        Map<String, Object> meta = written.versions.get(n).metadata(n, true);
        meta.put("custom_metadata", written.customMetadata == null ? null : copy(written.customMetadata));
        return Wire.envelope().mountType("kv").data(meta).ok();
      }
      case PATCH:
        return patchData(call, key, k);
      case HEADER:
        throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
      case DELETE:
      default: {
        if (k != null) {
          Version ver = k.versions.get(k.current);
          if (ver != null && ver.live(clock.instant())) {
            ver.deleted = clock.instant();
            k.updated = clock.instant();
          }
        }
        return Reply.noContent();
      }
    }
  }

  /** path_data.go validateCheckAndSetOption, shared by write and patch. */
  @SuppressWarnings("unchecked")
  private void checkAndSet(Call call, int current, boolean keyCasRequired) {
    Object options = call.params.get("options");
    Object cas = options instanceof Map ? ((Map<String, Object>) options).get("cas") : null;
    if (cas != null) {
      if (intParam(cas, "cas") != current) {
        throw VaultError.badRequest("check-and-set parameter did not match the current version");
      }
    } else if (casRequired || keyCasRequired) {
      throw VaultError.badRequest("check-and-set parameter required for this call");
    }
  }

  /**
   * path_data.go pathDataPatch: a JSON merge patch of the current version, written as the next one. A missing key
   * (or a current version already dropped) is a bare 404; a deleted or destroyed one 404 with its metadata.
   */
  @SuppressWarnings("unchecked")
  private Reply patchData(Call call, String key, @Nullable Key k) {
    Object data = call.params.get("data");
    if (data != null && !(data instanceof Map)) {
      throw VaultError.badRequest("Field validation failed: error converting input " + data
          + " for field \"data\": '' expected a map, got '" + goType(data) + "'");
    }
    if (data == null) {
      throw VaultError.badRequest("no data provided");
    }
    if (k == null) {
      return Reply.bare(404);
    }
    checkAndSet(call, k.current, k.casRequired);
    Version current = k.versions.get(k.current);
    if (current == null) {
      return Reply.bare(404);
    }
    if (!current.live(clock.instant())) {
      Map<String, Object> meta = current.metadata(k.current, true);
      meta.put("custom_metadata", k.customMetadata == null ? null : copy(k.customMetadata));
      return Wire.envelope().mountType("kv").data(meta).reply(404);
    }
    Map<String, Object> merged = mergePatch(current.data == null ? new TreeMap<>() : copy(current.data),
        (Map<String, Object>) data);
    int n = writeVersion(key, merged);
    Key written = v2.get(key);
    Map<String, Object> meta = written.versions.get(n).metadata(n, true);
    meta.put("custom_metadata", written.customMetadata == null ? null : copy(written.customMetadata));
    return Wire.envelope().mountType("kv").data(meta).ok();
  }

  /** RFC 7386 as framework.HandlePatchOperation applies it: null removes a key, maps merge, the rest replaces. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> mergePatch(Map<String, Object> target, Map<String, Object> patch) {
    patch.forEach((name, value) -> {
      if (value == null) {
        target.remove(name);
      } else if (value instanceof Map && target.get(name) instanceof Map) {
        target.put(name, mergePatch(new TreeMap<>((Map<String, Object>) target.get(name)),
            (Map<String, Object>) value));
      } else if (value instanceof Map) {
        target.put(name, mergePatch(new TreeMap<>(), (Map<String, Object>) value));
      } else {
        target.put(name, value);
      }
    });
    return target;
  }

  /**
   * path_metadata.go pathMetadataPatch: the key's settings given are replaced and its custom_metadata merge-patched;
   * a missing key is a bare 404. The updated time is left alone, as the patched metadata is written back as read.
   */
  @SuppressWarnings("unchecked")
  private Reply patchMetadata(Call call, @Nullable Key k) {
    if (k == null) {
      return Reply.bare(404);
    }
    applySettings(call, k);
    Object custom = call.params.get("custom_metadata");
    if (custom instanceof Map) {
      Map<String, Object> merged = mergePatch(k.customMetadata == null ? new TreeMap<>() : copy(k.customMetadata),
          (Map<String, Object>) custom);
      k.customMetadata = merged.isEmpty() ? null : merged;
    }
    return Reply.noContent();
  }

  /** The settings a metadata write or patch gives ({@code max_versions}, {@code cas_required}, ...); others kept. */
  private void applySettings(Call call, Key k) {
    if (call.params.containsKey("max_versions")) {
      k.maxVersions = intParam(call.params.get("max_versions"), "max_versions");
    }
    if (call.params.containsKey("cas_required")) {
      k.casRequired = boolParam(call.params.get("cas_required"), "cas_required");
    }
    if (call.params.containsKey("delete_version_after")) {
      k.deleteVersionAfter = durationParam(call.params.get("delete_version_after"), "delete_version_after");
    }
  }

  private int writeVersion(String key, Map<String, Object> data) {
    Instant now = clock.instant();
    Key k = v2.computeIfAbsent(key, x -> new Key(now));
    int n = k.current + 1;
    Version written = new Version(data, now);
    Duration after = deleteAfter(deleteVersionAfter, k.deleteVersionAfter);
    written.expires = after.isZero() ? null : now.plus(after);
    k.versions.put(n, written);
    k.current = n;
    k.updated = now;
    int max = k.maxVersions > 0 ? k.maxVersions : maxVersions > 0 ? maxVersions : DEFAULT_MAX_VERSIONS;
    // KeyMetadata.AddVersion's sliding window: oldest_version stays 0 until the window first fills, then names the
    // oldest version kept.
    if (k.current - k.oldest >= max) {
      int toDelete = k.current - max;
      for (int i = k.oldest; i <= toDelete; i++) {
        k.versions.remove(i);
      }
      k.oldest = toDelete + 1;
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private Reply metadata(Call call, String key) {
    Key k = v2.get(key);
    switch (call.op) {
      case READ: {
        if (k == null) {
          throw VaultError.empty(404);
        }
        Map<String, Object> d = new TreeMap<>();
        d.put("cas_required", k.casRequired);
        d.put("created_time", Wire.time(k.created));
        d.put("current_version", k.current);
        d.put("custom_metadata", k.customMetadata == null ? null : copy(k.customMetadata));
        d.put("delete_version_after", Wire.goDuration(k.deleteVersionAfter));
        d.put("max_versions", k.maxVersions);
        d.put("oldest_version", k.oldest);
        d.put("updated_time", Wire.time(k.updated));
        Map<String, Object> versions = new TreeMap<>();
        k.versions.forEach((n, v) -> versions.put(String.valueOf(n), v.metadata(n, false)));
        d.put("versions", versions);
        return Wire.envelope().mountType("kv").data(d).ok();
      }
      case WRITE: {
        Instant now = clock.instant();
        Key key2 = v2.computeIfAbsent(key, x -> new Key(now));
        applySettings(call, key2);
        Object custom = call.params.get("custom_metadata");
        if (custom instanceof Map) {
          key2.customMetadata = copy((Map<String, Object>) custom);
        }
        key2.updated = now;
        return Reply.noContent();
      }
      case PATCH:
        return patchMetadata(call, k);
      case HEADER:
        throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
      case DELETE:
      default:
        v2.remove(key);
        return Reply.noContent();
    }
  }

  private Reply versions(String kind, Call call, String key) {
    Object raw = call.params.get("versions");
    List<Integer> numbers = new ArrayList<>();
    if (raw instanceof List<?> list) {
      for (Object o : list) {
        numbers.add(intParam(o, "versions"));
      }
    } else if (raw != null) {
      numbers.add(intParam(raw, "versions"));
    }
    if (numbers.isEmpty()) {
      throw VaultError.badRequest("no version number provided");
    }
    Key k = v2.get(key);
    if (k == null) {
      return Reply.noContent();
    }
    Instant now = clock.instant();
    for (int n : numbers) {
      Version v = k.versions.get(n);
      if (v == null) {
        continue;
      }
      switch (kind) {
        case "delete" -> {
          if (v.live(now)) {
            v.deleted = now;
          }
        }
        case "undelete" -> {
          if (!v.destroyed) {
            v.deleted = null;
            v.expires = null;
          }
        }
        default -> {
          v.destroyed = true;
          v.data = null;
        }
      }
    }
    k.updated = now;
    return Reply.noContent();
  }

  /** The kv plugin's deletionTime rule: the smaller of the mount's and the key's settings that are non-zero. */
  private static Duration deleteAfter(Duration mount, Duration key) {
    if (mount.isZero()) {
      return key;
    }
    return key.isZero() || mount.compareTo(key) < 0 ? mount : key;
  }

  static Duration durationParam(@Nullable Object v, String field) {
    try {
      return Wire.parseDurationSecond(v);
    } catch (IllegalArgumentException e) {
      throw VaultError.badRequest("Field validation failed: error converting input " + v + " for field \"" + field
          + "\": " + e.getMessage());
    }
  }

  static int intParam(@Nullable Object v, String field) {
    if (v instanceof Number n) {
      return n.intValue();
    }
    if (v instanceof String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw VaultError.badRequest("Field validation failed: error converting input " + v + " for field \"" + field
        + "\": cannot parse '' as int");
  }

  static boolean boolParam(@Nullable Object v, String field) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s && (s.equals("true") || s.equals("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw VaultError.badRequest("Field validation failed: error converting input " + v + " for field \"" + field
        + "\": cannot parse '' as bool");
  }

  static String goType(Object o) {
    if (o instanceof String) {
      return "string";
    }
    if (o instanceof List) {
      return "[]interface {}";
    }
    if (o instanceof Boolean) {
      return "bool";
    }
    return "json.Number";
  }
}
