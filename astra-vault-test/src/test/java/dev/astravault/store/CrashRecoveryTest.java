package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.TokenManager;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.IssuedToken;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordedCall;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM ({@link CrashChild}) with SIGKILL {@value #RUNS} times at random points of the whole life of a
 * token: inside an issue (unique, per-request, short-lived), a renew, a revoke, the managed handle's rotation and the
 * expiry sweeper, and every fourth run inside the window between Astra's POST and the store's commit. After each
 * kill it restarts on the same SQLite file, runs one recovery pass, and checks that nothing is orphaned: every live
 * token in FakeAstra has a record and every record's token is live, no lease past expiry is left, and every token ever
 * created is either live with a record or revoked.
 *
 * <p>Kill points: the parent waits for the child's {@code BEGIN <kind>} line of a chosen kind, then lets a random
 * 0-15 ms pass before the kill, so the kill lands at a random point inside (or just after) that operation. Waiting
 * on another process is the one place this suite uses wall time: no clock of ours drives the child. The next child
 * JVM is started while the current one runs, so start-up is off the critical path.
 */
class CrashRecoveryTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  private static final int RUNS = 42;

  @TempDir Path dir;

  @Test
  void nothingIsOrphanedAfterSigkillAtRandomPointsOfATokensLife() throws Exception {
    EncryptionKey key = EncryptionKey.generate();
    Path db = dir.resolve("crash.db");
    Random random = new Random(20261205L);
    Map<String, Integer> killedInside = new java.util.TreeMap<>();
    int windowKills = 0;
    Child next = startChild(db, key, random.nextLong());
    for (int run = 0; run < RUNS; run++) {
      Child child = next;
      next = startChild(db, key, random.nextLong());
      child.go();
      boolean inWindow = run % 4 == 3;
      if (inWindow) {
        child.awaitLine("OP ", 1);
        // The next create is carried out at once but answered late: kill while the child waits for the answer.
        int posts = astra.requestCount("POST", "/v2/clientIdSecrets");
        astra.fault(Endpoint.CREATE_TOKEN).delay(Duration.ofSeconds(60));
        awaitCondition(child.process, () -> astra.pendingFaults(Endpoint.CREATE_TOKEN) == 0
            && astra.requestCount("POST", "/v2/clientIdSecrets") > posts);
        windowKills++;
      } else {
        String target = CrashChild.KINDS.get(run % CrashChild.KINDS.size());
        child.awaitLine("BEGIN " + target, 1 + random.nextInt(2));
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(15_000)));
      }
      child.process.destroyForcibly(); // SIGKILL
      assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      child.drain().ifPresent(kind -> killedInside.merge(kind, 1, Integer::sum));
      if (inWindow) {
        // The crash left a write-ahead record whose token exists in Astra: recovery must settle it.
        try (JdbcLeaseStore peek = JdbcLeaseStore.sqlite(db, KeyProvider.of(key))) {
          assertThat(peek.list("")).anyMatch(r -> r.state() == LeaseState.PENDING);
        }
      }
      recoverAndCheck(db, key, run);
      if (run == RUNS - 1) {
        next.process.destroyForcibly();
      }
    }
    System.out.println("CrashRecoveryTest: " + RUNS + " kills; mid-operation kills by kind " + killedInside
        + "; in the POST-commit window " + windowKills);
    assertThat(windowKills).isGreaterThanOrEqualTo(10);
    // Kills landed inside every kind of operation, not only between them.
    assertThat(killedInside.keySet()).as("kinds killed mid-operation: %s", killedInside)
        .containsAll(CrashChild.KINDS);
  }

  private void recoverAndCheck(Path db, EncryptionKey key, int run) {
    // A restart a few seconds later, with bounds at zero: the child is dead, so all its claims are stale.
    MutableClock clock = MutableClock.at(Instant.now().plusSeconds(5));
    try (JdbcLeaseStore store = JdbcLeaseStore.sqlite(db, KeyProvider.of(key));
        TokenManager tokens = TokenManager.builder().leaseStore(store).clock(clock)
            .scheduler(new ManualScheduler(clock)).auditSink(e -> {}).sweepInterval(Duration.ZERO)
            .recoveryInterval(Duration.ZERO).pendingSettleAfter(Duration.ZERO).revokingStaleAfter(Duration.ZERO)
            .build()) {
      List<LeaseRecord> records = store.list("");
      Map<String, LeaseRecord> byClient = records.stream()
          .collect(Collectors.toMap(r -> r.clientId().orElseThrow(), Function.identity()));
      List<IssuedToken> live = astra.liveTokens();
      String at = "after run " + run;

      assertThat(records).as(at).allSatisfy(r -> {
        assertThat(r.state()).isEqualTo(LeaseState.ACTIVE);
        assertThat(r.expiresAt()).isAfter(clock.instant());
        assertThat(r.secret()).isPresent();
      });
      assertThat(live).as(at + ": every live token has a record").allSatisfy(t ->
          assertThat(byClient).containsKey(t.clientId()));
      assertThat(byClient.keySet()).as(at + ": every record's token is live")
          .isEqualTo(live.stream().map(IssuedToken::clientId).collect(Collectors.toSet()));
      assertThat(astra.expiredTokens()).as(at).isEmpty();

      Set<String> created = astra.requests().stream()
          .filter(c -> c.endpoint().orElse(null) == Endpoint.CREATE_TOKEN)
          .filter(c -> c.response().map(r -> r.status() == 200).orElse(false))
          .map(CrashRecoveryTest::clientIdOf).collect(Collectors.toSet());
      Set<String> accounted = new java.util.HashSet<>(byClient.keySet());
      astra.revokedTokens().forEach(t -> accounted.add(t.clientId()));
      assertThat(accounted).as(at + ": every created token is live with a record, or revoked").isEqualTo(created);
    }
  }

  private static String clientIdOf(RecordedCall call) {
    String body = call.response().orElseThrow().body();
    int i = body.indexOf("\"clientId\":\"") + 12;
    return body.substring(i, body.indexOf('"', i));
  }

  /** A child JVM and the lines it printed. */
  private static final class Child {
    final Process process;
    final BlockingQueue<String> lines;
    private @org.jspecify.annotations.Nullable String lastBegin;
    private final StringBuilder other = new StringBuilder();

    private final Thread reader;

    Child(Process process) {
      this.process = process;
      this.lines = new LinkedBlockingQueue<>();
      this.reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (IOException ignored) {
          // The child was killed.
        }
      }, "crash-child-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void go() throws IOException, InterruptedException {
      awaitLine("READY", 1);
      process.getOutputStream().write("GO\n".getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    /** Waits until {@code count} lines starting with {@code prefix} were printed. */
    void awaitLine(String prefix, int count) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int seen = 0;
      while (seen < count) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line == null && process.isAlive() && System.nanoTime() < deadline) {
          continue;
        }
        if (line == null) {
          throw new AssertionError("the child printed no '" + prefix + "' within 60 s (alive=" + process.isAlive()
              + "):\n" + other);
        }
        note(line);
        if (line.startsWith(prefix)) {
          seen++;
        }
        if (line.contains("Exception") && !line.startsWith("ERR ")) {
          other.append(line).append('\n');
        }
      }
    }

    /** After the kill: the kind of the operation that had begun and not finished, if any. */
    java.util.Optional<String> drain() throws InterruptedException {
      reader.join(TimeUnit.SECONDS.toMillis(30)); // it ends at EOF, once the killed child's pipe closes
      for (String line; (line = lines.poll()) != null; ) {
        note(line);
      }
      return java.util.Optional.ofNullable(lastBegin);
    }

    private void note(String line) {
      if (line.startsWith("BEGIN ")) {
        lastBegin = line.substring(6);
      } else if (line.startsWith("OP ")) {
        lastBegin = null;
      }
    }
  }

  private Child startChild(Path db, EncryptionKey key, long seed) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        CrashChild.class.getName(), astra.url().toString(),
        astra.defaultOrg().orgId(), astra.defaultOrg().rootToken(), astra.roleId("API RO Svc Acct"),
        db.toString(), Long.toString(seed));
    pb.environment().put("ASTRA_VAULT_KEY", key.toBase64());
    pb.redirectErrorStream(true);
    return new Child(pb.start());
  }

  private static void awaitCondition(Process child, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // Waiting on another process: poll briefly (no clock in the test can be advanced for it).
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline || !child.isAlive()) {
        throw new AssertionError("the child never reached the create window (alive=" + child.isAlive() + ")");
      }
      Thread.sleep(5);
    }
  }
}
