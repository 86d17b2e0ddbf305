package dev.astravault;

import dev.astravault.internal.Views;
import dev.astravault.internal.redact.Redaction;
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
  static {
    Views.install(AstraToken::new);
  }

  // The TokenInfo it was made with, or the LeaseRecord it is a view of. A managed token keeps its token for as long as
  // it is managed; backed by the record an in-memory store holds anyway, it does not also hold a TokenInfo and a Lease
  // (88 B a lease), which are then made on demand, equal to the ones it would have held.
  private final Object source;
  private final String token;
  // Null in a view: its record keeps the secret as bytes, and secret() makes the string when asked, not per view.
  private final @Nullable String secret;

  /**
   * A token as the library hands it out; applications get these from {@link TokenManager}, tests may build their own.
   *
   * @param info everything but the secret
   * @param token the full {@code AstraCS:...} token
   * @param secret the client secret ({@code ""} in Vault mode)
   */
  public AstraToken(TokenInfo info, String token, String secret) {
    this.source = Objects.requireNonNull(info, "info");
    this.token = Objects.requireNonNull(token, "token");
    this.secret = Objects.requireNonNull(secret, "secret");
  }

  /** A view of {@code record}, which must hold a token and its secret and not be PENDING. */
  AstraToken(LeaseRecord record) {
    if (!record.canBackToken()) {
      throw new IllegalArgumentException("the record of lease " + record.leaseId() + " does not hold its token ("
          + record.state() + ")");
    }
    this.source = record;
    this.token = record.token().orElseThrow();
    this.secret = null;
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
    return secret != null ? secret : ((LeaseRecord) source).secret().orElseThrow();
  }

  /** {@return everything but the secret} */
  public TokenInfo info() {
    return source instanceof TokenInfo info ? info : ((LeaseRecord) source).toTokenInfo();
  }

  /** {@return the token's Astra client id} */
  public String clientId() {
    return source instanceof TokenInfo info ? info.clientId() : ((LeaseRecord) source).requiredClientId();
  }

  /** {@return the id of the org the token belongs to} */
  public String orgId() {
    return source instanceof TokenInfo info ? info.orgId() : ((LeaseRecord) source).orgId();
  }

  /** {@return the local name of the token's role} */
  public String roleName() {
    return source instanceof TokenInfo info ? info.roleName() : ((LeaseRecord) source).roleName();
  }

  /** {@return the token's logical name, empty for a token issued without one} */
  public Optional<String> logicalName() {
    return source instanceof TokenInfo info ? info.logicalName() : ((LeaseRecord) source).logicalName();
  }

  /** {@return when Astra generated the token} */
  public Instant generatedOn() {
    return source instanceof TokenInfo info ? info.generatedOn() : ((LeaseRecord) source).requiredGeneratedOn();
  }

  /** {@return the metadata the token was issued with (owner, purpose, ...)} */
  public Map<String, String> metadata() {
    return source instanceof TokenInfo info ? info.metadata() : ((LeaseRecord) source).metadata();
  }

  /** {@return the token's lease as it was when this object was made} */
  public Lease lease() {
    return source instanceof TokenInfo info ? info.lease() : ((LeaseRecord) source).lease();
  }

  /** {@return the record this token is a view of, or null} */
  @Nullable LeaseRecord record() {
    return source instanceof LeaseRecord record ? record : null;
  }

  // lease().leaseId() and lease().expiresAt() without making a Lease (a managed token's timers read them).
  String leaseId() {
    return source instanceof TokenInfo info ? info.lease().leaseId() : ((LeaseRecord) source).leaseId();
  }

  Instant expiresAt() {
    return source instanceof TokenInfo info ? info.lease().expiresAt() : ((LeaseRecord) source).expiresAt();
  }

  /** {@return the token with its secret part hidden, safe to show to people} */
  public String redacted() {
    return Redaction.token(token);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AstraToken other && token.equals(other.token) && info().equals(other.info());
  }

  @Override
  public int hashCode() {
    return info().hashCode();
  }

  @Override
  public String toString() {
    return "AstraToken[clientId=" + clientId() + ", org=" + orgId() + ", role=" + roleName()
        + ", logicalName=" + logicalName().orElse("-") + ", lease=" + leaseId()
        + ", expiresAt=" + expiresAt() + ", token=" + redacted() + "]";
  }
}
