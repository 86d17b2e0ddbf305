package dev.astravault;

import dev.astravault.internal.crypto.MalformedKeyException;
import dev.astravault.internal.crypto.MalformedKeyException.Problem;
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
 * base64 ({@code openssl rand -base64 32}); URL-safe base64 is read too.
 *
 * <p>The {@link #id()} is the first 16 hex digits of a SHA-256 over a fixed label and the key: stored beside each
 * ciphertext, it tells which key decrypts it without revealing the key. {@link #toString()} prints only the id.
 */
public final class EncryptionKey {
  /** Length of a key in bytes. */
  public static final int LENGTH = 32;
  private static final String NOT_BASE64 = "is not base64 (a character of neither alphabet, = inside it, or cut short)";

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
   * A key from base64, in the standard alphabet ({@code + /}) or the URL-safe one ({@code - _}), with or without its
   * {@code =} padding (surrounding whitespace ignored): all four spellings of a key give the same key. Every key list
   * ({@link KeyProvider#fromEnv()}, {@link KeyProvider#fromFile}, ...) reads its keys here.
   *
   * @throws IllegalArgumentException if it is not base64 of exactly 32 bytes, or mixes the two alphabets (no tool
   *     writes that: it is a key damaged or pasted together); the message names the problem, never the input
   *
   * @param base64 the key in base64
   * @return the key
   */
  public static EncryptionKey fromBase64(String base64) {
    Objects.requireNonNull(base64, "base64");
    String text = base64.strip();
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '=') {
      end--;
    }
    boolean standard = false;
    boolean urlSafe = false;
    boolean other = false;
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      standard |= c == '+' || c == '/';
      urlSafe |= c == '-' || c == '_';
      other |= !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
          || c == '-' || c == '_');
    }
    if (other) {
      throw malformed(Problem.NOT_BASE64, NOT_BASE64);
    }
    if (standard && urlSafe) {
      throw malformed(Problem.MIXED_ALPHABETS, "mixes the standard (+ /) and the URL-safe (- _) alphabets, which no "
          + "tool writes");
    }
    byte[] decoded;
    try {
      // Either decoder takes the text with or without its padding, and checks the padding when there is one.
      decoded = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(Problem.NOT_BASE64, NOT_BASE64);   // not e's message: it may quote a character of the key
    }
    if (decoded.length != LENGTH) {
      int length = decoded.length;
      Arrays.fill(decoded, (byte) 0);
      throw malformed(Problem.WRONG_LENGTH, "decodes to " + length + " bytes");
    }
    EncryptionKey key = new EncryptionKey(decoded);
    Arrays.fill(decoded, (byte) 0);
    return key;
  }

  private static MalformedKeyException malformed(Problem problem, String what) {
    return new MalformedKeyException(problem, "an encryption key must be base64 of " + LENGTH + " bytes (standard or "
        + "URL-safe alphabet, = padding optional), and this one " + what + ": copy it again whole, as the tool that "
        + "made it printed it, or make one with openssl rand -base64 32");
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
