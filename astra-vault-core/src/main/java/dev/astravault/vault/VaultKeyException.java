package dev.astravault.vault;

import dev.astravault.StoreException;
import org.jspecify.annotations.Nullable;

/**
 * {@link VaultKeyProvider} could not get the store's keys from Vault. The {@linkplain #reason() reason} tells a path
 * that names no key, or a mount that is not KV (fix the configuration), from a Vault that could not be read (retry,
 * or fix Vault or the credentials). The message names the path or mount, never a key. A key that is there but
 * malformed, or whose {@code key_id} does not match, is an {@link IllegalArgumentException} instead.
 */
public class VaultKeyException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** Why the keys could not be read. */
  public enum Reason {
    /** No secret at the path (never written, deleted, or another path or mount was meant). */
    NO_SECRET,
    /** The secret has no {@code key} field (or an empty one). */
    NO_KEY,
    /**
     * The path's mount is not a KV engine, or (for a path that states its version) a KV engine of the other version.
     * The message names the mount and its engine.
     */
    WRONG_ENGINE,
    /**
     * Vault could not be read: unreachable, sealed, denied (the key, or the lookup of the mount's KV version), or an
     * answer not of the path's KV version (the cause).
     */
    UNREADABLE
  }

  /** Why the keys could not be read. */
  private final Reason reason;

  /**
   * The keys could not be read.
   *
   * @param reason why
   * @param message the detail message, naming the path (never a key)
   * @param cause Vault's failure for {@link Reason#UNREADABLE}, the {@link VaultKvMountException} for a mount that is
   *     not KV, or null
   */
  public VaultKeyException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** {@return why the keys could not be read} */
  public Reason reason() {
    return reason;
  }
}
