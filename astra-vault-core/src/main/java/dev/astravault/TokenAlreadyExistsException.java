package dev.astravault;

/**
 * A token already exists for the (org, role, logical name) triple. Uniqueness is decided atomically by the
 * {@link LeaseStore}, so of many concurrent requests for one triple exactly one reaches Astra.
 */
public class TokenAlreadyExistsException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  private final String orgId;
  private final String roleName;
  private final String logicalName;

  public TokenAlreadyExistsException(String orgId, String roleName, String logicalName) {
    super("a token already exists for org " + orgId + ", role " + roleName + ", logical name " + logicalName);
    this.orgId = orgId;
    this.roleName = roleName;
    this.logicalName = logicalName;
  }

  public String orgId() {
    return orgId;
  }

  public String roleName() {
    return roleName;
  }

  public String logicalName() {
    return logicalName;
  }
}
