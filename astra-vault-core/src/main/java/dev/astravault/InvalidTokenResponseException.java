package dev.astravault;

/**
 * Astra answered a token creation with something that is not a valid token: a malformed body, a token that does not
 * match {@code ^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$}, or a token that is not {@code AstraCS:<clientId>:sha256(secret)}.
 * The library deletes whatever was created before throwing.
 */
public class InvalidTokenResponseException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  public InvalidTokenResponseException(String message) {
    super(message);
  }
}
