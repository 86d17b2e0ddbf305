package dev.astravault.internal.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAccessDeniedException;
import dev.astravault.vault.VaultKvMountException;
import io.github.jopenlibs.vault.json.JsonValue;
import java.util.Optional;

/**
 * The mount that serves a path, as {@code GET sys/internal/ui/mounts/<path>} describes it: the lookup the Vault CLI's
 * {@code vault kv} commands make to learn a mount's KV version. Vault serves that path to any token that holds some
 * capability on the mount or under it (no policy names it); no such mount, or no access, is the same 403.
 *
 * @param mount the mount's path, without the trailing slash (e.g. {@code team/kv})
 * @param type the engine type ({@code kv} for both versions)
 * @param kvVersion the KV version from {@code options.version}: 2, or 1 when absent (as the Vault CLI reads it)
 */
public record KvMountInfo(String mount, String type, int kvVersion) {

  /** Whether the engine is a KV one ({@code generic} is its pre-0.8 name). */
  public boolean isKv() {
    return type.equals("kv") || type.equals("generic");
  }

  /**
   * {@code given} on the mount that serves it, with that mount's KV version asked of Vault: the one lookup every
   * reader makes when it is not told the version ({@code VaultKeyProvider}, {@code VaultOrgConfigs}, the Vault KV
   * audit witness). Vault's answer places the mount boundary ({@code team} + {@code kv/x} is {@code team/kv} +
   * {@code x}); a Vault without the endpoint predates KV v2, so the path is KV v1.
   *
   * @param session the Vault session
   * @param what what lives at the path, for messages (e.g. {@code the store key})
   * @param given the mount and path; its version is ignored
   * @return the path with the mount's version
   * @throws VaultKvMountException if the mount is not a KV engine
   * @throws VaultAccessDeniedException if Vault refuses the lookup: the message names the mount and says to grant
   *     access or state the version
   * @throws dev.astravault.AstraVaultException if Vault cannot be read
   */
  public static KvPath resolve(VaultSession session, String what, KvPath given) {
    String full = given.mount() + "/" + given.path();
    Optional<KvMountInfo> found;
    try {
      found = lookup(session, "look up the KV version of the mount of " + what, full);
    } catch (VaultAccessDeniedException ex) {
      throw new VaultAccessDeniedException(ex.path(), "cannot tell the KV version of mount '" + given.mount()
          + "': Vault refused sys/internal/ui/mounts/" + full + " (no such mount, the token may do nothing under "
          + "it, or a proxy or a Vault older than 0.10 refuses the lookup); grant the token access to " + what
          + " there, or state the version (KV v1 or v2)", ex);
    }
    if (found.isEmpty()) {
      return KvPath.v1(given.mount(), given.path());
    }
    KvMountInfo m = found.get();
    if (!m.isKv()) {
      throw m.notKv(full, what);
    }
    if (!m.mount().isEmpty() && full.startsWith(m.mount() + "/") && full.length() > m.mount().length() + 1) {
      return new KvPath(m.mount(), full.substring(m.mount().length() + 1), m.kvVersion());
    }
    return new KvPath(given.mount(), given.path(), m.kvVersion());
  }

  /**
   * Whether Vault placed {@code full} in another mount than {@code configured}: one level off ({@code team} +
   * {@code kv/x} where the mount is {@code team/kv}, or {@code team/kv/x} + {@code y}). A reader that is told the
   * mount builds its paths on it ({@code team/data/kv/x}), which that mount does not serve.
   */
  public boolean servesFromOtherMount(String configured) {
    return !mount.isEmpty() && !mount.equals(configured);
  }

  /**
   * The error for {@code full}, set as mount {@code configured}, when Vault serves it from this mount instead
   * ({@link #servesFromOtherMount}): names both and the setting that fixes it.
   *
   * @param configured the mount as configured
   * @param full the configured mount and path, joined
   * @param what what lives at the path, for messages (e.g. {@code the Vault KV lease store})
   * @param label what the part after the mount is called where it is set (e.g. {@code path prefix})
   * @param needed the KV version {@code what} needs (0: either)
   */
  public VaultKvMountException elsewhere(String configured, String full, String what, String label, int needed) {
    String rest = full.startsWith(mount + "/") ? full.substring(mount.length() + 1) : full;
    return new VaultKvMountException(mount, type, isKv() ? kvVersion : 0, needed, "mount '" + configured
        + "' does not serve " + full + ": Vault serves it from mount '" + mount + "' (" + describe() + "), so "
        + what + " would read and write paths that mount '" + configured + "' does not hold; set mount '" + mount
        + "' with " + label + " '" + rest + "'");
  }

