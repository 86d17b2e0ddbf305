package dev.astravault;

/** What happens when no audit sink can record that a token was issued. */
public enum AuditPolicy {
  /** Like Vault: the token is revoked and the caller gets an {@link AuditException}. The default. */
  FAIL_CLOSED,
  /** The token is handed out anyway; the audit failure is logged. */
  FAIL_OPEN
}
