package dev.astravault;

import org.jspecify.annotations.Nullable;

/** Astra answered with a 5xx status (after retries, for calls that are retried). */
public class AstraServerException extends AstraApiException {
  private static final long serialVersionUID = 1L;

  /**
   * A 5xx answer.
   *
   * @param message the detail message (never a secret)
   * @param status the 5xx status
   * @param astraErrorId the first {@code errors[].ID}, or null
   * @param astraMessage Astra's message, or null
   */
  public AstraServerException(String message, int status, @Nullable Integer astraErrorId,
      @Nullable String astraMessage) {
    super(message, status, astraErrorId, astraMessage);
  }
}
