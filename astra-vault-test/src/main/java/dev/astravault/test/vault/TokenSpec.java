package dev.astravault.test.vault;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a Vault token that {@link FakeVault} issues: its policies, TTL, explicit max TTL and renewability.
 *
 * @param policies the policy names; {@code default} is added to every non-root token
 * @param ttl the token's TTL (the {@code creation_ttl}); {@link Duration#ZERO} means a token that never expires
 * @param explicitMaxTtl the cap on renewals counted from issue; {@link Duration#ZERO} means the fake's max lease TTL
 * @param renewable whether {@code auth/token/renew-self} may extend it
 */
public record TokenSpec(List<String> policies, Duration ttl, Duration explicitMaxTtl, boolean renewable) {
  /**
   * Validates and copies the policy list.
   *
   * @param policies the policy names; {@code default} is added to every non-root token
   * @param ttl the token's TTL (the {@code creation_ttl}); {@link Duration#ZERO} means a token that never expires
   * @param explicitMaxTtl the cap on renewals counted from issue; {@link Duration#ZERO} means the fake's max lease TTL
   * @param renewable whether {@code auth/token/renew-self} may extend it
   */
  public TokenSpec {
    policies = List.copyOf(Objects.requireNonNull(policies, "policies"));
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(explicitMaxTtl, "explicitMaxTtl");
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("ttl < 0: " + ttl);
    }
    if (explicitMaxTtl.isNegative()) {
      throw new IllegalArgumentException("explicitMaxTtl < 0: " + explicitMaxTtl);
    }
  }

  /**
   * A renewable token with {@code ttl}, no explicit max TTL, and {@code policies}.
   *
   * @param ttl the token's TTL; {@link Duration#ZERO} for a token that never expires
   * @param policies the policy names
   * @return the spec
   */
  public static TokenSpec of(Duration ttl, String... policies) {
    return new TokenSpec(List.of(policies), ttl, Duration.ZERO, true);
  }

  /**
   * This spec with an explicit max TTL.
   *
   * @param explicitMaxTtl the cap on renewals counted from issue
   * @return the new spec
   */
  public TokenSpec withExplicitMaxTtl(Duration explicitMaxTtl) {
    return new TokenSpec(policies, ttl, explicitMaxTtl, renewable);
  }

  /**
   * This spec, renewable or not.
   *
   * @param renewable whether the token may be renewed
   * @return the new spec
   */
  public TokenSpec withRenewable(boolean renewable) {
    return new TokenSpec(policies, ttl, explicitMaxTtl, renewable);
  }
}
