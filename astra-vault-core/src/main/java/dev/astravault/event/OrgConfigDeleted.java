package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;

/** An org config was deleted. */
public record OrgConfigDeleted(Instant time, Actor actor, String orgId) implements AuditEvent {
  @Override
  public String type() {
    return "org.deleted";
  }
}
