package dev.astravault;

import dev.astravault.internal.support.Validation;
import java.util.Locale;

/** Something the caller named (an org, a role, a token or a lease) is not known to this library. */
public class NotFoundException extends AstraVaultException {
  private static final long serialVersionUID = 1L;
  /** Longer than any lease id (org id, role and logical name at their longest): a hostile key is cut, no id is. */
  private static final int MAX_KEY = 512;

  /** What was not found. */
  public enum Kind {
    /** An org, by id or logical name. */
    ORG,
    /** A role of an org. */
    ROLE,
    /** A token, by client id or triple. */
    TOKEN,
    /** A lease, by id. */
    LEASE
  }

  /** What kind of thing was not found. */
  private final Kind kind;
  /** The identifier the caller gave, as a message may show it. */
  private final String key;

  /**
   * An unknown {@code kind} named {@code key}.
   *
   * @param kind what kind of thing
   * @param key the identifier the caller gave
   */
  public NotFoundException(Kind kind, String key) {
    super("unknown " + kind.name().toLowerCase(Locale.ROOT) + ": " + Validation.printable(key, MAX_KEY));
    this.kind = kind;
    this.key = Validation.printable(key, MAX_KEY);   // bounded work: cheaper than a second constructor
  }

  /**
   * {@return what kind of thing was not found}
   */
  public Kind kind() {
    return kind;
  }

  /**
   * The identifier the caller gave, as the message shows it: never a secret, on one line (control, line-separator and
   * bidirectional characters as '?') and cut to 512 characters, longer than any id this library makes.
   *
   * @return the identifier the caller gave
   */
  public String key() {
    return key;
  }
}
