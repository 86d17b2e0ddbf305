package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/**
 * An org config was created ({@code created}) or replaced: its id, logical name and API url. The root token is never
 * part of the event.
 */
public record OrgConfigWritten(Instant time, Actor actor, String org, String orgLogicalName, String url,
    boolean created) implements AuditEvent {
  @Override
  public String type() {
    return "org.written";
  }

  @Override
  public Optional<String> orgId() {
    return Optional.of(org);
  }
}
