package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import dev.astravault.ManagedToken;
import dev.astravault.cql.RotatingAuthProvider;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration;
import org.springframework.boot.cassandra.autoconfigure.CqlSessionBuilderCustomizer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.core.Ordered;

/** Boot 4 only: the health indicator and the CQL customizer in Boot 4's packages. */
class AstraVaultBoot4Test {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Test
  void healthIsUpWithLeaseDetailsAndNoSecret() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.health.enabled=true").run(context -> {
      ManagedToken token = context.getBean(ManagedToken.class);
      HealthIndicator indicator = context.getBean(AstraVaultHealthAutoConfiguration.BEAN_NAME,
          HealthIndicator.class);
      Health health = indicator.health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("state", "ACTIVE")
          .containsEntry("leaseId", token.snapshot().leaseId()).containsEntry("timeToExpiry", "PT1H")
          .containsEntry("lastRenewal", Map.of("outcome", "none"));
      assertThat(health.getDetails().toString()).doesNotContain(token.current());

      context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(50));
      assertThat(indicator.health().getDetails().get("lastRenewal").toString()).containsAnyOf("renewed", "rotated");
      token.stop();
      assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    });
  }

  @Test
  void cqlSessionBuilderGetsTheRotatingAuthProviderAfterTheTokenIsIssued() {
    List<Integer> liveTokensSeenByCustomizer = new ArrayList<>();
    FakeAstraContext.withFakeAstra(astra)
        .withConfiguration(AutoConfigurations.of(CassandraAutoConfiguration.class))
        .withBean("probe", CqlSessionBuilderCustomizer.class, () -> new OrderedProbe(liveTokensSeenByCustomizer))
        .run(context -> {
          assertThat(context).hasNotFailed().hasBean(AstraVaultCassandraAutoConfiguration.BEAN_NAME);
          CqlSessionBuilder builder = context.getBean(CqlSessionBuilder.class);
          assertThat(liveTokensSeenByCustomizer).containsExactly(1);
          var provider = CqlProbe.authProvider(builder);
          assertThat(provider).isInstanceOf(RotatingAuthProvider.class);
          ManagedToken token = context.getBean(ManagedToken.class);
          assertThat(CqlProbe.username(provider)).isEqualTo("token");
          assertThat(CqlProbe.password(provider)).isEqualTo(token.current());
          assertThat(provider.toString()).doesNotContain(token.current());
        });
  }

  @Test
  void aUserCustomizerNamedLikeOursWins() {
    CqlSessionBuilderCustomizer mine = builder -> {};
    FakeAstraContext.withFakeAstra(astra).withConfiguration(AutoConfigurations.of(CassandraAutoConfiguration.class))
        .withBean(AstraVaultCassandraAutoConfiguration.BEAN_NAME, CqlSessionBuilderCustomizer.class, () -> mine)
        .run(context -> assertThat(context.getBean(AstraVaultCassandraAutoConfiguration.BEAN_NAME)).isSameAs(mine));
  }

  /** Runs after every other customizer and records how many live tokens FakeAstra held at that moment. */
  record OrderedProbe(List<Integer> seen) implements CqlSessionBuilderCustomizer, Ordered {
    @Override
    public void customize(CqlSessionBuilder builder) {
      seen.add(astra.liveTokens().size());
    }

    @Override
    public int getOrder() {
      return Ordered.LOWEST_PRECEDENCE;
    }
  }
}
