package dev.astravault.internal.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
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
 * and, for the client id, a 16-byte key. A write that would pass that bound first rebuilds the table into a new
 * array (twice the length if live records fill over 60 % of it, else the same length or smaller, which clears the
 * tombstones) and publishes it with one volatile write, then writes into the new array; the old array is never
 * written again.
 *
 * <p>Why a reader never misses a key that is present before and after a write, and never sees a torn state: a slot
 * of a published array only ever goes from null to a record or tombstone, from a record to a record with the same key
 * (a replace, in the same slot) or to a tombstone, and from a tombstone to a record; no write makes a slot null. So
 * every slot on a present key's probe sequence before its own slot stays non-null while the key is present, and its
 * own slot holds a record with that key throughout, and a reader walking the sequence reaches it. A rebuild does not
 * move a key inside the array a reader holds: the reader either read the new array (filled completely before it was
 * published, so the volatile read makes its slots visible) or keeps walking the old one, which still holds every key
 * present when it was replaced, as the writer left it. Each slot holds one reference, written with release after the
 * record it points to was built, so a reader sees a whole record, the old one or the new one, never a mix. A slot's
 * tag changes only when a tombstone's slot takes a new record, so a reader's own key, present in its slot throughout,
 * always shows its own tag; a stale or newer tag can only make a reader pass a record that came or went meanwhile.
 * Iteration walks one array the same way: a key present throughout is met exactly once (it stays in one slot); a key
 * removed and added again during the walk may be met once, twice or not at all.
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
  private static final int MIN_LENGTH = 16;
  /** A removed record's slot: not null, so that probe sequences through it stay intact for lock-free readers. */
  private static final Object TOMBSTONE = new Object();
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  private final Keys<K, R> keys;
  private volatile Slots slots = new Slots(MIN_LENGTH);
  // Written and read by the writer only.
  private int size;
  private int used;

  /**
   * The records and, beside each slot, eight bits of its record's hash: a probe compares those before it reads the
   * record, so a slot of another key costs no visit to a record, its key string and that string's bytes (lease ids
   * share a 50-character prefix, so telling two apart reads far into both). One byte a slot. Final fields, published
   * together through the volatile {@code slots}: a reader never pairs one array with the other's successor.
   */
  private static final class Slots {
    final Object[] refs;
    final byte[] tags;

    Slots(int length) {
      refs = new Object[length];
      tags = new byte[length];
    }
  }

  /** Creates an empty table. */
  public RecordTable(Keys<K, R> keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
  }

  /** {@return the record with {@code key}, or null}; takes no lock */
  @SuppressWarnings("unchecked")
  public @Nullable R get(K key) {
    Slots t = slots;
    Object[] s = t.refs;
    int mask = s.length - 1;
    int hash = keys.hash(key);
    byte tag = tag(hash);
    int i = start(hash, mask);
    for (int step = 1; step <= s.length; step++) {
      Object o = SLOT.getAcquire(s, i);
      if (o == null) {
        return null;
      }
      // The tag is read after the slot: it was written before the slot's release, so it is this record's.
      if (o != TOMBSTONE && t.tags[i] == tag && keys.hasKey((R) o, key)) {
        return (R) o;
      }
      i = (i + step) & mask;
    }
    return null;
  }

  /**
   * Adds {@code record}, or puts it in the slot of the record with the same key. Writer only.
   *
   * @return the record it replaced, or null
   */
  @SuppressWarnings("unchecked")
  public @Nullable R put(R record) {
    Objects.requireNonNull(record, "record");
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
      if (free < 0 && used + 1 > threshold(s.length)) {
        rebuild();
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
    Slots t = slots;
    Object[] s = t.refs;
    int mask = s.length - 1;
    int hash = keys.hashOf(record);
    byte tag = tag(hash);
    int i = start(hash, mask);
    for (int step = 1; step <= s.length; step++) {
      Object o = s[i];
      if (o == null) {
        return null;
      }
      if (o != TOMBSTONE && t.tags[i] == tag && keys.sameKey((R) o, record)) {
        SLOT.setRelease(s, i, TOMBSTONE);   // never null: a reader's walk past this slot must go on
        size--;
        return (R) o;
      }
      i = (i + step) & mask;
    }
    return null;
  }

  /** {@return how many records the table holds}; writer only (a reader may see a stale count) */
  public int size() {
    return size;
  }

  /** {@return the length of the slot array}; for tests */
  int length() {
    return slots.refs.length;
  }

  /** {@return slots holding a record or a tombstone}; for tests */
  int used() {
    return used;
  }

  /** Walks the records of the array current when called, without a lock; see the class comment. */
  @Override
  public Iterator<R> iterator() {
    Object[] s = slots.refs;
    return new Iterator<>() {
      private int index = -1;
      private @Nullable Object next = advance();

      private @Nullable Object advance() {
        while (++index < s.length) {
          Object o = SLOT.getAcquire(s, index);
          if (o != null && o != TOMBSTONE) {
            return o;
          }
        }
        return null;
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
   * Copies the live records into a new array and publishes it. Grows when live records fill over three quarters of
   * the bound (60 % of the slots), so at least a quarter of the bound is free after it and rebuilds cost O(1) a write,
   * amortized: a store whose leases come and go keeps its length and clears its tombstones (at half the bound, a
   * churning store's tables doubled and stayed twice as long). Else keeps the length, or shrinks while the records
   * would still fill no more than half the bound.
   */
  @SuppressWarnings("unchecked")
  private void rebuild() {
    Object[] old = slots.refs;
    int length = old.length;
    if (size + 1 > threshold(length) * 3 / 4) {
      length *= 2;
    } else {
      while (length > MIN_LENGTH && size + 1 <= threshold(length / 2) / 2) {
        length /= 2;
      }
    }
    Slots fresh = new Slots(length);
    int mask = length - 1;
    for (Object o : old) {
      if (o != null && o != TOMBSTONE) {
        int hash = keys.hashOf((R) o);
        int i = start(hash, mask);
        for (int step = 1; fresh.refs[i] != null; step++) {
          i = (i + step) & mask;
        }
        fresh.refs[i] = o;
        fresh.tags[i] = tag(hash);
      }
    }
    used = size;
    slots = fresh;   // volatile: publishes the filled arrays
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
