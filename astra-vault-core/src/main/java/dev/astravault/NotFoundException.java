package dev.astravault;

import dev.astravault.internal.redact.Redaction;
import java.util.Locale;

/** Something the caller named (an org, a role, a token or a lease) is not known to this library. */
public class NotFoundException extends AstraVaultException {
  private static final long serialVersionUID = 1L;

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
  /** The identifier the caller gave. */
  private final String key;

  /**
   * An unknown {@code kind} named {@code key}.
   *
   * @param kind what kind of thing
   * @param key the identifier the caller gave
   */
  public NotFoundException(Kind kind, String key) {
    super("unknown " + kind.name().toLowerCase(Locale.ROOT) + ": " + key);
    this.kind = kind;
    this.key = Redaction.scrub(key);
  }

  /**
   * {@return what kind of thing was not found}
   */
  public Kind kind() {
    return kind;
  }

  /** {@return the identifier the caller gave (never a secret)} */
  public String key() {
    return key;
  }
}
