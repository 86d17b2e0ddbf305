package dev.astravault.event;

import dev.astravault.Actor;
import dev.astravault.IssueStyle;
import java.time.Instant;
import java.util.Optional;

/** A token was created in Astra and handed out. */
public record TokenIssued(Instant time, Actor actor, TokenRef token, IssueStyle style, Instant expiresAt,
    Instant maxExpiresAt) implements AuditEvent {
  @Override
  public String type() {
    return "token.issued";
  }

  @Override
  public Optional<TokenRef> tokenRef() {
    return Optional.of(token);
  }
}
