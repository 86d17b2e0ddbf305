package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Reconciliation found drift between the store and Astra, and whether it was fixed. */
public record ReconcileFinding(Instant time, Actor actor, String orgId, Kind kind, @Nullable String clientId,
    @Nullable String leaseId, boolean fixed) implements AuditEvent {

  /** The kind of drift. */
  public enum Kind {
    /** A token lives in Astra but no record knows it. */
    UNKNOWN_TOKEN,
    /** A record's token is gone from Astra. */
    MISSING_TOKEN,
    /** A lease is past its expiry but not revoked. */
    EXPIRED_LEASE
  }

  @Override
  public String type() {
    return "reconcile.finding";
  }
}
