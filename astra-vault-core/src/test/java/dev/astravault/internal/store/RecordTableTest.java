package dev.astravault.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's open-addressing table: one writer, lock-free readers. Besides the plain operations, a key
 * present throughout must be found by every concurrent lookup and met by every concurrent walk (twice at most, if it
 * moved to a new array during the walk), whatever the writer inserts, replaces or removes around it and however often
 * the table grows meanwhile; and a write's share of a growth is bounded.
 */
class RecordTableTest {
  /** A record with its key and a version, so a replace is visible. */
  record Item(String key, int version) {}

  private static RecordTable<String, Item> table(ToIntFunction<String> hash) {
    return table(hash, RecordTable.MOVES_PER_WRITE);
  }

  private static RecordTable<String, Item> table(ToIntFunction<String> hash, int movesPerWrite) {
    return new RecordTable<>(new RecordTable.Keys<>() {
      @Override
      public int hash(String key) {
        return hash.applyAsInt(key);
      }

      @Override
      public int hashOf(Item record) {
        return hash.applyAsInt(record.key());
      }

      @Override
      public boolean hasKey(Item record, String key) {
        return record.key().equals(key);
      }

      @Override
      public boolean sameKey(Item a, Item b) {
        return a.key().equals(b.key());
      }
    }, movesPerWrite);
  }

  private static final ToIntFunction<String> COLLIDING = key -> 42;

  @Test
  void findsWhatWasPutAndNothingElse() {
    RecordTable<String, Item> t = table(String::hashCode);
    for (int i = 0; i < 100; i++) {
      assertThat(t.put(new Item("k" + i, 0))).isNull();
    }
    assertThat(t.size()).isEqualTo(100);
    for (int i = 0; i < 100; i++) {
      assertThat(t.get("k" + i)).isEqualTo(new Item("k" + i, 0));
    }
    assertThat(t.get("k100")).isNull();
    assertThat(t.get("")).isNull();
  }

