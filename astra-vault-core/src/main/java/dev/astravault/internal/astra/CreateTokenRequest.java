package dev.astravault.internal.astra;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v2/clientIdSecrets}. {@code description} and {@code tokenExpiry} are not in the OpenAPI
 * spec but are accepted by current Astra servers (see astra-devops-api-notes.md); null fields are omitted.
 */
public record CreateTokenRequest(List<String> roles, @Nullable String orgId, @Nullable String description,
    @Nullable Instant tokenExpiry) {
  public CreateTokenRequest {
    Objects.requireNonNull(roles, "roles");
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("roles must not be empty");
    }
    roles = List.copyOf(roles);
  }
}
