package dev.astravault.event;

import dev.astravault.Actor;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Issuing failed; no token was handed out (and none was left behind in Astra). */
public record IssueFailed(Instant time, Actor actor, String org, String roleName, @Nullable String logicalName,
    Map<String, String> metadata, String error, String message) implements AuditEvent {
  public IssueFailed {
    metadata = Map.copyOf(metadata);
  }

  @Override
  public String type() {
    return "token.issue_failed";
  }

  @Override
  public Outcome outcome() {
    return Outcome.FAILURE;
  }

  @Override
  public Optional<String> errorType() {
    return Optional.of(error);
  }

  @Override
  public Optional<String> errorMessage() {
    return Optional.of(message);
  }
}
