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
 * Kills a child JVM that issues and revokes tokens with SIGKILL at 24 points (every third run inside the window
 * between Astra's POST and the store's commit), restarts on the same SQLite file, runs one recovery pass, and checks
 * that nothing is orphaned: every live token in FakeAstra has a record, no lease past expiry is live, every token
 * ever created is either live with a record or revoked.
 */
class CrashRecoveryTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  private static final int RUNS = 24;

  @TempDir Path dir;

  @Test
  void nothingIsOrphanedAfterSigkillAtRandomPoints() throws Exception {
    EncryptionKey key = EncryptionKey.generate();
    Path db = dir.resolve("crash.db");
    Random random = new Random(20260301L);
    int windowKills = 0;
    for (int run = 0; run < RUNS; run++) {
      boolean inWindow = run % 3 == 0;
      Process child = startChild(db, key, random.nextLong());
      BlockingQueue<String> ops = readOps(child);
      int opsBeforeKill = 1 + random.nextInt(25);
      for (int i = 0; i < opsBeforeKill; i++) {
        awaitOp(child, ops);
      }
      if (inWindow) {
        // The next create is carried out at once but answered late: kill while the child waits for the answer.
        int posts = astra.requestCount("POST", "/v2/clientIdSecrets");
        astra.fault(Endpoint.CREATE_TOKEN).delay(Duration.ofSeconds(60));
        awaitCondition(child, () -> astra.pendingFaults(Endpoint.CREATE_TOKEN) == 0
            && astra.requestCount("POST", "/v2/clientIdSecrets") > posts);
        windowKills++;
      }
      child.destroyForcibly(); // SIGKILL
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      if (inWindow) {
        // The crash left a write-ahead record whose token exists in Astra: recovery must settle it.
        try (JdbcLeaseStore peek = JdbcLeaseStore.sqlite(db, KeyProvider.of(key))) {
          assertThat(peek.list("")).anyMatch(r -> r.state() == LeaseState.PENDING);
        }
      }

      recoverAndCheck(db, key, run);
    }
    assertThat(windowKills).isGreaterThanOrEqualTo(8);
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

  private Process startChild(Path db, EncryptionKey key, long seed) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), CrashChild.class.getName(), astra.url().toString(),
        astra.defaultOrg().orgId(), astra.defaultOrg().rootToken(), astra.roleId("API RO Svc Acct"),
        db.toString(), Long.toString(seed));
    pb.environment().put("ASTRA_VAULT_KEY", key.toBase64());
    pb.redirectErrorStream(true);
    return pb.start();
  }

  private static BlockingQueue<String> readOps(Process child) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
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
    return lines;
  }

  private static void awaitOp(Process child, BlockingQueue<String> lines) throws InterruptedException {
    StringBuilder other = new StringBuilder();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line == null && child.isAlive() && System.nanoTime() < deadline) {
        continue;
      }
      if (line == null) {
        throw new AssertionError("the child printed no OP line within 60 s (alive=" + child.isAlive() + "):\n"
            + other);
      }
      if (line.startsWith("OP ")) {
        return;
      }
      other.append(line).append('\n');
      if (line.contains("Exception") && !child.isAlive()) {
        throw new AssertionError("the child failed:\n" + other);
      }
    }
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
