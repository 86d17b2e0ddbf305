package dev.astravault;

import org.jspecify.annotations.Nullable;

/**
 * Under the fail-closed audit policy (the default), no audit sink recorded a {@code TokenIssued} event, so the token
 * was revoked instead of being handed out. Also thrown when an audit file sink or a file witness is opened on a path
 * another local user could replace or rewrite, or the sink would read or delete such a rotated file (see
 * {@code JsonLinesAuditSink}).
 */
public class AuditException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /**
   * No sink recorded the issue.
   *
   * @param message the detail message (never a secret)
   * @param cause the sinks' failure, or null
   */
  public AuditException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
