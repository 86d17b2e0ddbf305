package dev.astravault.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

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
 * present throughout must be found by every concurrent lookup and met exactly once by every concurrent walk, whatever
 * the writer inserts, replaces or removes around it and however often the table is rebuilt meanwhile.
 */
class RecordTableTest {
  /** A record with its key and a version, so a replace is visible. */
  record Item(String key, int version) {}

  private static RecordTable<String, Item> table(ToIntFunction<String> hash) {
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
    });
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
   * A reader that looks while the writer is in the middle of a rebuild (the hook runs in the writer's hash of each
   * record it copies) must find every key, and a walk must meet each once: the array a rebuild fills is published
   * only when full, and the old one is left as it was.
   */
  @Test
  void aReaderInTheMiddleOfARebuildFindsEveryKey() {
    AtomicReference<RecordTable<String, Item>> holder = new AtomicReference<>();
    List<String> present = new ArrayList<>();
    AtomicInteger looks = new AtomicInteger();
    AtomicBoolean looking = new AtomicBoolean();
    RecordTable<String, Item> t = table(key -> {
      RecordTable<String, Item> table = holder.get();
      if (table != null && looking.compareAndSet(false, true)) {   // not for the looks' own hashes
        looks.incrementAndGet();
        List<String> walked = new ArrayList<>();
        table.forEach(item -> walked.add(item.key()));
        for (String p : present) {
          assertThat(table.get(p)).as("lookup of %s", p).isNotNull();
          assertThat(walked).as("walk").containsOnlyOnce(p);
        }
        looking.set(false);
      }
      return key.hashCode();
    });
    for (int i = 0; i < 40; i++) {   // through rebuilds at 13, 26 and 52 records: 16 → 32 → 64 slots
      holder.set(t);
      Item item = new Item("k" + i, i);
      t.put(item);
      present.add(item.key());
    }
    assertThat(t.length()).isEqualTo(64);
    assertThat(looks.get()).isGreaterThan(40);
  }

  /**
   * One writer inserts, replaces and removes churning keys (through rebuilds that grow the table and clear its
   * tombstones) and replaces the always-present keys, all on a few probe sequences; readers look the always-present
   * keys up and walk the table, and must find each of them every time, a walk exactly once.
   */
  @Test
  void concurrentReadersAlwaysFindKeysPresentThroughout() throws InterruptedException {
    RecordTable<String, Item> t = table(key -> key.hashCode() & 7);   // eight hashes: chains through tombstones
    int present = 16;
    for (int i = 0; i < present; i++) {
      t.put(new Item("always" + i, 0));
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> failure = new AtomicReference<>();
    int readers = 2;
    CountDownLatch started = new CountDownLatch(readers + 1);
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      boolean walks = r == 1;
      threads.add(new Thread(() -> {
        awaitAll(started);
        long reads = 0;
        while (!done.get() && failure.get() == null) {
          if (walks) {
            int[] met = new int[present];
            for (Item item : t) {
              if (item.key().startsWith("always")) {
                met[Integer.parseInt(item.key().substring(6))]++;
              }
            }
            for (int i = 0; i < present; i++) {
              if (met[i] != 1) {
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
      SplittableRandom random = new SplittableRandom(7);
      List<String> churn = new ArrayList<>();
      for (int op = 0; op < 400_000 && failure.get() == null; op++) {
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
        if (churn.size() > 300) {   // shrink back now and then, so rebuilds both grow and clear
          while (churn.size() > 20) {
            t.remove(new Item(churn.remove(churn.size() - 1), 0));
          }
        }
      }
      done.set(true);
    });
    threads.add(writer);
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failure.get()).isNull();
    for (int i = 0; i < present; i++) {
      assertThat(t.get("always" + i)).isNotNull();
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
