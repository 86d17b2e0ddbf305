package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A role was created or updated, with the warnings the write produced. */
public record RoleWritten(Instant time, Actor actor, String orgId, String roleName, String roleId, Duration ttl,
    Duration maxTtl, boolean created, List<String> warnings) implements AuditEvent {
  public RoleWritten {
    warnings = List.copyOf(warnings);
  }

  @Override
  public String type() {
    return "role.written";
  }
}
