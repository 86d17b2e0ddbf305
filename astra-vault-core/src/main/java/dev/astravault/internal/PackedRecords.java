package dev.astravault.internal;

import dev.astravault.LeaseRecord;
import dev.astravault.internal.support.ClientIds;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What the in-memory store reads of a {@link LeaseRecord}'s packed fields without making the values its public
 * accessors make: the expiry order on the epoch nanoseconds it keeps (where {@link LeaseRecord#expiresAt()} makes an
 * {@code Instant} on every call, and the store's expiry index compares about twenty records for every lease it adds or
 * removes), and whether its token carries its client id (where {@link LeaseRecord#clientId()} cuts the client id out
 * of the token), and its lease id as it keeps it ({@link SplitIds}: hashed, compared and ordered as the string, where
 * {@link LeaseRecord#leaseId()} makes that string). {@link LeaseRecord} installs these when it is initialised: they
 * read private fields, and the public API has no such methods.
 */
public final class PackedRecords {
  private static volatile @Nullable Comparator<LeaseRecord> byExpiry;
  private static volatile @Nullable Predicate<LeaseRecord> clientIdInToken;
  private static volatile @Nullable Function<LeaseRecord, RoleIdentity> roles;
  private static volatile @Nullable Function<LeaseRecord, Object> ids;

  private PackedRecords() {}

  /**
   * Called once, by {@link LeaseRecord}'s static initialiser.
   *
   * @param order orders records as {@code a.expiresAt().compareTo(b.expiresAt())} does
   * @param inToken whether a record keeps its client id inside its token rather than as a string of its own
   * @param role a record's role identity, whose prefix its split lease id is read against
   * @param id a record's lease id as it keeps it: a {@code String}, or the bytes after its role's prefix
   */
  public static synchronized void install(Comparator<LeaseRecord> order, Predicate<LeaseRecord> inToken,
      Function<LeaseRecord, RoleIdentity> role, Function<LeaseRecord, Object> id) {
    if (byExpiry != null) {
      throw new IllegalStateException("already installed");
    }
    byExpiry = Objects.requireNonNull(order, "order");
    clientIdInToken = Objects.requireNonNull(inToken, "inToken");
    roles = Objects.requireNonNull(role, "role");
    ids = Objects.requireNonNull(id, "id");
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

  /** {@return {@code r.leaseId().hashCode()}, without making the string} */
  public static int leaseIdHash(LeaseRecord r) {
    return SplitIds.hash(role(r), id(r));
  }

  /** {@return {@code r.leaseId().equals(leaseId)}, without making the string} */
  public static boolean hasLeaseId(LeaseRecord r, String leaseId) {
    return SplitIds.is(role(r), id(r), leaseId);
  }

  /** {@return {@code r.leaseId().startsWith(prefix)}, without making the string} */
  public static boolean leaseIdStartsWith(LeaseRecord r, String prefix) {
    return SplitIds.startsWith(role(r), id(r), prefix);
  }

  /** {@return {@code a.leaseId().equals(b.leaseId())}, without making either string} */
  public static boolean sameLeaseId(LeaseRecord a, LeaseRecord b) {
    return SplitIds.same(role(a), id(a), role(b), id(b));
  }

  /** {@return the sign of {@code a.leaseId().compareTo(b.leaseId())}, without making either string} */
  public static int compareLeaseIds(LeaseRecord a, LeaseRecord b) {
    return SplitIds.compare(role(a), id(a), role(b), id(b));
  }

  /** {@return the sign of {@code r.leaseId().compareTo(leaseId)}, without making the string} */
  public static int compareLeaseIdTo(LeaseRecord r, String leaseId) {
    RoleIdentity role = role(r);
    return SplitIds.compare(role, id(r), role, leaseId);   // a String is read whole: the second role is not used
  }

  private static RoleIdentity role(LeaseRecord r) {
    Function<LeaseRecord, RoleIdentity> f = roles;   // installed: a LeaseRecord exists, so its class is initialised
    return Objects.requireNonNull(f, "LeaseRecord did not install its roles").apply(r);
  }

  private static Object id(LeaseRecord r) {
    Function<LeaseRecord, Object> f = ids;
    return Objects.requireNonNull(f, "LeaseRecord did not install its ids").apply(r);
  }
}
