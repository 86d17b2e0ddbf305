package dev.astravault;

import org.jspecify.annotations.Nullable;

/**
 * Under the fail-closed audit policy (the default), no audit sink recorded a {@code TokenIssued} event, so the token
 * was revoked instead of being handed out.
 */
public class AuditException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  public AuditException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
