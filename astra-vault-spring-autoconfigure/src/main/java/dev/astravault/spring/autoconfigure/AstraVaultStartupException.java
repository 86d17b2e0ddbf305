package dev.astravault.spring.autoconfigure;

import dev.astravault.AstraVaultException;
import org.jspecify.annotations.Nullable;

/**
 * astra-vault could not be set up from the {@code astra.vault.*} properties, or the startup token could not be
 * obtained after the retries. {@link AstraVaultFailureAnalyzer} turns it into a startup report that says what to fix
 * ({@link #action()}). Never contains a token, a secret or a root token.
 */
public class AstraVaultStartupException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  private final String action;

  public AstraVaultStartupException(String description, String action, @Nullable Throwable cause) {
    super(description, cause);
    this.action = action;
  }

  /** {@return what to change to fix it} */
  public String action() {
    return action;
  }
}
