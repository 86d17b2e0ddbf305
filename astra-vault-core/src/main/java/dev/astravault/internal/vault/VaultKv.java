package dev.astravault.internal.vault;

import dev.astravault.AstraVaultException;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One KV mount (v1 or v2) reached through a {@link VaultSession}. Paths are relative to the mount. On v2 the driver's
 * {@code delete} is a hard delete of the metadata (every version); {@link #destroy} says so in its name on purpose.
 */
public final class VaultKv {
  private static final String CAS_MISMATCH = "check-and-set parameter did not match the current version";

  private final VaultSession session;
  private final String mount;
  private final int version;
  private final int mountDepth;

  /** One entry: its data and, on v2, its current version (0 on v1). */
  public record Entry(JsonObject data, long version) {
    public @Nullable String string(String field) {
      return VaultReply.string(data, field);
    }
  }

  public VaultKv(VaultSession session, String mount, int version) {
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("KV version must be 1 or 2: " + version);
    }
    this.session = session;
    this.mount = mount;
    this.version = version;
    this.mountDepth = mount.split("/").length;
  }

  public String mount() {
    return mount;
  }

  public int version() {
    return version;
  }

  private String full(String rel) {
    return mount + "/" + rel;
  }

  /** The live entry at {@code rel}; empty when missing (or, on v2, deleted or destroyed). */
  public Optional<Entry> read(String what, String rel) {
    VaultReply r = version == 2 ? session.kv2Read(what, full(rel), mountDepth) : session.read(what, full(rel));
    if (r.status() == 404) {
      return Optional.empty();
    }
    require(what, r);
    if (version == 1) {
      return Optional.of(new Entry(r.data(), 0));
    }
    JsonValue data = r.data().get("data");
    JsonValue meta = r.data().get("metadata");
    if (data == null || !data.isObject()) {
      return Optional.empty();
    }
    long v = meta != null && meta.isObject() ? VaultReply.number(meta.asObject(), "version", 0) : 0;
    return Optional.of(new Entry(data.asObject(), v));
  }

  /**
   * Writes {@code data} at {@code rel}. On v2 with {@code cas}, only if the current version equals it (0: only if
   * the key does not exist).
   *
   * @return false if the check-and-set did not match; true once written
   */
  public boolean write(String what, String rel, Map<String, Object> data, @Nullable Long cas) {
    if (cas != null && version != 2) {
      throw new IllegalStateException("check-and-set needs KV v2");
    }
    VaultReply r = version == 2 ? session.kv2Write(what, full(rel), mountDepth, data, cas)
        : session.write(what, full(rel), data);
    if (r.status() == 400 && r.errorText().contains(CAS_MISMATCH)) {
      return false;
    }
    require(what, r);
    return true;
  }

  /** The keys directly under folder {@code rel} (sub-folders end in {@code /}); empty when there are none. */
  public List<String> list(String what, String rel) {
    String dir = rel.endsWith("/") ? rel : rel + "/";
    VaultReply r = version == 2 ? session.kv2List(what, full(dir), mountDepth) : session.list(what, full(dir));
    if (r.status() == 404) {
      return List.of();
    }
    require(what, r);
    return new ArrayList<>(VaultReply.strings(r.data(), "keys"));
  }

  /** Removes {@code rel} for good: on v2 the driver deletes the metadata, and with it every version. */
  public void destroy(String what, String rel) {
    VaultReply r = version == 2 ? session.kv2Destroy(what, full(rel), mountDepth) : session.delete(what, full(rel));
    if (r.status() != 404) {
      require(what, r);
    }
  }

  private static void require(String what, VaultReply r) {
    if (!r.ok()) {
      throw r.status() >= 400 ? VaultErrors.of(what, r, null)
          : new AstraVaultException(what + ": unexpected HTTP " + r.status() + " on " + r.path());
    }
  }
}
