package dev.astravault;

import org.jspecify.annotations.Nullable;

/**
 * {@link TokenManager#manage(TokenRequest, RenewalSettings)} could not obtain the first token: every one of its
 * {@link RenewalSettings#startupAttempts()} attempts failed with a transient error (Astra unreachable or timing out,
 * 5xx, 429). {@link #getCause()} is the last failure, and the message names it. Nothing is left behind: no token in
 * Astra, no lease in the store. A caller can retry later, start degraded, or fail its own startup.
 *
 * <p>Errors that a retry cannot fix (an unknown org or role, bad settings, 401/403) are not wrapped: they are thrown
 * as they are, at the first attempt.
 */
public class ManagedTokenStartException extends AstraVaultException {
  private static final long serialVersionUID = 1L;
  /** How many attempts were made. */
  private final int attempts;

  /**
   * The first token could not be obtained.
   *
   * @param message the detail message (never a secret)
   * @param attempts how many attempts were made
   * @param cause the last attempt's failure, or null
   */
  public ManagedTokenStartException(String message, int attempts, @Nullable Throwable cause) {
    super(message, cause);
    this.attempts = attempts;
  }

  /** {@return how many attempts were made} */
  public int attempts() {
    return attempts;
  }
}
