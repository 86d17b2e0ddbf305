package dev.astravault;

import dev.astravault.internal.Validation;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A role write: creates the role, or updates only the fields it supplies (as the plugin does). A zero duration means
 * the default (24h); {@code ttl} is clamped to {@code maxTtl} with a warning on the result.
 */
public final class RoleSpec {
  private final String orgId;
  private final String name;
  private final @Nullable String roleId;
  private final @Nullable Duration ttl;
  private final @Nullable Duration maxTtl;

  private RoleSpec(Builder builder) {
    this.orgId = Validation.requireId("orgId", builder.orgId);
    this.name = Validation.roleName(builder.name);
    this.roleId = builder.roleId == null ? null : Validation.requireId("roleId", builder.roleId);
    this.ttl = builder.ttl == null ? null : Validation.requireNonNegative("ttl", builder.ttl);
    this.maxTtl = builder.maxTtl == null ? null : Validation.requireNonNegative("maxTtl", builder.maxTtl);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String orgId() {
    return orgId;
  }

  /** {@return the role name, lowercased} */
  public String name() {
    return name;
  }

  public Optional<String> roleId() {
    return Optional.ofNullable(roleId);
  }

  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  public Optional<Duration> maxTtl() {
    return Optional.ofNullable(maxTtl);
  }

  @Override
  public String toString() {
    return "RoleSpec[orgId=" + orgId + ", name=" + name + ", roleId=" + roleId + ", ttl=" + ttl + ", maxTtl="
        + maxTtl + "]";
  }

  /** Builds a {@link RoleSpec}. */
  public static final class Builder {
    private @Nullable String orgId;
    private @Nullable String name;
    private @Nullable String roleId;
    private @Nullable Duration ttl;
    private @Nullable Duration maxTtl;

    private Builder() {}

    /** The org's id or logical name. */
    public Builder org(String orgId) {
      this.orgId = orgId;
      return this;
    }

    /** The role name; case-insensitive, kept lowercase. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The Astra role id; required when the role is new. */
    public Builder roleId(String roleId) {
      this.roleId = roleId;
      return this;
    }

    public Builder ttl(Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    public Builder maxTtl(Duration maxTtl) {
      this.maxTtl = maxTtl;
      return this;
    }

    public RoleSpec build() {
      return new RoleSpec(this);
    }
  }
}
