package dev.astravault;

/**
 * A token creation produced something that is not a valid token for the org: a malformed body, a token that does
 * not match {@code ^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$}, a token that is not {@code AstraCS:<clientId>:sha256(secret)},
 * or (in Vault mode) a token that {@code GET /v2/currentOrg} shows belongs to another org or cannot be checked. The
 * library deletes or revokes whatever was created before throwing; the message says when that did not succeed.
 */
public class InvalidTokenResponseException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /**
   * An invalid token creation result.
   *
   * @param message the detail message (never a secret)
   */
  public InvalidTokenResponseException(String message) {
    super(message);
  }
}
