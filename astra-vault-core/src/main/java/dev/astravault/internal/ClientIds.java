package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Astra's token carries its client id ({@code AstraCS:<clientId>:<hex>}), so what holds the token need not hold the
 * client id too: a lease record in memory keeps one string where it kept two (64 B a lease), and reads the client id
 * out of the token when asked.
 */
public final class ClientIds {
  /** Where the client id starts in a token that carries it. */
  public static final int START = 8;
  private static final String PREFIX = "AstraCS:";

  // Installed by LeaseRecord, which keeps whether its token carries its client id in a private flag: so that the
  // in-memory store can key its index on the token's characters without cutting the client id out of it first.
  private static volatile @Nullable Predicate<LeaseRecord> carriedByToken;

  private ClientIds() {}

  /**
   * Called once, by {@link LeaseRecord}'s static initialiser.
   *
   * @param check whether a record keeps its client id inside its token rather than as a string of its own
   */
  public static synchronized void installCarriedByToken(Predicate<LeaseRecord> check) {
    if (carriedByToken != null) {
      throw new IllegalStateException("already installed");
    }
    carriedByToken = check;
  }

  /**
   * {@return whether {@code record} keeps its client id inside its token (then {@link #fromToken} of the token is the
   * client id), without making the client id string}
   */
  public static boolean carriedByToken(LeaseRecord record) {
    Predicate<LeaseRecord> check = carriedByToken;   // installed: a LeaseRecord exists, so its class is initialised
    return Objects.requireNonNull(check, "LeaseRecord did not install its client id check").test(record);
  }

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
