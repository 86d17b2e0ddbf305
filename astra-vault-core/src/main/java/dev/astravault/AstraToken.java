package dev.astravault;

import dev.astravault.internal.Redaction;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An issued Astra application token with its lease. Use {@link #token()} as the CQL password (with the username
 * {@code "token"}) or as the Data API token.
 *
 * <p>A final class rather than a record so that {@link #toString()} cannot print the secret: it shows only a
 * redacted prefix such as {@code AstraCS:Zencl…}.
 */
public final class AstraToken {
  private final TokenInfo info;
  private final String token;
  private final String secret;

  /**
   * A token as the library hands it out; applications get these from {@link TokenManager}, tests may build their own.
   *
   * @param info everything but the secret
   * @param token the full {@code AstraCS:...} token
   * @param secret the client secret ({@code ""} in Vault mode)
   */
  public AstraToken(TokenInfo info, String token, String secret) {
    this.info = Objects.requireNonNull(info, "info");
    this.token = Objects.requireNonNull(token, "token");
    this.secret = Objects.requireNonNull(secret, "secret");
  }

  /** {@return the full {@code AstraCS:<clientId>:<hex>} token} Never log it. */
  public String token() {
    return token;
  }

  /**
   * The client secret, for drivers that take (clientId, secret) credentials. Never log it. Empty in Vault mode: the
   * Astra plugin never returns it, so use {@link #token()} there (the drivers accept {@code ("token", token)}).
   *
   * @return the client secret, or {@code ""} in Vault mode
   */
  public String secret() {
    return secret;
  }

  /** {@return everything but the secret} */
  public TokenInfo info() {
    return info;
  }

  /** {@return the token's Astra client id} */
  public String clientId() {
    return info.clientId();
  }

  /** {@return the id of the org the token belongs to} */
  public String orgId() {
    return info.orgId();
  }

  /** {@return the local name of the token's role} */
  public String roleName() {
    return info.roleName();
  }

  /** {@return the token's logical name, empty for a token issued without one} */
  public Optional<String> logicalName() {
    return info.logicalName();
  }

  /** {@return when Astra generated the token} */
  public Instant generatedOn() {
    return info.generatedOn();
  }

  /** {@return the metadata the token was issued with (owner, purpose, ...)} */
  public Map<String, String> metadata() {
    return info.metadata();
  }

  /** {@return the token's lease as it was when this object was made} */
  public Lease lease() {
    return info.lease();
  }

  /** {@return the token with its secret part hidden, safe to show to people} */
  public String redacted() {
    return Redaction.token(token);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AstraToken other && info.equals(other.info) && token.equals(other.token);
  }

  @Override
  public int hashCode() {
    return info.hashCode();
  }

  @Override
  public String toString() {
    return "AstraToken[clientId=" + info.clientId() + ", org=" + info.orgId() + ", role=" + info.roleName()
        + ", logicalName=" + info.logicalName().orElse("-") + ", lease=" + info.lease().leaseId()
        + ", expiresAt=" + info.lease().expiresAt() + ", token=" + redacted() + "]";
  }
}
