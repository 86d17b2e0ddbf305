package dev.astravault.spring.autoconfigure;

import dev.astravault.TokenManagerBuilder;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A context runner wired to a {@link FakeAstra}: one org, a role {@code reader} (ttl 1h, max 2h), a startup token,
 * a manual clock and scheduler, and managed-token work run on the calling thread, so that tests are deterministic.
 */
final class FakeAstraContext {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private FakeAstraContext() {}

  static ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AstraVaultAutoConfiguration.class,
            AstraVaultHealthAutoConfiguration.class, AstraVaultEndpointAutoConfiguration.class,
            AstraVaultMetricsAutoConfiguration.class, AstraVaultCassandraAutoConfiguration.class,
            AstraVaultDataApiAutoConfiguration.class))
        .withPropertyValues("management.endpoints.web.exposure.include=health,astratokens");
  }

  /** The org, role and startup-token properties for {@code astra}. */
  static String[] properties(FakeAstra astra) {
    return new String[] {
        "astra.vault.orgs[0].id=" + astra.defaultOrg().orgId(),
        "astra.vault.orgs[0].root-token=" + astra.defaultOrg().rootToken(),
        "astra.vault.orgs[0].url=" + astra.url().uri(),
        "astra.vault.orgs[0].logical-name=prod",
        "astra.vault.roles[0].name=reader",
        "astra.vault.roles[0].role-id=" + astra.roleId("API RO User"),
        "astra.vault.roles[0].ttl=1h",
        "astra.vault.roles[0].max-ttl=2h",
        "astra.vault.token.role=reader",
        "astra.vault.token.logical-name=orders-service",
        "astra.vault.token.metadata.owner=team-orders",
        "astra.vault.startup-backoff=0s",
        "astra.vault.audit.slf4j=false"};
  }

  static ApplicationContextRunner withFakeAstra(FakeAstra astra) {
    return runner().withUserConfiguration(ManualTime.class).withPropertyValues(properties(astra));
  }

  /** Manual time and synchronous managed-token work; records every {@link AstraTokenEvent}. */
  @Configuration(proxyBeanMethods = false)
  static class ManualTime {
    @Bean
    MutableClock clock() {
      return MutableClock.at(START);
    }

    @Bean
    ManualScheduler scheduler(MutableClock clock) {
      return new ManualScheduler(clock);
    }

    @Bean
    TokenManagerCustomizer synchronousManagedWork() {
      return (TokenManagerBuilder b) -> b.managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run)
          .sweepInterval(java.time.Duration.ZERO);
    }

    @Bean
    EventRecorder eventRecorder() {
      return new EventRecorder();
    }
  }

  static final class EventRecorder implements ApplicationListener<AstraTokenEvent> {
    final List<AstraTokenEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onApplicationEvent(AstraTokenEvent event) {
      events.add(event);
    }

    List<Class<?>> types() {
      List<Class<?>> types = new ArrayList<>();
      events.forEach(e -> types.add(e.event().getClass()));
      return types;
    }
  }

  /**
   * The analysis Boot would print for a failed start, after checking that nothing in the cause chain, the
   * description or the action leaks {@code astra}'s root token.
   */
  static org.springframework.boot.diagnostics.FailureAnalysis analysis(
      org.springframework.boot.test.context.assertj.AssertableApplicationContext context, FakeAstra astra) {
    org.assertj.core.api.Assertions.assertThat(context).hasFailed();
    Throwable failure = context.getStartupFailure();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      org.assertj.core.api.Assertions.assertThat(String.valueOf(t.getMessage()))
          .doesNotContain(astra.defaultOrg().rootToken());
    }
    org.springframework.boot.diagnostics.FailureAnalysis analysis = new AstraVaultFailureAnalyzer().analyze(failure);
    org.assertj.core.api.Assertions.assertThat(analysis).as("analysis of %s", failure).isNotNull();
    org.assertj.core.api.Assertions.assertThat(analysis.getDescription() + analysis.getAction())
        .doesNotContain(astra.defaultOrg().rootToken());
    return analysis;
  }
}
