package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import dev.astravault.ManagedToken;
import dev.astravault.cql.RotatingAuthProvider;
import dev.astravault.test.FakeAstra;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration;
import org.springframework.boot.cassandra.autoconfigure.CqlSessionBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * docs/spring-boot.md's CQL bundle snippet, which names Boot 4's package of {@code CqlSessionBuilderCustomizer}: a
 * class of its own so that the Boot 3.5 suite, which leaves out {@code *Boot4Test}, still compiles.
 */
class SpringBootDocsBoot4Test {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Configuration(proxyBeanMethods = false)
  static class Bundle {
    // docs:begin spring-cql-bundle
    @Bean
    CqlSessionBuilderCustomizer bundle() {   // Boot 4 package: org.springframework.boot.cassandra.autoconfigure
      return b -> b.withCloudSecureConnectBundle(Path.of("/etc/astra/secure-connect-orders.zip"));
    }
    // docs:end spring-cql-bundle
  }

  @Test
  void theBundleAndTheRotatingAuthProviderBothReachTheSessionBuilder() {
    FakeAstraContext.withFakeAstra(astra).withConfiguration(AutoConfigurations.of(CassandraAutoConfiguration.class))
        .withUserConfiguration(Bundle.class).run(context -> {
          assertThat(context).hasNotFailed().hasBean("bundle");
          CqlSessionBuilder builder = context.getBean(CqlSessionBuilder.class);
          assertThat(CqlProbe.authProvider(builder)).isInstanceOf(RotatingAuthProvider.class);
          assertThat(CqlProbe.password(CqlProbe.authProvider(builder)))
              .isEqualTo(context.getBean(ManagedToken.class).current());
        });
  }
}
