package dev.astravault;

import dev.astravault.internal.support.Validation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What to issue: an org (id or logical name), a role (local name, Astra display name or role id), a logical name
 * (the "who/what it is for" key that is unique per org and role in the {@link IssueStyle#UNIQUE} style), free-form
 * metadata such as owner and purpose, and an optional TTL shorter than the role's.
 */
public final class TokenRequest {
  private final String org;
  private final String role;
  private final @Nullable String logicalName;
  private final IssueStyle style;
  // The metadata, TTL and scope; null when the metadata is empty and the other two absent, as in most requests. A
  // managed token holds its request for its life: three fields of their own made a request 40 B, where it is 32.
  private final @Nullable Extras extras;

  private record Extras(Map<String, String> metadata, @Nullable Duration ttl, @Nullable Scope scope) {}

  private TokenRequest(Builder builder) {
    this.org = Validation.orgReference("org", builder.org);
    this.role = Validation.roleReference(builder.role);
    this.style = builder.style;
    if (style == IssueStyle.UNIQUE) {
      this.logicalName = Validation.logicalName(builder.logicalName);
    } else {
      this.logicalName = builder.logicalName == null ? null : Validation.logicalName(builder.logicalName);
    }
    Map<String, String> metadata = Validation.metadata(builder.metadata);
    for (String key : metadata.keySet()) {
      if (key.startsWith("astra-vault.")) {
        throw new IllegalArgumentException("metadata key '" + key + "' is reserved: keys starting with "
            + "'astra-vault.' are written by the library (the scope of a scoped token)");
      }
    }
    Duration ttl = builder.ttl == null ? null : Validation.requirePositive("ttl", builder.ttl);
    Scope scope = builder.scope;
    this.extras = metadata.isEmpty() && ttl == null && scope == null ? null : new Extras(metadata, ttl, scope);
  }

  /** {@return a builder of a request not bound to a manager: pass what it builds to {@link TokenManager#issue}} */
  public static Builder builder() {
    return new Builder(null);
  }

  /**
   * Starts a request for a role, e.g. {@code TokenRequest.forRole("reader").org("prod").logicalName("orders")}.
   *
   * @param role the role's local name
   * @return an unbound builder with the role set
   */
  public static Builder forRole(String role) {
    return builder().role(role);
  }

  /** {@return the org id or logical name} */
  public String org() {
    return org;
  }

  /**
   * The role as given: a local role name (lowercased), Astra's display name (such as {@code "R/W User"}) or the
   * Astra role id. It is resolved against the org's roles at issue; see {@link TokenManager#role(String, String)}.
   *
   * @return the role reference as given
   */
  public String role() {
    return role;
  }

  /** {@return the logical name, lowercase; always present in the {@link IssueStyle#UNIQUE} style} */
  public Optional<String> logicalName() {
    return Optional.ofNullable(logicalName);
  }

  /** {@return the metadata the token is issued with, in the order it was added} */
  public Map<String, String> metadata() {
    return extras == null ? Map.of() : extras.metadata();
  }

  /** {@return the TTL asked for, or empty for the role's TTL} */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(extras == null ? null : extras.ttl());
  }

  /** {@return how the request is issued} */
  public IssueStyle style() {
    return style;
  }

  /**
   * The least-privilege scope: when present, the token's only Astra role is a custom role made from it (see
   * docs/scoped-tokens.md) and {@link #role()} supplies only the TTL and max TTL.
   *
   * @return the scope, or empty for a token carrying the role's own Astra role
   */
  public Optional<Scope> scope() {
    return Optional.ofNullable(extras == null ? null : extras.scope());
  }

  /** {@return an unbound builder holding this request's values, to derive a changed copy} */
  public Builder toBuilder() {
    Builder b = new Builder(null).org(org).role(role).metadata(metadata()).style(style);
    if (logicalName != null) {
      b.logicalName(logicalName);
    }
    ttl().ifPresent(b::ttl);
    scope().ifPresent(b::scope);
    return b;
  }

  @Override
  public String toString() {
    return "TokenRequest[org=" + org + ", role=" + role + ", logicalName=" + logicalName + ", style=" + style
        + ", ttl=" + ttl().orElse(null) + scope().map(s -> ", scope=" + s).orElse("") + ", metadata=" + metadata()
        + "]";
  }

  /**
   * Builds a {@link TokenRequest}. One obtained from {@link TokenManager#request()} can also {@link #issue()}
   * directly. {@link #build()} fails fast with a message naming the bad field.
   */
  public static final class Builder {
    private final @Nullable Function<TokenRequest, AstraToken> issuer;
    private @Nullable String org;
    private @Nullable String role;
    private @Nullable String logicalName;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private @Nullable Duration ttl;
    private IssueStyle style = IssueStyle.UNIQUE;
    private @Nullable Scope scope;

    Builder(@Nullable Function<TokenRequest, AstraToken> issuer) {
      this.issuer = issuer;
    }

    /**
     * The org the token is for.
     *
     * @param org the org's id or logical name
     * @return this builder
     */
    public Builder org(String org) {
      this.org = org;
      return this;
    }

    /**
     * The role: its local name, Astra's display name (such as {@code "R/W User"}, sanitised with the rule of
     * {@link TokenManager#syncRoles}) or its Astra role id. A local name names its role outright; a display name
     * that is also another role's id fails the issue with {@link AmbiguousRoleException}.
     *
     * @param role the role's local name (case-insensitive)
     * @return this builder
     */
    public Builder role(String role) {
      this.role = role;
      return this;
    }

    /**
     * What the token is for; with the role and org, the key of a {@link IssueStyle#UNIQUE} token.
     *
     * @param logicalName the logical name (case-insensitive)
     * @return this builder
     */
    public Builder logicalName(String logicalName) {
      this.logicalName = logicalName;
      return this;
    }

    /**
     * Adds one metadata entry (for example {@code owner}, {@code purpose}); keys are unique.
     *
     * @param key the entry's key
     * @param value the entry's value
     * @return this builder
     */
    public Builder metadata(String key, String value) {
      this.metadata.put(key, value);
      return this;
    }

    /**
     * Adds metadata entries, as {@link #metadata(String, String)} does for each.
     *
     * @param entries the entries to add
     * @return this builder
     */
    public Builder metadata(Map<String, String> entries) {
      this.metadata.putAll(Objects.requireNonNull(entries, "entries"));
      return this;
    }

    /**
     * A TTL shorter than (or equal to) the role's; the role's TTL applies otherwise.
     *
     * @param ttl a positive TTL
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /**
     * Scopes the token to one database and keyspace: it is issued with a custom Astra role made from the scope
     * instead of the role's own Astra role; the role still gives the TTL and max TTL.
     *
     * @param scope the scope
     * @return this builder
     */
    public Builder scope(Scope scope) {
      this.scope = Objects.requireNonNull(scope, "scope");
      return this;
    }

    /**
     * As {@link #scope(Scope)}, building the scope first.
     *
     * @param scope a scope builder
     * @return this builder
     * @throws InvalidScopeException when the scope is incomplete
     */
    public Builder scope(Scope.Builder scope) {
      return scope(scope.build());
    }

    /**
     * Mint a fresh token on every call, with no uniqueness (the plugin's sidecar mode).
     *
     * @return this builder
     */
    public Builder perRequest() {
      this.style = IssueStyle.PER_REQUEST;
      return this;
    }

    /**
     * How the request is issued; {@link IssueStyle#UNIQUE} by default.
     *
     * @param style the issue style
     * @return this builder
     */
    public Builder style(IssueStyle style) {
      this.style = Objects.requireNonNull(style, "style");
      return this;
    }

    /**
     * Checks every field and builds the request.
     *
     * @return the request
     * @throws IllegalArgumentException naming the first missing or malformed field
     */
    public TokenRequest build() {
      return new TokenRequest(this);
    }

    /**
     * Builds and issues through the manager this builder came from.
     *
     * @return the issued token
     * @throws IllegalStateException if the builder did not come from {@link TokenManager#request()}
     */
    public AstraToken issue() {
      if (issuer == null) {
        throw new IllegalStateException("this builder is not bound to a TokenManager; use TokenManager.request()");
      }
      return issuer.apply(build());
    }
  }

  /** Used by {@link TokenManager#request()}. */
  static Builder boundTo(Function<TokenRequest, AstraToken> issuer) {
    return new Builder(issuer);
  }
}
