package dev.astravault.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's expiry index: sorted leaves in a skip list, one writer, lock-free readers. Besides the plain
 * operations (order, splits, the new last leaf, removal), a record present throughout a walk must be met by it
 * whatever the writer adds, moves (two phases, as the store's reindex does) or removes around it, and however often
 * leaves split or empty meanwhile.
 */
class ExpiryLeavesTest {
  private static final Instant T0 = Instant.parse("2026-12-06T00:00:00Z");
  private static final Instant END = Instant.MAX;

  /** A record with its time (seconds after T0), its id, and a version so an older record of the same entry shows. */
  record Item(long time, String id, int version) {
    Item(long time, String id) {
      this(time, id, 0);
    }
  }

  private static final Comparator<Item> MODEL_ORDER = Comparator.comparingLong(Item::time).thenComparing(Item::id);

  static final ExpiryLeaves.Order<Item> ORDER = new ExpiryLeaves.Order<>() {
    @Override
    public int compare(Item a, Item b) {
      return MODEL_ORDER.compare(a, b);
    }

    @Override
    public Instant time(Item record) {
      return T0.plusSeconds(record.time());
    }

    @Override
    public String id(Item record) {
      return record.id();
    }
  };

  private static List<Item> all(ExpiryLeaves<Item> leaves) {
    return before(leaves, END);
  }

  private static List<Item> before(ExpiryLeaves<Item> leaves, Instant instant) {
    List<Item> out = new ArrayList<>();
    leaves.forEachBefore(instant, out::add);
    return out;
  }

  /**
   * A write's searches compare the record's id in place ({@code compareId}): {@code id} is asked only for the keys of
   * leaves it makes (a split's upper half, a new last leaf), so a store whose records keep their ids in parts makes
   * no id string per add or remove.
   */
  @Test
  void writesAskForAnIdOnlyForTheLeafKeysTheyMake() {
    int[] made = new int[1];
    ExpiryLeaves.Order<Item> counting = new ExpiryLeaves.Order<Item>() {   // no diamond: see compareId
      @Override
      public int compare(Item a, Item b) {
        return MODEL_ORDER.compare(a, b);
      }

      @Override
      public Instant time(Item record) {
        return T0.plusSeconds(record.time());
      }

      @Override
      public String id(Item record) {
        made[0]++;
        return record.id();
      }

      // No @Override: this test also compiles against the interface without it, and then fails on the count.
      public int compareId(Item record, String id) {
        return record.id().compareTo(id);
      }
    };
    ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(counting, 4);
    SplittableRandom random = new SplittableRandom(7);
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      items.add(new Item(random.nextInt(3), "id-" + random.nextInt(1_000_000), 0));   // many of one time: ids decide
    }
    int added = 0;
    for (Item item : items) {
      added += leaves.add(item) ? 1 : 0;
    }
    int leafKeys = leaves.leafSizes().length - 1;   // FIRST's id is no record's
    assertThat(made[0]).as("ids made by %d adds", added).isLessThanOrEqualTo(added / 2 + 1);
    assertThat(all(leaves)).isEqualTo(items.stream().distinct().sorted(MODEL_ORDER).toList());
    made[0] = 0;
    for (Item item : items) {
      leaves.remove(item);
    }
    assertThat(made[0]).as("ids made by removes").isZero();
    assertThat(all(leaves)).isEmpty();
    assertThat(leafKeys).isPositive();
  }

  @Test
  void walksByTimeThenIdAndStopsBeforeTheInstant() {
    ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(ORDER, 4);
    List<Item> items = List.of(new Item(5, "b"), new Item(1, "z"), new Item(5, "a"), new Item(3, "m"),
        new Item(5, "c"), new Item(-2, "q"), new Item(9, "a"));
    items.forEach(i -> assertThat(leaves.add(i)).isTrue());
    assertThat(all(leaves)).containsExactly(new Item(-2, "q"), new Item(1, "z"), new Item(3, "m"), new Item(5, "a"),
        new Item(5, "b"), new Item(5, "c"), new Item(9, "a"));
    assertThat(before(leaves, T0.plusSeconds(5))).extracting(Item::id).containsExactly("q", "z", "m");
    assertThat(before(leaves, T0.plusSeconds(5).plusNanos(1))).hasSize(6);
    assertThat(before(leaves, T0.minusSeconds(2))).isEmpty();
    assertThat(leaves.size()).isEqualTo(7);
  }

  @Test
  void aSecondRecordOfTheSameTimeAndIdIsNotAddedAndRemovesTheHeldOne() {
    ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(ORDER);
    assertThat(leaves.add(new Item(1, "a", 0))).isTrue();
    assertThat(leaves.add(new Item(1, "a", 1))).isFalse();
    assertThat(all(leaves)).containsExactly(new Item(1, "a", 0));   // the held one stays
    assertThat(leaves.remove(new Item(1, "a", 7))).isTrue();
    assertThat(all(leaves)).isEmpty();
    assertThat(leaves.size()).isZero();
  }

  @Test
  void removingAnAbsentRecordChangesNothing() {
    ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(ORDER, 4);
    for (int i = 0; i < 10; i++) {
      leaves.add(new Item(i, "x"));
    }
    int[] sizes = leaves.leafSizes();
    assertThat(leaves.remove(new Item(3, "y"))).isFalse();
    assertThat(leaves.remove(new Item(100, "x"))).isFalse();
    assertThat(leaves.remove(new Item(-1, "x"))).isFalse();
    assertThat(leaves.leafSizes()).containsExactly(sizes);
    assertThat(leaves.size()).isEqualTo(10);
    assertThat(new ExpiryLeaves<>(ORDER).remove(new Item(1, "a"))).isFalse();
  }

  @Test
  void recordsAddedInOrderFillWholeLeavesOneAfterAnother() {
    ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(ORDER, 4);
    for (int i = 0; i < 10; i++) {
      leaves.add(new Item(i, "x"));
    }
    // The first leaf (below every record) fills, then each record past the end of a full last leaf starts one.
    assertThat(leaves.leafSizes()).containsExactly(4, 4, 2);
    ExpiryLeaves<Item> burst = new ExpiryLeaves<>(ORDER);
    for (int i = 0; i < 100_000; i++) {
      burst.add(new Item(7, String.format("lease-%06d", i)));   // one second, ids in order
    }
    assertThat(burst.leafSizes()).hasSize((100_000 + 63) / 64);
    assertThat(Arrays.stream(burst.leafSizes()).max().orElseThrow()).isEqualTo(ExpiryLeaves.LEAF);
  }

  @Test
  void aFullLeafSplitsInHalvesWhenTheRecordGoesInsideIt() {
    ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(ORDER, 4);
    for (int i = 0; i < 4; i++) {
      leaves.add(new Item(i * 10, "x"));
    }
    leaves.add(new Item(15, "x"));   // inside the full first leaf
    assertThat(leaves.leafSizes()).containsExactly(2, 3);
    assertThat(all(leaves)).extracting(Item::time).containsExactly(0L, 10L, 15L, 20L, 30L);
    leaves.add(new Item(5, "x"));
    leaves.add(new Item(6, "x"));
    leaves.add(new Item(7, "x"));   // the first leaf full again: splits before the second leaf
    assertThat(leaves.leafSizes()).containsExactly(2, 3, 3);
    assertThat(all(leaves)).extracting(Item::time).containsExactly(0L, 5L, 6L, 7L, 10L, 15L, 20L, 30L);
    leaves.add(new Item(8, "x"));
    leaves.add(new Item(11, "x"));   // after the end of a full leaf that is not the last: a split too
    assertThat(leaves.leafSizes()).containsExactly(2, 2, 3, 3);
    assertThat(all(leaves)).extracting(Item::time).containsExactly(0L, 5L, 6L, 7L, 8L, 10L, 11L, 15L, 20L, 30L);
  }

  @Test
  void aLeafThatEmptiesLeavesButTheFirstStays() {
    ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(ORDER, 2);
    for (int i = 0; i < 6; i++) {
      leaves.add(new Item(i, "x"));
    }
    assertThat(leaves.leafSizes()).containsExactly(2, 2, 2);
    leaves.remove(new Item(2, "x"));
    leaves.remove(new Item(3, "x"));
    assertThat(leaves.leafSizes()).containsExactly(2, 2);
    leaves.remove(new Item(0, "x"));
    leaves.remove(new Item(1, "x"));
    assertThat(leaves.leafSizes()).containsExactly(0, 2);
    leaves.add(new Item(2, "x"));   // its range now belongs to the first leaf
    assertThat(leaves.leafSizes()).containsExactly(1, 2);
    assertThat(all(leaves)).extracting(Item::time).containsExactly(2L, 4L, 5L);
    assertThatThrownBy(() -> new ExpiryLeaves<>(ORDER, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }

  @Test
  void randomAddsAndRemovesMatchASortedSet() {
    SplittableRandom random = new SplittableRandom(15);
    for (int capacity : new int[] {2, 3, 8, ExpiryLeaves.LEAF}) {
      ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(ORDER, capacity);
      TreeSet<Item> model = new TreeSet<>(MODEL_ORDER);
      for (int op = 0; op < 30_000; op++) {
        // Mostly growing times, like expiries, with some at random and some repeated.
        long time = random.nextInt(4) == 0 ? random.nextInt(op + 1) : op / 3;
        Item item = new Item(time, "id" + random.nextInt(20));
        if (random.nextInt(5) < 3) {
          assertThat(leaves.add(item)).isEqualTo(model.add(item));
        } else {
          Item held = model.isEmpty() || random.nextBoolean() ? item : model.ceiling(item);
          if (held == null) {
            held = model.first();
          }
          assertThat(leaves.remove(held)).isEqualTo(model.remove(held));
        }
        if (op % 1_000 == 999) {
          Instant t = T0.plusSeconds(random.nextInt(op / 3 + 1));
          assertThat(before(leaves, t)).containsExactlyElementsOf(model.headSet(new Item(
              Duration.between(T0, t).getSeconds(), ""), false));
          assertThat(Arrays.stream(leaves.leafSizes()).max().orElseThrow()).isLessThanOrEqualTo(capacity);
        }
      }
      assertThat(all(leaves)).containsExactlyElementsOf(model);
      assertThat(leaves.size()).isEqualTo(model.size());
      assertThat(Arrays.stream(leaves.leafSizes()).sum()).isEqualTo(model.size());
    }
  }

  /**
   * One writer adds and removes churning records around always-present ones (leaves of four records, so leaves
   * split and empty all the time) and moves the always-present ones to later times in two phases (the new entry
   * added, then the old removed, as the store's reindex does around its lease-table write); readers walk and must
   * meet every always-present id each time. Splitting the other way round (lower half first) fails this.
   */
  @Test
  void concurrentWalksMeetEveryRecordPresentThroughout() throws InterruptedException {
    ExpiryLeaves<Item> leaves = new ExpiryLeaves<>(ORDER, 4);
    int present = 32;
    Item[] always = new Item[present];
    for (int i = 0; i < present; i++) {
      always[i] = new Item(i * 8L, "always" + i);
      leaves.add(always[i]);
    }
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> failure = new AtomicReference<>();
    int readers = 2;
    CountDownLatch started = new CountDownLatch(readers + 1);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int r = 0; r < readers; r++) {
      threads.add(new Thread(() -> {
        awaitAll(started);
        while (!done.get() && failure.get() == null) {
          Set<String> met = new HashSet<>();
          leaves.forEachBefore(END, item -> {
            met.add(item.id());
            return true;
          });
          for (int i = 0; i < present; i++) {
            if (!met.contains("always" + i)) {
              failure.compareAndSet(null, "a walk missed always" + i);
            }
          }
        }
      }));
    }
    Thread writer = new Thread(() -> {
      awaitAll(started);
      SplittableRandom random = new SplittableRandom(7);
      List<Item> churn = new ArrayList<>();
      for (int op = 0; op < 600_000 && failure.get() == null && System.nanoTime() < deadline; op++) {
        int choice = random.nextInt(4);
        if (choice == 0) {
          int i = random.nextInt(present);
          Item moved = new Item(always[i].time() + 1 + random.nextInt(8), always[i].id(), op);
          leaves.add(moved);
          leaves.remove(always[i]);
          always[i] = moved;
        } else if (choice == 1 || churn.size() < 16) {
          Item item = new Item(random.nextInt(present * 8 + op / 8), "churn" + op);
          leaves.add(item);
          churn.add(item);
        } else {
          leaves.remove(churn.remove(random.nextInt(churn.size())));
        }
        if (churn.size() > 400) {   // drop back now and then, so leaves also empty and leave
          while (churn.size() > 20) {
            leaves.remove(churn.remove(churn.size() - 1));
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
    assertThat(all(leaves)).contains(always);
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
