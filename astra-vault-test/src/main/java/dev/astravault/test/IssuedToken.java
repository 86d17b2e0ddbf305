package dev.astravault.test;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link FakeAstra} knows about a token it issued, without its secret or token value.
 *
 * @param clientId the 24-letter client id
 * @param orgId the org it belongs to
 * @param roles the role ids it was created with
 * @param description the description sent at creation, or {@code ""}
 * @param tokenExpiry the expiry sent at creation (truncated to milliseconds), or null when none was sent
 * @param generatedOn when it was created, by the fake's clock
 */
public record IssuedToken(String clientId, String orgId, List<String> roles, String description,
    @Nullable Instant tokenExpiry, Instant generatedOn) {
  /**
   * Validates and copies.
   *
   * @param clientId the 24-letter client id
   * @param orgId the org it belongs to
   * @param roles the role ids it was created with
   * @param description the description sent at creation, or {@code ""}
   * @param tokenExpiry the expiry sent at creation (truncated to milliseconds), or null when none was sent
   * @param generatedOn when it was created, by the fake's clock
   */
  public IssuedToken {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(orgId, "orgId");
    roles = List.copyOf(roles);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(generatedOn, "generatedOn");
  }

  /**
   * {@link #tokenExpiry()} as an optional.
   *
   * @return the expiry sent at creation, or empty when none was sent
   */
  public Optional<Instant> expiry() {
    return Optional.ofNullable(tokenExpiry);
  }

  /**
   * Whether the token has an expiry at or before {@code now}.
   *
   * @param now the time to judge at
   * @return whether the token has expired at {@code now}
   */
  public boolean isExpiredAt(Instant now) {
    return tokenExpiry != null && !tokenExpiry.isAfter(now);
  }
}
