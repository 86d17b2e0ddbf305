package dev.astravault;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception astra-vault throws on purpose. Subclasses exist only where a caller can act
 * differently on them; programmer errors are {@link IllegalArgumentException} or {@link IllegalStateException}.
 * Messages never contain a token, a secret or a root token.
 */
public class AstraVaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message.
   *
   * @param message the detail message (never a secret)
   */
  public AstraVaultException(String message) {
    super(message);
  }

  /**
   * An exception with a message and a cause.
   *
   * @param message the detail message (never a secret)
   * @param cause the underlying failure, or null
   */
  public AstraVaultException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
