package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Tokens were listed (without secrets), for one org or for all ({@code orgId} null). */
public record TokensListed(Instant time, Actor actor, @Nullable String orgId, int count) implements AuditEvent {
  @Override
  public String type() {
    return "token.listed";
  }
}
