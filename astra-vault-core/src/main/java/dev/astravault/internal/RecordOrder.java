package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import java.util.Comparator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Lease records by expiry, compared on the epoch nanoseconds a record keeps instead of the {@code Instant} that
 * {@link LeaseRecord#expiresAt()} makes on every call: the in-memory store's expiry index compares about twenty
 * records for every lease it adds or removes. {@link LeaseRecord} installs the comparison when it is initialised (it
 * reads private fields; the public API has no such method).
 */
public final class RecordOrder {
  private static volatile @Nullable Comparator<LeaseRecord> byExpiry;

  private RecordOrder() {}

  /**
   * Called once, by {@link LeaseRecord}'s static initialiser.
   *
   * @param order orders records as {@code a.expiresAt().compareTo(b.expiresAt())} does
   */
  public static synchronized void installExpiryOrder(Comparator<LeaseRecord> order) {
    if (byExpiry != null) {
      throw new IllegalStateException("already installed");
    }
    byExpiry = order;
  }

  /** {@return {@code a.expiresAt().compareTo(b.expiresAt())}, without making either instant} */
  public static int compareExpiry(LeaseRecord a, LeaseRecord b) {
    Comparator<LeaseRecord> order = byExpiry;   // installed: a LeaseRecord exists, so its class is initialised
    return Objects.requireNonNull(order, "LeaseRecord did not install its expiry order").compare(a, b);
  }
}
