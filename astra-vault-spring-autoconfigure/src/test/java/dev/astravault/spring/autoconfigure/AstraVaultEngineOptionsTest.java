package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraResponseTooLargeException;
import dev.astravault.AstraToken;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.Scope;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.internal.astra.RetryPolicy;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code astra.vault.deployment-id}, {@code astra.vault.astra-api.*} and {@code astra.vault.maintenance.*}, asserted by
 * what the engine does with them: the tag on the tokens, calls cut off by the limits, and the expiry sweep, recovery,
 * orphan sweep and custom-role deletion acting on manual time. The role is {@code reader} (ttl 1h, max-ttl 2h).
 */
class AstraVaultEngineOptionsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @AfterEach
  void realClockForTheFake() {
    astra.useClock(Clock.systemUTC());
  }

  /** FakeAstraContext's runner, whose customizer turns the expiry sweep off after the properties. */
  private static ApplicationContextRunner runner() {
    return FakeAstraContext.withFakeAstra(astra);
  }

  /** The same without that customizer, so that the sweep runs as the properties say. */
  private static ApplicationContextRunner runnerWithSweep() {
    return FakeAstraContext.runner().withUserConfiguration(ManualTimeWithSweep.class)
        .withPropertyValues(FakeAstraContext.properties(astra));
  }

  /** The analysis Boot would print, after checking that nothing leaks the root token. */
  private static FailureAnalysis analysis(AssertableApplicationContext context) {
    return FakeAstraContext.analysis(context, astra);
  }

  private static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return Optional.of(type.cast(t));
      }
    }
    return Optional.empty();
  }

  /** An unmanaged token of {@code ttl}, issued now. */
  private static AstraToken issue(AssertableApplicationContext context, String name, Duration ttl) {
    return context.getBean(TokenManager.class).request().org("prod").role("reader").logicalName(name).ttl(ttl)
        .issue();
  }

  private static void advance(AssertableApplicationContext context, Duration by) {
    context.getBean(ManualScheduler.class).advance(by);
  }

  // ------------------------------------------------------------------ deployment-id

  @Test
  void deploymentIdTagsTheTokensAndABadOneFailsStartup() {
    runner().withPropertyValues("astra.vault.deployment-id=orders-prod").run(context -> {
      assertThat(context).hasNotFailed();
      String clientId = context.getBean(ManagedToken.class).snapshot().info().clientId();
      assertThat(astra.token(clientId).orElseThrow().description()).startsWith("astra-vault deployment=orders-prod ");
    });
    runner().withPropertyValues("astra.vault.deployment-id=Orders Prod").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.deployment-id", "a-z, 0-9 and -");
      assertThat(a.getAction()).contains("astra.vault.deployment-id", "orders-prod");
    });
    // Vault tags the tokens it mints itself: the property would do nothing there, so it is refused.
    runner().withPropertyValues("astra.vault.deployment-id=orders-prod", "astra.vault.mode=vault",
        "astra.vault.vault.uri=https://vault:8200", "astra.vault.vault.token=hvs.test").run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.deployment-id", "direct mode");
          assertThat(a.getAction()).contains("Remove astra.vault.deployment-id");
        });
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void deploymentIdIsTheOneOptionACustomizerCannotSetAgain() {
    // The builder takes a deployment id once, so a customizer cannot override the property: it must be one or other.
    runner().withPropertyValues("astra.vault.deployment-id=orders-prod")
        .withBean("ownId", TokenManagerCustomizer.class, () -> b -> b.deploymentId("orders-eu")).run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("TokenManagerCustomizer", "deploymentId was already set");
          assertThat(a.getAction()).contains("astra.vault.deployment-id", "set it in one place");
        });
    runner().withBean("ownId", TokenManagerCustomizer.class, () -> b -> b.deploymentId("orders-eu"))
        .run(context -> {
          String clientId = context.getBean(ManagedToken.class).snapshot().info().clientId();
          assertThat(astra.token(clientId).orElseThrow().description()).contains("deployment=orders-eu ");
        });
  }

  // ------------------------------------------------------------------ astra-api

  @Test
  void maxResponseBytesCutsOffALargerResponseAndIsAtLeast1Kb() {
    // Syncing the org's roles reads the role list, which is well over 1 KB.
    runner().withPropertyValues("astra.vault.sync-roles=true", "astra.vault.astra-api.max-response-bytes=1KB")
        .run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(cause(context.getStartupFailure(), AstraResponseTooLargeException.class)).get()
              .satisfies(e -> assertThat(e.limit()).isEqualTo(1024));
          assertThat(a.getDescription()).contains("astra.vault.sync-roles");
          assertThat(a.getAction()).contains("1024 bytes", "astra.vault.astra-api.max-response-bytes");
        });
    runner().withPropertyValues("astra.vault.sync-roles=true", "astra.vault.astra-api.max-response-bytes=64KB")
        .run(context -> assertThat(context).hasNotFailed());
    runner().withPropertyValues("astra.vault.astra-api.max-response-bytes=512B").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.astra-api.max-response-bytes must be at least 1KB");
      assertThat(a.getAction()).contains("8MB");
    });
  }

  @Test
  void callTimeoutCutsOffASlowCreateAndTheUnclearTokenIsDeleted() {
    // Real time, kept short: Astra answers the create after 900 ms. Within a 5 s call timeout that is fine (and
    // warms the client's classes, so that the next POST reaches Astra well before its 250 ms are up).
    astra.fault(Endpoint.CREATE_TOKEN).delay(Duration.ofMillis(900));
    runner().withPropertyValues("astra.vault.astra-api.call-timeout=5s", "astra.vault.startup-retries=0")
        .run(context -> assertThat(context.getBean(ManagedToken.class).state()).isEqualTo(ManagedToken.State.ACTIVE));
    astra.fault(Endpoint.CREATE_TOKEN).delay(Duration.ofMillis(900));
    runner().withPropertyValues("astra.vault.astra-api.call-timeout=250ms", "astra.vault.startup-retries=0")
        .run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(cause(context.getStartupFailure(), InterruptedIOException.class)).isPresent();
          assertThat(a.getAction()).contains("astra.vault.astra-api.connect-timeout and call-timeout");
        });
    // Whatever the timed-out create made was found by its tag and deleted.
    assertThat(astra.liveTokens()).isEmpty();
    runner().withPropertyValues("astra.vault.astra-api.call-timeout=0s").run(context ->
        assertThat(analysis(context).getDescription()).contains("astra.vault.astra-api.call-timeout must be positive"));
  }

  @Test
  void connectTimeoutCutsOffAConnectThatHangs() throws Exception {
    // A listener whose accept queue is full: the kernel drops further SYNs, so a connect hangs until its timeout.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      List<Socket> queued = new ArrayList<>();
      try {
        fill(full, queued);
        long started = System.nanoTime();
        runner().withPropertyValues("astra.vault.orgs[0].url=http://127.0.0.1:" + full.getLocalPort(),
            "astra.vault.astra-api.connect-timeout=200ms", "astra.vault.startup-retries=0")
            // One attempt, no back-off: the default (10 s) would take far longer than the bound below.
            .withBean("oneAttempt", TokenManagerCustomizer.class,
                () -> b -> b.astraClient(c -> c.retryPolicy(RetryPolicy.none()).sleeper(d -> { })))
            .run(context -> {
              analysis(context);
              assertThat(cause(context.getStartupFailure(), SocketTimeoutException.class)).get()
                  .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("connect"));
            });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
    runner().withPropertyValues("astra.vault.astra-api.connect-timeout=-1s").run(context ->
        assertThat(analysis(context).getDescription())
            .contains("astra.vault.astra-api.connect-timeout must be positive"));
  }

  /** Connects until the accept queue is full, i.e. until a connect times out. */
  private static void fill(ServerSocket server, List<Socket> queued) throws Exception {
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 200);
        queued.add(s);
      } catch (SocketTimeoutException e) {
        s.close();
        return;
      }
    }
    throw new IllegalStateException("the accept queue never filled");
  }

  // ------------------------------------------------------------------ maintenance

  @Test
  void sweepIntervalIsHowOftenExpiredLeasesAreRevoked() {
    runnerWithSweep().withPropertyValues("astra.vault.maintenance.sweep-interval=4m",
        "astra.vault.maintenance.recovery-interval=0").run(context -> {
          AstraToken token = issue(context, "batch", Duration.ofMinutes(6));
          advance(context, Duration.ofMinutes(7));
          // Expired at 6 min; the sweeps ran at 4 min (too early) and run next at 8 min. The default 30 s: at 6.5.
          assertThat(astra.wasRevoked(token.clientId())).isFalse();
          advance(context, Duration.ofMinutes(2));
          assertThat(astra.wasRevoked(token.clientId())).isTrue();
        });
  }

  @Test
  void aTokenManagerCustomizerRunsAfterThePropertiesAndWins() {
    // FakeAstraContext's customizer sets sweepInterval(ZERO) after the property's 1 min: no sweep at all.
    runner().withPropertyValues("astra.vault.maintenance.sweep-interval=1m",
        "astra.vault.maintenance.recovery-interval=0").run(context -> {
          AstraToken token = issue(context, "batch", Duration.ofMinutes(2));
          advance(context, Duration.ofMinutes(10));
          assertThat(astra.wasRevoked(token.clientId())).isFalse();
        });
  }

  @Test
  void recoveryIntervalIsHowOftenRecoveryRuns() {
    // The expiry sweep is off (FakeAstraContext), so only recovery revokes expired leases.
    runner().withPropertyValues("astra.vault.maintenance.recovery-interval=5m").run(context -> {
      AstraToken token = issue(context, "batch", Duration.ofMinutes(6));
      advance(context, Duration.ofMinutes(9));
      // Expired at 6 min; passes at 5 min (too early) and 10 min. The default 1 min: at 7.
      assertThat(astra.wasRevoked(token.clientId())).isFalse();
      advance(context, Duration.ofMinutes(2));
      assertThat(astra.wasRevoked(token.clientId())).isTrue();
    });
    runner().withPropertyValues("astra.vault.maintenance.recovery-interval=0").run(context -> {
      AstraToken token = issue(context, "batch", Duration.ofMinutes(6));
      advance(context, Duration.ofMinutes(30));
      assertThat(astra.wasRevoked(token.clientId())).isFalse();
    });
  }

  /** Issues a token and loses its record, as a restore from an old backup would; returns its client id. */
  private static String orphan(AssertableApplicationContext context) {
    // Astra stamps generatedOn with the context's manual clock, so the grace period runs on it.
    astra.useClock(context.getBean(MutableClock.class));
    AstraToken token = issue(context, "lost", Duration.ofMinutes(30));
    LeaseStore store = context.getBean(LeaseStore.class);
    LeaseRecord record = store.get(token.lease().leaseId()).orElseThrow();
    assertThat(store.delete(record)).isTrue();
    return token.clientId();
  }

  @Test
  void orphanGracePeriodIsHowOldAnOrphanIsWhenTheSweepDeletesIt() {
    runner().withPropertyValues("astra.vault.deployment-id=orders-prod",
        "astra.vault.maintenance.orphan-grace-period=3m").run(context -> {
          String orphan = orphan(context);
          assertThat(astra.token(orphan).orElseThrow().description()).startsWith("astra-vault deployment=orders-prod ");
          advance(context, Duration.ofSeconds(150));
          assertThat(astra.wasRevoked(orphan)).isFalse();
          // Recovery passes every minute sweep every max(1 min, 3 min / 3); the one at 3 min finds it old enough.
          advance(context, Duration.ofMinutes(1));
          assertThat(astra.wasRevoked(orphan)).isTrue();
          String managed = context.getBean(ManagedToken.class).snapshot().info().clientId();
          assertThat(astra.wasRevoked(managed)).isFalse();
        });
    // The grace period must outlast a create still in flight.
    runner().withPropertyValues("astra.vault.maintenance.orphan-grace-period=10s").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.maintenance.orphan-grace-period",
          "astra.vault.astra-api.call-timeout (PT30S)");
    });
  }

  @Test
  void orphanSweepFalseLeavesOrphansAlone() {
    runner().withPropertyValues("astra.vault.maintenance.orphan-sweep=false",
        "astra.vault.maintenance.orphan-grace-period=3m").run(context -> {
          String orphan = orphan(context);
          advance(context, Duration.ofMinutes(20));
          assertThat(astra.wasRevoked(orphan)).isFalse();
        });
  }

  @Test
  void customRoleGracePeriodIsHowLongAnUnusedCustomRoleIsKept() {
    String db = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
    runner().withPropertyValues("astra.vault.maintenance.custom-role-grace-period=1m").run(context -> {
      AstraToken scoped = context.getBean(TokenManager.class).request().org("prod").role("reader")
          .logicalName("billing").scope(Scope.database(db).keyspace("billing").actions(Scope.Access.READ)).issue();
      assertThat(customRoles()).hasSize(1);
      context.getBean(TokenManager.class).revoke(scoped.lease().leaseId());
      assertThat(customRoles()).hasSize(1);
      advance(context, Duration.ofSeconds(90));
      // The default 5 min would keep it until then.
      assertThat(customRoles()).isEmpty();
    });
    runner().withPropertyValues("astra.vault.maintenance.custom-role-grace-period=-1m").run(context ->
        assertThat(analysis(context).getAction()).contains("astra.vault.maintenance.custom-role-grace-period",
            "0 to delete an unused custom role at once"));
  }

  private static List<String> customRoles() {
    return astra.roleNames(astra.defaultOrg()).stream().filter(n -> n.startsWith("astra-vault-")).toList();
  }

  @Test
  void negativeMaintenanceIntervalsFailStartupNamingThePropertyAndAFix() {
    runner().withPropertyValues("astra.vault.maintenance.sweep-interval=-30s").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.maintenance.sweep-interval must not be negative");
      assertThat(a.getAction()).contains("0 to turn the expiry sweep off");
    });
    runner().withPropertyValues("astra.vault.maintenance.recovery-interval=-1m").run(context ->
        assertThat(analysis(context).getDescription())
            .contains("astra.vault.maintenance.recovery-interval must not be negative"));
    runner().withPropertyValues("astra.vault.maintenance.orphan-grace-period=0s").run(context ->
        assertThat(analysis(context).getDescription())
            .contains("astra.vault.maintenance.orphan-grace-period must be positive"));
  }

  /** FakeAstraContext's manual time and synchronous managed work, without turning the expiry sweep off. */
  @Configuration(proxyBeanMethods = false)
  static class ManualTimeWithSweep {
    @Bean
    MutableClock clock() {
      return MutableClock.at(FakeAstraContext.START);
    }

    @Bean
    ManualScheduler scheduler(MutableClock clock) {
      return new ManualScheduler(clock);
    }

    @Bean
    TokenManagerCustomizer synchronousManagedWork() {
      return (TokenManagerBuilder b) -> b.managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run);
    }
  }
}
