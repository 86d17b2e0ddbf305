package dev.astravault;

import dev.astravault.internal.support.Validation;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A role write: creates the role, or updates only the fields it supplies (as the plugin does). A zero duration means
 * the default (24h); {@code ttl} is clamped to {@code maxTtl} with a warning on the result.
 */
public final class RoleSpec {
  private final String org;
  private final String name;
  private final @Nullable String roleId;
  private final @Nullable Duration ttl;
  private final @Nullable Duration maxTtl;

  private RoleSpec(Builder builder) {
    this.org = Validation.orgReference("org", builder.org);
    this.name = Validation.roleName(builder.name);
    if (name.startsWith(Scope.ROLE_PREFIX)) {
      // Those names are the records of scoped tokens' custom roles: a role written over one would change the role
      // id their leases hold, and the orphan sweep deletes such a role from Astra when no deployment records it.
      throw new IllegalArgumentException("role name '" + name + "' starts with '" + Scope.ROLE_PREFIX
          + "', which is reserved for the custom roles of scoped tokens");
    }
    this.roleId = builder.roleId == null ? null : Validation.requireId("roleId", builder.roleId);
    this.ttl = builder.ttl == null ? null : Validation.requireNonNegative("ttl", builder.ttl);
    this.maxTtl = builder.maxTtl == null ? null : Validation.requireNonNegative("maxTtl", builder.maxTtl);
  }

  /**
   * {@return a new builder}
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the org as the caller named it: its id or its logical name} */
  public String org() {
    return org;
  }

  /**
   * The org as the caller named it, which may be a logical name rather than an id.
   *
   * @return the org's id or logical name, as given
   * @deprecated the name promised an id; use {@link #org()}, which returns the same value
   */
  @Deprecated
  public String orgId() {
    return org;
  }

  /** {@return the role name, lowercased} */
  public String name() {
    return name;
  }

  /**
   * {@return the Astra role id to set, or empty to keep the current one}
   */
  public Optional<String> roleId() {
    return Optional.ofNullable(roleId);
  }

  /**
   * {@return the TTL to set, or empty to keep the current one (24h for a new role)}
   */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  /**
   * {@return the max TTL to set, or empty to keep the current one (24h for a new role)}
   */
  public Optional<Duration> maxTtl() {
    return Optional.ofNullable(maxTtl);
  }

  @Override
  public String toString() {
    return "RoleSpec[org=" + org + ", name=" + name + ", roleId=" + roleId + ", ttl=" + ttl + ", maxTtl="
        + maxTtl + "]";
  }

  /** Builds a {@link RoleSpec}. */
  public static final class Builder {
    private @Nullable String org;
    private @Nullable String name;
    private @Nullable String roleId;
    private @Nullable Duration ttl;
    private @Nullable Duration maxTtl;

    private Builder() {}

    /**
     * The org's id or logical name; read back with {@link RoleSpec#org()}.
     *
     * @param org the org's id or logical name
     * @return this builder
     */
    public Builder org(String org) {
      this.org = org;
      return this;
    }

    /**
     * The role name; case-insensitive, kept lowercase.
     *
     * @param name the role name
     * @return this builder
     */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /**
     * The Astra role id; required when the role is new.
     *
     * @param roleId the Astra role id
     * @return this builder
     */
    public Builder roleId(String roleId) {
      this.roleId = roleId;
      return this;
    }

    /**
     * The TTL a token gets on issue and renew; zero means 24h, and it is clamped to the max TTL.
     *
     * @param ttl the TTL
     * @return this builder
     */
    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /**
     * How long after its issue a token can no longer be renewed; zero means 24h.
     *
     * @param maxTtl the max TTL
     * @return this builder
     */
    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = maxTtl;
      return this;
    }

    /**
     * Checks the fields and builds the spec.
     *
     * @return the spec
     */
    public RoleSpec build() {
      return new RoleSpec(this);
    }
  }
}
