package dev.astravault.benchmarks;

import dev.astravault.AstraToken;
import dev.astravault.ManagedToken;
import dev.astravault.Scheduler;
import dev.astravault.TokenManager;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.core.lease.SecretLeaseContainer;
import org.springframework.vault.support.VaultResponse;

/**
 * Keeps N leases (default 100,000) on one scheduler thread against a backend with no I/O delay, and reports memory
 * per lease and the cost of a reschedule (cancel + schedule on a heap already holding N timers): first for
 * astra-vault managed tokens, then for Spring Vault's {@code SecretLeaseContainer} with the same N leases (one-hour
 * renewable secrets from a {@code VaultOperations} stub that answers every read from memory).
 *
 * <pre>{@code java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.ScaleHarness [leases]}</pre>
 *
 * Memory is the retained-heap delta after full GCs, divided by N: "engine" is what managing adds on top of plain
 * issued leases (handle, snapshot, timer), "total" includes the lease record in the in-memory store.
 */
public final class ScaleHarness {
  private ScaleHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    System.out.printf("leases: %,d%n", n);

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

    // Managed leases, all on the manager's one scheduler thread.
    base = usedAfterGc();
    TokenManager tokens = Managers.local();
    List<ManagedToken> handles = new ArrayList<>(n);
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      handles.add(tokens.manage(Managers.request()));
    }
    long manageNanos = System.nanoTime() - t0;
    long managedBytes = usedAfterGc() - base;
    System.out.printf("astra-vault: total %,d B/lease (issued lease alone %,d B), engine %,d B/lease; manage() %.1f µs"
        + " each%n", managedBytes / n, issuedBytes / n, (managedBytes - issuedBytes) / n, manageNanos / 1e3 / n);

    // Reschedule cost on the engine's scheduler (a one-thread delay heap) holding n timers: what every re-arm pays.
    Scheduler scheduler = Scheduler.singleThread("harness");
    List<Scheduler.Task> timers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      timers.add(scheduler.schedule(() -> { }, Duration.ofHours(1).plusMillis(i)));
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      timers.get(i).cancel();
      timers.set(i, scheduler.schedule(() -> { }, Duration.ofHours(2).plusMillis(i)));
    }
    double ours = (System.nanoTime() - t1) / 1e3 / n;
    System.out.printf("astra-vault: cancel+schedule with %,d pending: %.2f µs%n", n, ours);
    timers.forEach(Scheduler.Task::cancel);
    tokens.close();
    handles.clear();
    tokens = null;

    // Spring Vault SecretLeaseContainer, same n, one scheduler thread.
    base = usedAfterGc();
    ThreadPoolTaskScheduler taskScheduler = new ThreadPoolTaskScheduler();
    taskScheduler.setPoolSize(1);
    taskScheduler.setRemoveOnCancelPolicy(true);
    taskScheduler.setDaemon(true);
    taskScheduler.initialize();
    SecretLeaseContainer container = new SecretLeaseContainer(stubVault(), taskScheduler);
    container.afterPropertiesSet();
    container.start();
    long t2 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      container.requestRenewableSecret("database/creds/reader-" + i);
    }
    long springNanos = System.nanoTime() - t2;
    long springBytes = usedAfterGc() - base;
    System.out.printf("spring-vault SecretLeaseContainer: total %,d B/lease; requestRenewableSecret %.1f µs each%n",
        springBytes / n, springNanos / 1e3 / n);
    List<java.util.concurrent.ScheduledFuture<?>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      futures.add(taskScheduler.schedule(() -> { }, java.time.Instant.now().plus(Duration.ofHours(1)).plusMillis(i)));
    }
    long t3 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      futures.get(i).cancel(false);
      futures.set(i, taskScheduler.schedule(() -> { },
          java.time.Instant.now().plus(Duration.ofHours(2)).plusMillis(i)));
    }
    double spring = (System.nanoTime() - t3) / 1e3 / n;
    System.out.printf("spring-vault ThreadPoolTaskScheduler: cancel+schedule with %,d pending: %.2f µs%n", 2 * n,
        spring);
    System.out.printf("ratio astra-vault/spring: memory %.2f, reschedule %.2f%n",
        (double) managedBytes / springBytes, ours / spring);
    container.destroy();
    taskScheduler.shutdown();
  }

  /** Answers every {@code read(path)} with a one-hour renewable lease and two fields; nothing else is used. */
  private static VaultOperations stubVault() {
    return (VaultOperations) Proxy.newProxyInstance(ScaleHarness.class.getClassLoader(),
        new Class<?>[] {VaultOperations.class}, (proxy, method, args) -> {
          if (method.getName().equals("read") && args != null && args.length == 1) {
            VaultResponse response = new VaultResponse();
            response.setLeaseId(args[0] + "/" + System.nanoTime());
            response.setRenewable(true);
            response.setLeaseDuration(3600);
            response.setData(Map.of("username", "v-reader", "password", "p-" + System.nanoTime()));
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
