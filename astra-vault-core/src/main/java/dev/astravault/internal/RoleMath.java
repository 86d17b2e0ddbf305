package dev.astravault.internal;

import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.internal.support.GoDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The plugin's role write rules (path_roles.go), in order, with its warning texts. */
final class RoleMath {
  private RoleMath() {}

  record Result(Role role, List<String> warnings) {}

  static Result apply(String orgId, RoleSpec spec, Optional<Role> existing) {
    List<String> warnings = new ArrayList<>();
    String roleId = spec.roleId().or(() -> existing.map(Role::roleId)).orElseThrow(() ->
        new IllegalArgumentException("roleId is required to create role " + spec.name()));
    Duration ttl = pick("ttl", spec.ttl(), existing.map(Role::ttl), warnings);
    Duration maxTtl = pick("max_ttl", spec.maxTtl(), existing.map(Role::maxTtl), warnings);
    if (ttl.compareTo(maxTtl) > 0) {
      warnings.add("The ttl value provided is greater than max_ttl (" + GoDurations.format(maxTtl)
          + "); setting ttl to " + GoDurations.format(maxTtl));
      ttl = maxTtl;
    }
    return new Result(new Role(orgId, spec.name(), roleId, ttl, maxTtl), warnings);
  }

  private static Duration pick(String field, Optional<Duration> given, Optional<Duration> current,
      List<String> warnings) {
    if (given.isPresent()) {
      if (given.get().isZero()) {
        warnings.add("A " + field + " value of 0 was provided; defaulting to " + GoDurations.format(Role.DEFAULT_TTL));
        return Role.DEFAULT_TTL;
      }
      return given.get();
    }
    if (current.isPresent()) {
      return current.get();
    }
    warnings.add("No " + field + " value provided; defaulting to " + GoDurations.format(Role.DEFAULT_TTL));
    return Role.DEFAULT_TTL;
  }
}
