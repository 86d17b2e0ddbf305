package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/** A role was deleted. */
public record RoleDeleted(Instant time, Actor actor, String org, String role) implements AuditEvent {
  @Override
  public String type() {
    return "role.deleted";
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
