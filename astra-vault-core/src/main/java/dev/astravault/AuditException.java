package dev.astravault;

import org.jspecify.annotations.Nullable;

/**
 * Under the fail-closed audit policy (the default), no audit sink recorded a {@code TokenIssued} event, so the token
 * was revoked instead of being handed out. Also thrown when an audit file sink or a file witness is opened on a path
 * another local user could replace or rewrite (or one with a second hard link, or one replaced between its check and
 * its open), when the sink would read or delete such a rotated file, continue its chain from a line that fails its
 * MAC, or delete by retention a rotated file that does not chain into the next one, and when a file witness was cut
 * or rewritten (see {@code JsonLinesAuditSink}).
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
