package dev.astravault.managed;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.RenewalSettings;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 32 threads read {@code current()} in a tight loop while simulated time runs through many rotations. FakeAstra
 * checks every token read: not one may be revoked or expired at the moment it is read.
 *
 * <p>The read lock is test-only: it makes "read the token, ask FakeAstra" atomic with respect to the driver's steps of
 * simulated time (each step holds the write lock), so a token read just before a step is judged at the time it was
 * read. The handle's own {@code current()} takes no lock.
 */
class ContinuityTest {
  // No injected 429/503: ManagedFixture's client has no retry (RetryPolicy.none(), so that scripted faults fail at
  // once) and these tests count Astra calls and events exactly. Shapes (204s, role keys, extra fields) still vary.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  @Test
  void noReaderEverGetsARevokedOrExpiredToken() throws Exception {
    try (ManagedFixture f = new ManagedFixture(astra, ofMinutes(10), ofMinutes(10))) {
      ManagedToken token = f.tokens.manage(ManagedFixture.unique("continuity"), RenewalSettings.builder()
          .rotationOverlap(ofMinutes(2)).listener(dev.astravault.ManagedTokenListener.of(f.events::add)).build());
      ReentrantReadWriteLock time = new ReentrantReadWriteLock();
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      AtomicLong bad = new AtomicLong();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Set<String> seen = ConcurrentHashMap.newKeySet();
      List<Thread> readers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        Thread reader = new Thread(() -> {
          try {
            while (!done.get()) {
              time.readLock().lock();
              try {
                String value = token.current();
                if (!astra.isLive(value)) {
                  bad.incrementAndGet();
                }
                if (seen.size() < 64) {
                  seen.add(value);
                }
                reads.incrementAndGet();
              } finally {
                time.readLock().unlock();
              }
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
          }
        }, "reader-" + i);
        reader.start();
        readers.add(reader);
      }
      // 40 simulated minutes in 15-second steps: a rotation about every 5 minutes.
      for (Duration t = Duration.ZERO; t.compareTo(ofMinutes(40)) < 0; t = t.plus(ofSeconds(15))) {
        long before = reads.get();
        time.writeLock().lock();
        try {
          f.scheduler.advance(ofSeconds(15));
        } finally {
          time.writeLock().unlock();
        }
        // Let the readers in before the next step, so every token generation is read many times.
        while (reads.get() < before + 32 && failure.get() == null) {
          Thread.onSpinWait();
        }
      }
      done.set(true);
      for (Thread reader : readers) {
        reader.join(30_000);
      }
      assertThat(failure.get()).isNull();
      assertThat(bad.get()).isZero();
      int rotations = f.events(ManagedTokenEvent.Rotated.class).size();
      assertThat(rotations).isGreaterThanOrEqualTo(5);
      assertThat(seen).hasSizeGreaterThan(rotations / 2);
      assertThat(reads.get()).isGreaterThan(160L * 32);
      // Every old token was revoked after its overlap: only the current one (and at most one draining) is live.
      assertThat(astra.liveTokens()).hasSizeLessThanOrEqualTo(2);
      assertThat(astra.revokedTokens()).hasSizeGreaterThanOrEqualTo(rotations - 1);
    }
  }
}
