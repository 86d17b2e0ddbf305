package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import dev.astravault.internal.support.ClientIds;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What the in-memory store reads of a {@link LeaseRecord}'s packed fields without making the values its public
 * accessors make: the expiry order on the epoch nanoseconds it keeps (where {@link LeaseRecord#expiresAt()} makes an
 * {@code Instant} on every call, and the store's expiry index compares about twenty records for every lease it adds or
 * removes), and whether its token carries its client id (where {@link LeaseRecord#clientId()} cuts the client id out
 * of the token). {@link LeaseRecord} installs both when it is initialised: they read private fields, and the public
 * API has no such methods.
 */
public final class PackedRecords {
  private static volatile @Nullable Comparator<LeaseRecord> byExpiry;
  private static volatile @Nullable Predicate<LeaseRecord> clientIdInToken;

  private PackedRecords() {}

  /**
   * Called once, by {@link LeaseRecord}'s static initialiser.
   *
   * @param order orders records as {@code a.expiresAt().compareTo(b.expiresAt())} does
   * @param inToken whether a record keeps its client id inside its token rather than as a string of its own
   */
  public static synchronized void install(Comparator<LeaseRecord> order, Predicate<LeaseRecord> inToken) {
    if (byExpiry != null) {
      throw new IllegalStateException("already installed");
    }
    byExpiry = Objects.requireNonNull(order, "order");
    clientIdInToken = Objects.requireNonNull(inToken, "inToken");
  }

  /** {@return {@code a.expiresAt().compareTo(b.expiresAt())}, without making either instant} */
  public static int compareExpiry(LeaseRecord a, LeaseRecord b) {
    Comparator<LeaseRecord> order = byExpiry;   // installed: a LeaseRecord exists, so its class is initialised
    return Objects.requireNonNull(order, "LeaseRecord did not install its expiry order").compare(a, b);
  }

  /**
   * {@return whether {@code record} keeps its client id inside its token (then {@link ClientIds#fromToken} of the
   * token is the client id), without making the client id string}
   */
  public static boolean clientIdInToken(LeaseRecord record) {
    Predicate<LeaseRecord> check = clientIdInToken;
    return Objects.requireNonNull(check, "LeaseRecord did not install its client id check").test(record);
  }
}
