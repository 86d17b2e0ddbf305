package dev.astravault;

import org.jspecify.annotations.Nullable;

/** Astra refused the credentials (HTTP 401 or 403): the root token is wrong, revoked or lacks a permission. */
public class AstraAuthenticationException extends AstraApiException {
  private static final long serialVersionUID = 1L;

  /**
   * A 401 or 403 answer.
   *
   * @param message the detail message (never a secret)
   * @param status 401 or 403
   * @param astraErrorId the first {@code errors[].ID}, or null
   * @param astraMessage Astra's message, or null
   */
  public AstraAuthenticationException(String message, int status, @Nullable Integer astraErrorId,
      @Nullable String astraMessage) {
    super(message, status, astraErrorId, astraMessage);
  }
}
