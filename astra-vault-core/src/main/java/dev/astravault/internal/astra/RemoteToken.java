package dev.astravault.internal.astra;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One entry of {@code GET /v2/clientIdSecrets}; never carries a secret. */
public record RemoteToken(String clientId, List<String> roles, @Nullable Instant generatedOn,
    @Nullable String description, @Nullable Instant tokenExpiry) {
  public RemoteToken {
    roles = List.copyOf(roles);
  }
}
