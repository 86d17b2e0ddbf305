package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import dev.astravault.ManagedToken;
import dev.astravault.cql.RotatingAuthProvider;
import dev.astravault.test.FakeAstra;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.cassandra.CassandraAutoConfiguration;
import org.springframework.boot.autoconfigure.cassandra.CqlSessionBuilderCustomizer;
import org.springframework.core.Ordered;

/**
 * Boot 3 only (compiled and run by the {@code boot35} profile): the jar built against Boot 4 contributes Boot 3's
 * {@code HealthIndicator} and {@code CqlSessionBuilderCustomizer}.
 */
class AstraVaultBoot3Test {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Test
  void healthIsUpWithLeaseDetailsAndNoSecret() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.health.enabled=true").run(context -> {
      assertThat(context).hasNotFailed();
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(context.getBeansOfType(HealthIndicator.class)).containsKey(AstraVaultHealthAutoConfiguration.BEAN_NAME);
      HealthIndicator indicator = context.getBean(AstraVaultHealthAutoConfiguration.BEAN_NAME, HealthIndicator.class);
      Health health = indicator.health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("state", "ACTIVE")
          .containsEntry("leaseId", token.snapshot().leaseId()).containsEntry("timeToExpiry", "PT1H");
      assertThat(health.getDetails().toString()).doesNotContain(token.current());
      // A default method of the interface goes through the proxy too.
      assertThat(indicator.getHealth(false).getStatus()).isEqualTo(Status.UP);
    });
  }

  @Test
  void healthIsOnByDefaultAndOffWithBootsIndicatorProperty() {
    FakeAstraContext.withFakeAstra(astra)
        .run(context -> assertThat(context.getBeansOfType(HealthIndicator.class)).hasSize(1));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("management.health.astratokens.enabled=false")
        .run(context -> assertThat(context.getBeansOfType(HealthIndicator.class)).isEmpty());
  }

  @Test
  void cqlSessionBuilderGetsTheRotatingAuthProviderAfterTheTokenIsIssued() {
    List<Integer> seen = new ArrayList<>();
    FakeAstraContext.withFakeAstra(astra)
        .withConfiguration(AutoConfigurations.of(CassandraAutoConfiguration.class))
        .withBean("probe", CqlSessionBuilderCustomizer.class, () -> new OrderedProbe(seen))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBeansOfType(CqlSessionBuilderCustomizer.class))
              .containsKey(AstraVaultCassandraAutoConfiguration.BEAN_NAME);
          CqlSessionBuilder builder = context.getBean(CqlSessionBuilder.class);
          assertThat(seen).containsExactly(1);
          var provider = CqlProbe.authProvider(builder);
          assertThat(provider).isInstanceOf(RotatingAuthProvider.class);
          assertThat(CqlProbe.password(provider)).isEqualTo(context.getBean(ManagedToken.class).current());
        });
  }

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
