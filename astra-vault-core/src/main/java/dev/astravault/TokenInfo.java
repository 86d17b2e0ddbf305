package dev.astravault;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A token without its secret: safe to list, log and show. It carries its lease and the lease's {@link #state()}, so
 * a caller can tell a live token ({@link #isLive(Instant)}: ACTIVE and not past its expiry) from one that is being
 * revoked, whose revoke failed, or that has expired but was not swept yet.
 *
 * @param logicalNameOrNull the logical name, or null for a token without one; read it through
 *     {@link #logicalName()}
 * @param state the state of the token's lease when this view was taken; {@link LeaseState#PENDING} never appears
 *     (a pending lease has no token yet)
 * @param clientId the token's Astra client id
 * @param orgId the org's id
 * @param roleName the local role name
 * @param style the issue style
 * @param generatedOn when Astra generated the token
 * @param metadata the caller's metadata
 * @param lease the lease
 */
public record TokenInfo(String clientId, String orgId, String roleName, @Nullable String logicalNameOrNull,
    IssueStyle style, Instant generatedOn, Map<String, String> metadata, Lease lease, LeaseState state) {

  /**
   * Checks the components are present and copies the metadata.
   *
   * @param clientId the token's Astra client id
   * @param orgId the org's id
   * @param roleName the local role name
   * @param logicalNameOrNull the logical name, or null for a token without one; read it through
   *     {@link #logicalName()}
   * @param style the issue style
   * @param generatedOn when Astra generated the token
   * @param metadata the caller's metadata
   * @param lease the lease
   * @param state the state of the token's lease when this view was taken; {@link LeaseState#PENDING} never appears
   *     (a pending lease has no token yet)
   */
  public TokenInfo {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(roleName, "roleName");
    Objects.requireNonNull(style, "style");
    Objects.requireNonNull(generatedOn, "generatedOn");
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(lease, "lease");
    Objects.requireNonNull(state, "state");
  }

  /**
   * A view of an {@link LeaseState#ACTIVE} lease.
   *
   * @param clientId the token's Astra client id
   * @param orgId the org's id
   * @param roleName the local role name
   * @param logicalNameOrNull the logical name, or null for none
   * @param style the issue style
   * @param generatedOn when Astra generated the token
   * @param metadata the caller's metadata
   * @param lease the lease
   * @deprecated the lease state is part of the view now; use the canonical constructor
   *     {@link #TokenInfo(String, String, String, String, IssueStyle, Instant, Map, Lease, LeaseState)}
   */
  @Deprecated
  public TokenInfo(String clientId, String orgId, String roleName, @Nullable String logicalNameOrNull,
      IssueStyle style, Instant generatedOn, Map<String, String> metadata, Lease lease) {
    this(clientId, orgId, roleName, logicalNameOrNull, style, generatedOn, metadata, lease, LeaseState.ACTIVE);
  }

  /** {@return the logical name; empty for a token issued without one (the {@link IssueStyle#PER_REQUEST} style)} */
  public Optional<String> logicalName() {
    return Optional.ofNullable(logicalNameOrNull);
  }

  /**
   * The logical name or null.
   *
   * @deprecated two accessors for one value; use {@link #logicalName()}
   * @return the logical name, or null for none
   */
  @Deprecated
  @Override
  public @Nullable String logicalNameOrNull() {
    return logicalNameOrNull;
  }

  /**
   * When the lease expires: {@code lease().expiresAt()}.
   *
   * @return the lease's expiry
   */
  public Instant expiresAt() {
    return lease.expiresAt();
  }

  /**
   * Live means one thing everywhere: the lease is {@link LeaseState#ACTIVE} and {@code now} is before its expiry.
   *
   * @param now the time to judge at
   * @return whether the lease is active and not yet expired at {@code now}
   */
  public boolean isLive(Instant now) {
    return state == LeaseState.ACTIVE && now.isBefore(lease.expiresAt());
  }

  /**
   * This view with a renewed lease (same state).
   *
   * @param renewed the renewed lease
   * @return the new view
   */
  public TokenInfo withLease(Lease renewed) {
    return new TokenInfo(clientId, orgId, roleName, logicalNameOrNull, style, generatedOn, metadata, renewed, state);
  }
}
