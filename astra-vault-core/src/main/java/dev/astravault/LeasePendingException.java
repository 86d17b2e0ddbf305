package dev.astravault;

/**
 * The lease is still being issued (its token is being created in Astra, or the create's outcome is being settled),
 * so it cannot be revoked yet. Retry once {@link TokenManager#issue} returned or failed; a create that never settles
 * is settled by recovery.
 */
public class LeasePendingException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The lease that is still being issued. */
  private final String leaseId;

  /**
   * Creates the exception.
   *
   * @param leaseId the lease that is still being issued
   */
  public LeasePendingException(String leaseId) {
    super("lease " + leaseId + " is still being issued; it can be revoked once the issue returned or failed");
    this.leaseId = leaseId;
  }

  /** {@return the lease that is still being issued} */
  public String leaseId() {
    return leaseId;
  }
}
