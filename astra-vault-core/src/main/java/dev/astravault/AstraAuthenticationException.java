package dev.astravault;

import org.jspecify.annotations.Nullable;

/** Astra refused the credentials (HTTP 401 or 403): the root token is wrong, revoked or lacks a permission. */
public class AstraAuthenticationException extends AstraApiException {
  private static final long serialVersionUID = 1L;

  public AstraAuthenticationException(String message, int status, @Nullable Integer astraErrorId,
      @Nullable String astraMessage) {
    super(message, status, astraErrorId, astraMessage);
  }
}
