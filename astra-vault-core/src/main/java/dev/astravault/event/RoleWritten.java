package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A role was created ({@code created}) or updated, with the warnings the write produced. */
public record RoleWritten(Instant time, Actor actor, String org, String role, String roleId, Duration ttl,
    Duration maxTtl, boolean created, List<String> warnings) implements AuditEvent {
  /** Copies the warnings. */
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
