package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A role was created ({@code created}) or updated, with the warnings the write produced.
 *
 * @param time when it happened
 * @param actor who wrote the role
 * @param org the org's id
 * @param role the local role name
 * @param roleId the Astra role id
 * @param ttl the role's TTL
 * @param maxTtl the role's max TTL
 * @param created whether it was created rather than updated
 * @param warnings the warnings the write produced
 */
public record RoleWritten(Instant time, Actor actor, String org, String role, String roleId, Duration ttl,
    Duration maxTtl, boolean created, List<String> warnings) implements AuditEvent {
  /**
   * Copies the warnings.
   *
   * @param time when it happened
   * @param actor who wrote the role
   * @param org the org's id
   * @param role the local role name
   * @param roleId the Astra role id
   * @param ttl the role's TTL
   * @param maxTtl the role's max TTL
   * @param created whether it was created rather than updated
   * @param warnings the warnings the write produced
   */
  public RoleWritten {
    warnings = List.copyOf(warnings);
  }

  @Override
  public String type() {
    return "role.written";
  }

  @Override
  public Optional<String> orgId() {
    return Optional.of(org);
  }

  @Override
  public Optional<String> roleName() {
    return Optional.of(role);
  }
}
