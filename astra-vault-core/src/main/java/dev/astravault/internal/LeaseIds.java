package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import java.security.SecureRandom;
import java.util.List;

/**
 * Lease ids shaped like Vault's ({@code astra/<org>/<role>/<random>}), so prefix listing by org and role works. The
 * random part is 24 characters of a 62-letter alphabet (about 142 bits), drawn from SecureRandom bits six at a time by
 * rejection sampling: a 6-bit value is used only below 62, so every letter stays equally likely.
 */
final class LeaseIds {
  /** Every lease id starts with this. */
  static final String ROOT = "astra/";
  private static final int LENGTH = 24;
  private static final char[] ALPHABET =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  private static final int BUFFER = 256;
  private final SecureRandom random = new SecureRandom();
  private final byte[] buffer = new byte[BUFFER];
  private int used = BUFFER;
  // Random bits not used yet: the low `bitCount` bits of `bits`. Guarded by this.
  private long bits;
  private int bitCount;

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
   * a tenth of an issue's CPU when made once per id. Six bits a letter (about 18.6 bytes an id, against 24.8 with a
   * byte a letter) because every byte costs that SHA-1 stream. Lease ids are not secrets; the buffer is only their
   * randomness.
   */
  private synchronized void appendSuffix(StringBuilder to) {
    int filled = 0;
    while (filled < LENGTH) {
      if (bitCount < 6) {
        if (used == buffer.length) {
          random.nextBytes(buffer);
          used = 0;
        }
        bits = bits << 8 | (buffer[used++] & 0xff);
        bitCount += 8;
      }
      bitCount -= 6;
      int v = (int) (bits >>> bitCount) & 63;
      if (v < 62) {
        to.append(ALPHABET[v]);
        filled++;
      }
    }
  }

  /** Every lease id of the org starts with this, so the org's leases are one prefix scan of the store. */
  static String orgPrefix(String orgId) {
    return ROOT + orgId + "/";
  }

  /**
   * An org's records in any state: one scan of its prefix, never of the whole store. Sound because {@link #next} is
   * the only maker of the lease ids stored records carry, in direct and Vault mode alike (Vault's own lease id is
   * kept as the record's description). The org-id check stays: an org id may contain '/', so org {@code a}'s
   * prefix also covers org {@code a/b}'s leases.
   */
  static List<LeaseRecord> ofOrg(LeaseStore store, String orgId) {
    return store.list(orgPrefix(orgId)).stream().filter(r -> r.orgId().equals(orgId)).toList();
  }
}
