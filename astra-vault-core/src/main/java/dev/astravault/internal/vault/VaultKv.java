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
  private static final String CAS_REQUIRED = "check-and-set parameter required for this call";
  // A last-writer-wins write on a cas_required mount gives up after this many lost races instead of spinning.
  private static final int PUT_ATTEMPTS = 16;

  private final VaultSession session;
  private final String mount;
  private final int version;
  private final int mountDepth;
  /** Set once a write without {@code cas} was refused for it; from then on {@link #put} names the version. */
  private volatile boolean casRequired;

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

  /** The live entry at {@code rel}; empty when missing (or, on v2, soft-deleted or destroyed). */
  public Optional<Entry> read(String what, String rel) {
    return Optional.ofNullable(readVersioned(what, rel).live());
  }

  /**
   * A key as a check-and-set sees it: its live entry, if any, and the version a {@code cas} must name. On v2 a key
   * soft-deleted ({@code vault kv delete}) or destroyed keeps its metadata: reads answer 404, yet its version stays
   * current and a LIST still names it, so {@code cas=0} would never match again.
   *
   * @param live the entry, or null when missing, soft-deleted or destroyed
   * @param version the key's current version (0 when it has none, and always on v1)
   */
  public record Versioned(@Nullable Entry live, long version) {}

  public Versioned readVersioned(String what, String rel) {
    VaultReply r = version == 2 ? session.kv2Read(what, full(rel), mountDepth) : session.read(what, full(rel));
    if (r.status() == 404) {
      // Missing: {"errors":[]}. Soft-deleted or destroyed: the envelope, data.data null, data.metadata.version.
      JsonValue meta = r.data().get("metadata");
      long v = version == 2 && meta != null && meta.isObject() ? VaultReply.number(meta.asObject(), "version", 0) : 0;
      return new Versioned(null, v);
    }
    require(what, r);
    if (version == 1) {
      return new Versioned(new Entry(r.data(), 0), 0);
    }
    JsonValue data = r.data().get("data");
    JsonValue meta = r.data().get("metadata");
    if (meta == null || !meta.isObject()) {
      throw notVersion2(what, r);
    }
    long v = VaultReply.number(meta.asObject(), "version", 0);
    return new Versioned(data == null || !data.isObject() ? null : new Entry(data.asObject(), v), v);
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
    // KV v2 answers 200 with the new version; a KV v1 mount stores the v2 body as plain data and answers 204, and
    // would take every check-and-set after it without checking anything.
    if (version == 2 && (r.status() != 200 || r.data().get("version") == null)) {
      throw notVersion2(what, r);
    }
    return true;
  }

  /**
   * Writes {@code data} at {@code rel} whatever is there (last writer wins). A mount or key with
   * {@code cas_required} refuses a write without {@code cas}; then the current version is read and named, again
   * until no other writer came in between. Learnt once per mount.
   */
  public void put(String what, String rel, Map<String, Object> data) {
    if (!casRequired) {
      VaultReply r = version == 2 ? session.kv2Write(what, full(rel), mountDepth, data, null)
          : session.write(what, full(rel), data);
      if (!(r.status() == 400 && r.errorText().contains(CAS_REQUIRED))) {
        require(what, r);
        if (version == 2 && (r.status() != 200 || r.data().get("version") == null)) {
          throw notVersion2(what, r);
        }
        return;
      }
      casRequired = true;
    }
    for (int attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
      if (write(what, rel, data, readVersioned(what, rel).version())) {
        return;
      }
      // Another writer came in between: name its version.
    }
    throw new AstraVaultException(what + ": " + rel + " changed on every one of " + PUT_ATTEMPTS
        + " check-and-set writes; another writer keeps rewriting it");
  }

  private AstraVaultException notVersion2(String what, VaultReply r) {
    return new AstraVaultException(what + ": mount '" + mount + "' is not a KV version 2 engine (HTTP " + r.status()
        + " on " + r.path() + " without KV v2 version metadata); mount a kv-v2 engine or run "
        + "'vault kv enable-versioning " + mount + "'");
  }

  /**
   * The mount's {@code delete_version_after} as Vault prints it ({@code GET <mount>/config}): a Go duration such as
   * {@code 3h0m0s}, {@code 0s} when unset. A policy without {@code read} on that path throws
   * {@link dev.astravault.vault.VaultAccessDeniedException}.
   */
  public String deleteVersionAfter(String what) {
    VaultReply r = session.read(what, mount + "/config");
    if (r.status() == 404) {
      return "0s";   // not a KV v2 mount: refused by the store's version lookup, or at its first write
    }
    require(what, r);
    String after = VaultReply.string(r.data(), "delete_version_after");
    return after == null ? "0s" : after;
  }

  /**
   * The mount that serves {@code rel} in this mount, as Vault describes it ({@link KvMountInfo#lookup}).
   *
   * @return the mount; empty when Vault has no such endpoint
   * @throws dev.astravault.vault.VaultAccessDeniedException on 403 (no such mount, or no access under it)
   */
  public Optional<KvMountInfo> mountInfo(String what, String rel) {
    return KvMountInfo.lookup(session, what, full(rel));
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
