package dev.astravault;

import dev.astravault.internal.PackedRecords;
import dev.astravault.internal.RoleIdentity;
import dev.astravault.internal.SplitIds;
import dev.astravault.internal.support.ClientIds;
import dev.astravault.internal.support.Descriptions;
import java.nio.charset.StandardCharsets;
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
  private static final LeaseState[] STATES = LeaseState.values();
  private static final IssueStyle[] STYLES = IssueStyle.values();

  private static final int CLIENT_ID_IN_TOKEN = 0x80;

  static {
    if (STATES.length > 16 || STYLES.length > 8) {
      throw new IllegalStateException("LeaseRecord packs a state and a style in a byte: widen `kind`");
    }
    PackedRecords.install(LeaseRecord::compareExpiry, r -> (r.kind & CLIENT_ID_IN_TOKEN) != 0, r -> r.role,
        r -> r.id);
  }

  // The lease id as SplitIds holds it: the bytes after its role's prefix (astra/<org>/<role>/, kept once in `role`)
  // when it has that shape, as every id the engine makes does, else the String. 40 B a lease instead of ~120 B;
  // leaseId() makes the String on read, and the in-memory store hashes, compares and orders ids without making it.
  private final Object id;
  // The org id, role name and role id, shared by every record of the role (RoleIdentity.of, or carried over from the
  // record a builder copied): one reference instead of three keeps a record at 104 B, not 112.
  private final RoleIdentity role;
  private final @Nullable String logicalName;
  // The state (low four bits), the issue style (next three) by ordinal, and CLIENT_ID_IN_TOKEN: one byte instead of
  // two references keeps a record at 104 B, not 112 (a 12-byte header, ten references, six longs, four one-byte
  // fields; compressed references, 8-byte alignment).
  private final byte kind;
  private final boolean successor;
  // Null when the token carries the client id (CLIENT_ID_IN_TOKEN, as every token Astra makes does): one string a
  // lease, not two. clientIdOrNull() reads it either way.
  private final @Nullable String clientId;
  private final @Nullable String token;
  // The secret's Latin-1 bytes when every character fits in one (Astra's secrets are ASCII), else the String: a
  // String's own 24 B less per lease held in memory. secretOrNull() makes the String on read.
  private final @Nullable Object secret;
  // The five instants as epoch nanoseconds (Times): an Instant is a 24-byte object, and a store in memory holds a
  // record per lease. The in-memory store orders its expiry index by the packed expiresAt
  // (PackedRecords.compareExpiry), which allocates nothing.
  private final long generatedOn;
  private final Map<String, String> metadata;
  // When `tagged`, the description is the default tag (Descriptions.tag(deployment, leaseId, logicalName)), derived on
  // read: it would otherwise repeat the lease id in every record held in memory, and this field holds the tag's
  // deployment id (interned: one per store), or null for the older tag without one. Otherwise it is the description.
  // description() returns the same value either way.
  private final @Nullable String description;
  private final boolean tagged;
  private final long issuedAt;
  private final Duration ttl;
  private final long expiresAt;
  private final long maxExpiresAt;
  private final boolean renewable;
  private final long lastRenewedAt;
  // What most records do not have, by Times slot, null when none: the instants that epoch nanoseconds cannot hold
  // (before 1677 or after 2262), the state change instant, the last error and the revoke attempts (revoke states
  // only). Never written. The attempts live here so that the record stays at 104 B with expiresAt a long.
  private final Object @Nullable [] rare;
  private final long version;

  private LeaseRecord(Builder b) {
    Object givenId = Objects.requireNonNull(b.id, "leaseId");
    String orgId = Objects.requireNonNull(b.orgId, "orgId");
    String roleName = Objects.requireNonNull(b.roleName, "roleName");
    String roleId = Objects.requireNonNull(b.roleId, "roleId");
    RoleIdentity carried = b.role;   // a copied record's: no lookup while the strings are still its own
    this.role = carried != null && carried.is(orgId, roleName, roleId) ? carried
        : RoleIdentity.of(orgId, roleName, roleId);
    // A copied record's split id stays split while its role does (the same prefix); else it is read whole and split
    // again against this record's role.
    String leaseId = SplitIds.text(b.idRole != null ? b.idRole : role, givenId);
    this.id = givenId instanceof byte[] && b.idRole == role ? givenId : SplitIds.split(leaseId, role.leasePrefix());
    this.logicalName = b.logicalName;
    IssueStyle style = Objects.requireNonNull(b.style, "style");
    this.successor = b.successor;
    LeaseState state = Objects.requireNonNull(b.state, "state");
    this.token = b.token;
    this.secret = compactSecret(b.secret);
    boolean inToken = b.clientId != null && token != null && ClientIds.inToken(token, b.clientId);
    this.clientId = inToken ? null : b.clientId;
    this.kind = (byte) (state.ordinal() | style.ordinal() << 4 | (inToken ? CLIENT_ID_IN_TOKEN : 0));
    this.generatedOn = b.generatedOn;
    this.metadata = Map.copyOf(b.metadata);
    String description = Objects.requireNonNull(b.description, "description");
    String deployment = Descriptions.taggedDeployment(description, leaseId, logicalName);
    if (deployment != null) {
      this.description = deployment;   // interned by taggedDeployment: one per engine, not per record
      this.tagged = true;
    } else {
      this.tagged = Descriptions.isTag(description, leaseId, logicalName);
      this.description = tagged ? null : description;
    }
    this.issuedAt = Times.required(b.issuedAt, "issuedAt");
    this.ttl = Objects.requireNonNull(b.ttl, "ttl");
    this.expiresAt = Times.required(b.expiresAt, "expiresAt");
    this.maxExpiresAt = Times.required(b.maxExpiresAt, "maxExpiresAt");
    this.renewable = b.renewable;
    this.lastRenewedAt = b.lastRenewedAt;
    this.rare = b.rare;  // shared: builders copy it before they change a slot
    this.version = b.version;
    if (style == IssueStyle.UNIQUE && logicalName == null) {
      throw new IllegalArgumentException("logicalName is required for a UNIQUE-style record");
    }
    // token and secret may be absent past PENDING: a metadata-only store does not keep them.
    if (state != LeaseState.PENDING && (!hasClientId() || generatedOn == Times.ABSENT)) {
      throw new IllegalArgumentException("a " + state + " record needs clientId and generatedOn");
    }
    if ((token == null) != (secret == null)) {
      throw new IllegalArgumentException("token and secret must be both present or both absent");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1: " + version);
    }
  }

  /** {@return an empty builder; {@link Builder#build()} checks the required fields} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return a copy with {@code version + 1}, to change and pass to {@link LeaseStore#compareAndSet(LeaseRecord,
   * LeaseRecord)}}
   */
  public Builder next() {
    return toBuilder().version(version + 1);
  }

  /** {@return a builder holding this record's values, version included} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;   // as kept: a copy shares the bytes
    b.idRole = role;
    b.role = role;
    b.orgId = role.orgId();
    b.roleName = role.roleName();
    b.roleId = role.roleId();
    b.logicalName = logicalName;
    b.style = style();
    b.successor = successor;
    b.state = state();
    b.clientId = clientIdOrNull();
    b.token = token;
    b.secret = secret;   // as kept: a copy shares the bytes
    b.generatedOn = generatedOn;
    b.metadata = metadata;
    b.description = description();
    b.issuedAt = issuedAt;
    b.ttl = ttl;
    b.expiresAt = expiresAt;
    b.maxExpiresAt = maxExpiresAt;
    b.renewable = renewable;
    b.lastRenewedAt = lastRenewedAt;
    b.rare = rare;  // never written through: a builder copies before it changes a slot
    b.version = version;
    return b;
  }

  /** {@return the lease id} */
  public String leaseId() {
    return SplitIds.text(role, id);
  }

  /** {@return the id of the org the token belongs to} */
  public String orgId() {
    return role.orgId();
  }

  /** {@return the local role name} */
  public String roleName() {
    return role.roleName();
  }

  /** {@return the Astra role id the token was created with} */
  public String roleId() {
    return role.roleId();
  }

  /** {@return the logical name (UNIQUE-style records)} */
  public Optional<String> logicalName() {
    return Optional.ofNullable(logicalName);
  }

  /** {@return how the token was issued} */
  public IssueStyle style() {
    return STYLES[(kind >> 4) & 0x7];
  }

  /**
   * True for the successor of a rotating UNIQUE-style token: the triple allows one primary and one successor record,
   * so a rotation can overlap the old token with the new one without breaking uniqueness.
   *
   * @return whether this is a successor record
   */
  public boolean successor() {
    return successor;
  }

  /** {@return where the record is in its life} */
  public LeaseState state() {
    return STATES[kind & 0xF];
  }

  /** {@return the token's Astra client id, once Astra created it} */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientIdOrNull());
  }

  private boolean hasClientId() {
    return clientId != null || (kind & CLIENT_ID_IN_TOKEN) != 0;
  }

  private @Nullable String clientIdOrNull() {
    return (kind & CLIENT_ID_IN_TOKEN) != 0 ? ClientIds.fromToken(Objects.requireNonNull(token)) : clientId;
  }

  /**
   * {@return the full token; absent while {@link LeaseState#PENDING}, or when a metadata-only store keeps no secrets}
   */
  public Optional<String> token() {
    return Optional.ofNullable(token);
  }

  /** {@return the token's client secret; absent like the token} */
  public Optional<String> secret() {
    return Optional.ofNullable(secretOrNull());
  }

  private @Nullable String secretOrNull() {
    return secret instanceof byte[] latin1 ? new String(latin1, StandardCharsets.ISO_8859_1) : (String) secret;
  }

  private static @Nullable Object compactSecret(@Nullable Object secret) {
    if (!(secret instanceof String text) || text.isEmpty()) {
      return secret;   // null, "" (Vault mode: shared), or bytes a copied builder already holds
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0xFF) {
        return text;
      }
    }
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** {@return when Astra generated the token} */
  public Optional<Instant> generatedOn() {
    return Optional.ofNullable(Times.decode(generatedOn, rare, Times.GENERATED_ON));
  }

  /** {@return the metadata the token was issued with} */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** {@return the description tag sent to Astra; recovery matches tokens by it} */
  public String description() {
    return tagged ? Descriptions.tag(description, leaseId(), logicalName) : Objects.requireNonNull(description);
  }

  /** {@return when the lease began} */
  public Instant issuedAt() {
    return Objects.requireNonNull(Times.decode(issuedAt, rare, Times.ISSUED_AT));
  }

  /** {@return the TTL granted on issue or the last renewal} */
  public Duration ttl() {
    return ttl;
  }

  /** {@return when the lease expires} */
  public Instant expiresAt() {
    return Objects.requireNonNull(Times.decode(expiresAt, rare, Times.EXPIRES_AT));
  }

  /** Orders by expiry as {@code expiresAt().compareTo(..)} does, without making either instant. */
  private static int compareExpiry(LeaseRecord a, LeaseRecord b) {
    return a.expiresAt != Times.FAR && b.expiresAt != Times.FAR ? Long.compare(a.expiresAt, b.expiresAt)
        : a.expiresAt().compareTo(b.expiresAt());
  }

  /** {@return when the lease can no longer be renewed ({@code issuedAt + maxTtl})} */
  public Instant maxExpiresAt() {
    return Objects.requireNonNull(Times.decode(maxExpiresAt, rare, Times.MAX_EXPIRES_AT));
  }

  /** {@return whether the lease can be renewed} */
  public boolean renewable() {
    return renewable;
  }

  /** {@return when the lease was last renewed} */
  public Optional<Instant> lastRenewedAt() {
    return Optional.ofNullable(Times.decode(lastRenewedAt, rare, Times.LAST_RENEWED_AT));
  }

  /** {@return the error of the last failed revoke (a message, never a secret)} */
  public Optional<String> lastError() {
    return Optional.ofNullable(rare == null ? null : (String) rare[Times.LAST_ERROR]);
  }

  /** {@return how many revokes failed so far} */
  public int revokeAttempts() {
    return rare == null || rare[Times.REVOKE_ATTEMPTS] == null ? 0 : (Integer) rare[Times.REVOKE_ATTEMPTS];
  }

  /**
   * When the record last entered a REVOKING or REVOKE_FAILED state (or a recovery claim of a PENDING record); absent
   * otherwise. Recovery reclaims a REVOKING record whose claim is older than a bound (its manager crashed) and
   * retries a REVOKE_FAILED one after a back-off counted from this instant.
   *
   * @return when the record entered its claimed or failed state, or empty
   */
  public Optional<Instant> stateChangedAt() {
    return Optional.ofNullable(rare == null ? null : (Instant) rare[Times.STATE_CHANGED_AT]);
  }

  /** {@return a copy without token and secret: what a metadata-only store keeps} */
  public LeaseRecord withoutSecret() {
    return token == null ? this : toBuilder().token(null).secret(null).build();
  }

  /** {@return the compare-and-set version (1 on insert)} */
  public long version() {
    return version;
  }

  /** {@return the lease part of the record, in absolute time} */
  public Lease lease() {
    return new Lease(leaseId(), issuedAt(), ttl, expiresAt(), maxExpiresAt(), renewable, lastRenewedAt().orElse(null));
  }

  /**
   * Live means one thing everywhere: {@link LeaseState#ACTIVE} and {@code now} is before the expiry.
   *
   * @param now the instant to judge at
   * @return whether the lease is live at {@code now}
   */
  public boolean isLive(Instant now) {
    if (state() != LeaseState.ACTIVE) {
      return false;
    }
    long at = Times.encode(now);
    return at != Times.FAR && expiresAt != Times.FAR ? at < expiresAt : now.isBefore(expiresAt());
  }

  // For AstraToken's views of a record (dev.astravault.internal.Views): whether it holds a token and its secret and
  // toTokenInfo() answers, and the two parts of that view that are optional here.
  boolean canBackToken() {
    return hasClientId() && generatedOn != Times.ABSENT && token != null && secret != null;
  }

  String requiredToken() {
    return Objects.requireNonNull(token, "token");
  }

  String requiredClientId() {
    return Objects.requireNonNull(clientIdOrNull(), "clientId");
  }

  Instant requiredGeneratedOn() {
    return Objects.requireNonNull(Times.decode(generatedOn, rare, Times.GENERATED_ON), "generatedOn");
  }

  /** {@return the secret-free view; only for records that are not {@link LeaseState#PENDING}} */
  public TokenInfo toTokenInfo() {
    if (!hasClientId() || generatedOn == Times.ABSENT) {
      throw new IllegalStateException("lease " + leaseId() + " has no token yet (" + state() + ")");
    }
    return new TokenInfo(clientIdOrNull(), role.orgId(), role.roleName(), logicalName, style(), requiredGeneratedOn(),
        metadata, lease(), state());
  }

  /** Same lease and version: two records that agree on these are the same state of the same lease. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LeaseRecord other && version == other.version && state() == other.state()
        && SplitIds.same(role, id, other.role, other.id);
  }

  @Override
  public int hashCode() {
    return 31 * (31 + SplitIds.hash(role, id)) + Long.hashCode(version);   // Objects.hash(leaseId(), version)
  }

  @Override
  public String toString() {
    return "LeaseRecord[leaseId=" + leaseId() + ", org=" + role.orgId() + ", role=" + role.roleName() + ", logicalName="
        + logicalName + ", style=" + style() + (successor ? ", successor" : "") + ", state=" + state()
        + ", clientId=" + clientIdOrNull() + ", expiresAt=" + expiresAt() + ", version=" + version + ", token="
        + (token == null ? "absent" : "██") + "]";
  }

  /** Builds a {@link LeaseRecord}; required fields are checked by {@link #build()}. */
  public static final class Builder {
    // The lease id as given, or as a copied record keeps it (SplitIds), then read against idRole's prefix.
    private @Nullable Object id;
    private @Nullable RoleIdentity idRole;
    private @Nullable String orgId;
    private @Nullable String roleName;
    private @Nullable String roleId;
    // The copied record's role identity: build() reuses it while the three strings still match it.
    private @Nullable RoleIdentity role;
    private @Nullable String logicalName;
    private IssueStyle style = IssueStyle.UNIQUE;
    private boolean successor;
    private LeaseState state = LeaseState.PENDING;
    private @Nullable String clientId;
    private @Nullable String token;
    // The secret as given, or as a record keeps it (its bytes): build() compacts a String.
    private @Nullable Object secret;
    private long generatedOn = Times.ABSENT;
    private Map<String, String> metadata = Map.of();
    private @Nullable String description;
    private long issuedAt = Times.ABSENT;
    private @Nullable Duration ttl;
    private long expiresAt = Times.ABSENT;
    private long maxExpiresAt = Times.ABSENT;
    private boolean renewable = true;
    private long lastRenewedAt = Times.ABSENT;
    private Object @Nullable [] rare;
    private long version = 1;

    private Builder() {}

    /**
     * Sets the lease id.
     *
     * @param v the lease id
     * @return this builder
     */
    public Builder leaseId(String v) {
      this.id = v;
      this.idRole = null;
      return this;
    }
    /**
     * Sets the id of the org the token belongs to.
     *
     * @param v the id of the org the token belongs to
     * @return this builder
     */
    public Builder orgId(String v) { this.orgId = v; return this; }
    /**
     * Sets the local role name.
     *
     * @param v the local role name
     * @return this builder
     */
    public Builder roleName(String v) { this.roleName = v; return this; }
    /**
     * Sets the Astra role id the token was created with.
     *
     * @param v the Astra role id the token was created with
     * @return this builder
     */
    public Builder roleId(String v) { this.roleId = v; return this; }
    /**
     * Sets the logical name (UNIQUE-style records).
     *
     * @param v the logical name (UNIQUE-style records)
     * @return this builder
     */
    public Builder logicalName(@Nullable String v) { this.logicalName = v; return this; }
    /**
     * Sets how the token was issued.
     *
     * @param v how the token was issued
     * @return this builder
     */
    public Builder style(IssueStyle v) { this.style = v; return this; }
    /**
     * Sets whether this is the successor record of a rotating token.
     *
     * @param v whether this is the successor record of a rotating token
     * @return this builder
     */
    public Builder successor(boolean v) { this.successor = v; return this; }
    /**
     * Sets where the record is in its life.
     *
     * @param v where the record is in its life
     * @return this builder
     */
    public Builder state(LeaseState v) { this.state = v; return this; }
    /**
     * Sets the token's Astra client id, once Astra created it.
     *
     * @param v the token's Astra client id, once Astra created it
     * @return this builder
     */
    public Builder clientId(@Nullable String v) { this.clientId = v; return this; }
    /**
     * Sets the full token.
     *
     * @param v the full token
     * @return this builder
     */
    public Builder token(@Nullable String v) { this.token = v; return this; }
    /**
     * Sets the token's client secret; absent like the token.
     *
     * @param v the token's client secret; absent like the token
     * @return this builder
     */
    public Builder secret(@Nullable String v) { this.secret = v; return this; }
    /**
     * Sets when Astra generated the token.
     *
     * @param v when Astra generated the token
     * @return this builder
     */
    public Builder generatedOn(@Nullable Instant v) { this.generatedOn = encode(v, Times.GENERATED_ON); return this; }
    /**
     * Sets the metadata the token was issued with.
     *
     * @param v the metadata the token was issued with
     * @return this builder
     */
    public Builder metadata(Map<String, String> v) { this.metadata = v; return this; }
    /**
     * Sets the description tag sent to Astra.
     *
     * @param v the description tag sent to Astra
     * @return this builder
     */
    public Builder description(String v) { this.description = v; return this; }
    /**
     * Sets when the lease began.
     *
     * @param v when the lease began
     * @return this builder
     */
    public Builder issuedAt(Instant v) { this.issuedAt = encode(v, Times.ISSUED_AT); return this; }
    /**
     * Sets the TTL granted on issue or the last renewal.
     *
     * @param v the TTL granted on issue or the last renewal
     * @return this builder
     */
    public Builder ttl(Duration v) { this.ttl = v; return this; }
    /**
     * Sets when the lease expires.
     *
     * @param v when the lease expires
     * @return this builder
     */
    public Builder expiresAt(Instant v) { this.expiresAt = encode(v, Times.EXPIRES_AT); return this; }
    /**
     * Sets when the lease can no longer be renewed ({@code issuedAt + maxTtl}).
     *
     * @param v when the lease can no longer be renewed ({@code issuedAt + maxTtl})
     * @return this builder
     */
    public Builder maxExpiresAt(Instant v) { this.maxExpiresAt = encode(v, Times.MAX_EXPIRES_AT); return this; }
    /**
     * Sets whether the lease can be renewed.
     *
     * @param v whether the lease can be renewed
     * @return this builder
     */
    public Builder renewable(boolean v) { this.renewable = v; return this; }
    /**
     * Sets when the lease was last renewed.
     *
     * @param v when the lease was last renewed
     * @return this builder
     */
    public Builder lastRenewedAt(@Nullable Instant v) {
      this.lastRenewedAt = encode(v, Times.LAST_RENEWED_AT);
      return this;
    }
    /**
     * Sets the error of the last failed revoke.
     *
     * @param v the error of the last failed revoke
     * @return this builder
     */
    public Builder lastError(@Nullable String v) { rare(Times.LAST_ERROR, v); return this; }
    /**
     * Sets how many revokes failed so far.
     *
     * @param v how many revokes failed so far
     * @return this builder
     */
    public Builder revokeAttempts(int v) { rare(Times.REVOKE_ATTEMPTS, v == 0 ? null : v); return this; }
    /**
     * Sets when the record last entered a claimed or failed state.
     *
     * @param v when the record last entered a claimed or failed state
     * @return this builder
     */
    public Builder stateChangedAt(@Nullable Instant v) { rare(Times.STATE_CHANGED_AT, v); return this; }
    /**
     * Sets the compare-and-set version (1 on insert).
     *
     * @param v the compare-and-set version (1 on insert)
     * @return this builder
     */
    public Builder version(long v) { this.version = v; return this; }

    /**
     * Checks the fields together and builds the record.
     *
     * @return the record
     * @throws IllegalArgumentException naming the first missing or inconsistent field
     */
    public LeaseRecord build() {
      return new LeaseRecord(this);
    }

    /** Encodes {@code v} for slot {@code slot}, keeping it in {@code rare} when epoch nanoseconds cannot hold it. */
    private long encode(@Nullable Instant v, int slot) {
      long packed = Times.encode(v);
      rare(slot, packed == Times.FAR ? v : null);
      return packed;
    }

    private void rare(int slot, @Nullable Object v) {
      if (v != null || (rare != null && rare[slot] != null)) {
        Object[] copy = rare == null ? new Object[Times.SLOTS] : rare.clone();  // rare may be a record's: copy
        copy[slot] = v;
        rare = Times.any(copy) ? copy : null;
      }
    }
  }
}
