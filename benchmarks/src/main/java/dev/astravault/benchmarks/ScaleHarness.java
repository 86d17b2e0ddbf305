package dev.astravault.benchmarks;

import dev.astravault.AstraToken;
import dev.astravault.ManagedToken;
import dev.astravault.TokenManager;
import dev.astravault.AuditSink;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.OrgConfig;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.internal.TimerRearmProbe;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.core.lease.SecretLeaseContainer;
import org.springframework.vault.core.lease.event.SecretLeaseCreatedEvent;
import org.springframework.vault.support.VaultResponse;

/**
 * Fleet-scale measurements on one JVM against a backend with no I/O (issue 15). Modes:
 *
 * <pre>{@code
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.ScaleHarness memory [leases] [nospring]
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.ScaleHarness latency [leases]
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.ScaleHarness burst [leases]
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.ScaleHarness timers [leases]
 * java -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.ScaleHarness issuecpu [issues]
 * java -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.ScaleHarness postcpu [posts] [operations]
 * java -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.ScaleHarness tablewrites [records] [noprepare]
 * }</pre>
 *
 * <ul>
 *   <li>{@code memory} (the default; a bare number also means it): N managed leases on one scheduler thread, with
 *       the expiry sweeper on (every 30 s, the default), against Spring Vault's {@code SecretLeaseContainer} with the
 *       same N leases (30-day renewable secrets from a {@code VaultOperations} stub that answers every read from
 *       memory). Memory is the retained-heap delta after full GCs, divided by N: "engine" is what managing adds on
 *       top of plain issued leases (handle, snapshot, timer), "total" includes the lease record in the in-memory
 *       store. {@code nospring} stops after astra-vault's reading: Spring's like-for-like pass takes about an hour
 *       at 1M.
 *   <li>{@code latency}: issue latency percentiles with N leases in the store, the sweeper off, then on (every
 *       second, so that several sweeps fall inside the measurement).
 *   <li>{@code timers}: N managed leases, then three interleaved rounds of timer re-arms in the engine's timer heap
 *       holding their N timers ({@code TimerRearmProbe}): a postpone (a renewal's re-arm), a random re-arm and a
 *       re-arm earlier than the heap key (a retry's), of a handle just read (as in the engine), the postpone and the
 *       random one of a cold handle too, and the floor under the cold ones. A move earlier is also reported as its
 *       mean over whole sweep cycles of stale entries, the amortised cost.
 *   <li>{@code burst}: N managed leases whose renewals fall due in the same instant (manual clock and scheduler,
 *       the engine's default I/O pool): how long until all are renewed, and how many failed or were rejected.
 *   <li>{@code issuecpu}: N issues on one thread into a fresh manager over {@link LocalBackend}, five rounds: wall
 *       time and the calling thread's CPU time per issue, the garbage-collection time that fell inside the round,
 *       and the backend's own create alone. What {@code IssueNoIoBenchmark} reports as one number, split into what
 *       the caller's thread spends and what the collector spends moving the leases the store keeps.
 *   <li>{@code postcpu}: {@code IssueVsRawPostBenchmark}'s three operations (issue, a raw POST of the same bytes, the
 *       raw POST with the library's call deadline) against its local server, N each per round, interleaved over five
 *       rounds: wall time, the calling thread's CPU time and the whole process's CPU time (server thread, OkHttp's
 *       watchdog, the collector) per operation, and how often Okio's watchdog thread woke (its context switches,
 *       Linux only). On two cores the client's and the server's CPU add up to the wall time, so this shows where an
 *       issue's extra microseconds over the raw POST go. A third argument picks the operations (comma-separated,
 *       e.g. {@code issue} alone, as a JMH fork runs it).
 *   <li>{@code tablewrites}: N lease-id-shaped keys put one by one into the in-memory store's table
 *       ({@code TableWriteProbe}): the longest single put, which is what a write holds the store's lock for while
 *       the table grows, and the longest preparation of a growth, made before the lock ({@code noprepare}: none, so
 *       the put that starts a growth allocates, as before the sixteenth round).
 * </ul>
 */
