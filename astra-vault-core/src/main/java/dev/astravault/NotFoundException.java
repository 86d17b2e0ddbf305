package dev.astravault;

/** Something the caller named (an org, a role, a token or a lease) is not known to this library. */
public class NotFoundException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

  /** What was not found. */
  public enum Kind {
    ORG, ROLE, TOKEN, LEASE
  }

  private final Kind kind;
  private final String key;

  public NotFoundException(Kind kind, String key) {
    super("unknown " + kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + key);
    this.kind = kind;
    this.key = key;
  }

  public Kind kind() {
    return kind;
  }

  /** {@return the identifier the caller gave (never a secret)} */
  public String key() {
    return key;
  }
}
