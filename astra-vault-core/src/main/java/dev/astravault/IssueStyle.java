package dev.astravault;

/** How a {@link TokenRequest} is issued. */
public enum IssueStyle {
  /**
   * At most one live token per (org, role, logical name), like the plugin's standard caller mode; a second request
   * for the same triple fails with {@link TokenAlreadyExistsException}.
   */
  UNIQUE,
  /** A fresh token on every call, with no uniqueness, like the plugin's sidecar caller mode. */
  PER_REQUEST
}
