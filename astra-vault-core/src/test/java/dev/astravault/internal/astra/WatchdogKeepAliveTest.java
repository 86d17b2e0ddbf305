package dev.astravault.internal.astra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WatchdogKeepAliveTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final AtomicLong now = new AtomicLong();
  /** An hour's period, so that Okio's watchdog never times it out during a test: the test calls timedOut itself. */
  private final WatchdogKeepAlive keepAlive = new WatchdogKeepAlive(HOUR, now::get);

  @AfterEach
  void leaveOkiosQueue() {
    keepAlive.exit();
  }

  @Test
  void theFirstCallQueuesTheEntry() {
    assertThat(keepAlive.isQueued()).isFalse();

    keepAlive.touch();

    assertThat(keepAlive.isQueued()).isTrue();
  }

  @Test
  void itStaysQueuedWhileCallsComeWithinAPeriod() {
    keepAlive.touch();
    now.addAndGet(HOUR.toNanos() / 2);
    keepAlive.touch();
    now.addAndGet(HOUR.toNanos() / 2 + 1);

    keepAlive.timedOut();

    assertThat(keepAlive.isQueued()).isTrue();
  }

  @Test
  void aPeriodWithoutACallLeavesTheQueueAndTheNextCallQueuesItAgain() {
    keepAlive.touch();
    now.addAndGet(HOUR.toNanos());

    keepAlive.timedOut();

    assertThat(keepAlive.isQueued()).as("idle for a whole period").isFalse();
    keepAlive.touch();
    assertThat(keepAlive.isQueued()).isTrue();
  }

  /**
   * The point of the class: while Astra calls keep coming, the entries each call puts in Okio's queue (the call
   * deadline, each socket read's and write's timeout) do not wake Okio's watchdog thread. Counted as the thread's
   * context switches, which Linux reports per thread; without the keep-alive this loop costs one to three a call.
   */
  @Test
  void callsInARowDoNotWakeOkiosWatchdog() throws IOException {
    assumeThat(Path.of("/proc/self/task")).as("Linux reports context switches per thread").isDirectory();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      AstraDevOps astra = OkHttpAstraDevOps.create(Fixtures.settings(server, new Fixtures.RecordingSleeper())
          .build());
      int calls = 40;
      for (int i = 0; i < calls + 5; i++) {
        server.enqueue(Fixtures.json(200, "[]"));
      }
      for (int i = 0; i < 5; i++) {
        astra.listTokens();   // starts Okio's watchdog and loads the classes
      }
      long before = watchdogSwitches();
      assumeThat(before).as("Okio's watchdog thread is running").isPositive();

      for (int i = 0; i < calls; i++) {
        assertThat(astra.listTokens()).isEmpty();
      }

      // A few are allowed: the entry's own timeout once a second, and a slow machine's preemptions.
      assertThat(watchdogSwitches() - before).as("watchdog wake-ups in %d calls", calls).isLessThan(calls / 4);
    }
  }

  /** Okio's watchdog threads' voluntary and involuntary context switches so far. */
  private static long watchdogSwitches() throws IOException {
    long total = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          if (!Files.readString(task.resolve("comm")).strip().equals("Okio Watchdog")) {
            continue;
          }
          List<String> status = Files.readAllLines(task.resolve("status"));
          for (String line : status) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
              total += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
            }
          }
        } catch (NoSuchFileException ended) {
          // the thread ended between the listing and the read
        }
      }
    }
    return total;
  }
}
