package dev.astravault.vault;

import dev.astravault.AstraVaultException;

/**
 * A path that should be on a Vault KV engine is served by a mount that is not the engine it needs, as Vault answered
 * when asked the mount's KV version ({@code GET sys/internal/ui/mounts/<path>}, the lookup of {@code vault kv get}):
 * a mount of another type, a KV mount of the other version than the one needed ({@link VaultKvLeaseStore} needs
 * version 2; a {@link KvPath} states one), or a mount other than the configured one (set one level off: mount
 * {@code team} with path {@code kv/x} where the mount is {@code team/kv}; {@link #mount()} is then Vault's). The fix
 * is the configuration: point the mount at the right engine, or state the mount's version. The message names the
 * mount, its engine and the path; it never holds a secret.
 */
public class VaultKvMountException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The mount that serves the path. */
  private final String mount;
  /** The mount's engine type. */
  private final String type;
  /** The mount's KV version, 0 when it is not KV. */
  private final int kvVersion;
  /** The KV version needed, 0 when either does. */
  private final int requiredKvVersion;

  /**
   * A mount that is not KV, where either KV version would do.
   *
   * @param mount the mount that serves the path, without the trailing slash
   * @param type its engine type, as Vault names it (e.g. {@code astra}, {@code transit})
   * @param message the detail message, naming the mount and the path
   */
  public VaultKvMountException(String mount, String type, String message) {
    this(mount, type, 0, 0, message);
  }

  /**
   * A mount that is not the KV engine needed.
   *
   * @param mount the mount that serves the path, without the trailing slash
   * @param type its engine type, as Vault names it ({@code kv}, {@code astra}, ...)
   * @param kvVersion the mount's KV version (1 or 2), or 0 when it is not KV
   * @param requiredKvVersion the KV version needed (1 or 2), or 0 when either does
   * @param message the detail message, naming the mount and the path
   */
  public VaultKvMountException(String mount, String type, int kvVersion, int requiredKvVersion, String message) {
    super(message);
    this.mount = mount;
    this.type = type;
    this.kvVersion = kvVersion;
    this.requiredKvVersion = requiredKvVersion;
  }

  /** {@return the mount that serves the path, e.g. {@code astra}} */
  public String mount() {
    return mount;
  }

  /** {@return the mount's engine type as Vault names it} */
  public String type() {
    return type;
  }

  /** {@return the mount's KV version, 1 or 2, or 0 when the mount is not KV} */
  public int kvVersion() {
    return kvVersion;
  }

  /** {@return the KV version that was needed (2 for {@link VaultKvLeaseStore}), or 0 when either would do} */
  public int requiredKvVersion() {
    return requiredKvVersion;
  }
}
