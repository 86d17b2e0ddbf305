package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.RenewalSettings;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.event.RevokeReason;
import dev.astravault.spring.autoconfigure.FakeAstraContext.EventRecorder;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code astra.vault.renewal.*} windows, asserted by what the startup token does on manual time: when it refreshes,
 * when it enters the hard margin, when the old token of a rotation is revoked, how long failed refreshes wait, how
 * long {@code current()} waits for a refresh and how long shutdown waits for the revoke. The role is {@code reader}
 * (ttl 1h, max-ttl 2h) and the token is issued at {@link FakeAstraContext#START}.
 */
class AstraVaultRenewalTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private static final Instant START = FakeAstraContext.START;

  private static <T extends ManagedTokenEvent> List<T> events(AssertableApplicationContext context, Class<T> type) {
    List<T> found = new ArrayList<>();
    context.getBean(EventRecorder.class).events.forEach(e -> {
      if (type.isInstance(e.event())) {
        found.add(type.cast(e.event()));
      }
    });
    return found;
  }

  /** Every renewal property reaches the startup token's settings (captured from the builder customizers get). */
  @Test
  void everyRenewalPropertyReachesTheStartupTokensSettings() {
    AtomicReference<RenewalSettings> built = new AtomicReference<>();
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.renewal.refresh-fraction=0.5",
        "astra.vault.renewal.jitter=0.05", "astra.vault.renewal.hard-margin-min=10s",
        "astra.vault.renewal.hard-margin-fraction=0.2", "astra.vault.renewal.rotation-overlap=7m",
        "astra.vault.renewal.backoff-base=2s", "astra.vault.renewal.backoff-cap=1m",
        "astra.vault.renewal.max-wait=1500ms", "astra.vault.renewal.close-timeout=3s")
        .withBean(StartupTokenCustomizer.class, () -> (request, renewal) -> built.set(renewal.build()))
        .run(context -> {
          assertThat(context).hasNotFailed();
          RenewalSettings s = built.get();
          assertThat(s.refreshFraction()).isEqualTo(0.5);
          assertThat(s.jitter()).isEqualTo(0.05);
          assertThat(s.minHardMargin()).isEqualTo(Duration.ofSeconds(10));
          assertThat(s.hardMarginFraction()).isEqualTo(0.2);
          assertThat(s.rotationOverlap()).isEqualTo(Duration.ofMinutes(7));
          assertThat(s.backoffBase()).isEqualTo(Duration.ofSeconds(2));
          assertThat(s.backoffCap()).isEqualTo(Duration.ofMinutes(1));
          assertThat(s.maxWait()).isEqualTo(Duration.ofMillis(1500));
          assertThat(s.closeTimeout()).isEqualTo(Duration.ofSeconds(3));
          // The starter retries the startup issue itself (startup-retries), so the engine makes one attempt.
          assertThat(s.startupAttempts()).isEqualTo(1);
        });
  }

  @Test
  void jitterZeroRefreshesExactlyAtTheSoftPointAndJitterSpreadsIt() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.renewal.refresh-fraction=0.5",
        "astra.vault.renewal.jitter=0").run(context -> {
          ManualScheduler scheduler = context.getBean(ManualScheduler.class);
          scheduler.advance(Duration.ofMinutes(30).minusMillis(1));
          assertThat(events(context, ManagedTokenEvent.Renewed.class)).isEmpty();
          scheduler.advance(Duration.ofMillis(1));
          assertThat(events(context, ManagedTokenEvent.Renewed.class)).singleElement()
              .satisfies(r -> assertThat(r.time()).isEqualTo(START.plus(Duration.ofMinutes(30))));
        });
    // ±0.3 of the hour left around 0.5: each fresh token's first refresh falls somewhere in [12m, 48m].
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.renewal.refresh-fraction=0.5",
        "astra.vault.renewal.jitter=0.3").run(context -> {
          ManagedToken token = context.getBean(ManagedToken.class);
          ManualScheduler scheduler = context.getBean(ManualScheduler.class);
          MutableClock clock = context.getBean(MutableClock.class);
          List<Duration> offsets = new ArrayList<>();
          for (int i = 0; i < 12; i++) {
            Instant rotatedAt = clock.instant();
            token.rotateNow();  // a fresh 1h token now, so the next refresh is planned over a known window
            int before = events(context, ManagedTokenEvent.Renewed.class).size();
            scheduler.advance(Duration.ofMinutes(50));
            ManagedTokenEvent.Renewed first = events(context, ManagedTokenEvent.Renewed.class).get(before);
            offsets.add(Duration.between(rotatedAt, first.time()));
          }
          assertThat(offsets).allSatisfy(d -> assertThat(d).isBetween(Duration.ofMinutes(12),
              Duration.ofMinutes(48)));
          assertThat(new HashSet<>(offsets)).as("jittered refresh points %s", offsets).hasSizeGreaterThan(1);
          // The default ±0.1 would keep every point in [24m, 36m]; twelve draws all inside it has odds 3^-12.
          assertThat(offsets).as("%s", offsets).anySatisfy(d -> assertThat(
              d.compareTo(Duration.ofMinutes(24)) < 0 || d.compareTo(Duration.ofMinutes(36)) > 0).isTrue());
        });
  }

  /**
   * With the role's max-ttl equal to its ttl the token cannot be renewed, only rotated, and every rotation fails here,
   * so the token reaches its hard margin: {@code max(hard-margin-min, hard-margin-fraction x 1h)} before expiry.
   */
  @Test
  void theHardMarginIsHardMarginMinWhenThatIsLarger() {
    // max(10m, 0.05 x 1h = 3m); the default max(30s, 6m) would be 54m.
    assertExpiringAt("astra.vault.renewal.hard-margin-min=10m", "astra.vault.renewal.hard-margin-fraction=0.05",
        Duration.ofMinutes(50));
  }

  @Test
  void theHardMarginIsHardMarginFractionOfTheTtlWhenThatIsLarger() {
    // max(1s, 0.25 x 1h = 15m).
    assertExpiringAt("astra.vault.renewal.hard-margin-min=1s", "astra.vault.renewal.hard-margin-fraction=0.25",
        Duration.ofMinutes(45));
  }

  private static void assertExpiringAt(String min, String fraction, Duration at) {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.roles[0].max-ttl=1h",
        "astra.vault.renewal.refresh-fraction=0.5", "astra.vault.renewal.jitter=0", min, fraction).run(context -> {
          astra.fault(Endpoint.CREATE_TOKEN).status(503).times(1000);
          ManagedToken token = context.getBean(ManagedToken.class);
          ManualScheduler scheduler = context.getBean(ManualScheduler.class);
          scheduler.advance(at.minusMillis(1));
          assertThat(events(context, ManagedTokenEvent.Error.class)).isNotEmpty();
          assertThat(events(context, ManagedTokenEvent.Expiring.class)).isEmpty();
          assertThat(token.state()).isEqualTo(ManagedToken.State.ACTIVE);
          scheduler.advance(Duration.ofMillis(1));
          assertThat(events(context, ManagedTokenEvent.Expiring.class)).singleElement()
              .satisfies(e -> assertThat(e.time()).isEqualTo(START.plus(at)));
          assertThat(token.state()).isEqualTo(ManagedToken.State.EXPIRING);
        });
  }

  @Test
  void theOldTokenOfARotationIsRevokedAfterTheRotationOverlap() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.renewal.rotation-overlap=7m")
        .run(context -> {
          ManagedToken token = context.getBean(ManagedToken.class);
          ManualScheduler scheduler = context.getBean(ManualScheduler.class);
          String old = token.current();
          token.rotateNow();
          assertThat(token.current()).isNotEqualTo(old);
          scheduler.advance(Duration.ofMinutes(7).minusMillis(1));
          assertThat(astra.isLive(old)).as("still in its overlap (the default 5m has passed)").isTrue();
          scheduler.advance(Duration.ofMillis(1));
          assertThat(astra.isLive(old)).isFalse();
          assertThat(events(context, ManagedTokenEvent.Revoked.class)).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RevokeReason.ROTATED);
            assertThat(r.time()).isEqualTo(START.plus(Duration.ofMinutes(7)));
          });
          assertThat(astra.isLive(token.current())).isTrue();
        });
  }

  /** Failed refreshes wait {@code backoff-base} doubling up to {@code backoff-cap}, each drawn in [d/2, d]. */
  @Test
  void failedRefreshesBackOffFromTheBaseUpToTheCap() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.renewal.backoff-base=10s",
        "astra.vault.renewal.backoff-cap=40s").run(context -> {
          astra.fault(Endpoint.CREATE_TOKEN).status(503).times(5);
          ManagedToken token = context.getBean(ManagedToken.class);
          String old = token.current();
          token.rotateNow();
          context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(10));
          List<ManagedTokenEvent.Error> errors = events(context, ManagedTokenEvent.Error.class);
          assertThat(errors).extracting(ManagedTokenEvent.Error::attempt).containsExactly(1, 2, 3, 4, 5);
          List<Duration> waits = errors.stream().map(e -> Duration.between(e.time(), e.retryAt().orElseThrow()))
              .toList();
          assertThat(waits.get(0)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
          assertThat(waits.get(1)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
          // 40s, 80s, 160s without the cap.
          assertThat(waits.subList(2, 5)).allSatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(20),
              Duration.ofSeconds(40)));
          assertThat(events(context, ManagedTokenEvent.Rotated.class)).hasSize(1);
          assertThat(token.current()).isNotEqualTo(old);
        });
  }

  /**
   * At the hard margin (40m before expiry, which here is also the planned refresh point) the Expiring event is
   * delivered, on this thread, before the refresh starts, so a {@code current()} inside it finds a refresh under way
   * that cannot finish: it waits {@code max-wait}, then serves the still-valid token.
   */
  @Test
  void currentWaitsAtMostMaxWaitForARefreshUnderWay() {
    assertThat(waitOfCurrentInsideExpiring("0s")).isLessThan(Duration.ofSeconds(2));  // the default would be 5s
    Duration waited = waitOfCurrentInsideExpiring("200ms");
    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(5));
  }

  private static Duration waitOfCurrentInsideExpiring(String maxWait) {
    AtomicReference<Duration> waited = new AtomicReference<>();
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.renewal.refresh-fraction=0.5",
        "astra.vault.renewal.jitter=0", "astra.vault.renewal.hard-margin-min=40m",
        "astra.vault.renewal.max-wait=" + maxWait).run(context -> {
          ManagedToken token = context.getBean(ManagedToken.class);
          String first = token.current();
          List<String> served = new ArrayList<>();
          token.addListener(dev.astravault.ManagedTokenListener.of(event -> {
            if (event instanceof ManagedTokenEvent.Expiring) {
              long t0 = System.nanoTime();
              served.add(token.current());
              waited.set(Duration.ofNanos(System.nanoTime() - t0));
            }
          }));
          context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(20));
          assertThat(served).containsExactly(first);
          assertThat(events(context, ManagedTokenEvent.Renewed.class)).hasSize(1);
        });
    assertThat(waited.get()).isNotNull();
    return waited.get();
  }

  /**
   * Shutdown waits {@code close-timeout} for the revoke of the startup token. Here the managed I/O executor only queues
   * work, so the revoke cannot run while the context closes: with 0s the close gives up at once and says so (the
   * default would hold shutdown for 10s), and the revoke still runs when the queued work does.
   */
  @Test
  void shutdownWaitsAtMostCloseTimeoutForTheRevoke() {
    Logger engineLog = (Logger) LoggerFactory.getLogger("dev.astravault.internal.LeaseEngine");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    engineLog.addAppender(appender);
    String[] token = new String[1];
    try {
      FakeAstraContext.runner().withUserConfiguration(QueuedIo.class)
          .withPropertyValues(FakeAstraContext.properties(astra))
          .withPropertyValues("astra.vault.renewal.close-timeout=0s").run(context -> {
            assertThat(context).hasNotFailed();
            token[0] = context.getBean(ManagedToken.class).current();
          });
    } finally {
      engineLog.detachAppender(appender);
    }
    assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("did not finish within PT0S"))
        .noneSatisfy(m -> assertThat(m).contains("PT10S"));
    assertThat(astra.isLive(token[0])).as("the revoke was left queued, not waited for").isTrue();
    Runnable work;
    while ((work = QueuedIo.QUEUE.poll()) != null) {
      work.run();
    }
    assertThat(astra.isLive(token[0])).isFalse();
    assertThat(appender.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(token[0]));
  }

  /** Manual time, and a managed I/O executor that only queues (the test runs the work). */
  @Configuration(proxyBeanMethods = false)
  static class QueuedIo {
    static final Queue<Runnable> QUEUE = new ConcurrentLinkedQueue<>();

    @Bean
    MutableClock clock() {
      return MutableClock.at(START);
    }

    @Bean
    ManualScheduler scheduler(MutableClock clock) {
      return new ManualScheduler(clock);
    }

    @Bean
    TokenManagerCustomizer queuedIo() {
      QUEUE.clear();
      return (TokenManagerBuilder b) -> b.managedIoExecutor(QUEUE::add).managedEventExecutor(Runnable::run)
          .sweepInterval(Duration.ZERO);
    }

    @Bean
    EventRecorder eventRecorder() {
      return new EventRecorder();
    }
  }
}
