package dev.astravault;

import dev.astravault.internal.redact.Redaction;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception astra-vault throws on purpose. Subclasses exist only where a caller can act
 * differently on them; programmer errors are {@link IllegalArgumentException} or {@link IllegalStateException}.
 * Messages never contain a token, a secret or a root token: the constructor masks anything token-shaped in the
 * message, and a cause whose chain holds token-shaped text (or that comes from vault-java-driver, whose exceptions
 * carry the HTTP response body) is replaced by a redacted copy that keeps its class name and stack trace.
 */
public class AstraVaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message.
   *
   * @param message the detail message (never a secret)
   */
  public AstraVaultException(String message) {
    super(Redaction.scrub(message));
  }

  /**
   * An exception with a message and a cause.
   *
   * @param message the detail message (never a secret)
   * @param cause the underlying failure, or null
   */
  public AstraVaultException(String message, @Nullable Throwable cause) {
    super(Redaction.scrub(message), Redaction.cause(cause));
  }
}
