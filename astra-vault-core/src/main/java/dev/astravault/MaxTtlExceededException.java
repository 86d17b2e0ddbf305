package dev.astravault;

import java.time.Instant;

/** A renewal was asked for a lease that has already reached {@code issuedAt + max_ttl}; issue a new token instead. */
public class MaxTtlExceededException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** The lease that was to be renewed. */
  private final String leaseId;
  /** The lease's max expiry. */
  private final Instant maxExpiresAt;

  /**
   * A renewal of {@code leaseId} was refused.
   *
   * @param leaseId the lease
   * @param maxExpiresAt its max expiry
   */
  public MaxTtlExceededException(String leaseId, Instant maxExpiresAt) {
    super("lease " + leaseId + " is past its max TTL (" + maxExpiresAt + "); it cannot be renewed");
    this.leaseId = leaseId;
    this.maxExpiresAt = maxExpiresAt;
  }

  /**
   * {@return the lease that was to be renewed}
   */
  public String leaseId() {
    return leaseId;
  }

  /**
   * {@return the lease's max expiry, already reached}
   */
  public Instant maxExpiresAt() {
    return maxExpiresAt;
  }
}
