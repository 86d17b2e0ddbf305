package dev.astravault.internal.support;

import dev.astravault.MaxTtlExceededException;
import dev.astravault.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Vault's renewal rule ({@code framework.CalculateTTL}), on absolute instants. */
public final class LeaseMath {
  private LeaseMath() {}

  /** What a renewal grants. */
  public record Grant(Duration ttl, Instant maxExpiresAt, List<String> warnings) {}

  /**
   * The new TTL is the increment, else the role's current TTL; it is capped at {@code issuedAt + role.maxTtl}, with
   * Vault's warning; at or past that instant the renewal fails.
   */
  public static Grant renew(String leaseId, Instant issuedAt, Instant now, @Nullable Duration increment, Role role) {
    Duration ttl = increment != null && !increment.isZero() ? increment : role.ttl();
    Instant maxExpiresAt = issuedAt.plus(role.maxTtl());
    Duration left = Duration.between(now, maxExpiresAt);
    if (left.isNegative() || left.isZero()) {
      throw new MaxTtlExceededException(leaseId, maxExpiresAt);
    }
    if (ttl.compareTo(left) > 0) {
      String warning = "TTL of \"" + GoDurations.format(ttl) + "\" exceeded the effective max_ttl of \""
          + GoDurations.format(left) + "\"; TTL value is capped accordingly";
      return new Grant(left, maxExpiresAt, List.of(warning));
    }
    return new Grant(ttl, maxExpiresAt, List.of());
  }
}
