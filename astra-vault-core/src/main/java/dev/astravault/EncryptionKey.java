package dev.astravault;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A 256-bit AES key that encrypts secrets at rest, with an id derived from it. Written as 32 random bytes in standard
 * base64 ({@code openssl rand -base64 32}).
 *
 * <p>The {@link #id()} is the first 16 hex digits of a SHA-256 over a fixed label and the key: stored beside each
 * ciphertext, it tells which key decrypts it without revealing the key. {@link #toString()} prints only the id.
 */
public final class EncryptionKey {
  /** Length of a key in bytes. */
  public static final int LENGTH = 32;

  private final byte[] bytes;
  private final String id;

  private EncryptionKey(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("an encryption key must be " + LENGTH + " bytes, was " + bytes.length);
    }
    this.bytes = bytes.clone();
    this.id = fingerprint(this.bytes);
  }

  /**
   * A key from its 32 raw bytes (copied).
   *
   * @param bytes exactly 32 bytes
   * @return the key
   */
  public static EncryptionKey of(byte[] bytes) {
    return new EncryptionKey(Objects.requireNonNull(bytes, "bytes"));
  }

  /**
   * A key from standard base64 (surrounding whitespace ignored).
   *
   * @throws IllegalArgumentException if it is not base64 of exactly 32 bytes (the message never echoes the input)
   *
   * @param base64 the key in standard base64
   * @return the key
   */
  public static EncryptionKey fromBase64(String base64) {
    Objects.requireNonNull(base64, "base64");
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an encryption key must be standard base64 of 32 bytes", null);
    }
    return new EncryptionKey(decoded);
  }

  /** {@return a new random key from {@link SecureRandom}} */
  public static EncryptionKey generate() {
    byte[] bytes = new byte[LENGTH];
    new SecureRandom().nextBytes(bytes);
    return new EncryptionKey(bytes);
  }

  /** {@return the key's id: 16 hex digits, safe to store and log} */
  public String id() {
    return id;
  }

  /** {@return a copy of the raw key bytes. Handle with care} */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** {@return the key in standard base64, as {@link #fromBase64} reads it. Handle with care} */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static String fingerprint(byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update("astra-vault key id v1\u0000".getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(key), 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionKey other && MessageDigest.isEqual(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "EncryptionKey[id=" + id + ", key=██]";
  }
}
