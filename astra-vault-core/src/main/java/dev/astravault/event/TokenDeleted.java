package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/** A token was deleted by client id (its lease ended with it). */
public record TokenDeleted(Instant time, Actor actor, TokenRef token) implements AuditEvent {
  @Override
  public String type() {
    return "token.deleted";
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
