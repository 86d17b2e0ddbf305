package dev.astravault;

import java.time.Instant;

/** A renewal was asked for a lease that has already reached {@code issuedAt + max_ttl}; issue a new token instead. */
public class MaxTtlExceededException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  private final String leaseId;
  private final Instant maxExpiresAt;

  public MaxTtlExceededException(String leaseId, Instant maxExpiresAt) {
    super("lease " + leaseId + " is past its max TTL (" + maxExpiresAt + "); it cannot be renewed");
    this.leaseId = leaseId;
    this.maxExpiresAt = maxExpiresAt;
  }

  public String leaseId() {
    return leaseId;
  }

  public Instant maxExpiresAt() {
    return maxExpiresAt;
  }
}
