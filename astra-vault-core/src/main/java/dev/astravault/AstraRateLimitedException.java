package dev.astravault;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Astra answered 429 and retries were exhausted (or the call was a POST, which is never retried). */
public class AstraRateLimitedException extends AstraApiException {
  private static final long serialVersionUID = 1L;

  /** The {@code Retry-After} Astra sent, or null. */
  private final @Nullable Duration retryAfter;

  /**
   * A 429 answer.
   *
   * @param message the detail message (never a secret)
   * @param retryAfter the {@code Retry-After} Astra sent, or null
   * @param astraErrorId the first {@code errors[].ID}, or null
   * @param astraMessage Astra's message, or null
   */
  public AstraRateLimitedException(String message, @Nullable Duration retryAfter, @Nullable Integer astraErrorId,
      @Nullable String astraMessage) {
    super(message, 429, astraErrorId, astraMessage);
    this.retryAfter = retryAfter;
  }

  /** {@return what Astra's {@code Retry-After} header asked for, if it sent one} */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
