package dev.astravault.vault;

/**
 * The Astra plugin's {@code caller_mode} for the orgs this manager configures, which decides how tokens are issued.
 */
public enum CallerMode {
  /**
   * A token is issued by a <em>write</em> to {@code astra/org/token}, unique per (org, role, logical name); a read
   * returns the stored token without a lease. Per-request tokens get a generated logical name.
   */
  STANDARD,
  /** Every <em>read</em> of {@code astra/org/token} issues a new token with its own lease; nothing is unique. */
  SIDECAR
}
