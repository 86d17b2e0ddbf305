package dev.astravault.internal.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * An open-addressing hash table whose slots hold the records themselves, keyed by something each record carries (its
 * lease id, or the client id inside its token): no entry node and no key object per record, where a
 * {@code ConcurrentHashMap} costs a 32-byte node a record and a key object unless the key is already a field. One
 * writer at a time (the caller serializes {@link #put} and {@link #remove}: the in-memory store's write lock); any
 * number of readers, which take no lock.
 *
 * <p>Layout: a power-of-two array of slots, each null (never used), {@link #TOMBSTONE} (a record was removed) or a
 * record; a key's probe sequence is triangular ({@code i, i+1, i+3, i+6, …} modulo the length), which visits every
 * slot of a power-of-two array. Beside each slot, a byte of its record's hash (a tag), so that a probe reads a record
 * only when the tags agree. The arrays are read through a volatile field, the slots with acquire and written with
 * release, each tag written before the release of its slot and read after the acquire of it. Used slots (records and
 * tombstones) stay at most {@value #MAX_LOAD_PERCENT} % of the array: at a million records that is 1.25–2.5
 * slots of 5 bytes a record (a compressed reference and a tag) per table, where the map was a node of 32 B, a slot
 * and, for the client id, a 16-byte key.
 *
 * <p>Growth is incremental: a write holds the caller's lock for a bounded amount of work, where copying a million
 * records at once took 100 ms. A write that would pass the bound publishes a new, empty array (twice the length if live
 * records fill over 60 % of it, else the same length, or shorter while the records would fill no more than a fifth of
 * it, down to a sixteenth; either clears the tombstones) whose {@code from} is the old one, and writes into the new
 * array. Each later write first moves the records of the next {@value #MOVES_PER_WRITE} slots of the old array into the
 * new one, in slot order, counting the slots moved in {@code moved} (written with release after each record's move);
 * the old array is dropped ({@code from} set to null) when all are moved. Meanwhile a write looks its key up in the new
 * array, then in the old one's slots not yet moved: a record found there is replaced or removed in place (it moves
 * later as it is then); inserts go to the new array; an old slot already moved holds a stale copy, never written again
 * and never returned. A migration ends before its array needs another: the new array takes the old records and at most
 * one insert for each of the {@code old length / }{@value #MOVES_PER_WRITE} writes the migration lasts, which fits
 * under its bound for each of the three lengths (doubled, same, shorter: the old records fill at most a half, three
 * quarters and a half of the new bound, the inserts at most 1 %, 2 % and 31 % of it). Should one need it all the same
 * (a table built to move fewer slots a write, as tests do), the writer copies everything into a new array at once
 * ({@code fullRebuilds()}). Two arrays coexist only during a migration, which writes alone advance; records are never
 * copied into objects of their own.
 *
 * <p>The new arrays themselves are allocated, and so zeroed, outside the caller's lock where the table is large:
 * {@link #prepareGrowth}, which any thread may call before taking the lock, allocates them once the array is within
 * {@value #PREPARE_AHEAD} writes of its bound, and the write that starts the migration takes them if they have the
 * length it needs (else it allocates, as it did before). At a million records that zeroing was the one part of a write
 * that grew with the table, over a millisecond.
 *
 * <p>Why a reader never misses a key that is present before and after a write, and never sees a torn state: a slot
 * of a published array only ever goes from null to a record or tombstone, from a record to a record with the same key
 * (a replace, in the same slot) or to a tombstone, and from a tombstone to a record; no write makes a slot null, and
 * moving a record leaves the old slot as it was. So every slot on a present key's probe sequence before its own slot
 * stays non-null while the key is present, and its own slot holds a record with that key throughout, in every array
 * it was put in, and a reader walking the sequence reaches it. A reader reads the array, its {@code from} and then
 * {@code moved} before probing: the array, then the old array from slot {@code moved} on. A key present throughout
 * that it misses in the new array was not there when the reader read {@code moved} (else the probe had met it), so
 * its old slot had not moved then: it is at or after {@code moved}, and the old array still holds it in that slot
 * (records are only replaced in an old array while their slot has not moved). A copy met there is the record as it
 * was when it moved, which is after the reader started; a copy in an old slot below {@code moved}, which may have been
 * replaced or removed since, is skipped. The new array, published empty, is filled with release writes; a dropped old
 * array, and the arrays of a full rebuild (filled before they are published), are never written again. Each slot
 * holds one reference, written with release after the record it points to was built, so a reader sees a whole
 * record. A slot's tag changes only when a tombstone's slot takes a new record, so a reader's own key, present in its
 * slot throughout, always shows its own tag; a stale or newer tag can only make a reader pass a record that came or
 * went meanwhile.
 *
 * <p>Iteration walks the array, then the old array from {@code moved} (both read first), the same way: a key present
 * throughout is met at least once (in the new array if it moved before the walk began, else in the old array) and at
 * most twice (once in each, if it moves during the walk); every record met was the key's record at some moment of
 * the walk. A key removed and added again during the walk may be met once, twice or not at all.
 *
 * <p>Why this class is long: the migration's writer paths and the argument that readers never miss a key across two
 * arrays belong together; split apart, each half would rest on invariants kept by the other.
 *
 * @param <K> what a lookup gives: a lease id, a client id
 * @param <R> the records held
 */
public final class RecordTable<K, R> implements Iterable<R> {
  /** What a table knows of its records' keys. {@link #hash} and {@link #hashOf} must agree for equal keys. */
  public interface Keys<K, R> {
    /** {@return the hash of {@code key}} */
    int hash(K key);

    /** {@return the hash of {@code record}'s key, as {@link #hash} gives it} */
    int hashOf(R record);

    /** {@return whether {@code record}'s key is {@code key}} */
    boolean hasKey(R record, K key);

    /** {@return whether {@code a} and {@code b} have the same key} */
    boolean sameKey(R a, R b);
  }

  static final int MAX_LOAD_PERCENT = 80;
  /** Old slots a write moves: a few microseconds of work, and migrations short enough to end before the next. */
  static final int MOVES_PER_WRITE = 64;
  private static final int MIN_LENGTH = 16;
  /** How much shorter a migration's array may be than the old one: short enough and it would fill before the end. */
  private static final int MAX_SHRINK = 16;
  /** How many writes before an array's bound {@link #prepareGrowth} allocates its successor: few, as it is kept. */
  static final int PREPARE_AHEAD = 64;
  /** Arrays shorter than this are allocated under the lock: zeroing them costs microseconds. */
  static final int PREPARE_FROM_LENGTH = 1 << 14;
  /** A removed record's slot: not null, so that probe sequences through it stay intact for lock-free readers. */
  private static final Object TOMBSTONE = new Object();
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final VarHandle MOVED;

  static {
    try {
      MOVED = MethodHandles.lookup().findVarHandle(Slots.class, "moved", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Keys<K, R> keys;
  private final int movesPerWrite;
  private volatile Slots slots = new Slots(MIN_LENGTH);
  // Arrays allocated outside the writer's lock for the next migration (prepareGrowth), taken by startMigration.
  private final AtomicReference<@Nullable Slots> spare = new AtomicReference<>();
  private int preparedMigrations;
  // Written and read by the writer only.
  private int size;
  private int used;
  private int lastWriteMoves;
  private int fullRebuilds;

  /**
   * The records and, beside each slot, eight bits of its record's hash: a probe compares those before it reads the
   * record, so a slot of another key costs no visit to a record, its key string and that string's bytes (lease ids
   * share a 50-character prefix, so telling two apart reads far into both). One byte a slot. Final fields, published
   * together through the volatile {@code slots}: a reader never pairs one array with the other's successor. While a
   * migration runs, {@code from} is the array being moved in and {@code moved} how many of its slots were.
   */
  private static final class Slots {
    final Object[] refs;
    final byte[] tags;
    volatile @Nullable Slots from;
    int moved;   // through MOVED: release by the writer, acquire by readers

    Slots(int length) {
      refs = new Object[length];
      tags = new byte[length];
    }
  }

  /** Creates an empty table. */
  public RecordTable(Keys<K, R> keys) {
    this(keys, MOVES_PER_WRITE);
  }

  /** Creates an empty table that moves {@code movesPerWrite} old slots a write; tests use few. */
  RecordTable(Keys<K, R> keys, int movesPerWrite) {
    this.keys = Objects.requireNonNull(keys, "keys");
    if (movesPerWrite < 1) {
      throw new IllegalArgumentException("movesPerWrite must be positive: " + movesPerWrite);
    }
    this.movesPerWrite = movesPerWrite;
  }

  /** {@return the record with {@code key}, or null}; takes no lock */
  @SuppressWarnings("unchecked")
  public @Nullable R get(K key) {
    Slots t = slots;
    Slots from = t.from;   // both before probing t: see the class comment
    int moved = from == null ? 0 : (int) MOVED.getAcquire(t);
    int hash = keys.hash(key);
    byte tag = tag(hash);
    Object o = probe(t, key, hash, tag, 0);
    if (o == null && from != null) {
      o = probe(from, key, hash, tag, moved);
    }
    return (R) o;
  }

  /** {@return the record with {@code key} in {@code t}, or null, also if it is in a slot below {@code skipBelow}} */
  @SuppressWarnings("unchecked")
  private @Nullable Object probe(Slots t, K key, int hash, byte tag, int skipBelow) {
    Object[] s = t.refs;
    int mask = s.length - 1;
    int i = start(hash, mask);
    for (int step = 1; step <= s.length; step++) {
      Object o = SLOT.getAcquire(s, i);
      if (o == null) {
        return null;
      }
      // The tag is read after the slot: it was written before the slot's release, so it is this record's.
      if (o != TOMBSTONE && t.tags[i] == tag && keys.hasKey((R) o, key)) {
        return i < skipBelow ? null : o;   // an old array holds a key once: a moved copy is all there is
      }
      i = (i + step) & mask;
    }
    return null;
  }

  /**
   * Allocates the arrays of the next migration if the table is large and its array within {@value #PREPARE_AHEAD}
   * writes of its bound, so that the write that starts the migration does not zero them under the caller's lock. Any
   * thread, without the lock: it reads the writer's counts racily, which can only make it allocate arrays that go
   * unused (dropped at the next migration, which allocates its own) or none (the write allocates them, as without
   * this call).
   */
  public void prepareGrowth() {
    Slots t = slots;
    int length = t.refs.length;
    if (length < PREPARE_FROM_LENGTH || t.from != null || used + PREPARE_AHEAD < threshold(length)) {
      return;
    }
    int next = nextLength(length, size + PREPARE_AHEAD);
    Slots ready = spare.get();
    if (ready == null || ready.refs.length != next) {
      spare.compareAndSet(ready, new Slots(next));
    }
  }

  /**
   * Adds {@code record}, or puts it in the slot of the record with the same key. Writer only.
   *
   * @return the record it replaced, or null
   */
  @SuppressWarnings("unchecked")
  public @Nullable R put(R record) {
    Objects.requireNonNull(record, "record");
    lastWriteMoves = 0;
    moveSome();
    int hash = keys.hashOf(record);
    byte tag = tag(hash);
    while (true) {
      Slots t = slots;
      Object[] s = t.refs;
      int mask = s.length - 1;
      int i = start(hash, mask);
      int free = -1;
      for (int step = 1; step <= s.length; step++) {
        Object o = s[i];   // the writer's own writes: no fence needed to read them
        if (o == null) {
          break;
        }
        if (o == TOMBSTONE) {
          if (free < 0) {
            free = i;
          }
        } else if (t.tags[i] == tag && keys.sameKey((R) o, record)) {
          SLOT.setRelease(s, i, record);   // same key, same tag
          return (R) o;
        }
        i = (i + step) & mask;
      }
      Slots from = t.from;
      int j = from == null ? -1 : indexOf(from, record, hash, tag);
      if (j >= 0 && j >= t.moved) {   // not moved yet: replaced where it is, and moves as it is then
        Object o = from.refs[j];
        SLOT.setRelease(from.refs, j, record);
        return (R) o;
      }
      if (free < 0 && used + 1 > threshold(s.length)) {
        if (from == null) {
          startMigration();   // this write moves nothing: at most MOVES_PER_WRITE slots a write
        } else {
          rebuildAll();
        }
        continue;   // probe the new array
      }
      if (free < 0) {
        free = i;   // the null that ended the walk
        used++;
      }
      t.tags[free] = tag;   // before the release below, which publishes it with the record
      SLOT.setRelease(s, free, record);
      size++;
      return null;
    }
  }

  /**
   * Removes the record with {@code record}'s key (not necessarily {@code record} itself), leaving a tombstone.
   * Writer only.
   *
   * @return the record removed, or null
   */
  @SuppressWarnings("unchecked")
  public @Nullable R remove(R record) {
    lastWriteMoves = 0;
    moveSome();
    int hash = keys.hashOf(record);
    byte tag = tag(hash);
    Slots t = slots;
    int i = indexOf(t, record, hash, tag);
    Slots from = t.from;
    if (i < 0 && from != null) {
      int j = indexOf(from, record, hash, tag);
      if (j >= t.moved) {   // not moved yet; a moved copy needs no tombstone, no one reads it
        t = from;
        i = j;
      }
    }
    if (i < 0) {
      return null;
    }
    Object o = t.refs[i];
    SLOT.setRelease(t.refs, i, TOMBSTONE);   // never null: a reader's walk past this slot must go on
    size--;
    return (R) o;
  }

  /**
   * {@return the record with {@code record}'s key, or null}; writer only. Looks the key up through the record, so a
   * record that keeps its key in parts (a split lease id) is found without making the key.
   */
  @SuppressWarnings("unchecked")
  public @Nullable R find(R record) {
    int hash = keys.hashOf(record);
    byte tag = tag(hash);
    Slots t = slots;
    int i = indexOf(t, record, hash, tag);
    if (i >= 0) {
      return (R) t.refs[i];
    }
    Slots from = t.from;
    int j = from == null ? -1 : indexOf(from, record, hash, tag);
    return j >= 0 && j >= t.moved ? (R) from.refs[j] : null;   // a moved copy is stale: the new array holds the key
  }

  /** {@return the slot of {@code t} holding {@code record}'s key, or -1}; writer only */
  @SuppressWarnings("unchecked")
  private int indexOf(Slots t, R record, int hash, byte tag) {
    Object[] s = t.refs;
    int mask = s.length - 1;
    int i = start(hash, mask);
    for (int step = 1; step <= s.length; step++) {
      Object o = s[i];
      if (o == null) {
        return -1;
      }
      if (o != TOMBSTONE && t.tags[i] == tag && keys.sameKey((R) o, record)) {
        return i;
      }
      i = (i + step) & mask;
    }
    return -1;
  }

  /** {@return how many records the table holds}; writer only (a reader may see a stale count) */
  public int size() {
    return size;
  }

  /** {@return the length of the slot array writes go to}; for tests */
  int length() {
    return slots.refs.length;
  }

  /** {@return slots of the array writes go to holding a record or a tombstone}; for tests */
  int used() {
    return used;
  }

  /** {@return whether an old array is still being moved}; for tests */
  boolean migrating() {
    return slots.from != null;
  }

  /** {@return the old slots moved so far by the migration under way}; for tests */
  int moved() {
    return slots.moved;
  }

  /** {@return the slot of {@code record}'s key in the old array being moved, or -1}; for tests */
  int oldSlotOf(R record) {
    Slots from = slots.from;
    int hash = keys.hashOf(record);
    return from == null ? -1 : indexOf(from, record, hash, tag(hash));
  }

  /** {@return old slots the last {@link #put} or {@link #remove} visited to move their records}; for tests */
  int lastWriteMoves() {
    return lastWriteMoves;
  }

  /** {@return the length of the arrays {@link #prepareGrowth} allocated and no migration took yet, or 0}; for tests */
  int preparedLength() {
    Slots ready = spare.get();
    return ready == null ? 0 : ready.refs.length;
  }

  /** {@return how many migrations took arrays {@link #prepareGrowth} allocated}; for tests */
  int preparedMigrations() {
    return preparedMigrations;
  }

  /** {@return how often a migration had to be finished at once}; for tests */
  int fullRebuilds() {
    return fullRebuilds;
  }

  /** Walks the records of the arrays current when called, without a lock; see the class comment. */
  @Override
  public Iterator<R> iterator() {
    Slots t = slots;
    Slots from = t.from;
    int moved = from == null ? 0 : (int) MOVED.getAcquire(t);
    return new Iterator<>() {
      private Object[] s = t.refs;
      private @Nullable Slots then = from;
      private int index = -1;
      private @Nullable Object next = advance();

      private @Nullable Object advance() {
        while (true) {
          while (++index < s.length) {
            Object o = SLOT.getAcquire(s, index);
            if (o != null && o != TOMBSTONE) {
              return o;
            }
          }
          if (then == null) {
            return null;
          }
          s = then.refs;   // then the old slots not moved when the walk began
          index = moved - 1;
          then = null;
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      @SuppressWarnings("unchecked")
      public R next() {
        Object o = next;
        if (o == null) {
          throw new NoSuchElementException();
        }
        next = advance();
        return (R) o;
      }
    };
  }

  /**
   * Publishes an empty array to move the records into, its {@code from} the current one. Grows when live records fill
   * over three quarters of the bound (60 % of the slots), so at least a quarter of the bound is free after it and
   * migrations cost O(1) a write, amortized: a store whose leases come and go keeps its length and clears its
   * tombstones (at half the bound, a churning store's tables doubled and stayed twice as long). Else keeps the length,
   * or halves it while the records would still fill no more than half the bound, down to a sixteenth (so that the
   * migration ends before the new array fills: see the class comment).
   */
  private void startMigration() {
    Slots t = slots;
    int length = nextLength(t.refs.length, size + 1);
    Slots fresh = spare.getAndSet(null);
    if (fresh != null && fresh.refs.length == length) {
      preparedMigrations++;   // allocated outside the lock; never published, so still empty
    } else {
      fresh = new Slots(length);
    }
    fresh.from = t;   // before the publication below
    used = 0;
    slots = fresh;   // volatile: publishes the empty arrays and their from
  }

  /** {@return the length a migration of an array of {@code length} holding {@code records} moves into} */
  private static int nextLength(int length, int records) {
    int next = length;
    if (records > threshold(length) * 3 / 4) {
      return next * 2;
    }
    while (next > MIN_LENGTH && next > length / MAX_SHRINK && records <= threshold(next / 2) / 2) {
      next /= 2;
    }
    return next;
  }

  /** Moves the records of the next old slots, up to {@link #movesPerWrite}, and drops the old array when done. */
  @SuppressWarnings("unchecked")
  private void moveSome() {
    Slots t = slots;
    Slots from = t.from;
    if (from == null) {
      return;
    }
    Object[] old = from.refs;
    int moved = t.moved;
    int end = Math.min(old.length, moved + movesPerWrite);
    lastWriteMoves += end - moved;
    while (moved < end) {
      Object o = old[moved];
      if (o != null && o != TOMBSTONE) {
        place(t, (R) o);
      }
      MOVED.setRelease(t, ++moved);   // after the record's release into t: a reader that reads it finds it there
    }
    if (moved == old.length) {
      t.from = null;   // volatile: readers read t alone from now on
    }
  }

  /**
   * Puts {@code record}, whose key {@code t} does not hold, into the first free slot of its probe sequence in
   * {@code t}. Writer only.
   */
  private void place(Slots t, R record) {
    Object[] s = t.refs;
    int mask = s.length - 1;
    int hash = keys.hashOf(record);
    int i = start(hash, mask);
    for (int step = 1; s[i] != null && s[i] != TOMBSTONE; step++) {
      if (step == s.length) {   // cannot happen while the bound holds: fail rather than loop forever
        throw new IllegalStateException("no free slot among " + s.length);
      }
      i = (i + step) & mask;
    }
    if (s[i] == null) {
      used++;
    }
    t.tags[i] = tag(hash);   // before the release below, which publishes it with the record
    SLOT.setRelease(s, i, record);
  }

  /**
   * Copies the live records of the array and the old slots not moved yet into a new array at once and publishes it:
   * the way out should a migration not end before its array fills, which the class comment argues it does.
   */
  @SuppressWarnings("unchecked")
  private void rebuildAll() {
    Slots t = slots;
    Slots from = Objects.requireNonNull(t.from);
    int length = t.refs.length;
    while (size + 1 > threshold(length) * 3 / 4) {
      length *= 2;
    }
    Slots fresh = new Slots(length);
    used = 0;
    for (Object o : t.refs) {
      if (o != null && o != TOMBSTONE) {
        place(fresh, (R) o);
      }
    }
    for (int i = t.moved; i < from.refs.length; i++) {
      Object o = from.refs[i];
      if (o != null && o != TOMBSTONE) {
        place(fresh, (R) o);
      }
    }
    lastWriteMoves += t.refs.length + from.refs.length - t.moved;
    fullRebuilds++;
    slots = fresh;   // volatile: publishes the filled arrays; t and from are not written again
  }

  private static int threshold(int length) {
    return (int) ((long) length * MAX_LOAD_PERCENT / 100);
  }

  /** Eight bits of the hash, mixed apart from the bits {@link #start} uses. */
  private static byte tag(int hash) {
    return (byte) ((hash * 0x85EBCA6B) >>> 24);
  }

  /** Fibonacci hashing: the top bits of the product, so keys whose hashes differ only high up still spread. */
  private static int start(int hash, int mask) {
    return (hash * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask) & mask;
  }
}