  @Test
  void replaceWritesTheSameSlot() {
    RecordTable<String, Item> t = table(COLLIDING);
    t.put(new Item("a", 0));
    t.put(new Item("b", 0));
    int used = t.used();
    assertThat(t.put(new Item("b", 1))).isEqualTo(new Item("b", 0));
    assertThat(t.get("b")).isEqualTo(new Item("b", 1));
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.used()).isEqualTo(used);
  }

  @Test
  void removeLeavesATombstoneSoKeysFurtherOnTheProbeSequenceAreStillFound() {
    RecordTable<String, Item> t = table(COLLIDING);   // one probe sequence for all
    t.put(new Item("a", 0));
    t.put(new Item("b", 0));
    t.put(new Item("c", 0));
    assertThat(t.remove(new Item("a", 7))).isEqualTo(new Item("a", 0));   // by key, whatever the version
    assertThat(t.get("a")).isNull();
    assertThat(t.get("b")).isEqualTo(new Item("b", 0));
    assertThat(t.get("c")).isEqualTo(new Item("c", 0));
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.used()).isEqualTo(3);
    assertThat(t.remove(new Item("a", 0))).isNull();
    assertThat(t.remove(new Item("z", 0))).isNull();
  }

  @Test
  void anInsertReusesTheFirstTombstone() {
    RecordTable<String, Item> t = table(COLLIDING);
    t.put(new Item("a", 0));
    t.put(new Item("b", 0));
    t.remove(new Item("a", 0));
    t.put(new Item("d", 0));
    assertThat(t.used()).isEqualTo(2);
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.get("d")).isEqualTo(new Item("d", 0));
    assertThat(t.get("b")).isEqualTo(new Item("b", 0));
  }

  @Test
  void aKeyBehindATombstoneIsReplacedNotAddedTwice() {
    RecordTable<String, Item> t = table(COLLIDING);
    t.put(new Item("a", 0));
    t.put(new Item("b", 0));
    t.remove(new Item("a", 0));
    assertThat(t.put(new Item("b", 1))).isEqualTo(new Item("b", 0));
    assertThat(t.size()).isEqualTo(1);
    t.remove(new Item("b", 1));
    assertThat(t.get("b")).isNull();
    assertThat(t).isEmpty();
  }

  @Test
  void collidingKeysAreAllFoundAndRemovedOneByOne() {
    RecordTable<String, Item> t = table(COLLIDING);
    for (int i = 0; i < 200; i++) {
      t.put(new Item("k" + i, i));
    }
    for (int i = 0; i < 200; i += 2) {
      t.remove(new Item("k" + i, 0));
    }
    for (int i = 0; i < 200; i++) {
      assertThat(t.get("k" + i)).isEqualTo(i % 2 == 0 ? null : new Item("k" + i, i));
    }
    assertThat(t.size()).isEqualTo(100);
  }

  @Test
  void growsToThePowerOfTwoThatKeepsUsedSlotsWithinTheBound() {
    RecordTable<String, Item> t = table(String::hashCode);
    assertThat(t.length()).isEqualTo(16);
    for (int i = 0; i < 1000; i++) {
      t.put(new Item("k" + i, 0));
      assertThat(t.used() * 100L).isLessThanOrEqualTo((long) t.length() * RecordTable.MAX_LOAD_PERCENT);
    }
    assertThat(t.length()).isEqualTo(2048);   // 1,000 > 80 % of 1,024
    for (int i = 0; i < 1000; i++) {
      assertThat(t.get("k" + i)).isNotNull();
    }
  }

  @Test
  void tombstonesAreClearedByARebuildOfTheSameLengthAndAnEmptiedTableShrinks() {
    RecordTable<String, Item> t = table(String::hashCode);
    for (int i = 0; i < 100; i++) {
      t.put(new Item("live" + i, 0));
    }
    // 100 of 128 slots: over 60 % (76), so the first rebuild doubles, and later ones keep 256 slots
    assertThat(t.length()).isEqualTo(128);
    for (int i = 0; i < 20_000; i++) {   // churn: each insert's key removed right after
      t.put(new Item("churn" + i, 0));
      t.remove(new Item("churn" + i, 0));
      assertThat(t.used() * 100L).isLessThanOrEqualTo((long) t.length() * RecordTable.MAX_LOAD_PERCENT);
    }
    assertThat(t.length()).isEqualTo(256);
    assertThat(t.size()).isEqualTo(100);
    for (int i = 0; i < 100; i++) {
      assertThat(t.get("live" + i)).isNotNull();
      t.remove(new Item("live" + i, 0));
    }
    for (int i = 0; i < 1000; i++) {
      t.put(new Item("again" + i, 0));
      t.remove(new Item("again" + i, 0));
    }
    assertThat(t.length()).isEqualTo(16);
    assertThat(t.size()).isZero();
  }

  @Test
  void aChurningTableUnderSixtyPercentKeepsItsLength() {
    RecordTable<String, Item> t = table(String::hashCode);
    for (int i = 0; i < 60; i++) {
      t.put(new Item("live" + i, 0));
    }
    assertThat(t.length()).isEqualTo(128);   // 60 records, 47 % of the slots
    for (int i = 0; i < 10_000; i++) {
      t.put(new Item("churn" + i, 0));
      t.remove(new Item("churn" + i, 0));
    }
    assertThat(t.length()).isEqualTo(128);
    assertThat(t.size()).isEqualTo(60);
  }

  @Test
  void iterationMeetsEachRecordOnce() {
    RecordTable<String, Item> t = table(key -> key.length());   // few hashes: long probe sequences
    Map<String, Item> expected = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      Item item = new Item("k" + i, i);
      t.put(item);
      expected.put(item.key(), item);
      if (i % 3 == 0) {
        t.remove(item);
        expected.remove(item.key());
      }
    }
    List<Item> seen = new ArrayList<>();
    t.forEach(seen::add);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(expected.values());
  }

  /**
   * A reader that looks while the writer is in the middle of moving records (the hook runs in the writer's hash of
   * each record it moves, so at every step of a migration) must find every key, and a walk must meet each once: a
   * record moves into the new array before {@code moved} passes its old slot, and the old slot is left as it was.
   */
  @Test
  void aReaderAtEachMoveOfAMigrationFindsEveryKey() {
    for (int movesPerWrite : new int[] {1, 3, RecordTable.MOVES_PER_WRITE}) {
      AtomicReference<RecordTable<String, Item>> holder = new AtomicReference<>();
      List<String> present = new ArrayList<>();
      AtomicInteger looks = new AtomicInteger();
      AtomicInteger looksMidMigration = new AtomicInteger();
      AtomicBoolean looking = new AtomicBoolean();
      RecordTable<String, Item> t = table(key -> {
        RecordTable<String, Item> table = holder.get();
        if (table != null && looking.compareAndSet(false, true)) {   // not for the looks' own hashes
          looks.incrementAndGet();
          if (table.migrating()) {
            looksMidMigration.incrementAndGet();
          }
          List<String> walked = new ArrayList<>();
          table.forEach(item -> walked.add(item.key()));
          for (String p : present) {
            assertThat(table.get(p)).as("lookup of %s", p).isNotNull();
          }
          assertThat(walked).as("walk").containsExactlyInAnyOrderElementsOf(present);
          looking.set(false);
        }
        return key.hashCode();
      }, movesPerWrite);
      for (int i = 0; i < 120; i++) {   // through migrations at 13, 26, 52 and 103 used slots: 16 → … → 256 slots
        holder.set(t);
        Item item = new Item("k" + i, i);
        t.put(item);
        present.add(item.key());
        if (i % 7 == 0) {   // writes that move records without adding one
          t.put(new Item("k" + (i / 2), i));
        }
      }
      if (movesPerWrite == RecordTable.MOVES_PER_WRITE) {   // fewer: some migrations are overtaken, sized otherwise
        assertThat(t.length()).isEqualTo(256);
      }
      assertThat(looks.get()).isGreaterThan(120);
      assertThat(looksMidMigration.get()).isGreaterThan(movesPerWrite == 1 ? 100 : 10);
    }
  }

  /**
   * During a migration (one old slot moved a write), replaces and removes of keys whose old slot has moved and of keys
   * whose slot has not: a lookup and a walk see the latest record of each key and nothing removed, during and after
   * the migration; a moved key's stale copy in the old array is never returned.
   */
  @Test
  void replacesAndRemovesOnBothSidesOfTheMovedLine() {
    RecordTable<String, Item> t = table(String::hashCode, 1);
    Map<String, Item> expected = new HashMap<>();
    for (int i = 0; i < 13; i++) {   // the 13th insert passes 12 of 16 used slots: a migration to 32 slots
      Item item = new Item("k" + i, 0);
      t.put(item);
      expected.put(item.key(), item);
    }
    assertThat(t.migrating()).isTrue();
    assertThat(t.length()).isEqualTo(32);
    for (int i = 0; i < 5; i++) {   // five writes: five old slots moved, eleven to go
      t.put(new Item("k0", 0));
    }
    assertThat(t.moved()).isEqualTo(5);
    List<String> movedKeys = new ArrayList<>();
    List<String> unmovedKeys = new ArrayList<>();
    for (String key : expected.keySet()) {
      (t.oldSlotOf(new Item(key, 0)) < t.moved() ? movedKeys : unmovedKeys).add(key);
    }
    assertThat(movedKeys).hasSizeGreaterThanOrEqualTo(3);
    assertThat(unmovedKeys).hasSizeGreaterThanOrEqualTo(3);
    // each write below moves one more slot: the sides are chosen against moved() just before each write
    for (String key : new String[] {movedKeys.get(0), unmovedKeys.get(0)}) {
      assertThat(t.put(new Item(key, 1))).isEqualTo(expected.get(key));
      expected.put(key, new Item(key, 1));
      assertSame(t, expected);
    }
    for (String key : new String[] {movedKeys.get(1), unmovedKeys.get(1)}) {
      assertThat(t.remove(new Item(key, 0))).isEqualTo(expected.remove(key));
      assertThat(t.remove(new Item(key, 0))).isNull();
      assertSame(t, expected);
    }
    Item back = new Item(movedKeys.get(1), 2);   // a moved key removed and put again
    assertThat(t.put(back)).isNull();
    expected.put(back.key(), back);
    assertSame(t, expected);
    Item fresh = new Item("new", 0);
    assertThat(t.put(fresh)).isNull();
    expected.put(fresh.key(), fresh);
    assertSame(t, expected);
    assertThat(t.migrating()).isTrue();
    while (t.migrating()) {
      t.put(new Item(movedKeys.get(2), 3));
      expected.put(movedKeys.get(2), new Item(movedKeys.get(2), 3));
      assertSame(t, expected);
    }
    assertThat(t.size()).isEqualTo(expected.size());
    assertThat(t.fullRebuilds()).isZero();
  }

  /** Lookups of every key and of a few absent ones, and a walk that meets each record of {@code expected} once. */
  private static void assertSame(RecordTable<String, Item> t, Map<String, Item> expected) {
    for (Item item : expected.values()) {
      assertThat(t.get(item.key())).as("lookup of %s at %s moved", item.key(), t.moved()).isEqualTo(item);
      assertThat(t.find(new Item(item.key(), -1))).as("find of %s at %s moved", item.key(), t.moved())
          .isEqualTo(item);
    }
    for (int i = 0; i < 40; i++) {
      if (!expected.containsKey("k" + i)) {
        assertThat(t.get("k" + i)).as("lookup of removed k%s", i).isNull();
        assertThat(t.find(new Item("k" + i, -1))).as("find of removed k%s", i).isNull();
      }
    }
    List<Item> walked = new ArrayList<>();
    t.forEach(walked::add);
    assertThat(walked).containsExactlyInAnyOrderElementsOf(expected.values());
    assertThat(t.size()).isEqualTo(expected.size());
  }

  /**
   * A lookup that misses its key in the new array because the key moved there behind it (into a tombstone the probe
   * had passed, while the probe was further on) must find it in the old array: it read {@code moved} before probing,
   * so the key's old slot is not skipped. The writer's move runs inside the reader's probe, from the key comparison.
   */
  @Test
  void aLookupOvertakenByTheMoveOfItsKeyFindsItInTheOldArray() {
    AtomicReference<Runnable> duringProbe = new AtomicReference<>();
    RecordTable<String, Item> t = new RecordTable<>(new RecordTable.Keys<>() {
      @Override
      public int hash(String key) {
        return 42;   // one probe sequence for all: every record on it is compared
      }

      @Override
      public int hashOf(Item record) {
        return 42;
      }

      @Override
      public boolean hasKey(Item record, String key) {   // readers only: the writer compares with sameKey
        Runnable hook = duringProbe.getAndSet(null);
        if (hook != null) {
          hook.run();
        }
        return record.key().equals(key);
      }

      @Override
      public boolean sameKey(Item a, Item b) {
        return a.key().equals(b.key());
      }
    }, 1);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 13; i++) {   // the 13th starts a migration and is the first record of the new array
      t.put(new Item("k" + i, 0));
      keys.add("k" + i);
    }
    Item other = new Item("other", 0);
    t.put(other);   // moves old slot 0
    // an old slot holding a record whose slot before it holds none: move up to that empty slot
    Map<Integer, String> bySlot = new HashMap<>();
    for (String key : keys) {
      bySlot.put(t.oldSlotOf(new Item(key, 0)), key);
    }
    int target = t.moved() + 1;
    while (!bySlot.containsKey(target) || bySlot.containsKey(target - 1)) {
      target++;
    }
    while (t.moved() < target - 1) {
      t.put(other);
    }
    t.remove(new Item("k12", 0));   // moves the empty slot; the new array's first slot becomes a tombstone
    assertThat(t.moved()).isEqualTo(target);
    String key = bySlot.get(target);
    duringProbe.set(() -> t.put(other));   // moves key into that tombstone, behind the probe
    assertThat(t.get(key)).as("lookup of %s", key).isEqualTo(new Item(key, 0));
    assertThat(duringProbe.get()).isNull();
    assertThat(t.moved()).isEqualTo(target + 1);
    assertThat(t.oldSlotOf(new Item(key, 0))).isEqualTo(target);
  }

  /**
   * Random inserts, replaces and removes, whole phases of each, checked against a map after every write, for several
   * numbers of slots moved a write: lookups and single-threaded walks are exact during and between migrations.
   */
  @Test
  void aTableMatchesAMapThroughManyMigrations() {
    for (int movesPerWrite : new int[] {1, 2, 5, RecordTable.MOVES_PER_WRITE}) {
      RecordTable<String, Item> t = table(key -> key.hashCode() & 1023, movesPerWrite);   // some chains long
      Map<String, Item> expected = new HashMap<>();
      SplittableRandom random = new SplittableRandom(movesPerWrite);
      List<String> keys = new ArrayList<>();
      int migrationsSeen = 0;
      boolean was = false;
      for (int op = 0; op < 6_000; op++) {
        int phase = op / 400 % 3;   // mostly inserts, churn, mostly removes
        int choice = random.nextInt(10);
        if (keys.isEmpty() || choice < (phase == 0 ? 7 : phase == 1 ? 3 : 1)) {
          Item item = new Item("r" + op, op);
          assertThat(t.put(item)).isNull();
          expected.put(item.key(), item);
          keys.add(item.key());
        } else if (choice < (phase == 2 ? 3 : 6)) {
          String key = keys.get(random.nextInt(keys.size()));
          assertThat(t.put(new Item(key, op))).isEqualTo(expected.put(key, new Item(key, op)));
        } else {
          String key = keys.remove(random.nextInt(keys.size()));
          assertThat(t.remove(new Item(key, 0))).isEqualTo(expected.remove(key));
          assertThat(t.find(new Item(key, 0))).isNull();
        }
        if (t.migrating() && !was) {
          migrationsSeen++;
        }
        was = t.migrating();
        if (op % 7 == 0 || t.migrating()) {
          for (Item item : expected.values()) {
            assertThat(t.get(item.key())).isEqualTo(item);
            assertThat(t.find(new Item(item.key(), -1))).isEqualTo(item);   // the writer's lookup by record
          }
          List<Item> walked = new ArrayList<>();
          t.forEach(walked::add);
          assertThat(walked).containsExactlyInAnyOrderElementsOf(expected.values());
        }
        assertThat(t.used() * 100L).isLessThanOrEqualTo((long) t.length() * RecordTable.MAX_LOAD_PERCENT);
      }
      assertThat(t.size()).isEqualTo(expected.size());
      assertThat(migrationsSeen).as("migrations, %s moves a write", movesPerWrite).isGreaterThan(5);
    }
  }

  /**
   * With one old slot moved a write, inserts fill the new array before the migration ends: the writer then copies
   * what is left at once into a larger array, and nothing is lost or found twice, whichever side a key was on.
   */
  @Test
  void aMigrationOvertakenByAnotherGrowthNeedIsFinishedAtOnce() {
    RecordTable<String, Item> t = table(String::hashCode, 1);
    Map<String, Item> expected = new HashMap<>();
    for (int i = 0; i < 200; i++) {   // inserts only: the fastest fill of a new array
      Item item = new Item("k" + i, i);
      t.put(item);
      expected.put(item.key(), item);
      assertSame(t, expected);
      assertThat(t.used() * 100L).isLessThanOrEqualTo((long) t.length() * RecordTable.MAX_LOAD_PERCENT);
    }
    assertThat(t.fullRebuilds()).isGreaterThan(0);
  }

  /**
   * The work a write does for growth is bounded: no write moves more than {@value RecordTable#MOVES_PER_WRITE} old
   * slots, and no migration has to be finished at once, through growth to 200,000 records (pure inserts, the fastest
   * fill of a new array), churn at the largest size that keeps the length (same-length migrations, inserts every
   * other write), and removal of everything (halvings).
   */
  @Test
  void aLargeTablesMigrationTakesTheArraysPreparedOutsideTheWrite() {
    RecordTable<String, Item> t = table(String::hashCode);
    int i = 0;
    while (t.length() < RecordTable.PREPARE_FROM_LENGTH || t.migrating()) {
      t.put(new Item("k" + i++, 0));
    }
    int length = t.length();
    List<Long> allocatedByPuts = new ArrayList<>();
    while (!t.migrating()) {
      t.prepareGrowth();   // as the store does, before it takes its lock
      Item next = new Item("k" + i++, 0);
      long before = allocatedBytes();
      t.put(next);
      allocatedByPuts.add(allocatedBytes() - before);
    }
    assertThat(t.length()).isEqualTo(2 * length);
    // The write that started the migration zeroed no array: a tenth of the new one's bytes is far above noise.
    assertThat(allocatedByPuts.get(allocatedByPuts.size() - 1)).isLessThan(2L * length / 10);
    assertThat(t.preparedMigrations()).isEqualTo(1);
    assertThat(t.preparedLength()).isZero();
    for (int k = 0; k < i; k++) {
      assertThat(t.get("k" + k)).isEqualTo(new Item("k" + k, 0));
    }
  }

  @Test
  void noArraysArePreparedFarFromTheBoundOrForSmallTables() {
    RecordTable<String, Item> small = table(String::hashCode);
    for (int i = 0; i < 12; i++) {   // 12 of 16 slots: at its bound, but small
      small.put(new Item("k" + i, 0));
    }
    small.prepareGrowth();
    assertThat(small.preparedLength()).isZero();

    RecordTable<String, Item> large = table(String::hashCode);
    int i = 0;
    while (large.length() < RecordTable.PREPARE_FROM_LENGTH || large.migrating()) {
      large.put(new Item("k" + i++, 0));
    }
    large.prepareGrowth();   // just grown: far from its bound
    assertThat(large.preparedLength()).isZero();
    while (large.used() + RecordTable.PREPARE_AHEAD < large.length() * RecordTable.MAX_LOAD_PERCENT / 100) {
      large.put(new Item("k" + i++, 0));
    }
    large.prepareGrowth();
    assertThat(large.preparedLength()).isEqualTo(2 * large.length());
    large.prepareGrowth();   // prepared once, not again
    assertThat(large.preparedLength()).isEqualTo(2 * large.length());
  }

  @Test
  void preparedArraysOfTheWrongLengthAreDroppedNotUsed() {
    RecordTable<String, Item> t = table(String::hashCode);
    int i = 0;
    while (t.length() < RecordTable.PREPARE_FROM_LENGTH || t.migrating()) {
      t.put(new Item("k" + i++, 0));
    }
    int length = t.length();
    while (t.used() + RecordTable.PREPARE_AHEAD < length * RecordTable.MAX_LOAD_PERCENT / 100) {
      t.put(new Item("k" + i++, 0));
    }
    t.prepareGrowth();
    assertThat(t.preparedLength()).isEqualTo(2 * length);
    // Most records go: the migration that the next inserts start shortens the array (tombstones cleared), not doubles.
    for (int k = 0; k < i * 9 / 10; k++) {
      t.remove(new Item("k" + k, 0));
    }
    while (!t.migrating()) {
      t.put(new Item("k" + i++, 0));
    }
    assertThat(t.length()).isLessThan(length);
    assertThat(t.preparedMigrations()).isZero();
    assertThat(t.preparedLength()).as("the unused arrays are not kept").isZero();
    for (int k = i * 9 / 10; k < i; k++) {
      assertThat(t.get("k" + k)).isNotNull();
    }
  }

  private static long allocatedBytes() {
    return ((ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }

  @Test
  void noWriteMovesMoreThanItsShareOfSlots() {
    RecordTable<String, Item> t = table(String::hashCode);
    int[] most = new int[1];
    int[] migrations = new int[1];
    Runnable check = () -> {
      most[0] = Math.max(most[0], t.lastWriteMoves());
      if (t.migrating() && t.moved() == 0) {
        migrations[0]++;
      }
    };
    for (int i = 0; i < 200_000; i++) {
      t.put(new Item("k" + i, 0));
      check.run();
    }
    // 200,000 records in 262,144 slots: 76 %; remove down to just under 60 % and churn: same-length migrations
    for (int i = 0; i < 200_000 - 157_000; i++) {
      t.remove(new Item("k" + i, 0));
      check.run();
    }
    for (int i = 0; i < 300_000; i++) {
      t.put(new Item("c" + i, 0));
      check.run();
      t.remove(new Item("c" + i, 0));
      check.run();
    }
    assertThat(t.length()).isEqualTo(262_144);
    for (int i = 200_000 - 157_000; i < 200_000; i++) {   // empty it, churning so that it halves
      t.remove(new Item("k" + i, 0));
      check.run();
      t.put(new Item("d" + i, 0));
      check.run();
      t.remove(new Item("d" + i, 0));
      check.run();
    }
    // a sixteenth at most a migration: 262,144 → 16,384 → 1,024 → 64 → 16
    for (int i = 0; i < 1_000_000 && t.length() > 16; i++) {
      t.put(new Item("e" + i, 0));
      check.run();
      t.remove(new Item("e" + i, 0));
      check.run();
    }
    assertThat(t.size()).isZero();
    assertThat(t.length()).isEqualTo(16);
    assertThat(migrations[0]).isGreaterThan(20);
    assertThat(most[0]).isEqualTo(RecordTable.MOVES_PER_WRITE);
    assertThat(t.fullRebuilds()).isZero();
  }

  /**
   * One writer inserts, replaces and removes churning keys (through migrations that grow the table and clear its
   * tombstones) and replaces the always-present keys, all on a few probe sequences; readers look the always-present
   * keys up and walk the table, and must find each of them every time, a walk once or, if the key moved during the
   * walk, twice. With one slot moved a write, migrations last long and are overtaken (finished at once).
   */
  @Test
  void concurrentReadersAlwaysFindKeysPresentThroughout() throws InterruptedException {
    stress(RecordTable.MOVES_PER_WRITE);
  }

  @Test
  void concurrentReadersAlwaysFindKeysPresentThroughoutSlowMigrations() throws InterruptedException {
    stress(1);
  }

  private static void stress(int movesPerWrite) throws InterruptedException {
    // The always-present keys on eight probe sequences, which pass through churning records and tombstones; churning
    // keys spread, so that inserts reach empty slots and the table keeps migrating (on eight hashes it seldom did).
    RecordTable<String, Item> t =
        table(key -> key.startsWith("always") ? key.hashCode() & 7 : key.hashCode(), movesPerWrite);
    int present = 16;
    for (int i = 0; i < present; i++) {
      t.put(new Item("always" + i, 0));
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> failure = new AtomicReference<>();
    AtomicInteger migrations = new AtomicInteger();
    long deadline = System.nanoTime() + 20_000_000_000L;   // a bound on a slow machine, not a timing
    int readers = 2;
    CountDownLatch started = new CountDownLatch(readers + 1);
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      boolean walks = r == 1;
      threads.add(new Thread(() -> {
        awaitAll(started);
        long reads = 0;
        while (!done.get() && failure.get() == null && System.nanoTime() < deadline) {
          if (walks) {
            int[] met = new int[present];
            for (Item item : t) {
              if (item.key().startsWith("always")) {
                met[Integer.parseInt(item.key().substring(6))]++;
              }
            }
            for (int i = 0; i < present; i++) {
              if (met[i] < 1 || met[i] > 2) {
                failure.compareAndSet(null, "a walk met always" + i + " " + met[i] + " times");
              }
            }
          } else {
            String key = "always" + (reads % present);
            Item found = t.get(key);
            if (found == null || !found.key().equals(key)) {
              failure.compareAndSet(null, "lookup of " + key + " found " + found);
            }
          }
          reads++;
        }
      }));
    }
    Thread writer = new Thread(() -> {
      awaitAll(started);
      try {
        write(t, present, failure, migrations, deadline);
      } catch (RuntimeException | AssertionError e) {
        failure.compareAndSet(null, "the writer failed: " + e);
      } finally {
        done.set(true);
      }
    });
    threads.add(writer);
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(migrations.get()).isGreaterThan(100);
    for (int i = 0; i < present; i++) {
      assertThat(t.get("always" + i)).isNotNull();
    }
  }

  /** The stress test's writer: bounded by a number of writes, a failure seen and a deadline. */
  private static void write(RecordTable<String, Item> t, int present, AtomicReference<String> failure,
      AtomicInteger migrations, long deadline) {
    SplittableRandom random = new SplittableRandom(7);
    List<String> churn = new ArrayList<>();
    boolean was = false;
    for (int op = 0; op < 400_000 && failure.get() == null && System.nanoTime() < deadline; op++) {
      int choice = random.nextInt(4);
      if (choice == 0) {
        t.put(new Item("always" + random.nextInt(present), op));   // replace in place
      } else if (choice == 1 || churn.size() < 8) {
        String key = "churn" + op;
        t.put(new Item(key, op));
        churn.add(key);
      } else if (choice == 2) {
        t.put(new Item(churn.get(random.nextInt(churn.size())), op));
      } else {
        String key = churn.remove(random.nextInt(churn.size()));
        t.remove(new Item(key, 0));
      }
      if (churn.size() > 300) {   // shrink back now and then, so migrations both grow and clear
        while (churn.size() > 20) {
          t.remove(new Item(churn.remove(churn.size() - 1), 0));
        }
      }
      if (t.migrating() && !was) {
        migrations.incrementAndGet();
      }
      was = t.migrating();
    }
  }

  /** Every thread counts itself in and waits for the others, so that readers run while the writer writes. */
  private static void awaitAll(CountDownLatch started) {
    started.countDown();
    try {
      started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
