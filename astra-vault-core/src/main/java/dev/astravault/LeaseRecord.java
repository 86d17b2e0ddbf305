package dev.astravault;

import dev.astravault.internal.Descriptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link LeaseStore} keeps for one lease: the token's identity, its secret (held in memory in plain text;
 * durable stores encrypt it at rest), its lease times, its state and a version for compare-and-set.
 *
 * <p>Immutable. {@link #toString()} never prints the token or the secret. Change a record with
 * {@link #next()}, which copies it with {@code version + 1}, ready for {@link LeaseStore#compareAndSet}.
 */
public final class LeaseRecord {
  private final String leaseId;
  private final String orgId;
  private final String roleName;
  private final String roleId;
  private final @Nullable String logicalName;
  private final IssueStyle style;
  private final boolean successor;
  private final LeaseState state;
  private final @Nullable String clientId;
  private final @Nullable String token;
  private final @Nullable String secret;
  private final @Nullable Instant generatedOn;
  private final Map<String, String> metadata;
  // Null when it is the default tag (Descriptions.tag(deployment, leaseId, logicalName)), derived on read: it would
  // otherwise repeat the lease id in every record held in memory. description() returns the same value either way.
  private final @Nullable String description;
  // The deployment id of that default tag (interned: one per store), or null for the older tag without one.
  private final @Nullable String tagDeployment;
  private final Instant issuedAt;
  private final Duration ttl;
  private final Instant expiresAt;
  private final Instant maxExpiresAt;
  private final boolean renewable;
  private final @Nullable Instant lastRenewedAt;
  private final @Nullable String lastError;
  private final int revokeAttempts;
  private final @Nullable Instant stateChangedAt;
  private final long version;

  private LeaseRecord(Builder b) {
    this.leaseId = Objects.requireNonNull(b.leaseId, "leaseId");
    this.orgId = Objects.requireNonNull(b.orgId, "orgId");
    this.roleName = Objects.requireNonNull(b.roleName, "roleName");
    this.roleId = Objects.requireNonNull(b.roleId, "roleId");
    this.logicalName = b.logicalName;
    this.style = Objects.requireNonNull(b.style, "style");
    this.successor = b.successor;
    this.state = Objects.requireNonNull(b.state, "state");
    this.clientId = b.clientId;
    this.token = b.token;
    this.secret = b.secret;
    this.generatedOn = b.generatedOn;
    this.metadata = Map.copyOf(b.metadata);
    String description = Objects.requireNonNull(b.description, "description");
    String deployment = Descriptions.taggedDeployment(description, leaseId, logicalName);
    if (deployment != null) {
      this.description = null;
      this.tagDeployment = deployment.intern();
    } else {
      this.description = Descriptions.isTag(description, leaseId, logicalName) ? null : description;
      this.tagDeployment = null;
    }
    this.issuedAt = Objects.requireNonNull(b.issuedAt, "issuedAt");
    this.ttl = Objects.requireNonNull(b.ttl, "ttl");
    this.expiresAt = Objects.requireNonNull(b.expiresAt, "expiresAt");
    this.maxExpiresAt = Objects.requireNonNull(b.maxExpiresAt, "maxExpiresAt");
    this.renewable = b.renewable;
    this.lastRenewedAt = b.lastRenewedAt;
    this.lastError = b.lastError;
    this.revokeAttempts = b.revokeAttempts;
    this.stateChangedAt = b.stateChangedAt;
    this.version = b.version;
    if (style == IssueStyle.UNIQUE && logicalName == null) {
      throw new IllegalArgumentException("logicalName is required for a UNIQUE-style record");
    }
    // token and secret may be absent past PENDING: a metadata-only store does not keep them.
    if (state != LeaseState.PENDING && (clientId == null || generatedOn == null)) {
      throw new IllegalArgumentException("a " + state + " record needs clientId and generatedOn");
    }
    if ((token == null) != (secret == null)) {
      throw new IllegalArgumentException("token and secret must be both present or both absent");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1: " + version);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A copy with {@code version + 1}, to change and pass to {@link LeaseStore#compareAndSet(LeaseRecord, LeaseRecord)}. */
  public Builder next() {
    return toBuilder().version(version + 1);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.leaseId = leaseId;
    b.orgId = orgId;
    b.roleName = roleName;
    b.roleId = roleId;
    b.logicalName = logicalName;
    b.style = style;
    b.successor = successor;
    b.state = state;
    b.clientId = clientId;
    b.token = token;
    b.secret = secret;
    b.generatedOn = generatedOn;
    b.metadata = metadata;
    b.description = description();
    b.issuedAt = issuedAt;
    b.ttl = ttl;
    b.expiresAt = expiresAt;
    b.maxExpiresAt = maxExpiresAt;
    b.renewable = renewable;
    b.lastRenewedAt = lastRenewedAt;
    b.lastError = lastError;
    b.revokeAttempts = revokeAttempts;
    b.stateChangedAt = stateChangedAt;
    b.version = version;
    return b;
  }

  public String leaseId() {
    return leaseId;
  }

  public String orgId() {
    return orgId;
  }

  public String roleName() {
    return roleName;
  }

  public String roleId() {
    return roleId;
  }

  public Optional<String> logicalName() {
    return Optional.ofNullable(logicalName);
  }

  public IssueStyle style() {
    return style;
  }

  /**
   * True for the successor of a rotating UNIQUE-style token: the triple allows one primary and one successor record,
   * so a rotation can overlap the old token with the new one without breaking uniqueness.
   */
  public boolean successor() {
    return successor;
  }

  public LeaseState state() {
    return state;
  }

  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /** The full token; absent while {@link LeaseState#PENDING}, or when a metadata-only store keeps no secrets. */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  public Optional<String> secret() {
    return Optional.ofNullable(secret);
  }

  public Optional<Instant> generatedOn() {
    return Optional.ofNullable(generatedOn);
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  /** The description tag sent to Astra; recovery matches tokens by it. */
  public String description() {
    return description != null ? description : Descriptions.tag(tagDeployment, leaseId, logicalName);
  }

  public Instant issuedAt() {
    return issuedAt;
  }

  public Duration ttl() {
    return ttl;
  }

  public Instant expiresAt() {
    return expiresAt;
  }

  public Instant maxExpiresAt() {
    return maxExpiresAt;
  }

  public boolean renewable() {
    return renewable;
  }

  public Optional<Instant> lastRenewedAt() {
    return Optional.ofNullable(lastRenewedAt);
  }

  /** The error of the last failed revoke (a message, never a secret). */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  public int revokeAttempts() {
    return revokeAttempts;
  }

  /**
   * When the record last entered a REVOKING or REVOKE_FAILED state (or a recovery claim of a PENDING record); absent
   * otherwise. Recovery reclaims a REVOKING record whose claim is older than a bound (its manager crashed) and
   * retries a REVOKE_FAILED one after a back-off counted from this instant.
   */
  public Optional<Instant> stateChangedAt() {
    return Optional.ofNullable(stateChangedAt);
  }

  /** A copy without token and secret: what a metadata-only store keeps. */
  public LeaseRecord withoutSecret() {
    return token == null ? this : toBuilder().token(null).secret(null).build();
  }

  public long version() {
    return version;
  }

  public Lease lease() {
    return new Lease(leaseId, issuedAt, ttl, expiresAt, maxExpiresAt, renewable, lastRenewedAt);
  }

  /** The secret-free view; only for records that are not {@link LeaseState#PENDING}. */
  public TokenInfo toTokenInfo() {
    if (clientId == null || generatedOn == null) {
      throw new IllegalStateException("lease " + leaseId + " has no token yet (" + state + ")");
    }
    return new TokenInfo(clientId, orgId, roleName, logicalName, style, generatedOn, metadata, lease());
  }

  /** Same lease and version: two records that agree on these are the same state of the same lease. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LeaseRecord other && leaseId.equals(other.leaseId) && version == other.version
        && state == other.state;
  }

  @Override
  public int hashCode() {
    return Objects.hash(leaseId, version);
  }

  @Override
  public String toString() {
    return "LeaseRecord[leaseId=" + leaseId + ", org=" + orgId + ", role=" + roleName + ", logicalName="
        + logicalName + ", style=" + style + (successor ? ", successor" : "") + ", state=" + state
        + ", clientId=" + clientId + ", expiresAt=" + expiresAt + ", version=" + version + ", token="
        + (token == null ? "absent" : "██") + "]";
  }

  /** Builds a {@link LeaseRecord}; required fields are checked by {@link #build()}. */
  public static final class Builder {
    private @Nullable String leaseId;
    private @Nullable String orgId;
    private @Nullable String roleName;
    private @Nullable String roleId;
    private @Nullable String logicalName;
    private IssueStyle style = IssueStyle.UNIQUE;
    private boolean successor;
    private LeaseState state = LeaseState.PENDING;
    private @Nullable String clientId;
    private @Nullable String token;
    private @Nullable String secret;
    private @Nullable Instant generatedOn;
    private Map<String, String> metadata = Map.of();
    private @Nullable String description;
    private @Nullable Instant issuedAt;
    private @Nullable Duration ttl;
    private @Nullable Instant expiresAt;
    private @Nullable Instant maxExpiresAt;
    private boolean renewable = true;
    private @Nullable Instant lastRenewedAt;
    private @Nullable String lastError;
    private int revokeAttempts;
    private @Nullable Instant stateChangedAt;
    private long version = 1;

    private Builder() {}

    public Builder leaseId(String v) { this.leaseId = v; return this; }
    public Builder orgId(String v) { this.orgId = v; return this; }
    public Builder roleName(String v) { this.roleName = v; return this; }
    public Builder roleId(String v) { this.roleId = v; return this; }
    public Builder logicalName(@Nullable String v) { this.logicalName = v; return this; }
    public Builder style(IssueStyle v) { this.style = v; return this; }
    public Builder successor(boolean v) { this.successor = v; return this; }
    public Builder state(LeaseState v) { this.state = v; return this; }
    public Builder clientId(@Nullable String v) { this.clientId = v; return this; }
    public Builder token(@Nullable String v) { this.token = v; return this; }
    public Builder secret(@Nullable String v) { this.secret = v; return this; }
    public Builder generatedOn(@Nullable Instant v) { this.generatedOn = v; return this; }
    public Builder metadata(Map<String, String> v) { this.metadata = v; return this; }
    public Builder description(String v) { this.description = v; return this; }
    public Builder issuedAt(Instant v) { this.issuedAt = v; return this; }
    public Builder ttl(Duration v) { this.ttl = v; return this; }
    public Builder expiresAt(Instant v) { this.expiresAt = v; return this; }
    public Builder maxExpiresAt(Instant v) { this.maxExpiresAt = v; return this; }
    public Builder renewable(boolean v) { this.renewable = v; return this; }
    public Builder lastRenewedAt(@Nullable Instant v) { this.lastRenewedAt = v; return this; }
    public Builder lastError(@Nullable String v) { this.lastError = v; return this; }
    public Builder revokeAttempts(int v) { this.revokeAttempts = v; return this; }
    public Builder stateChangedAt(@Nullable Instant v) { this.stateChangedAt = v; return this; }
    public Builder version(long v) { this.version = v; return this; }

    public LeaseRecord build() {
      return new LeaseRecord(this);
    }
  }
}
