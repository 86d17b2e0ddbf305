package dev.astravault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A token's lease, in absolute time: it was issued at {@code issuedAt}, was last granted {@code ttl} (on issue or on
 * the last renewal, at {@code lastRenewedAt}), expires at {@code expiresAt} and can never be renewed past
 * {@code maxExpiresAt} ({@code issuedAt + max_ttl}).
 */
public record Lease(String leaseId, Instant issuedAt, Duration ttl, Instant expiresAt, Instant maxExpiresAt,
    boolean renewable, @Nullable Instant lastRenewedAt) {

  /**
   * Checks the components: all but {@code lastRenewedAt} are required, the TTL is not negative and the expiry is not
   * past the max expiry.
   *
   * @param leaseId the lease id
   * @param issuedAt when the lease began
   * @param ttl the TTL last granted
   * @param expiresAt when it expires
   * @param maxExpiresAt when it can no longer be renewed
   * @param renewable whether it can be renewed
   * @param lastRenewedAt when it was last renewed, or null
   */
  public Lease {
    Objects.requireNonNull(leaseId, "leaseId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(maxExpiresAt, "maxExpiresAt");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must not be negative: " + ttl);
    }
    if (expiresAt.isAfter(maxExpiresAt)) {
      throw new IllegalArgumentException("expiresAt " + expiresAt + " is after maxExpiresAt " + maxExpiresAt);
    }
  }

  /**
   * A lease issued now for {@code ttl}, renewable up to {@code issuedAt + maxTtl}.
   *
   * @param leaseId the lease id
   * @param issuedAt when it is issued
   * @param ttl the TTL granted
   * @param maxTtl the role's max TTL
   * @return the lease
   */
  public static Lease issued(String leaseId, Instant issuedAt, Duration ttl, Duration maxTtl) {
    return new Lease(leaseId, issuedAt, ttl, issuedAt.plus(ttl), issuedAt.plus(maxTtl), true, null);
  }

  /**
   * {@return when the lease was last renewed, or empty if never}
   */
  public Optional<Instant> lastRenewal() {
    return Optional.ofNullable(lastRenewedAt);
  }

  /**
   * Time left before expiry at {@code clock}'s now; zero once expired.
   *
   * @param clock the clock to read now from
   * @return the time left, never negative
   */
  public Duration remaining(Clock clock) {
    Duration left = Duration.between(clock.instant(), expiresAt);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /**
   * Whether the lease has expired at {@code now} (expiry is inclusive).
   *
   * @param now the instant to check
   * @return whether it has expired
   */
  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
