package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;

/** A caller read a token's secret through the API. */
public record TokenRead(Instant time, Actor actor, TokenRef token) implements AuditEvent {
  @Override
  public String type() {
    return "token.read";
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
