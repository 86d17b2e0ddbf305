package dev.astravault;

/**
 * The operation conflicts with the current state of what it names, and would succeed once that state changes: for
 * example {@link TokenManager#deleteOrg} on an org that still has leases (revoke them first). Nothing was changed.
 * (A taken (org, role, logical name) triple has its own type, {@link TokenAlreadyExistsException}.)
 */
public class ConflictException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what conflicts, and what to do first
   */
  public ConflictException(String message) {
    super(message);
  }
}
