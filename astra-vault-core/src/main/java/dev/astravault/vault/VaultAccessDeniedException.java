package dev.astravault.vault;

import dev.astravault.AstraVaultException;
import org.jspecify.annotations.Nullable;

/**
 * Vault answered 403 on a path: the Vault token's policies do not grant the capability, or the token is invalid and
 * logging in again did not help. The fix is a policy (see docs/vault.md) or credentials, not a retry.
 */
public class VaultAccessDeniedException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The refused path. */
  private final String path;

  /**
   * Vault refused a path.
   *
   * @param path the refused path
   * @param message the detail message (never a secret)
   * @param cause the underlying failure, or null
   */
  public VaultAccessDeniedException(String path, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** {@return the Vault path that was refused, e.g. {@code astra/org/token}} */
  public String path() {
    return path;
  }
}
