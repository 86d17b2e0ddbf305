package dev.astravault.benchmarks;

import dev.astravault.internal.store.RecordTable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.UUID;

/**
 * The longest single write into the in-memory store's table ({@link RecordTable}) as it grows to N records, which is
 * what a write holds the store's write lock for: each put is timed alone (wall and this thread's CPU), with
 * {@link RecordTable#prepareGrowth} called before it and timed apart, as the store calls it before taking its lock
 * (or, for comparison, not called).
 * Keys have the shape of lease ids (a shared 50-character prefix, then a unique tail).
 */
final class TableWriteProbe {
  private static final String PREFIX = "astra/creds/org-" + UUID.randomUUID() + "/reader/";

  private TableWriteProbe() {}

  /**
   * @param prepare whether to call {@link RecordTable#prepareGrowth} before each put, as the store does; without it
   *     the put that starts a migration allocates its arrays, as before the sixteenth round
   */
  static void run(int n, boolean prepare) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    RecordTable<String, String> table = new RecordTable<>(new Keys());
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      keys[i] = PREFIX + Integer.toString(i, 36);
    }
    long longestPut = 0;
    long longestPutCpu = 0;
    int longestAt = -1;
    long longestPrepare = 0;
    int longestPrepareAt = -1;
    for (int i = 0; i < n; i++) {
      long p0 = System.nanoTime();
      if (prepare) {
        table.prepareGrowth();
      }
      long prepared = System.nanoTime() - p0;
      if (prepared > longestPrepare) {
        longestPrepare = prepared;
        longestPrepareAt = i;
      }
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      table.put(keys[i]);
      long wall = System.nanoTime() - t0;
      long cpu = threads.getCurrentThreadCpuTime() - c0;
      if (wall > longestPut) {
        longestPut = wall;
        longestPutCpu = cpu;
        longestAt = i;
      }
    }
    // Wall time includes collections and a descheduled thread; CPU time is the put's own work.
    System.out.printf("table writes (%s): longest put %.3f ms wall (%.3f ms CPU) at put %,d; longest prepareGrowth"
        + " (outside the lock) %.3f ms wall at put %,d; %,d records%n", prepare ? "prepared" : "not prepared",
        longestPut / 1e6, longestPutCpu / 1e6, longestAt, longestPrepare / 1e6, longestPrepareAt, table.size());
  }

  /** Keys are the records themselves, as a lease id is a record's. */
  private static final class Keys implements RecordTable.Keys<String, String> {
    @Override
    public int hash(String key) {
      return key.hashCode();
    }

    @Override
    public int hashOf(String record) {
      return record.hashCode();
    }

    @Override
    public boolean hasKey(String record, String key) {
      return record.equals(key);
    }

    @Override
    public boolean sameKey(String a, String b) {
      return a.equals(b);
    }
  }
}
