package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IoPoolTest {
  @Test
  void aBurstOfOneHundredThousandRefreshesIsQueuedNotRejected() throws Exception {
    ThreadPoolExecutor pool = LeaseEngine.ioPool();
    try {
      CountDownLatch release = new CountDownLatch(1);
      AtomicInteger ran = new AtomicInteger();
      // Every I/O thread busy (a slow Astra), then the burst: 100,000 handles due in the same instant.
      for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
        pool.execute(() -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      for (int i = 0; i < 100_000; i++) {
        pool.execute(ran::incrementAndGet);   // the old 65,536-task queue threw RejectedExecutionException here
      }
      assertThat(pool.getQueue()).hasSize(100_000);
      assertThat(pool.getMaximumPoolSize()).as("bounded concurrency").isEqualTo(4);
      release.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ran.get()).isEqualTo(100_000);
    } finally {
      pool.shutdownNow();
    }
  }
}