  /**
   * The error for this KV mount where version {@code needed} is: "mount '{@code name}' is a KV version N engine, but
   * {@code butClause}". The one message of the readers' stated version ({@link #mismatch}) and the lease store's.
   *
   * @param name the mount to name (Vault's, or the configured one when Vault named none)
   * @param needed the KV version needed
   * @param butClause why that is wrong and the fix, e.g. {@code the store needs KV version 2 ...}
   */
  public VaultKvMountException otherVersion(String name, int needed, String butClause) {
    return new VaultKvMountException(name, type, kvVersion, needed, "mount '" + name + "' is a KV version " + kvVersion
        + " engine, but " + butClause);
  }

  /** {@code a KV version 2 engine}, or {@code a 'transit' engine}. */
  private String describe() {
    return isKv() ? "a KV version " + kvVersion + " engine" : "a '" + type + "' engine";
  }

  /** The error for this mount when it is not KV: it serves {@code full}, where {@code what} should be. */
  public VaultKvMountException notKv(String full, String what) {
    return notKv(full, what, 0);
  }

  /** {@link #notKv(String, String)} where {@code what} needs KV version {@code needed} (0: either). */
  public VaultKvMountException notKv(String full, String what, int needed) {
    return new VaultKvMountException(mount, type, 0, needed, "mount '" + mount + "' (which serves " + full
        + ") is a '" + type + "' engine, not KV: " + what + " must be in a KV version "
        + (needed == 0 ? "1 or 2" : String.valueOf(needed)) + " mount");
  }

  /**
   * Why {@code stated} found nothing, if its mount says so: the mount is not KV, Vault serves the path from another
   * mount than the stated one (one level off: {@code team} + {@code kv/x} reads {@code team/data/kv/x}, where the
   * mount is {@code team/kv}), or KV of the other version (a v2 path on a v1 mount reads {@code <mount>/data/...},
   * which is not there). Asked only after a miss, so a correct
   * configuration pays nothing; the readers that take a stated version share it ({@code VaultKeyProvider},
   * {@code VaultOrgConfigs}, the Vault KV audit witness).
   *
   * @param session the Vault session
   * @param what what should be at the path, for messages (e.g. {@code the org config})
   * @param stated the path with the version the caller stated
   * @return the error; empty when the mount is as stated, or Vault will not say (the lookup's own failure is not
   *     this error, and the caller's "not found" stands)
   */
  public static Optional<VaultKvMountException> mismatch(VaultSession session, String what, KvPath stated) {
    String full = stated.mount() + "/" + stated.path();
    Optional<KvMountInfo> found;
    try {
      found = lookup(session, "look up the KV version of the mount of " + what, full);
    } catch (AstraVaultException ex) {
      return Optional.empty();
    }
    if (found.isEmpty()) {
      return Optional.empty();
    }
    KvMountInfo m = found.get();
    if (!m.isKv()) {
      return Optional.of(m.notKv(full, what));
    }
    if (m.servesFromOtherMount(stated.mount())) {
      return Optional.of(m.elsewhere(stated.mount(), full, what, "path", stated.kvVersion()));
    }
    if (m.kvVersion() != stated.kvVersion()) {
      return Optional.of(m.otherVersion(m.mount(), stated.kvVersion(), "the path of " + what + ", " + stated
          + ", states version " + stated.kvVersion() + "; state version " + m.kvVersion()
          + " or let the version be looked up"));
    }
    return Optional.empty();
  }

  /**
   * The mount serving {@code path} (a full path, mount first).
   *
   * @return the mount; empty when Vault has no such endpoint (404: older than 0.10, so KV v1 only, as the Vault CLI
   *     concludes)
   * @throws dev.astravault.vault.VaultAccessDeniedException on 403: no mount serves the path, or the token may do
   *     nothing under it
   */
  public static Optional<KvMountInfo> lookup(VaultSession session, String what, String path) {
    VaultReply r = session.read(what, "sys/internal/ui/mounts/" + path);
    if (r.status() == 404) {
      return Optional.empty();
    }
    if (!r.ok()) {
      throw VaultErrors.of(what, r, null);
    }
    String mount = VaultReply.string(r.data(), "path");
    String type = VaultReply.string(r.data(), "type");
    JsonValue options = r.data().get("options");
    String version = options != null && options.isObject() ? VaultReply.string(options.asObject(), "version") : null;
    return Optional.of(new KvMountInfo(mount == null ? "" : mount.replaceAll("/+$", ""), type == null ? "" : type,
        "2".equals(version) ? 2 : 1));
  }
}
