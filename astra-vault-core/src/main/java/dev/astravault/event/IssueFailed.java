package dev.astravault.event;

import dev.astravault.Actor;
import dev.astravault.internal.redact.Redaction;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Issuing failed; no token was handed out (and none was left behind in Astra, except in Vault mode when Vault's
 * answer was lost: then {@code message} says "the outcome is unclear", see docs/vault.md). {@code org} and {@code
 * role} are as the caller requested them (the org may be a logical name); {@code error} is the exception's class name.
 *
 * @param time when it happened
 * @param actor who asked for the token
 * @param org the org as requested (an id or a logical name)
 * @param role the role as requested
 * @param logical the logical name, or null for none
 * @param metadata the caller's metadata
 * @param error the exception's class name
 * @param message the exception's message, with secrets scrubbed
 */
public record IssueFailed(Instant time, Actor actor, String org, String role, @Nullable String logical,
    Map<String, String> metadata, String error, String message) implements FailureEvent {
  /**
   * Checks the error and message are present, scrubs secrets from the message and copies the metadata.
   *
   * @param time when it happened
   * @param actor who asked for the token
   * @param org the org as requested (an id or a logical name)
   * @param role the role as requested
   * @param logical the logical name, or null for none
   * @param metadata the caller's metadata
   * @param error the exception's class name
   * @param message the exception's message, with secrets scrubbed
   */
  public IssueFailed {
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(message, "message");
    message = String.valueOf(Redaction.scrub(message));
    metadata = Map.copyOf(metadata);
  }

  @Override
  public String type() {
    return "token.issue_failed";
  }

  @Override
  public Optional<String> orgId() {
    return Optional.of(org);
  }

  @Override
  public Optional<String> roleName() {
    return Optional.of(role);
  }

  @Override
  public Optional<String> logicalName() {
    return Optional.ofNullable(logical);
  }
}
