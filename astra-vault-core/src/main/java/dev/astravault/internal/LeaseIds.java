package dev.astravault.internal;

import java.security.SecureRandom;

/** Lease ids shaped like Vault's ({@code astra/<org>/<role>/<random>}), so prefix listing by org and role works. */
final class LeaseIds {
  /** Every lease id starts with this. */
  static final String ROOT = "astra/";
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  private final SecureRandom random = new SecureRandom();

  String next(String orgId, String roleName) {
    char[] suffix = new char[24];
    for (int i = 0; i < suffix.length; i++) {
      suffix[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return orgPrefix(orgId) + roleName + "/" + new String(suffix);
  }

  /** Every lease id of the org starts with this, so the org's leases are one prefix scan of the store. */
  static String orgPrefix(String orgId) {
    return ROOT + orgId + "/";
  }
}
