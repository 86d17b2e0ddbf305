package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reconciliation found drift between the store and Astra ({@code kind}), about the token {@code client} and the lease
 * {@code lease} when known, and whether it was {@code fixed}.
 */
public record ReconcileFinding(Instant time, Actor actor, String org, Kind kind, @Nullable String client,
    @Nullable String lease, boolean fixed) implements AuditEvent {

  /** The kind of drift. */
  public enum Kind {
    /** A token lives in Astra but no record knows it. */
    UNKNOWN_TOKEN,
    /** A record's token is gone from Astra. */
    MISSING_TOKEN,
    /** A lease is past its expiry but not revoked. */
    EXPIRED_LEASE,
    /**
     * The store holds a record of the org that this instance cannot read (a key it lacks, or a row rewritten outside
     * the library, its expiry pushed ahead for one), so nothing ends its token: {@code client} is that token when
     * Astra lists it. Never fixed by reconcile; see docs/operations.md.
     */
    UNREADABLE_RECORD
  }

  @Override
  public String type() {
    return "reconcile.finding";
  }

  @Override
  public Optional<String> orgId() {
    return Optional.of(org);
  }

  @Override
  public Optional<String> clientId() {
    return Optional.ofNullable(client);
  }

  @Override
  public Optional<String> leaseId() {
    return Optional.ofNullable(lease);
  }
}
