package dev.astravault;

import java.util.List;
import java.util.Objects;

/**
 * The role as written, whether it was created, and the plugin-compatible warnings (defaults applied, ttl clamped).
 *
 * @param role the role as written
 * @param created whether it was created rather than updated
 * @param warnings the plugin-compatible warnings (defaults applied, ttl clamped)
 */
public record RoleWriteResult(Role role, boolean created, List<String> warnings) {
  /**
   * Checks the role is present and copies the warnings.
   *
   * @param role the role as written
   * @param created whether it was created rather than updated
   * @param warnings the plugin-compatible warnings (defaults applied, ttl clamped)
   */
  public RoleWriteResult {
    Objects.requireNonNull(role, "role");
    warnings = List.copyOf(warnings);
  }
}
