package dev.astravault;

import java.util.List;
import java.util.Objects;

/** The role as written, whether it was created, and the plugin-compatible warnings (defaults applied, ttl clamped). */
public record RoleWriteResult(Role role, boolean created, List<String> warnings) {
  public RoleWriteResult {
    Objects.requireNonNull(role, "role");
    warnings = List.copyOf(warnings);
  }
}
