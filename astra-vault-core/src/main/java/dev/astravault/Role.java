package dev.astravault;

import java.time.Duration;
import java.util.Objects;

/**
 * A role: a lowercase name, scoped to an org, mapped to an Astra role id, with the {@code ttl} a token gets on issue
 * and renew and the {@code maxTtl} after which it can no longer be renewed (counted from the token's issue time).
 *
 * @param orgId the org's id
 * @param name the local role name, lowercase
 * @param roleId the Astra role id
 * @param ttl the TTL a token gets on issue and renew
 * @param maxTtl how long after issue a token can still be renewed
 */
public record Role(String orgId, String name, String roleId, Duration ttl, Duration maxTtl) {
  /** The plugin's default for both {@code ttl} and {@code max_ttl}. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  /**
   * Checks the components: all present, {@code ttl} positive and not above {@code maxTtl}.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive or exceeds {@code maxTtl}
   *
   * @param orgId the org's id
   * @param name the local role name, lowercase
   * @param roleId the Astra role id
   * @param ttl the TTL a token gets on issue and renew
   * @param maxTtl how long after issue a token can still be renewed
   */
  public Role {
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(roleId, "roleId");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(maxTtl, "maxTtl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    if (ttl.compareTo(maxTtl) > 0) {
      throw new IllegalArgumentException("ttl " + ttl + " exceeds maxTtl " + maxTtl);
    }
  }
}
