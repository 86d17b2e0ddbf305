package dev.astravault.audit;

import dev.astravault.internal.crypto.Hashing;

/**
 * Computes the {@code tokenHmac} that audit events carry for a token, so that an operator holding a token (and the
 * audit key configured with {@code TokenManagerBuilder.auditHmacKey}) can find every entry about it without the
 * trail ever containing the token.
 */
public final class AuditHmac {
  private AuditHmac() {}

  /**
   * Lowercase hex HMAC-SHA256 of {@code token} (the full {@code AstraCS:...} string) under {@code key}.
   *
   * @param key the audit HMAC key
   * @param token the full token
   * @return the HMAC, lowercase hex
   */
  public static String of(byte[] key, String token) {
    if (key.length == 0) {
      throw new IllegalArgumentException("key must not be empty");
    }
    return Hashing.hmacSha256Hex(key, token);
  }
}
