package dev.astravault.internal.support;

/**
 * Astra's token carries its client id ({@code AstraCS:<clientId>:<hex>}), so what holds the token need not hold the
 * client id too: a lease record in memory keeps one string where it kept two (64 B a lease), and reads the client id
 * out of the token when asked.
 */
public final class ClientIds {
  /** Where the client id starts in a token that carries it. */
  public static final int START = 8;
  private static final String PREFIX = "AstraCS:";

  private ClientIds() {}

  /**
   * {@return whether {@code token} is {@code AstraCS:<clientId>:…}, with no {@code :} in the client id, so that
   * {@link #fromToken} gives {@code clientId} back}
   */
  public static boolean inToken(String token, String clientId) {
    int n = clientId.length();
    return n > 0 && token.length() > START + n && token.startsWith(PREFIX) && token.charAt(START + n) == ':'
        && token.regionMatches(START, clientId, 0, n) && clientId.indexOf(':') < 0;
  }

  /** {@return where the client id ends in {@code token}, for which {@link #inToken} held} */
  public static int end(String token) {
    return token.indexOf(':', START);
  }

  /** {@return the client id in {@code token}, for which {@link #inToken} held} */
  public static String fromToken(String token) {
    return token.substring(START, end(token));
  }
}
