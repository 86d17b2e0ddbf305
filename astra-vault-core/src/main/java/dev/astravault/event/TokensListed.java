package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Tokens were listed (without secrets), for one org or for all ({@code org} null); {@code count} were returned. */
public record TokensListed(Instant time, Actor actor, @Nullable String org, int count) implements AuditEvent {
  @Override
  public String type() {
    return "token.listed";
  }

  @Override
  public Optional<String> orgId() {
    return Optional.ofNullable(org);
  }
}
