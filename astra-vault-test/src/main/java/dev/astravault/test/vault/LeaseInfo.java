package dev.astravault.test.vault;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one lease held by {@link FakeVault}, for assertions. It carries no secret.
 *
 * @param leaseId the lease id, e.g. {@code astra/org/token/Vh8mD0tXpTqxGQ0rN3ae1sQk}
 * @param issueTime when the secret was issued
 * @param expireTime when the lease expires
 * @param lastRenewal the last renewal, or null when never renewed
 * @param renewable whether the lease can be renewed
 * @param revokeAttempts how many revocations have failed so far
 * @param irrevocable true once revocation failed {@value FakeVault#MAX_REVOKE_ATTEMPTS} times on expiry, as
 *     Vault marks such leases
 * @param clientId the Astra {@code clientId} for an {@code astra_token} lease, else null
 */
public record LeaseInfo(
    String leaseId,
    Instant issueTime,
    Instant expireTime,
    @Nullable Instant lastRenewal,
    boolean renewable,
    int revokeAttempts,
    boolean irrevocable,
    @Nullable String clientId) {

  /** {@return the last renewal, if any} */
  public Optional<Instant> findLastRenewal() {
    return Optional.ofNullable(lastRenewal);
  }
}
