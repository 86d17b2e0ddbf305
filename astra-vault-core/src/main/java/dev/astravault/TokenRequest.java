package dev.astravault;

import dev.astravault.internal.Validation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
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
  private final Map<String, String> metadata;
  private final @Nullable Duration ttl;
  private final IssueStyle style;

  private TokenRequest(Builder builder) {
    this.org = Validation.requireId("org", builder.org);
    this.role = Validation.roleReference(builder.role);
    this.style = builder.style;
    if (style == IssueStyle.UNIQUE) {
      this.logicalName = Validation.logicalName(builder.logicalName);
    } else {
      this.logicalName = builder.logicalName == null ? null : Validation.logicalName(builder.logicalName);
    }
    this.metadata = Validation.metadata(builder.metadata);
    this.ttl = builder.ttl == null ? null : Validation.requirePositive("ttl", builder.ttl);
  }

  public static Builder builder() {
    return new Builder(null);
  }

  /** Starts a request for a role, e.g. {@code TokenRequest.forRole("reader").org("prod").logicalName("orders")}. */
  public static Builder forRole(String role) {
    return builder().role(role);
  }

  /** The org id or logical name. */
  public String org() {
    return org;
  }

  /**
   * The role as given: a local role name (lowercased), Astra's display name (such as {@code "R/W User"}) or the
   * Astra role id. It is resolved against the org's roles at issue; see {@link TokenManager#role(String, String)}.
   */
  public String role() {
    return role;
  }

  /** The logical name, lowercase; always present in the {@link IssueStyle#UNIQUE} style. */
  public Optional<String> logicalName() {
    return Optional.ofNullable(logicalName);
  }

  public Map<String, String> metadata() {
    return metadata;
  }

  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  public IssueStyle style() {
    return style;
  }

  public Builder toBuilder() {
    Builder b = new Builder(null).org(org).role(role).metadata(metadata).style(style);
    if (logicalName != null) {
      b.logicalName(logicalName);
    }
    if (ttl != null) {
      b.ttl(ttl);
    }
    return b;
  }

  @Override
  public String toString() {
    return "TokenRequest[org=" + org + ", role=" + role + ", logicalName=" + logicalName + ", style=" + style
        + ", ttl=" + ttl + ", metadata=" + metadata + "]";
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

    Builder(@Nullable Function<TokenRequest, AstraToken> issuer) {
      this.issuer = issuer;
    }

    public Builder org(String org) {
      this.org = org;
      return this;
    }

    /**
     * The role: its local name, Astra's display name (such as {@code "R/W User"}, sanitised with the rule of
     * {@link TokenManager#syncRoles}) or its Astra role id. A local name names its role outright; a display name
     * that is also another role's id fails the issue with {@link AmbiguousRoleException}.
     */
    public Builder role(String role) {
      this.role = role;
      return this;
    }

    public Builder logicalName(String logicalName) {
      this.logicalName = logicalName;
      return this;
    }

    /** Adds one metadata entry (for example {@code owner}, {@code purpose}); keys are unique. */
    public Builder metadata(String key, String value) {
      this.metadata.put(key, value);
      return this;
    }

    public Builder metadata(Map<String, String> entries) {
      this.metadata.putAll(entries);
      return this;
    }

    /** A TTL shorter than (or equal to) the role's; the role's TTL applies otherwise. */
    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /** Mint a fresh token on every call, with no uniqueness (the plugin's sidecar mode). */
    public Builder perRequest() {
      this.style = IssueStyle.PER_REQUEST;
      return this;
    }

    public Builder style(IssueStyle style) {
      this.style = java.util.Objects.requireNonNull(style, "style");
      return this;
    }

    public TokenRequest build() {
      return new TokenRequest(this);
    }

    /** Builds and issues through the manager this builder came from. */
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
