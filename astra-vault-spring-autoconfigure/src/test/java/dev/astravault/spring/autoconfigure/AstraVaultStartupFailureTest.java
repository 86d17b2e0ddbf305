package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.ManagedToken;
import dev.astravault.spring.autoconfigure.internal.DeferredManagedToken;
import dev.astravault.spring.autoconfigure.internal.ManualSleeper;
import dev.astravault.spring.autoconfigure.internal.StartupTokens;
import dev.astravault.spring.autoconfigure.internal.TokenActivity;
import dev.astravault.spring.autoconfigure.internal.TokenHealth;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/** Bad properties and unreachable or refusing Astra: clear binding errors, or a FailureAnalyzer report. */
class AstraVaultStartupFailureTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private ApplicationContextRunner runner() {
    return FakeAstraContext.withFakeAstra(astra);
  }

  /** The analysis Boot would print, after checking that nothing leaks the root token. */
  private static FailureAnalysis analysis(AssertableApplicationContext context) {
    return FakeAstraContext.analysis(context, astra);
  }

  @Test
  void anUnknownRootTokenSaysToCheckTheRootToken() {
    String other = "AstraCS:" + "abcdefghijklmnopqrstuvwx" + ":" + "0".repeat(64);
    runner().withPropertyValues("astra.vault.orgs[0].root-token=" + other).run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getAction()).contains("astra.vault.orgs[", "root-token");
      assertThat(a.getDescription()).doesNotContain(other);
    });
  }

  @Test
  void anUnknownRoleSaysHowToDeclareRoles() {
    runner().withPropertyValues("astra.vault.token.role=writer").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("startup token", "writer");
      assertThat(a.getAction()).contains("astra.vault.roles", "astra.vault.sync-roles");
    });
  }

  @Test
  void unavailableAstraIsRetriedThenSucceeds() {
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(2);
    runner().withPropertyValues("astra.vault.startup-retries=2").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(ManagedToken.class).state()).isEqualTo(ManagedToken.State.ACTIVE);
      assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(3);
    });
  }

  @Test
  void unavailableAstraFailsFastAfterTheRetries() {
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(5);
    runner().withPropertyValues("astra.vault.startup-retries=1").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("after 2 attempts");
      assertThat(a.getAction()).contains("astra.vault.startup-retries", "astra.vault.fail-fast=false");
      assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(2);
    });
  }

  @Test
  void startupBackoffIsTheFirstWaitBetweenAttemptsAndDoubles() {
    List<Duration> waits = new CopyOnWriteArrayList<>();
    List<Integer> attemptsBeforeEachWait = new CopyOnWriteArrayList<>();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(3);
    runner().withPropertyValues("astra.vault.startup-retries=3", "astra.vault.startup-backoff=2s")
        .withBean(StartupTokens.Sleeper.class, () -> wait -> {
          attemptsBeforeEachWait.add(astra.requestCount("POST", "/v2/clientIdSecrets"));
          waits.add(wait);
        })
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ManagedToken.class).state()).isEqualTo(ManagedToken.State.ACTIVE);
        });
    assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
    assertThat(attemptsBeforeEachWait).containsExactly(1, 2, 3);
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(4);
  }

  @Test
  void startupTimeoutBoundsTheRetriesAndTheirWaitsAndFailsNamingIt() {
    ManualSleeper time = new ManualSleeper();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(20);
    // Attempts at 0s, 1s, 3s and 7s; the next would start at 15s, past the 10s deadline, so none does.
    runner().withPropertyValues("astra.vault.startup-retries=10", "astra.vault.startup-backoff=1s",
        "astra.vault.startup-timeout=10s").withBean(StartupTokens.Sleeper.class, () -> time).run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.startup-timeout", "4 attempts");
          assertThat(a.getAction()).contains("astra.vault.startup-timeout", "astra.vault.orgs[",
              "astra.vault.fail-fast=false");
        });
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(4);
    assertThat(time.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  void theStartupTimeoutIsTwoMinutesByDefault() {
    ManualSleeper time = new ManualSleeper();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(20);
    // Attempts at 0s, 1s, 3s, 7s, 15s, 31s and 63s; the next would start at 127s.
    runner().withPropertyValues("astra.vault.startup-retries=10", "astra.vault.startup-backoff=1s")
        .withBean(StartupTokens.Sleeper.class, () -> time).run(context -> {
          assertThat(analysis(context).getDescription()).contains("astra.vault.startup-timeout (PT2M)");
        });
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(7);
  }

  @Test
  void aStartupTimeoutWithFailFastFalseStartsWithoutTheToken() {
    ManualSleeper time = new ManualSleeper();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(4);
    runner().withPropertyValues("astra.vault.startup-retries=10", "astra.vault.startup-backoff=1s",
        "astra.vault.startup-timeout=10s", "astra.vault.fail-fast=false")
        .withBean(StartupTokens.Sleeper.class, () -> time).run(context -> {
          assertThat(context).hasNotFailed();
          ManagedToken token = context.getBean(ManagedToken.class);
          assertThat(token).isInstanceOf(DeferredManagedToken.class);
          assertThat(((DeferredManagedToken) token).lastFailure()).hasMessageContaining("astra.vault.startup-timeout");
          assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(4);
          assertThat(astra.isLive(token.current())).isTrue();
        });
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void failFastFalseStartsWithoutTheTokenAndObtainsItOnFirstUse() {
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(1);
    runner().withPropertyValues("astra.vault.startup-retries=0", "astra.vault.fail-fast=false").run(context -> {
      assertThat(context).hasNotFailed();
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(token).isInstanceOf(DeferredManagedToken.class);
      TokenHealth before = TokenHealth.of(token, context.getBean(TokenActivity.class),
          context.getBean(MutableClock.class));
      assertThat(before.status()).isEqualTo("DOWN");
      assertThat(before.details()).containsEntry("state", "PENDING");
      assertThat(astra.isLive(token.current())).isTrue();
      assertThat(TokenHealth.of(token, context.getBean(TokenActivity.class), context.getBean(MutableClock.class))
          .status()).isEqualTo("UP");
    });
    assertThat(astra.liveTokens()).isEmpty();
  }

  /** Asks for the token when the context starts closing, as a request still being served then would. */
  static final class RequestDuringShutdown implements ApplicationListener<ContextClosedEvent> {
    final ManagedToken token;
    volatile @Nullable Throwable refused;

    RequestDuringShutdown(ManagedToken token) {
      this.token = token;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
      try {
        token.current();
      } catch (RuntimeException e) {
        refused = e;
      }
    }
  }

  @Test
  void onceTheContextStartsClosingANeverObtainedTokenIsRefusedWhateverRevokeOnShutdownSays() {
    for (String revoke : List.of("false", "true")) {
      astra.reset();
      astra.fault(Endpoint.CREATE_TOKEN).status(503).times(1);
      ManagedToken[] token = new ManagedToken[1];
      RequestDuringShutdown[] request = new RequestDuringShutdown[1];
      runner().withPropertyValues("astra.vault.startup-retries=0", "astra.vault.fail-fast=false",
          "astra.vault.revoke-on-shutdown=" + revoke)
          .withBean(RequestDuringShutdown.class)
          .run(context -> {
            token[0] = context.getBean(ManagedToken.class);
            request[0] = context.getBean(RequestDuringShutdown.class);
            assertThat(token[0]).isInstanceOf(DeferredManagedToken.class);
          });
      assertThat(request[0].refused).as("revoke-on-shutdown=%s, during shutdown", revoke)
          .isInstanceOf(ApplicationShuttingDownException.class).hasMessageContaining("shutting down");
      assertThatThrownBy(token[0]::current).as("revoke-on-shutdown=%s, after shutdown", revoke)
          .isInstanceOf(ApplicationShuttingDownException.class).hasMessageContaining("shutting down");
      assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(1);
      assertThat(astra.liveTokens()).isEmpty();
      assertThat(token[0].state()).isEqualTo(ManagedToken.State.CLOSED);
    }
  }

  @Test
  void vaultModeNamesMissingVaultProperties() {
    runner().withPropertyValues("astra.vault.mode=vault").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.vault.uri");
    });
    runner().withPropertyValues("astra.vault.mode=vault", "astra.vault.vault.uri=https://vault:8200",
        "astra.vault.vault.authentication=approle", "astra.vault.vault.app-role-role-id=r").run(context ->
        assertThat(analysis(context).getDescription()).contains("astra.vault.vault.app-role-secret-id is not set"));
    runner().withPropertyValues("astra.vault.mode=vault", "astra.vault.vault.uri=https://vault:8200",
        "astra.vault.vault.authentication=kubernetes").run(context ->
        assertThat(analysis(context).getDescription()).contains("astra.vault.vault.kubernetes-role"));
    runner().withPropertyValues("astra.vault.mode=vault", "astra.vault.vault.uri=https://vault:8200")
        .run(context -> assertThat(analysis(context).getDescription()).contains("astra.vault.vault.token"));
  }

  @Test
  void aMissingRootTokenIsNamed() {
    runner().withPropertyValues("astra.vault.orgs[0].root-token=").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.orgs[0].root-token is not set");
    });
  }

  @Test
  void noOrgAtAllIsExplained() {
    FakeAstraContext.runner().withPropertyValues("astra.vault.token.role=reader",
        "astra.vault.token.logical-name=x").run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.token.org is not set", "no org is configured");
          assertThat(a.getAction()).contains("astra.vault.orgs[0].root-token");
        });
  }

  @Test
  void twoOrgsNeedTokenOrg() {
    runner().withPropertyValues("astra.vault.orgs[1].id=" + astra.addOrg().orgId(),
        "astra.vault.orgs[1].root-token=" + astra.orgs().get(1).rootToken(),
        "astra.vault.orgs[1].url=" + astra.url().uri(), "astra.vault.orgs[1].logical-name=staging",
        "astra.vault.roles[0].org=prod").run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.token.org is not set", "2 orgs");
        });
  }

  @Test
  void aMissingLogicalNameFallsBackToTheApplicationNameOrIsExplained() {
    runner().withPropertyValues("astra.vault.token.logical-name=").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getAction()).contains("astra.vault.token.logical-name", "spring.application.name");
    });
    runner().withPropertyValues("astra.vault.token.logical-name=", "spring.application.name=billing")
        .run(context -> assertThat(context.getBean(ManagedToken.class).snapshot().info().logicalName())
            .contains("billing"));
  }

  @Test
  void contradictoryRenewalWindowsAreNamed() {
    runner().withPropertyValues("astra.vault.renewal.refresh-fraction=0.95").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.renewal", "refreshFraction");
    });
  }

  @Test
  void aRoleWithoutRoleIdIsNamed() {
    runner().withPropertyValues("astra.vault.roles[0].role-id=").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.roles[0]");
    });
  }

  @Test
  void storeMisconfigurationsAreNamed() {
    runner().withPropertyValues("astra.vault.store.type=sqlite").run(context ->
        assertThat(analysis(context).getDescription()).contains("astra.vault.store.sqlite-file"));
    runner().withPropertyValues("astra.vault.store.type=jdbc").run(context ->
        assertThat(analysis(context).getAction()).contains("astra.vault.store.jdbc.url", "DataSource"));
    runner().withPropertyValues("astra.vault.store.type=vault-kv").run(context ->
        assertThat(analysis(context).getDescription()).contains("vault-kv"));
    runner().withPropertyValues("astra.vault.store.type=sqlite", "astra.vault.store.sqlite-file=/tmp/x.db",
        "astra.vault.store.key-env=ASTRA_VAULT_TEST_KEY_THAT_IS_NOT_SET").run(context ->
        assertThat(analysis(context).getAction()).contains("ASTRA_VAULT_TEST_KEY_THAT_IS_NOT_SET",
            "astra.vault.store.metadata-only=true"));
  }

  @Test
  void badValuesAreBindingErrorsNamingTheProperty() {
    runner().withPropertyValues("astra.vault.startup-retries=-1").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class)
          .rootCause().hasMessageContaining("astra.vault.startup-retries must be >= 0");
      assertThat(bindException(context).getName().toString()).isEqualTo("astra.vault");
    });
    for (String timeout : List.of("0s", "-5s")) {
      runner().withPropertyValues("astra.vault.startup-timeout=" + timeout).run(context -> {
        assertThat(context.getStartupFailure()).rootCause()
            .hasMessageContaining("astra.vault.startup-timeout must be positive");
        assertThat(bindException(context).getName().toString()).isEqualTo("astra.vault");
      });
    }
    runner().withPropertyValues("astra.vault.mode=banana").run(context ->
        assertThat(bindException(context).getName().toString()).isEqualTo("astra.vault.mode"));
    runner().withPropertyValues("astra.vault.renewal.rotation-overlap=soon").run(context ->
        assertThat(bindException(context).getName().toString())
            .isEqualTo("astra.vault.renewal.rotation-overlap"));
    runner().withPropertyValues("astra.vault.store.type=cassandra").run(context ->
        assertThat(bindException(context).getName().toString()).isEqualTo("astra.vault.store.type"));
  }

  private static BindException bindException(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      if (t instanceof BindException b) {
        return b;
      }
    }
    throw new AssertionError("no BindException in " + context.getStartupFailure());
  }
}
