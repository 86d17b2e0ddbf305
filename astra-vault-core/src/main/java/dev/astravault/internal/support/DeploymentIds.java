package dev.astravault.internal.support;

import java.security.SecureRandom;
import java.util.Objects;

/** Deployment ids: what a store keeps to tell its tokens from another deployment's in a shared org. */
public final class DeploymentIds {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private DeploymentIds() {}

  /** 20 random characters of {@code [a-z0-9]}: about 103 bits, so two stores never pick the same. */
  public static String random() {
    char[] id = new char[20];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  /**
   * Checks a configured or stored id.
   *
   * @throws IllegalArgumentException naming {@code what} if it is not 1-64 characters of {@code [a-z0-9-]} starting
   *     with a letter or digit
   */
  public static String check(String what, String id) {
    Objects.requireNonNull(id, what);
    if (!Descriptions.DEPLOYMENT_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(what + " must be 1-64 characters of a-z, 0-9 and -, starting with a letter "
          + "or digit");
    }
    return id;
  }
}
