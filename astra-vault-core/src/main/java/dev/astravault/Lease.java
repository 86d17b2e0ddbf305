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

  /** A lease issued now for {@code ttl}, renewable up to {@code issuedAt + maxTtl}. */
  public static Lease issued(String leaseId, Instant issuedAt, Duration ttl, Duration maxTtl) {
    return new Lease(leaseId, issuedAt, ttl, issuedAt.plus(ttl), issuedAt.plus(maxTtl), true, null);
  }

  public Optional<Instant> lastRenewal() {
    return Optional.ofNullable(lastRenewedAt);
  }

  /** Time left before expiry at {@code clock}'s now; zero once expired. */
  public Duration remaining(Clock clock) {
    Duration left = Duration.between(clock.instant(), expiresAt);
    return left.isNegative() ? Duration.ZERO : left;
  }

  public boolean isExpired(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
