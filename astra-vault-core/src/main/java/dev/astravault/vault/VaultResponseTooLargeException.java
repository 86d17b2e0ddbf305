package dev.astravault.vault;

import dev.astravault.AstraVaultException;
import org.jspecify.annotations.Nullable;

/**
 * Vault's response body was larger than {@link VaultConfig.Builder#maxResponseBytes(long)} (default 8 MiB), so it
 * was not read: whatever answers at Vault's address cannot exhaust the heap. The call is not retried. For a call that
 * changes something (an issue, a revoke) the outcome is unclear, as after a timeout.
 */
public class VaultResponseTooLargeException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status of the response. */
  private final int status;
  /** The cap that was exceeded, in bytes. */
  private final long limit;

  /**
   * Creates the exception.
   *
   * @param message what was being read (never a secret)
   * @param status the HTTP status of the response
   * @param limit the cap that was exceeded, in bytes
   * @param cause the underlying failure, or null
   */
  public VaultResponseTooLargeException(String message, int status, long limit, @Nullable Throwable cause) {
    super(message, cause);
    this.status = status;
    this.limit = limit;
  }

  /** {@return the HTTP status of the response} */
  public int status() {
    return status;
  }

  /** {@return the cap that was exceeded, in bytes} */
  public long limit() {
    return limit;
  }
}
