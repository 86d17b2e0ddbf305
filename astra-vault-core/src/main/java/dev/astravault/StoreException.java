package dev.astravault;

import org.jspecify.annotations.Nullable;

/** The {@link LeaseStore} failed: the database is unreachable, a record cannot be decrypted, a key is missing. */
public class StoreException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /**
   * A store failure.
   *
   * @param message the detail message (never a secret)
   */
  public StoreException(String message) {
    super(message);
  }

  /**
   * A store failure with its cause.
   *
   * @param message the detail message (never a secret)
   * @param cause the underlying failure, or null
   */
  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
