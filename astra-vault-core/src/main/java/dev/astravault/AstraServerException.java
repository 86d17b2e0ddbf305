package dev.astravault;

import org.jspecify.annotations.Nullable;

/** Astra answered with a 5xx status (after retries, for calls that are retried). */
public class AstraServerException extends AstraApiException {
  private static final long serialVersionUID = 1L;

  public AstraServerException(String message, int status, @Nullable Integer astraErrorId,
      @Nullable String astraMessage) {
    super(message, status, astraErrorId, astraMessage);
  }
}
