package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AstraTokensEndpointAndMetricsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Test
  void endpointListsTheLeasesWithoutSecrets() {
    FakeAstraContext.withFakeAstra(astra).run(context -> {
      ManagedToken token = context.getBean(ManagedToken.class);
      // A second, unmanaged lease.
      context.getBean(dev.astravault.TokenManager.class).request().org("prod").role("reader").logicalName("batch")
          .issue();
      AstraTokensEndpoint endpoint = context.getBean(AstraTokensEndpoint.class);
      Map<String, Object> body = endpoint.leases();
      assertThat(body.get("managed")).isEqualTo(List.of(token.snapshot().leaseId()));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> leases = (List<Map<String, Object>>) body.get("leases");
      assertThat(leases).hasSize(2);
      assertThat(leases).anySatisfy(l -> {
        assertThat(l).containsEntry("leaseId", token.snapshot().leaseId()).containsEntry("managed", true)
            .containsEntry("role", "reader").containsEntry("logicalName", "orders-service")
            .containsEntry("clientId", token.snapshot().info().clientId());
        assertThat(l.get("metadata")).isEqualTo(Map.of("owner", "team-orders"));
      });
      assertThat(leases).anySatisfy(l -> assertThat(l).containsEntry("managed", false));
      String all = body.toString();
      assertThat(all).doesNotContain(token.current()).doesNotContain(token.snapshot().astraToken().secret())
          .doesNotContain(astra.defaultOrg().rootToken());
      assertThat(endpoint.lease(token.snapshot().info().clientId())).containsEntry("managed", true);
      assertThat(endpoint.lease("no-such-lease")).isNull();
    });
  }

  @Test
  void customRolesOfScopedTokensAreCountedUntilTheirGracePeriodEnds() {
    String db = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.token.scope.database=" + db,
        "astra.vault.token.scope.keyspace=orders", "astra.vault.token.scope.access=read").run(context -> {
          SimpleMeterRegistry registry = new SimpleMeterRegistry();
          context.getBean(AstraCustomRoleMetrics.class).bindTo(registry);
          assertThat(registry.get("astra.vault.custom.roles").gauge().value()).isEqualTo(1);
          // A second token of the same scope shares the role; another scope makes a second one.
          dev.astravault.TokenManager tokens = context.getBean(dev.astravault.TokenManager.class);
          dev.astravault.AstraToken other = tokens.request().org("prod").role("reader").logicalName("billing")
              .scope(dev.astravault.Scope.database(db).keyspace("billing").actions(dev.astravault.Scope.Access.READ))
              .issue();
          assertThat(registry.get("astra.vault.custom.roles").gauge().value()).isEqualTo(2);
          assertThat(astra.roleNames(astra.defaultOrg()).stream().filter(n -> n.startsWith("astra-vault-")))
              .hasSize(2);

          tokens.revoke(other.lease().leaseId());
          context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(6));   // past the 5-minute grace period
          assertThat(registry.get("astra.vault.custom.roles").gauge().value()).isEqualTo(1);
        });
  }

  @Test
  void noCustomRolesWithoutScopes() {
    FakeAstraContext.withFakeAstra(astra).run(context -> {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      context.getBean(AstraCustomRoleMetrics.class).bindTo(registry);
      assertThat(registry.get("astra.vault.custom.roles").gauge().value()).isZero();
    });
  }

  @Test
  void metricsReportExpiryRenewalsAndIssueLatency() {
    FakeAstraContext.withFakeAstra(astra).run(context -> {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      context.getBean(AstraTokenMetrics.class).bindTo(registry);
      assertThat(registry.get("astra.vault.token.time.to.expiry").tag("role", "reader")
          .tag("logical.name", "orders-service").timeGauge().value(TimeUnit.SECONDS)).isEqualTo(3600);
      assertThat(registry.get("astra.vault.token.issue").timer().count()).isEqualTo(1);
      assertThat(registry.get("astra.vault.token.renewals").functionCounter().count()).isZero();
      assertThat(registry.get("astra.vault.token.rotations").functionCounter().count()).isZero();
      assertThat(registry.get("astra.vault.token.failures").functionCounter().count()).isZero();

      context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(50));
      double refreshed = registry.get("astra.vault.token.renewals").functionCounter().count()
          + registry.get("astra.vault.token.rotations").functionCounter().count();
      assertThat(refreshed).isPositive();
      assertThat(registry.get("astra.vault.token.time.to.expiry").timeGauge().value(TimeUnit.SECONDS))
          .isPositive();
      registry.getMeters().forEach(m -> m.getId().getTags().forEach(
          t -> assertThat(t.getValue()).doesNotContain(context.getBean(ManagedToken.class).current())));
    });
  }

  @Test
  void everyRotationIsTimedLikeTheStartupIssue() {
    // ttl = max ttl: the handle cannot renew, so at 2/3 of (1h - 5m overlap) it rotates.
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.roles[0].max-ttl=1h",
        "astra.vault.renewal.jitter=0").run(context -> {
          SimpleMeterRegistry registry = new SimpleMeterRegistry();
          context.getBean(AstraTokenMetrics.class).bindTo(registry);
          Timer issue = registry.get("astra.vault.token.issue").tag("role", "reader").timer();
          assertThat(issue.count()).isEqualTo(1);
          String first = context.getBean(ManagedToken.class).current();

          // The rotation's create is late by a scripted delay: the timer's max proves its latency was recorded.
          Duration delay = Duration.ofMillis(120);
          astra.fault(dev.astravault.test.Endpoint.CREATE_TOKEN).delay(delay);
          context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(37));
          assertThat(context.getBean(ManagedToken.class).current()).isNotEqualTo(first);
          assertThat(registry.get("astra.vault.token.rotations").functionCounter().count()).isEqualTo(1);
          assertThat(issue.count()).isEqualTo(2);
          assertThat(issue.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(delay.toMillis());

          context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(37));
          assertThat(registry.get("astra.vault.token.rotations").functionCounter().count()).isEqualTo(2);
          assertThat(issue.count()).isEqualTo(3);
        });
  }

  @Test
  void failuresAreCounted() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.roles[0].max-ttl=1h").run(context -> {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      context.getBean(AstraTokenMetrics.class).bindTo(registry);
      // With ttl = max ttl the handle must rotate: make the new token's creation fail.
      astra.fault(dev.astravault.test.Endpoint.CREATE_TOKEN).status(503).times(100);
      context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(45));
      assertThat(registry.get("astra.vault.token.failures").functionCounter().count()).isPositive();
      astra.reset();
    });
  }

  @Test
  void aTokenObtainedOnFirstUseIsTaggedWithItsRoleAndLogicalNameFromTheStart() {
    // fail-fast=false and Astra down at startup: the meters are bound before the token exists. They were tagged "-"
    // then, and kept that tag once the token was obtained, so dashboards never found the token's series.
    astra.fault(dev.astravault.test.Endpoint.CREATE_TOKEN).status(503).times(1);
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.startup-retries=0",
        "astra.vault.fail-fast=false").run(context -> {
          assertThat(context).hasNotFailed();
          SimpleMeterRegistry registry = new SimpleMeterRegistry();
          context.getBean(AstraTokenMetrics.class).bindTo(registry);
          assertThat(registry.get("astra.vault.token.time.to.expiry").tag("role", "reader")
              .tag("logical.name", "orders-service").timeGauge().value(TimeUnit.SECONDS)).isZero();
          context.getBean(ManagedToken.class).current();
          assertThat(registry.get("astra.vault.token.time.to.expiry").tag("role", "reader")
              .tag("logical.name", "orders-service").timeGauge().value(TimeUnit.SECONDS)).isEqualTo(3600);
        });
  }
}