public final class ScaleHarness {
  private ScaleHarness() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 && !Character.isDigit(args[0].charAt(0)) ? args[0] : "memory";
    String count = args.length > 1 ? args[1] : args.length == 1 && Character.isDigit(args[0].charAt(0)) ? args[0]
        : null;
    int n = count != null ? Integer.parseInt(count.replace("_", "")) : 100_000;
    System.out.printf("mode: %s, leases: %,d%n", mode, n);
    switch (mode) {
      case "memory" -> memory(n, !(args.length > 2 && args[2].equals("nospring")));
      case "latency" -> latency(n);
      case "burst" -> burst(n);
      case "timers" -> timers(n);
      case "issuecpu" -> issueCpu(n);
      case "postcpu" -> postCpu(n, args.length > 2 ? args[2] : "issue,rawPost,rawPostWithDeadline");
      case "tablewrites" -> TableWriteProbe.run(n, !(args.length > 2 && args[2].equals("noprepare")));
      default -> throw new IllegalArgumentException("mode must be memory, latency, burst, timers, issuecpu, "
          + "postcpu or tablewrites: " + mode);
    }
  }

  private static void memory(int n, boolean spring) throws Exception {
    // Plain issued leases: the store's share.
    long base = usedAfterGc();
    TokenManager plainTokens = Managers.local();
    List<AstraToken> issued = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      issued.add(plainTokens.issue(Managers.request()));
    }
    long issuedBytes = usedAfterGc() - base;
    issued.clear();
    plainTokens.close();
    plainTokens = null;

    // Managed leases, all on the manager's one scheduler thread, the sweeper on as in production.
    base = usedAfterGc();
    TokenManager tokens = Managers.local(Duration.ofSeconds(30));
    List<ManagedToken> handles = new ArrayList<>(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      handles.add(tokens.manage(Managers.request()));
    }
    long manageNanos = System.nanoTime() - t0;
    long managedBytes = usedAfterGc() - base;
    System.out.printf("astra-vault: total %,d B/lease (issued lease alone %,d B), engine %,d B/lease; manage() %.1f µs"
        + " each%n", managedBytes / n, issuedBytes / n, (managedBytes - issuedBytes) / n, manageNanos / 1e3 / n);

    tokens.close();
    handles.clear();
    tokens = null;
    if (!spring) {
      return;
    }

    // Spring Vault SecretLeaseContainer, same n, one scheduler thread: first the container alone with a database
    // payload (a short lease id, a shared username and a short password; the container keeps no secret data), then
    // like for like: the payload an astra-vault lease holds (a lease id of the same shape and length, the client id,
    // secret and token of the same sizes), and the application keeping each secret's data map, the least it must
    // keep to use the credential (a managed token keeps its token for current()).
    long springBytes = springBytesPerLease(n, false);
    long springSamePayload = springBytesPerLease(n, true);
    System.out.printf("ratio astra-vault/spring: memory %.2f (container alone), %.2f (like for like)%n",
        (double) managedBytes / n / springBytes, (double) managedBytes / n / springSamePayload);
  }

  private static long springBytesPerLease(int n, boolean astraPayload) throws Exception {
    long base = usedAfterGc();
    ThreadPoolTaskScheduler taskScheduler = new ThreadPoolTaskScheduler();
    taskScheduler.setPoolSize(1);
    taskScheduler.setRemoveOnCancelPolicy(true);
    taskScheduler.setDaemon(true);
    taskScheduler.initialize();
    SecretLeaseContainer container = new SecretLeaseContainer(stubVault(astraPayload), taskScheduler);
    List<Map<String, Object>> kept = new ArrayList<>(astraPayload ? n : 0);
    if (astraPayload) {
      container.addLeaseListener(event -> {
        if (event instanceof SecretLeaseCreatedEvent created) {
          kept.add(created.getSecrets());
        }
      });
    }
    container.afterPropertiesSet();
    container.start();
    long t2 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      container.requestRenewableSecret("database/creds/reader-" + i);
    }
    long springNanos = System.nanoTime() - t2;
    long springBytes = (usedAfterGc() - base) / n;
    if (kept.size() != (astraPayload ? n : 0)) {
      throw new IllegalStateException("the application kept " + kept.size() + " secrets of " + n);
    }
    System.out.printf("spring-vault SecretLeaseContainer (%s): total %,d B/lease; requestRenewableSecret %.1f µs"
        + " each%n", astraPayload ? "same payload, kept by the application" : "container alone, database payload",
        springBytes, springNanos / 1e3 / n);
    container.destroy();
    taskScheduler.shutdown();
    return springBytes;
  }

  private static void timers(int n) throws Exception {
    try (TokenManager tokens = Managers.local(Duration.ofSeconds(30))) {
      List<ManagedToken> handles = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        handles.add(tokens.manage(Managers.request()));
      }
      TimerRearmProbe probe = TimerRearmProbe.over(handles, 4_000_000);
      // Interleaved, so that a noisy moment on a shared machine hits all of them alike.
      System.out.printf("ns per re-arm, %,d armed: postpone hot | random hot | earlier hot (median of 64-re-arm"
          + " batches) | earlier hot, mean with sweeps | postpone cold | random cold | floor: cold touch under the"
          + " lock (CPU time) | earlier hot, mean over whole sweep cycles (cycles)%n", n);
      for (int round = 1; round <= 3; round++) {
        double postponeHot = probe.postponeHot();
        double randomHot = probe.randomHot();
        double earlierHot = probe.earlierHot();
        double earlierMean = probe.lastHotMean();
        double earlierCycles = probe.lastHotCycleMean();
        int cycles = probe.lastHotCycles();
        System.out.printf("round %d: %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f (%d)%n", round, postponeHot,
            randomHot, earlierHot, earlierMean, probe.postponeCold(), probe.randomCold(), probe.touchColdLocked(),
            earlierCycles, cycles);
      }
    }
  }

  private static void latency(int n) throws Exception {
    for (Duration sweep : List.of(Duration.ZERO, Duration.ofSeconds(1))) {
      TokenManager tokens = Managers.local(sweep);
      for (int i = 0; i < n; i++) {
        tokens.issue(Managers.request());
      }
      usedAfterGc();
      // What one sweep does (the scan of expired leases): it used to hold the store's only lock while it ran.
      long sweepMax = 0;
      long sweepSum = 0;
      for (int i = 0; i < 20; i++) {
        long t = System.nanoTime();
        tokens.reapExpired();
        long d = System.nanoTime() - t;
        sweepMax = Math.max(sweepMax, d);
        sweepSum += d;
      }
      System.out.printf("one sweep (reapExpired) with %,d leases stored: mean %.1f µs, max %.1f µs (20 sweeps)%n", n,
          sweepSum / 20 / 1e3, sweepMax / 1e3);
      int warm = 50_000;
      int measured = 300_000;
      long[] nanos = new long[measured];
      for (int i = 0; i < warm + measured; i++) {
        long t = System.nanoTime();
        tokens.issue(Managers.request());
        if (i >= warm) {
          nanos[i - warm] = System.nanoTime() - t;
        }
      }
      Arrays.sort(nanos);
      System.out.printf("issue with %,d leases stored, sweeper %s: p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, "
          + "max %.1f ms (%,d issues)%n", n, sweep.isZero() ? "off" : "every " + sweep.toSeconds() + " s",
          nanos[measured / 2] / 1e3, nanos[measured * 99 / 100] / 1e3, nanos[measured * 999 / 1000] / 1e3,
          nanos[measured - 1] / 1e6, measured);
      tokens.close();
    }
  }

  private static void burst(int n) throws Exception {
    Instant start = Instant.now();
    MutableClock clock = MutableClock.at(start);
    ManualScheduler scheduler = new ManualScheduler(clock);
    OrgConfig org = OrgConfig.builder().orgId(UUID.randomUUID().toString())
        .rootToken("AstraCS:" + "A".repeat(24) + ":" + "0".repeat(64)).url(URI.create("http://127.0.0.1:1"))
        .logicalName(Managers.ORG).build();
    CountDownLatch renewed = new CountDownLatch(n);
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger late = new AtomicInteger();
    Duration ttl = Duration.ofHours(1);
    try (TokenManager tokens = TokenManager.builder().clock(clock).scheduler(scheduler).org(org)
        .backend(ctx -> new LocalBackend(clock)).auditSink(AuditSink.noop()).sweepInterval(Duration.ZERO)
        .revokeManagedOnClose(false).build()) {
      tokens.writeRole(RoleSpec.builder().org(Managers.ORG).name(Managers.ROLE).roleId(UUID.randomUUID().toString())
          .ttl(ttl).maxTtl(Duration.ofHours(24)).build());
      RenewalSettings settings = RenewalSettings.builder().jitter(0).maxWait(Duration.ZERO)
          .listener(ManagedTokenListener.of(e -> {
            if (e instanceof ManagedTokenEvent.Renewed r) {
              if (!r.time().isBefore(start.plus(ttl))) {
                late.incrementAndGet();
              }
              renewed.countDown();
            } else if (e instanceof ManagedTokenEvent.Error) {
              failed.incrementAndGet();
            }
          })).build();
      List<ManagedToken> handles = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        handles.add(tokens.manage(Managers.request(), settings));
      }
      long t0 = System.nanoTime();
      scheduler.advance(Duration.ofMinutes(59));   // every refresh timer falls due in the same instant
      boolean all = renewed.await(10, TimeUnit.MINUTES);
      System.out.printf("burst of %,d renewals due at once: %s in %.2f s; %,d renewed after expiry, %,d failed "
          + "or rejected%n", n, all ? "all renewed" : (n - renewed.getCount()) + " renewed",
          (System.nanoTime() - t0) / 1e9, late.get(), failed.get());
    }
  }

  /**
   * Answers every {@code read(path)} with a renewable lease of 30 days; nothing else is used. The lease must outlast
   * the pass: a pass that ran past a one-hour lease (67 minutes at a million on a loaded machine) had Spring renew
   * its earliest leases through this stub, fail, and drop them, which read as fewer bytes per lease. With
   * {@code astraPayload}, the lease id has astra-vault's shape and length and the data holds an Astra token's client
   * id, secret and token (of {@link LocalBackend#mint}'s sizes); otherwise a database path's lease id and two fields.
   */
  private static VaultOperations stubVault(boolean astraPayload) {
    String org = UUID.randomUUID().toString();
    AtomicLong minted = new AtomicLong();
    return (VaultOperations) Proxy.newProxyInstance(ScaleHarness.class.getClassLoader(),
        new Class<?>[] {VaultOperations.class}, (proxy, method, args) -> {
          if (method.getName().equals("read") && args != null && args.length == 1) {
            VaultResponse response = new VaultResponse();
            response.setRenewable(true);
            response.setLeaseDuration(30 * 24 * 3600);
            if (astraPayload) {
              LocalBackend.Minted m = LocalBackend.mint(minted.incrementAndGet());
              response.setLeaseId("astra/" + org + "/" + Managers.ROLE + "/" + m.clientId());
              response.setData(Map.of("clientId", m.clientId(), "secret", m.secret(), "token", m.token()));
            } else {
              response.setLeaseId(args[0] + "/" + System.nanoTime());
              response.setData(Map.of("username", "v-reader", "password", "p-" + System.nanoTime()));
            }
            return response;
          }
          if (method.getName().equals("toString")) {
            return "stub VaultOperations";
          }
          if (method.getName().equals("hashCode")) {
            return System.identityHashCode(proxy);
          }
          if (method.getName().equals("equals")) {
            return proxy == args[0];
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  private static void issueCpu(int n) {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    java.time.Clock clock = java.time.Clock.systemUTC();
    LocalBackend backend = new LocalBackend(clock);
    OrgConfig org = OrgConfig.builder().orgId(UUID.randomUUID().toString())
        .rootToken("AstraCS:" + "A".repeat(24) + ":" + "0".repeat(64)).url(URI.create("http://127.0.0.1:1"))
        .logicalName(Managers.ORG).build();
    dev.astravault.Role role = new dev.astravault.Role(org.orgId(), Managers.ROLE, UUID.randomUUID().toString(),
        Duration.ofHours(1), Duration.ofHours(24));
    String description = "astra-vault deployment=bench lease=astra/org/reader/id";
    long sink = 0;
    System.out.println("round | wall ns/issue | caller CPU ns/issue | GC ms in round (ns/issue) | backend CPU ns/call");
    for (int round = 1; round <= 5; round++) {
      long wall;
      long cpu;
      long gc;
      try (TokenManager tokens = Managers.local()) {
        dev.astravault.TokenRequest request = Managers.request();
        long gc0 = gcMillis();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          sink += tokens.issue(request).token().length();
        }
        wall = System.nanoTime() - wall0;
        cpu = threads.getCurrentThreadCpuTime() - cpu0;
        gc = gcMillis() - gc0;
      }
      long cpuB0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        sink += backend.create(org, role, description, null).clientId().length();
      }
      long backendCpu = threads.getCurrentThreadCpuTime() - cpuB0;
      System.out.printf("%d | %,d | %,d | %,d (%,d) | %,d%n", round, wall / n, cpu / n, gc, gc * 1_000_000 / n,
          backendCpu / n);
    }
    System.out.println("(checksum " + sink + ")");
  }

  private static void postCpu(int n, String which) throws Exception {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    IssueVsRawPostBenchmark bench = new IssueVsRawPostBenchmark();
    bench.start();
    List<String> all = List.of("issue", "rawPost", "rawPostWithDeadline");
    String[] names = which.split(",");
    for (String name : names) {
      if (!all.contains(name)) {
        throw new IllegalArgumentException("operations are " + all + ": " + name);
      }
    }
    System.out.println("round | operation | wall µs/op | caller CPU µs/op | process CPU µs/op | watchdog wake-ups/op");
    long sink = 0;
    try {
      for (int round = 1; round <= 5; round++) {
        for (int op = 0; op < names.length; op++) {
          bench.openManager();
          long wall0 = System.nanoTime();
          long cpu0 = threads.getCurrentThreadCpuTime();
          long proc0 = os.getProcessCpuTime();
          long wakeups0 = watchdogSwitches();
          for (int i = 0; i < n; i++) {
            sink += switch (names[op]) {
              case "issue" -> bench.issue().token().length();
              case "rawPost" -> bench.rawPost();
              default -> bench.rawPostWithDeadline();
            };
          }
          long wall = System.nanoTime() - wall0;
          long cpu = threads.getCurrentThreadCpuTime() - cpu0;
          long proc = os.getProcessCpuTime() - proc0;
          long wakeups = watchdogSwitches() - wakeups0;
          bench.closeManager();
          System.out.printf("%d | %s | %.1f | %.1f | %.1f | %.2f%n", round, names[op], wall / 1e3 / n, cpu / 1e3 / n,
              proc / 1e3 / n, (double) wakeups / n);
        }
      }
    } finally {
      bench.stop();
    }
    System.out.println("(checksum " + sink + ")");
  }

  /**
   * The context switches of Okio's watchdog thread so far (Linux: {@code /proc/self/task}), 0 elsewhere. The
   * watchdog waits on a condition between timeouts, so each switch is about one wake-up: a signal from a thread that
   * put an entry at the head of Okio's timeout queue, or a timeout that came due.
   */
  private static long watchdogSwitches() throws IOException {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return 0;
    }
    long total = 0;
    try (Stream<Path> all = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) all::iterator) {
        try {
          if (!Files.readString(task.resolve("comm")).strip().equals("Okio Watchdog")) {
            continue;
          }
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
          }
        } catch (NoSuchFileException gone) {
          // the thread ended between the listing and the read
        }
      }
    }
    return total;
  }

  private static long gcMillis() {
    long total = 0;
    for (java.lang.management.GarbageCollectorMXBean gc
        : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
