package dev.astravault.vault;

import dev.astravault.internal.support.Validation;

/**
 * A path on a Vault KV secrets engine: the engine's mount (e.g. {@code secret} or {@code team/kv}), the path inside
 * it (e.g. {@code astra-vault/store-key}) and the engine version, stated (vault-java-driver's detection of it is broken
 * in 6.2.x). A reader given a {@code KvPath} trusts its version and asks Vault nothing; the readers' overloads that
 * take a mount and a path ask Vault the version instead ({@code sys/internal/ui/mounts}, as {@code vault kv get}).
 *
 * @param mount the engine's mount, e.g. {@code secret}
 * @param path the path inside the engine, e.g. {@code astra-vault/store-key}
 * @param kvVersion the engine's version, 1 or 2
 */
public record KvPath(String mount, String path, int kvVersion) {
  /**
   * Normalises the mount and path (no leading or trailing slashes) and checks them and the version.
   *
   * @throws IllegalArgumentException if the mount or path is empty or malformed, or the version is unknown
   *
   * @param mount the engine's mount, e.g. {@code secret}
   * @param path the path inside the engine, e.g. {@code astra-vault/store-key}
   * @param kvVersion the engine's version, 1 or 2
   */
  public KvPath {
    mount = Validation.vaultPath("mount", mount, "secret", false);
    path = Validation.vaultPath("path", path, "astra-vault/key", true);
    if (kvVersion != 1 && kvVersion != 2) {
      throw new IllegalArgumentException("kvVersion must be 1 or 2, was " + kvVersion);
    }
  }

  /**
   * A path on a KV version 2 engine.
   *
   * @param mount the engine's mount, e.g. {@code secret}
   * @param path the secret's path under the mount
   * @return the path
   */
  public static KvPath v2(String mount, String path) {
    return new KvPath(mount, path, 2);
  }

  /**
   * A path on a KV version 1 engine.
   *
   * @param mount the engine's mount
   * @param path the secret's path under the mount
   * @return the path
   */
  public static KvPath v1(String mount, String path) {
    return new KvPath(mount, path, 1);
  }

  @Override
  public String toString() {
    return mount + "/" + path + " (KV v" + kvVersion + ")";
  }
}
