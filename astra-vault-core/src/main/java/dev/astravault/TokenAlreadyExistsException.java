package dev.astravault;

import org.jspecify.annotations.Nullable;

/**
 * A token already exists for the (org, role, logical name) triple. Uniqueness is decided atomically by the
 * {@link LeaseStore}, so of many concurrent requests for one triple exactly one reaches Astra.
 */
public class TokenAlreadyExistsException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The org of the taken triple. */
  private final String orgId;
  /** The role of the taken triple. */
  private final String roleName;
  /** The logical name of the taken triple. */
  private final String logicalName;

  /**
   * The triple is taken.
   *
   * @param orgId the org id
   * @param roleName the role name
   * @param logicalName the logical name
   */
  public TokenAlreadyExistsException(String orgId, String roleName, String logicalName) {
    this(orgId, roleName, logicalName, null);
  }

  /**
   * The triple is taken by a token the caller may not have, for the reason given (for example, a managed request
   * that finds its triple's stored token made for another scope).
   *
   * @param orgId the org id
   * @param roleName the role name
   * @param logicalName the logical name
   * @param reason why the existing token does not do, and what to do about it; null for none
   */
  public TokenAlreadyExistsException(String orgId, String roleName, String logicalName, @Nullable String reason) {
    super("a token already exists for org " + orgId + ", role " + roleName + ", logical name " + logicalName
        + (reason == null ? "" : ": " + reason));
    this.orgId = orgId;
    this.roleName = roleName;
    this.logicalName = logicalName;
  }

  /**
   * {@return the org of the taken triple}
   */
  public String orgId() {
    return orgId;
  }

  /**
   * {@return the role of the taken triple}
   */
  public String roleName() {
    return roleName;
  }

  /**
   * {@return the logical name of the taken triple}
   */
  public String logicalName() {
    return logicalName;
  }
}
