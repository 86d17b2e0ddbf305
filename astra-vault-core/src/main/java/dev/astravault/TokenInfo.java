package dev.astravault;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A token without its secret: safe to list, log and show. */
public record TokenInfo(String clientId, String orgId, String roleName, @Nullable String logicalNameOrNull,
    IssueStyle style, Instant generatedOn, Map<String, String> metadata, Lease lease) {

  public TokenInfo {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(orgId, "orgId");
    Objects.requireNonNull(roleName, "roleName");
    Objects.requireNonNull(style, "style");
    Objects.requireNonNull(generatedOn, "generatedOn");
    metadata = Map.copyOf(metadata);
    Objects.requireNonNull(lease, "lease");
  }

  /**
   * {@return the token's logical name, empty for a token issued without one}
   */
  public Optional<String> logicalName() {
    return Optional.ofNullable(logicalNameOrNull);
  }
}
