package dev.astravault.vault;

import dev.astravault.AstraVaultException;

/**
 * A path that should be on a Vault KV engine (version 1 or 2) is served by a mount of another type, as Vault
 * answered when asked the mount's KV version ({@code GET sys/internal/ui/mounts/<path>}, the lookup of
 * {@code vault kv get}). The fix is the configuration: point the mount at a KV engine. The message names the mount,
 * its engine type and the path; it never holds a secret.
 */
public class VaultKvMountException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The mount that serves the path. */
  private final String mount;
  /** The mount's engine type. */
  private final String type;

  /**
   * A mount that is not KV.
   *
   * @param mount the mount that serves the path, without the trailing slash
   * @param type its engine type, as Vault names it (e.g. {@code astra}, {@code transit})
   * @param message the detail message, naming the mount and the path
   */
  public VaultKvMountException(String mount, String type, String message) {
    super(message);
    this.mount = mount;
    this.type = type;
  }

  /** {@return the mount that serves the path, e.g. {@code astra}} */
  public String mount() {
    return mount;
  }

  /** {@return the mount's engine type as Vault names it} */
  public String type() {
    return type;
  }
}
