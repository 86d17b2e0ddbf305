package dev.astravault;

import java.time.Instant;

/** The lease has already expired (it is being, or will be, revoked); it can no longer be renewed or read. */
public class LeaseExpiredException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The expired lease. */
  private final String leaseId;
  /** When it expired. */
  private final Instant expiredAt;

  /**
   * The lease expired.
   *
   * @param leaseId the lease
   * @param expiredAt when it expired
   */
  public LeaseExpiredException(String leaseId, Instant expiredAt) {
    super("lease " + leaseId + " expired at " + expiredAt);
    this.leaseId = leaseId;
    this.expiredAt = expiredAt;
  }

  /**
   * {@return the expired lease}
   */
  public String leaseId() {
    return leaseId;
  }

  /**
   * {@return when it expired}
   */
  public Instant expiredAt() {
    return expiredAt;
  }
}
