package dev.astravault;

/**
 * A value shaped like a token or secret (an {@code AstraCS:} token, an Astra client secret, a Vault token, a store
 * key: base64 of 32 bytes) was given where an id, a name or a metadata entry belongs: an org id or logical name, a
 * role, a logical name, a client id, a lease id, a metadata key or value. Usually a copy-paste mistake. The message
 * names the parameter and never repeats the value, which is refused before it reaches a store, a log line or an audit
 * event.
 *
 * <p>An {@link IllegalArgumentException}, like every other bad argument (a programmer error, see
 * {@link AstraVaultException}); catch this subclass to tell a leaked secret apart from a typo.
 */
public class MisplacedSecretException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The parameter that held the secret. */
  private final String parameter;

  /**
   * Creates the exception; the message names the parameter, never the value.
   *
   * @param parameter the parameter that held the secret
   */
  public MisplacedSecretException(String parameter) {
    super(parameter + " looks like a token or secret (an AstraCS token, a client secret, a Vault token or a store "
        + "key), not an id or a name; the value is not shown. Pass the id or name; keep secrets out of ids, names "
        + "and metadata");
    this.parameter = parameter;
  }

  /**
   * {@return the parameter that held the secret, e.g. {@code org} or {@code metadata value for 'owner'}}
   */
  public String parameter() {
    return parameter;
  }
}
