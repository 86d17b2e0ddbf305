package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/** A lease was looked up. */
public record LeaseLookedUp(Instant time, Actor actor, TokenRef token) implements AuditEvent {
  @Override
  public String type() {
    return "lease.lookup";
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
