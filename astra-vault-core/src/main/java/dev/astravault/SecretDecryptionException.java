package dev.astravault;

/**
 * A secret stored at rest could not be decrypted: the key that wrote it is not available (a wrong or missing key),
 * or the ciphertext does not authenticate (it was tampered with, or moved to another record). The message names the
 * record and the key id, never a secret or a key.
 */
public class SecretDecryptionException extends StoreException {
  private static final long serialVersionUID = 1L;

  /** Why decryption failed. */
  public enum Reason {
    /** The {@link KeyProvider} holds no key with the ciphertext's key id: configure the key that wrote it. */
    UNKNOWN_KEY,
    /** The key id matched but the ciphertext did not authenticate: it was altered or belongs to another record. */
    TAMPERED,
    /** The stored value is not a ciphertext this version can read. */
    MALFORMED
  }

  /** Why decryption failed. */
  private final Reason reason;
  /** The key id stored with the ciphertext. */
  private final String keyId;

  /**
   * A secret could not be decrypted.
   *
   * @param reason why
   * @param what what the secret is, for the message (never the secret)
   * @param keyId the key id stored with the ciphertext
   */
  public SecretDecryptionException(Reason reason, String what, String keyId) {
    super(switch (reason) {
      case UNKNOWN_KEY -> "cannot decrypt " + what + ": it was encrypted with key " + keyId
          + ", which the KeyProvider does not hold (wrong key?)";
      case TAMPERED -> "cannot decrypt " + what + " with key " + keyId
          + ": the ciphertext failed authentication (tampered with, or copied from another record)";
      case MALFORMED -> "cannot decrypt " + what + ": the stored ciphertext is malformed";
    });
    this.reason = reason;
    this.keyId = keyId;
  }

  /**
   * {@return why decryption failed}
   */
  public Reason reason() {
    return reason;
  }

  /** {@return the key id stored with the ciphertext ({@code ""} when malformed)} */
  public String keyId() {
    return keyId;
  }
}
