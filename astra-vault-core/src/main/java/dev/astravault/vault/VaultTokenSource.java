package dev.astravault.vault;

/**
 * A Vault token that the application obtains and renews itself, for example Spring Vault's {@code SessionManager}
 * (one login per application, shared with the library). Asked before every Vault call, so a token the source renewed
 * or replaced is used at once; the library never logs in, renews or revokes it. See {@link VaultAuth#tokenSource}.
 */
@FunctionalInterface
public interface VaultTokenSource {

  /**
   * The token to send now. Called on the library's threads, once per Vault request: it should be cheap (a cached
   * session token) and thread-safe.
   *
   * @return the current Vault token, never blank; never log it
   */
  String currentToken();
}
