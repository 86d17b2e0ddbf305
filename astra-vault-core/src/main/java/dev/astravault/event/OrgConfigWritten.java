package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;

/** An org config was created or replaced. The root token is never part of the event. */
public record OrgConfigWritten(Instant time, Actor actor, String orgId, String logicalName, String url,
    boolean created) implements AuditEvent {
  @Override
  public String type() {
    return "org.written";
  }
}
