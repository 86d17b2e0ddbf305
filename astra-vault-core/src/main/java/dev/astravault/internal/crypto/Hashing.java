package dev.astravault.internal.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SHA-256 and HMAC-SHA256 as lowercase hex. The {@link MessageDigest} and {@link Mac} instances are cached per
 * thread: {@code getInstance} walks the provider list and allocates on every call, which cost about a microsecond
 * and a kilobyte per issue. A cached {@code Mac} is re-keyed only when the key changes (one audit key per process).
 */
public final class Hashing {
  private static final HexFormat HEX = HexFormat.of();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  });
  private static final ThreadLocal<KeyedMac> HMAC = ThreadLocal.withInitial(KeyedMac::new);

  private Hashing() {}

  /** The thread's SHA-256 digest of the bytes (the digest is reset by {@code digest}). */
  public static byte[] sha256(byte[] value) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return digest.digest(value);
  }

  public static String sha256Hex(String value) {
    return HEX.formatHex(sha256(value.getBytes(StandardCharsets.UTF_8)));
  }

  public static String hmacSha256Hex(byte[] key, String value) {
    return HEX.formatHex(HMAC.get().mac(key).doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  /** One thread's HMAC-SHA256, keyed with the last key it was asked for. */
  private static final class KeyedMac {
    private final Mac mac;
    private byte[] key = new byte[0];

    KeyedMac() {
      try {
        mac = Mac.getInstance("HmacSHA256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    }

    Mac mac(byte[] wanted) {
      if (key.length == 0 || !MessageDigest.isEqual(key, wanted)) {
        try {
          mac.init(new SecretKeySpec(wanted, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("HmacSHA256 rejected the key", e);
        }
        key = wanted.clone();
      } else {
        mac.reset();
      }
      return mac;
    }
  }
}
