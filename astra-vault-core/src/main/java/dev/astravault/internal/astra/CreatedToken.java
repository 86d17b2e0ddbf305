package dev.astravault.internal.astra;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A verified create response. {@link #toString()} never prints the secret or the token. */
public final class CreatedToken {
  private final String clientId;
  private final String secret;
  private final String orgId;
  private final List<String> roles;
  private final String token;
  private final Instant generatedOn;

  public CreatedToken(String clientId, String secret, String orgId, List<String> roles, String token,
      Instant generatedOn) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.secret = Objects.requireNonNull(secret, "secret");
    this.orgId = Objects.requireNonNull(orgId, "orgId");
    this.roles = List.copyOf(roles);
    this.token = Objects.requireNonNull(token, "token");
    this.generatedOn = Objects.requireNonNull(generatedOn, "generatedOn");
  }

  public String clientId() {
    return clientId;
  }

  public String secret() {
    return secret;
  }

  public String orgId() {
    return orgId;
  }

  public List<String> roles() {
    return roles;
  }

  public String token() {
    return token;
  }

  public Instant generatedOn() {
    return generatedOn;
  }

  @Override
  public String toString() {
    return "CreatedToken[clientId=" + clientId + ", orgId=" + orgId + ", roles=" + roles + ", token=██]";
  }
}
