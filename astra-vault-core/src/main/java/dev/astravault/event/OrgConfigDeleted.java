package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/** An org config was deleted. */
public record OrgConfigDeleted(Instant time, Actor actor, String org) implements AuditEvent {
  @Override
  public String type() {
    return "org.deleted";
  }

  @Override
  public Optional<String> orgId() {
    return Optional.of(org);
  }
}
