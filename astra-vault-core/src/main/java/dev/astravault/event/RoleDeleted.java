package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;

/** A role was deleted. */
public record RoleDeleted(Instant time, Actor actor, String orgId, String roleName) implements AuditEvent {
  @Override
  public String type() {
    return "role.deleted";
  }
}
