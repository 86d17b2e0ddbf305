package dev.astravault.internal;

import java.security.SecureRandom;

/**
 * Lease ids shaped like Vault's ({@code astra/<org>/<role>/<random>}), so prefix listing by org and role works. The
 * random part is 24 characters of a 62-letter alphabet (about 142 bits), drawn from SecureRandom bytes by rejection
 * sampling: a byte is used only below 248 (4 × 62), so every letter stays equally likely.
 */
final class LeaseIds {
  /** Every lease id starts with this. */
  static final String ROOT = "astra/";
  private static final int LENGTH = 24;
  private static final int BOUND = 62 * 4;
  private static final char[] ALPHABET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  private static final int BUFFER = 256;
  private final SecureRandom random = new SecureRandom();
  private final byte[] buffer = new byte[BUFFER];
  private int used = BUFFER;

  String next(String orgId, String roleName) {
    // One builder of the exact length: no prefix string, no letters array, no suffix string per id.
    StringBuilder id = new StringBuilder(ROOT.length() + orgId.length() + roleName.length() + 2 + LENGTH)
        .append(ROOT).append(orgId).append('/').append(roleName).append('/');
    appendSuffix(id);
    return id.toString();
  }

  /** The random part: 24 unbiased letters. */
  String suffix() {
    StringBuilder letters = new StringBuilder(LENGTH);
    appendSuffix(letters);
    return letters.toString();
  }

  /**
   * Appends 24 letters drawn from a buffer that one {@code nextBytes} call refills every {@value #BUFFER} bytes: the
   * default SecureRandom reads the OS source under a global lock and mixes in a SHA-1 stream on every call, which was
   * a tenth of an issue's CPU when made once per id. Lease ids are not secrets; the buffer is only their randomness.
   */
  private synchronized void appendSuffix(StringBuilder to) {
    int filled = 0;
    while (filled < LENGTH) {
      if (used == buffer.length) {
        random.nextBytes(buffer);
        used = 0;
      }
      int b = buffer[used++] & 0xff;
      if (b < BOUND) {
        to.append(ALPHABET[b % 62]);
        filled++;
      }
    }
  }

  /** Every lease id of the org starts with this, so the org's leases are one prefix scan of the store. */
  static String orgPrefix(String orgId) {
    return ROOT + orgId + "/";
  }
}
