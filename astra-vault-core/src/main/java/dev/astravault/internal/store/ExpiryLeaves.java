package dev.astravault.internal.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A set of records ordered by (time, id), held in sorted leaves of at most {@value #LEAF} records: no node per record,
 * where a {@code ConcurrentSkipListSet} costs a 24-byte node a record and, on average, half a 24-byte index. The
 * in-memory store's ACTIVE leases by expiry. One writer at a time (the caller serializes {@link #add} and
 * {@link #remove}: the in-memory store's write lock); any number of readers ({@link #forEachBefore}), which take no
 * lock.
 *
 * <p>Layout: each leaf is an immutable array of records, sorted, the value in a {@code ConcurrentSkipListMap} of a
 * key that is the leaf's lower bound: a leaf holds the records in [its key, the next leaf's key). A leaf's key never
 * changes for as long as the leaf is in the map, and a first leaf keyed below every record ({@code FIRST}) is never
 * removed, so every record has a leaf: the map's floor of the record's bound. A write copies the one leaf it changes
 * (at most {@value #LEAF} references) and publishes the copy with one {@code put} of the same key, which replaces the
 * value in the skip list's node atomically. A full leaf splits: the upper half goes into the map under a new key (the
 * bound of its first record) FIRST, and only then does the lower half replace the full leaf. A record that goes after
 * the end of a full last leaf starts a new leaf of its own instead (expiries mostly grow, so leaves then stay full
 * rather than half full). A leaf that a remove empties leaves the map ({@code FIRST} stays, empty). Leaves are never
 * merged, so no record ever moves to an earlier leaf.
 *
 * <p>Why a reader never misses a record present before and after a write (throughout its walk): call the leaf with
 * the greatest key at or below a present record's bound its home. Its home always holds it: an add or remove of
 * another record copies the home with the record in it; a split links the upper half (a new, greater key at or below
 * the record, if the record is in it) before it takes the record out of the lower half, so the new home holds it
 * before the old one lets it go; a new leaf after the last one is keyed above every record present; a leaf leaves
 * the map only when empty, so never while it is a home. A home's key therefore only grows while the record is
 * present. A reader reads each leaf's array once (an entry of the map, key and value read together), then asks the
 * map for the first key above the leaf's key ({@code higherEntry}: its acquire fence at entry orders that search
 * after the read of the array, so the search sees the keys linked before the array it read was published). Take the
 * last leaf the walk reads whose key is at or below the record (there is one: a walk starts at {@code FIRST}). It was
 * in the map when read, so the home's key was at or above its key then: either it was the home, and its array held
 * the record, or the home's key was greater and at or below the record, and stays so (it only grows, never past the
 * record). In the second case the search for the next key, made later, finds a key greater than the leaf's and at or
 * below the record (a home is in the map at every moment), a leaf the walk reads after the last one: a
 * contradiction. A walk stops only at a leaf keyed at or after its instant, above every home of a record before the
 * instant, or when its visitor says so. So every record present throughout is met, at least once; a
 * record may be met twice (in a full leaf read before its split, then in the upper half), and records added or
 * removed during the walk may or may not be met. Arrays are filled before they are published by the map's CAS, so a
 * reader sees a whole leaf, old or new.
 *
 * <p>Costs: a write is two skip-list searches over leaves (O(log n)), a copy of up to {@value #LEAF} references and
 * a key object per add or remove; a split adds one more search and two copies. A walk costs O(matches) reads of
 * arrays plus one skip-list search a leaf. Memory: a 4-byte reference a record, and per leaf an array header, a
 * skip-list node, on average half an index and a key (about 85 B, and its id string where records keep their ids
 * split, ~120 B more: about 2 B a record), so about 5.3 B a record when leaves are full
 * (records added in order) and 6.6 B when half full (a split leaves two halves). Without merges a leaf emptied but
 * for one record keeps its 85 B: the worst case, after removals that leave one record in every leaf, is about 90 B a
 * record.
 * A leaf covers a range of times, so once that range is past and its leases have expired, renewed or been revoked,
 * the leaf is empty and gone: sparse leaves last at most as long as the longest lease.
 *
 * @param <R> the records held
 */
public final class ExpiryLeaves<R> {
  /** How records are ordered: by {@link #time}, then {@link #id}; {@link #compare} must agree with that order. */
  public interface Order<R> extends Comparator<R> {
    /** {@return the time {@code record} is ordered by} */
    Instant time(R record);

    /** {@return {@code record}'s id, which orders records of the same time} */
    String id(R record);

    /**
     * {@return the sign of {@code id(record).compareTo(id)}}: records that keep their ids in parts (the in-memory
     * store's, {@code SplitIds}) compare them without making the string
     */
    default int compareId(R record, String id) {
      return id(record).compareTo(id);
    }
  }

  /** The most records a leaf holds: a write copies up to this many references. */
  static final int LEAF = 64;
  private static final Object[] EMPTY = {};
  /** The first leaf's key: below every record's bound (no instant's epoch second is {@code Long.MIN_VALUE}). */
  private static final Bound FIRST = new Bound(Long.MIN_VALUE, 0, "", null);

  private final Order<R> order;
  private final int capacity;
  private final ConcurrentSkipListMap<Bound, Object[]> leaves = new ConcurrentSkipListMap<>(this::compare);
  private int size;   // written and read by the writer only

  /**
   * A leaf's lower bound: a time and an id, made once with the leaf. As the key of a search only ({@link #probe}), a
   * time and the record itself, whose id the order compares in place: a write's searches make no id string.
   */
  private record Bound(long seconds, int nanos, @Nullable String id, @Nullable Object record) {
    /** {@return whether this bound's time is at or after {@code t}} */
    boolean notBefore(Instant t) {
      return seconds != t.getEpochSecond() ? seconds > t.getEpochSecond() : nanos >= t.getNano();
    }
  }

  /** Creates an empty set. */
  public ExpiryLeaves(Order<R> order) {
    this(order, LEAF);
  }

  /** Creates an empty set whose leaves hold at most {@code capacity} records; small ones make tests split often. */
  ExpiryLeaves(Order<R> order, int capacity) {
    this.order = Objects.requireNonNull(order, "order");
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity < 2: " + capacity);
    }
    this.capacity = capacity;
    leaves.put(FIRST, EMPTY);
  }

  /** {@return a leaf's key: {@code record}'s bound} */
  private Bound boundOf(R record) {
    Instant t = order.time(record);
    return new Bound(t.getEpochSecond(), t.getNano(), order.id(record), null);
  }

  /** {@return the key to search for {@code record}'s home with; never put in the map} */
  private Bound probe(R record) {
    Instant t = order.time(record);
    return new Bound(t.getEpochSecond(), t.getNano(), null, record);
  }

  /** The map's order: by time, then id, a probe's id read through {@link Order#compareId}. */
  @SuppressWarnings("unchecked")
  private int compare(Bound a, Bound b) {
    int c = Long.compare(a.seconds, b.seconds);
    if (c == 0) {
      c = Integer.compare(a.nanos, b.nanos);
    }
    if (c != 0) {
      return c;
    }
    if (a.id != null && b.id != null) {
      return a.id.compareTo(b.id);
    }
    if (a.id != null) {
      return -Integer.signum(order.compareId((R) Objects.requireNonNull(b.record), a.id));
    }
    if (b.id != null) {
      return order.compareId((R) Objects.requireNonNull(a.record), b.id);
    }
    return order.compare((R) Objects.requireNonNull(a.record), (R) Objects.requireNonNull(b.record));
  }

  /**
   * Adds {@code record} unless a record of the same time and id is held. Writer only.
   *
   * @return whether it was added
   */
  @SuppressWarnings("unchecked")
  public boolean add(R record) {
    Objects.requireNonNull(record, "record");
    Map.Entry<Bound, Object[]> home = Objects.requireNonNull(leaves.floorEntry(probe(record)));   // FIRST: below all
    Object[] leaf = home.getValue();
    int at = search(leaf, record);
    if (at >= 0) {
      return false;
    }
    at = -at - 1;
    if (leaf.length < capacity) {
      leaves.put(home.getKey(), inserted(leaf, at, record));
    } else if (at == leaf.length && leaves.higherKey(home.getKey()) == null) {
      leaves.put(boundOf(record), new Object[] {record});   // after every record held: a new last leaf
    } else {
      Object[] full = inserted(leaf, at, record);
      int half = full.length / 2;
      Object[] upper = Arrays.copyOfRange(full, half, full.length);
      leaves.put(boundOf((R) upper[0]), upper);   // before the lower half replaces the full leaf: see the class
      leaves.put(home.getKey(), Arrays.copyOf(full, half));
    }
    size++;
    return true;
  }

  /**
   * Removes the record of {@code record}'s time and id (not necessarily {@code record} itself). Writer only.
   *
   * @return whether one was held
   */
  public boolean remove(R record) {
    Map.Entry<Bound, Object[]> home = Objects.requireNonNull(leaves.floorEntry(probe(record)));
    Object[] leaf = home.getValue();
    int at = search(leaf, record);
    if (at < 0) {
      return false;
    }
    if (leaf.length == 1 && home.getKey() != FIRST) {
      leaves.remove(home.getKey());   // empty: a later record of its range goes into the leaf before
    } else {
      Object[] copy = new Object[leaf.length - 1];
      System.arraycopy(leaf, 0, copy, 0, at);
      System.arraycopy(leaf, at + 1, copy, at, leaf.length - at - 1);
      leaves.put(home.getKey(), copy);
    }
    size--;
    return true;
  }

  /** {@return how many records are held}; writer only (a reader may see a stale count) */
  public int size() {
    return size;
  }

  /**
   * Calls {@code visitor} with the records whose time is before {@code instant}, soonest first, until it returns
   * false; takes no lock. Under concurrent writes, see the class comment: every record present throughout is met, some
   * may be met twice, and the order is then approximate.
   */
  @SuppressWarnings("unchecked")
  public void forEachBefore(Instant instant, Predicate<? super R> visitor) {
    Map.Entry<Bound, Object[]> leaf = leaves.firstEntry();
    while (leaf != null && !leaf.getKey().notBefore(instant)) {
      for (Object o : leaf.getValue()) {
        R r = (R) o;
        if (!order.time(r).isBefore(instant)) {
          break;   // sorted: the rest of this leaf is later too
        }
        if (!visitor.test(r)) {
          return;
        }
      }
      leaf = leaves.higherEntry(leaf.getKey());
    }
  }

  /** {@return the number of records in each leaf, in order}; writer only, for tests */
  int[] leafSizes() {
    return leaves.values().stream().mapToInt(leaf -> leaf.length).toArray();
  }

  @SuppressWarnings("unchecked")
  private int search(Object[] leaf, R record) {
    int low = 0;
    int high = leaf.length - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = order.compare((R) leaf[mid], record);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -(low + 1);
  }

  private static Object[] inserted(Object[] leaf, int at, @Nullable Object record) {
    Object[] copy = new Object[leaf.length + 1];
    System.arraycopy(leaf, 0, copy, 0, at);
    copy[at] = record;
    System.arraycopy(leaf, at, copy, at + 1, leaf.length - at);
    return copy;
  }
}
