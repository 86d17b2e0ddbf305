package dev.astravault.internal.vault;

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
