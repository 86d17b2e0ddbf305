package dev.astravault;

/**
 * A {@link Scope} part that is malformed: a database id that is not a UUID, a keyspace or table name Astra would
 * refuse, or an action that is not one of the DevOps API's {@code PolicyAction} values usable in a database scope.
 * It is an {@link IllegalArgumentException} (bad input, thrown by the builder before anything is sent); the message
 * and {@link #part()} name what is wrong.
 */
public class InvalidScopeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The scope field that was refused. */
  private final String part;

  /**
   * Creates the exception.
   *
   * @param part the refused field: {@code database}, {@code keyspace}, {@code table} or {@code action}
   * @param message what is wrong, naming the refused value (never a secret: scopes hold none)
   */
  public InvalidScopeException(String part, String message) {
    super(message);
    this.part = part;
  }

  /** {@return the refused field: {@code database}, {@code keyspace}, {@code table} or {@code action}} */
  public String part() {
    return part;
  }
}
