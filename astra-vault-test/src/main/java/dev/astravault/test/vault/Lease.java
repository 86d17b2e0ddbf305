package dev.astravault.test.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A lease on an issued secret. Mutable; guarded by FakeVault's lock. */
final class Lease {
  final String id;
  final Instant issueTime;
  Instant expireTime;
  @Nullable Instant lastRenewal;
  final boolean renewable;
  /** The plugin's InternalData: orgId, clientId, roleName, tokenId. */
  final Map<String, String> internal;
  int revokeAttempts;
  boolean irrevocable;
  /** A revocation is in flight (the Astra call happens outside the lock). */
  boolean revoking;

  Lease(String id, Instant issueTime, Duration ttl, boolean renewable, Map<String, String> internal) {
    this.id = id;
    this.issueTime = issueTime;
    this.expireTime = issueTime.plus(ttl);
    this.renewable = renewable;
    this.internal = Map.copyOf(internal);
  }

  LeaseInfo info() {
    return new LeaseInfo(id, issueTime, expireTime, lastRenewal, renewable, revokeAttempts, irrevocable,
        internal.get("clientId"));
  }
}
