package dev.astravault.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Why P2's unpinned reading differs from its pinned one (issue 15): for one side of
 * {@link IssueVsRawPostBenchmark} at a time, the mean time of a call, the calling thread's CPU time, and how often
 * that thread was switched out, voluntarily (it blocked, as in a socket read that had to wait) or not (something
 * else ran on its CPU, such as the local server's thread woken by the request). Linux only: it reads
 * {@code /proc/self/task/<tid>/status}.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.WakeupProbe issue|raw [calls] [spinNanos]
 * }</pre>
 *
 * Eight rounds of {@code calls} (30,000 by default); the first four warm up. {@code spinNanos} spins the calling
 * thread after each call, as {@code rawPostThenSpin} does.
 */
public final class WakeupProbe {
  private WakeupProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || !(args[0].equals("issue") || args[0].equals("raw"))) {
      System.err.println("usage: WakeupProbe issue|raw [calls] [spinNanos]");
      System.exit(2);
    }
    boolean issue = args[0].equals("issue");
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
    long spinNanos = args.length > 2 ? Long.parseLong(args[2]) : 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // The calling thread's own status file: /proc/thread-self resolves to /proc/<pid>/task/<tid>.
    Path self = Path.of("/proc/thread-self").toRealPath().resolve("status");
    IssueVsRawPostBenchmark sides = new IssueVsRawPostBenchmark();
    sides.start();
    try {
      for (int round = 0; round < 8; round++) {
        sides.openManager();
        Map<String, Long> before = switches(self);
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          if (issue) {
            sides.issue();
          } else {
            sides.rawPost();
          }
          long end = System.nanoTime() + spinNanos;
          while (spinNanos > 0 && System.nanoTime() < end) {
            Thread.onSpinWait();
          }
        }
        long elapsed = System.nanoTime() - start;
        long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
        Map<String, Long> after = switches(self);
        sides.closeManager();
        System.out.printf("%s round %d%s: %.1f µs a call, caller CPU %.1f µs, blocked %.2f, preempted %.2f a call%n",
            args[0], round, round < 4 ? " (warm-up)" : "", elapsed / 1e3 / calls, cpu / 1e3 / calls,
            perCall(before, after, "voluntary_ctxt_switches", calls),
            perCall(before, after, "nonvoluntary_ctxt_switches", calls));
      }
    } finally {
      sides.stop();
    }
  }

  private static double perCall(Map<String, Long> before, Map<String, Long> after, String key, int calls) {
    return (after.get(key) - before.get(key)) / (double) calls;
  }

  private static Map<String, Long> switches(Path status) throws IOException {
    Map<String, Long> counts = new HashMap<>();
    for (String line : Files.readAllLines(status)) {
      int colon = line.indexOf(':');
      if (line.contains("ctxt_switches:")) {
        counts.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1).trim()));
      }
    }
    if (counts.size() != 2) {
      throw new NoSuchFileException(status.toString(), null, "no context-switch counts");
    }
    return counts;
  }
}
