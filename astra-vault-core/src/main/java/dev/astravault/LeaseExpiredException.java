package dev.astravault;

import java.time.Instant;

/** The lease has already expired (it is being, or will be, revoked); it can no longer be renewed or read. */
public class LeaseExpiredException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  private final String leaseId;
  private final Instant expiredAt;

  public LeaseExpiredException(String leaseId, Instant expiredAt) {
    super("lease " + leaseId + " expired at " + expiredAt);
    this.leaseId = leaseId;
    this.expiredAt = expiredAt;
  }

  public String leaseId() {
    return leaseId;
  }

  public Instant expiredAt() {
    return expiredAt;
  }
}
