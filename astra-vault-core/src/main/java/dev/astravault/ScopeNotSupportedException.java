package dev.astravault;

/**
 * A request with a {@link Scope} was sent to a manager that cannot issue scoped tokens. In Vault mode the Astra
 * plugin mints tokens for roles configured in Vault and has no operation to create an Astra custom role, so a scope
 * cannot be honoured there; rather than issue a token broader than asked, the issue fails with this exception
 * before anything is created. Use direct mode for scoped tokens (see docs/scoped-tokens.md).
 */
public class ScopeNotSupportedException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param backend what refused the scope, e.g. the Vault backend's name
   */
  public ScopeNotSupportedException(String backend) {
    super("scoped tokens need direct mode: " + backend + " cannot create the custom Astra role a scope needs, "
        + "and a token broader than asked is never issued");
  }
}
