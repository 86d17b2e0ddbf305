package dev.astravault.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The memory of {@link StandingWarnings} itself: bounded, and safe under racing threads ({@code *LogTest}: logs). */
class StandingWarningsTest {
  final Path dir = Path.of("/srv/app");

  @Test
  void pastItsBoundTheMemoryGrowsNoMoreAndNewWarningsStayWarnings() {
    StandingWarnings warnings = new StandingWarnings(3);
    for (int i = 0; i < 3; i++) {
      assertThat(warnings.level(dir.resolve("d" + i), "reason")).isEqualTo(Level.WARN);
    }
    assertThat(warnings.level(dir.resolve("d0"), "reason")).isEqualTo(Level.DEBUG);
    assertThat(warnings.level(dir.resolve("d0"), "another")).isEqualTo(Level.WARN);
    // Not remembered: said at WARN each time, never turned down.
    assertThat(warnings.level(dir.resolve("d0"), "another")).isEqualTo(Level.WARN);
    assertThat(warnings.level(dir.resolve("d9"), "reason")).isEqualTo(Level.WARN);
    assertThat(warnings.remembered()).isEqualTo(3);
    assertThat(warnings.level(dir.resolve("d2"), "reason")).isEqualTo(Level.DEBUG);
  }

  /** Threads racing: one WARN per warning, and never more remembered than the bound. */
  @Test
  void racingThreadsSayEachWarningOnceAndKeepTheBound() throws Exception {
    int threads = 8;
    StandingWarnings warnings = new StandingWarnings(4);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Level>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<List<Level>> task = () -> {
          start.await();
          List<Level> levels = new ArrayList<>();
          levels.add(warnings.level(dir.resolve("same"), "reason"));
          for (int i = 0; i < 100; i++) {
            warnings.level(dir.resolve("t" + thread + "-" + i), "reason");
          }
          return levels;
        };
        results.add(pool.submit(task));
      }
      start.countDown();
      List<Level> first = new ArrayList<>();
      for (Future<List<Level>> r : results) {
        first.addAll(r.get());
      }
      assertThat(first).filteredOn(l -> l == Level.WARN).hasSize(1);
      assertThat(warnings.remembered()).isEqualTo(4);
    } finally {
      pool.shutdownNow();
    }
  }
}
