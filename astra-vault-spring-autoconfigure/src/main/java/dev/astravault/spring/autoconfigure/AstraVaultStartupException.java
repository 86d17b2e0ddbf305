package dev.astravault.spring.autoconfigure;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.redact.Redaction;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * astra-vault could not be set up from the {@code astra.vault.*} properties, or the startup token could not be
 * obtained after the retries. {@link AstraVaultFailureAnalyzer} turns it into a startup report that says what to fix
 * ({@link #action()}). Never contains a token, a secret or a root token.
 */
public class AstraVaultStartupException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** What to change to fix it. */
  private final String action;

  /**
   * Creates the exception; neither text may contain a secret (both are masked as the message is, should one slip in:
   * a path or a value the user configured in the wrong property).
   *
   * @param description what went wrong
   * @param action what to change to fix it
   * @param cause the underlying failure, or null
   */
  public AstraVaultStartupException(String description, String action, @Nullable Throwable cause) {
    super(description, cause);
    this.action = String.valueOf(Redaction.scrub(Objects.requireNonNull(action, "action")));
  }

  /** {@return what to change to fix it} */
  public String action() {
    return action;
  }
}
