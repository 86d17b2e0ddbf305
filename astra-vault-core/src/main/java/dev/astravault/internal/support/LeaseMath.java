package dev.astravault.internal.support;

import dev.astravault.AstraVaultException;
import dev.astravault.MaxTtlExceededException;
import dev.astravault.Role;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Vault's renewal rule ({@code framework.CalculateTTL}), on absolute instants, and the one sum of an instant and a
 * TTL that issues and renewals use ({@link #after}).
 */
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
    Instant maxExpiresAt = after(issuedAt, role.maxTtl());
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

  /**
   * {@code from + ttl}, where {@code from} is the clock's time (now, or a lease's issue time). A clock at or near
   * {@link Instant#MAX} is wrong, and gets a typed error before anything is stored or sent instead of a raw
   * DateTimeException or ArithmeticException halfway through an issue or a renewal.
   *
   * @throws AstraVaultException when the sum is past {@link Instant#MAX}
   */
  public static Instant after(Instant from, Duration ttl) {
    try {
      return from.plus(ttl);
    } catch (DateTimeException | ArithmeticException e) {
      throw clockOutOfRange(from, ttl);
    }
  }

  /** The error of {@link #after}: the clock's time and the TTL it cannot hold, nothing else. */
  public static AstraVaultException clockOutOfRange(Instant from, Duration ttl) {
    return new AstraVaultException("the clock's time is out of range: " + from + " + " + ttl
        + " is past the last instant Java can hold (" + Instant.MAX + "); check the Clock given to the TokenManager");
  }
}
