package dev.astravault;

import org.jspecify.annotations.Nullable;

/**
 * Astra (or Vault) could not be reached, or did not answer in time. For a token creation this is only thrown once
 * the library has settled the ambiguity by listing tokens, so no orphan token is left behind.
 */
public class AstraUnavailableException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /**
   * Astra (or Vault) could not be reached or did not answer in time.
   *
   * @param message the detail message (never a secret)
   * @param cause the I/O failure, or null
   */
  public AstraUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
