package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One audit event per operation. Every event answers the same questions through this common accessor set, so a sink
 * can write any event without knowing its type: when ({@link #time()}), who ({@link #actor()}), what
 * ({@link #type()}), on which org, role, logical name, client id and lease ({@link #orgId()} ...
 * {@link #leaseId()}), with which metadata, how it ended ({@link #outcome()}, {@link #errorType()},
 * {@link #errorMessage()}), and which token ({@link #tokenHmac()}: an HMAC-SHA256 of the token under the
 * manager's audit key, never the token itself). Event-specific details are the record's own components.
 *
 * <p>No event carries a token, a secret or a root token.
 */
public sealed interface AuditEvent permits OrgConfigWritten, OrgConfigDeleted, RoleWritten, RoleDeleted,
    RolesSynced, TokenIssued, TokenRead, TokensListed, LeaseLookedUp, LeaseRenewed, LeaseRevoked, TokenDeleted,
    ReconcileFinding, AuditCheckpointed, FailureEvent {

  /**
   * {@return when the operation happened, by the manager's clock}
   */
  Instant time();

  /**
   * {@return who performed the operation}
   */
  Actor actor();

  /**
   * A stable, dotted name such as {@code token.issued}.
   *
   * @return the event type
   */
  String type();

  /**
   * {@return whether the operation succeeded}
   */
  default Outcome outcome() {
    return Outcome.SUCCESS;
  }

  /** {@return the exception class name of a failure} */
  default Optional<String> errorType() {
    return Optional.empty();
  }

  /** {@return the (secret-free) message of a failure} */
  default Optional<String> errorMessage() {
    return Optional.empty();
  }

  /** {@return the token (lease) this event is about, when it is about one} */
  default Optional<TokenRef> tokenRef() {
    return Optional.empty();
  }

  /** {@return the Astra organization id} */
  default Optional<String> orgId() {
    return tokenRef().map(TokenRef::orgId);
  }

  /** {@return the local role name} */
  default Optional<String> roleName() {
    return tokenRef().map(TokenRef::roleName);
  }

  /** {@return the token's logical name (UNIQUE-style tokens)} */
  default Optional<String> logicalName() {
    return tokenRef().flatMap(t -> Optional.ofNullable(t.logicalName()));
  }

  /** {@return the Astra client id of the token (public, not a secret)} */
  default Optional<String> clientId() {
    return tokenRef().flatMap(t -> Optional.ofNullable(t.clientId()));
  }

  /**
   * {@return the lease id of the token this event is about}
   */
  default Optional<String> leaseId() {
    return tokenRef().map(TokenRef::leaseId);
  }

  /** {@return the token's metadata as the caller supplied it; empty when the event is not about a token} */
  default Map<String, String> metadata() {
    return tokenRef().map(TokenRef::metadata).orElse(Map.of());
  }

  /**
   * Lowercase hex HMAC-SHA256 of the token under the audit key; match it with {@code AuditHmac}.
   *
   * @return the token's HMAC, when the event is about a token
   */
  default Optional<String> tokenHmac() {
    return tokenRef().flatMap(t -> Optional.ofNullable(t.tokenHmac()));
  }

  /** Whether the operation succeeded. */
  enum Outcome {
    /** The operation did what was asked. */
    SUCCESS,
    /** The operation failed; {@link #errorType()} and {@link #errorMessage()} say why. */
    FAILURE
  }
}
