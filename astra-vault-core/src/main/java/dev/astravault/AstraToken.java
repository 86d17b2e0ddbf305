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

  public AstraToken(TokenInfo info, String token, String secret) {
    this.info = Objects.requireNonNull(info, "info");
    this.token = Objects.requireNonNull(token, "token");
    this.secret = Objects.requireNonNull(secret, "secret");
  }

  /** The full {@code AstraCS:<clientId>:<hex>} token. Never log it. */
  public String token() {
    return token;
  }

  /**
   * The client secret, for drivers that take (clientId, secret) credentials. Never log it. Empty in Vault mode: the
   * Astra plugin never returns it, so use {@link #token()} there (the drivers accept {@code ("token", token)}).
   */
  public String secret() {
    return secret;
  }

  /** Everything but the secret. */
  public TokenInfo info() {
    return info;
  }

  public String clientId() {
    return info.clientId();
  }

  public String orgId() {
    return info.orgId();
  }

  public String roleName() {
    return info.roleName();
  }

  public Optional<String> logicalName() {
    return info.logicalName();
  }

  public Instant generatedOn() {
    return info.generatedOn();
  }

  public Map<String, String> metadata() {
    return info.metadata();
  }

  public Lease lease() {
    return info.lease();
  }

  /** The token with its secret part hidden, safe to show to people. */
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
