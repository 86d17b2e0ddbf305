package dev.astravault.spring.autoconfigure;

/**
 * The startup token was not obtained at startup ({@code astra.vault.fail-fast=false}) and the application context has
 * started closing, so none is obtained now: a token issued during shutdown would outlive its application when
 * {@code astra.vault.revoke-on-shutdown=false}, and be revoked moments later otherwise. A caller can treat it as "this
 * instance is going away" (answer 503, do not alert) rather than as Astra being unavailable.
 *
 * <p>It is an {@link IllegalStateException}, as {@link dev.astravault.ManagedToken#current()} throws for a handle that
 * can no longer be used, so a caller that catches that still does; this subclass says why.
 */
public class ApplicationShuttingDownException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused (never a secret)
   */
  public ApplicationShuttingDownException(String message) {
    super(message);
  }
}
