package dev.astravault.internal.crypto;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.SecretDecryptionException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM through JCA. A sealed value is {@code v1:<keyId>:<base64(nonce ‖ ciphertext ‖ tag)>}, with a random
 * 96-bit nonce per encryption. The associated data binds it to the record it belongs to, so a ciphertext copied into
 * another row does not decrypt.
 */
public final class SecretCipher {
  private static final String VERSION = "v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final KeyProvider keys;
  private final SecureRandom random = new SecureRandom();

  public SecretCipher(KeyProvider keys) {
    this.keys = keys;
  }

  /** Encrypts under the current key. */
  public String seal(String plaintext, String associatedData) {
    EncryptionKey key = keys.currentKey();
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, associatedData);
      byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = ByteBuffer.allocate(nonce.length + ct.length).put(nonce).put(ct).array();
      return VERSION + ":" + key.id() + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Decrypts a value written by {@link #seal}; {@code what} names the record in errors.
   *
   * @throws SecretDecryptionException for an unknown key, a failed authentication or a malformed value
   */
  public String open(String sealed, String associatedData, String what) {
    String[] parts = sealed.split(":", 3);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new SecretDecryptionException(SecretDecryptionException.Reason.MALFORMED, what, "");
    }
    String keyId = parts[1];
    EncryptionKey key = keys.key(keyId).orElseThrow(() ->
        new SecretDecryptionException(SecretDecryptionException.Reason.UNKNOWN_KEY, what, keyId));
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new SecretDecryptionException(SecretDecryptionException.Reason.MALFORMED, what, keyId);
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new SecretDecryptionException(SecretDecryptionException.Reason.MALFORMED, what, keyId);
    }
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(raw, NONCE_BYTES), associatedData);
      return new String(cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (AEADBadTagException e) {
      throw new SecretDecryptionException(SecretDecryptionException.Reason.TAMPERED, what, keyId);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM: " + e.getClass().getSimpleName(), e);
    }
  }

  /** The key id of a sealed value ({@code ""} if malformed). */
  public static String keyId(String sealed) {
    String[] parts = sealed.split(":", 3);
    return parts.length == 3 ? parts[1] : "";
  }

  public String currentKeyId() {
    return keys.currentKey().id();
  }

  // One Cipher per thread, initialized afresh for every value: Cipher.getInstance (a provider lookup) and the AES key
  // schedule, which the JDK's AES keeps while the key is unchanged, were most of a seal's CPU time (issue 15).
  private static final ThreadLocal<Cipher> CIPHERS = new ThreadLocal<>();

  private static Cipher cipher(int mode, EncryptionKey key, byte[] nonce, String associatedData)
      throws GeneralSecurityException {
    Cipher cipher = CIPHERS.get();
    if (cipher == null) {
      cipher = Cipher.getInstance("AES/GCM/NoPadding");
      CIPHERS.set(cipher);
    }
    // init resets whatever a previous use left (a finished or failed encryption or decryption).
    cipher.init(mode, new SecretKeySpec(key.bytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }
}
