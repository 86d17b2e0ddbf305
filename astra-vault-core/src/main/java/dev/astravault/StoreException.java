package dev.astravault;

import org.jspecify.annotations.Nullable;

/** The {@link LeaseStore} failed: the database is unreachable, a record cannot be decrypted, a key is missing. */
public class StoreException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
