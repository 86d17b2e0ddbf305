package dev.astravault;

import org.jspecify.annotations.Nullable;

/** Astra answered 404 for a resource (a role id, a client id) it does not know. */
public class AstraNotFoundException extends AstraApiException {
  private static final long serialVersionUID = 1L;

  /**
   * A 404 answer.
   *
   * @param message the detail message (never a secret)
   * @param astraErrorId the first {@code errors[].ID}, or null
   * @param astraMessage Astra's message, or null
   */
  public AstraNotFoundException(String message, @Nullable Integer astraErrorId, @Nullable String astraMessage) {
    super(message, 404, astraErrorId, astraMessage);
  }
}
