package dev.astravault.spring.autoconfigure;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import dev.astravault.ManagedToken;
import dev.astravault.cql.RotatingAuthProvider;
import dev.astravault.spring.autoconfigure.internal.Boot3BeanRegistrar;
import dev.astravault.spring.autoconfigure.internal.Boot3Support;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.cassandra.autoconfigure.CqlSessionBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * With the Cassandra driver and Boot's Cassandra auto-configuration present, a {@code CqlSessionBuilderCustomizer}
 * ({@code astraCqlSessionBuilderCustomizer}) that installs a {@link RotatingAuthProvider}: every new CQL connection
 * gets the startup token's current value ({@code username=token}). The customizer depends on the {@link ManagedToken},
 * so the token is issued before Boot builds the {@code CqlSession}. Off with {@code astra.vault.cql.enabled=false}.
 */
@AutoConfiguration(after = AstraVaultAutoConfiguration.class)
@ConditionalOnClass(name = "com.datastax.oss.driver.api.core.CqlSession")
@ConditionalOnBean(ManagedToken.class)
@ConditionalOnProperty(prefix = "astra.vault.cql", name = "enabled", havingValue = "true", matchIfMissing = true)
public class AstraVaultCassandraAutoConfiguration {
  /** The customizer bean's name. */
  public static final String BEAN_NAME = "astraCqlSessionBuilderCustomizer";

  /** Installs the rotating auth provider on {@code builder}. */
  static void customize(CqlSessionBuilder builder, ManagedToken token) {
    builder.withAuthProvider(new RotatingAuthProvider(token));
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.cassandra.autoconfigure.CassandraAutoConfiguration")
  static class Boot4Cql {
    @Bean(name = BEAN_NAME)
    @ConditionalOnMissingBean(name = BEAN_NAME)
    CqlSessionBuilderCustomizer astraCqlSessionBuilderCustomizer(ManagedToken token) {
      return builder -> customize(builder, token);
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.boot.autoconfigure.cassandra.CassandraAutoConfiguration",
      Boot3Support.CQL_CUSTOMIZER})
  @Import(Boot3CqlRegistrar.class)
  static class Boot3Cql {}

  static final class Boot3CqlRegistrar extends Boot3BeanRegistrar {
    @Override
    protected String beanName() {
      return BEAN_NAME;
    }

    @Override
    protected String typeName() {
      return Boot3Support.CQL_CUSTOMIZER;
    }

    @Override
    protected Object create(BeanFactory beanFactory, @Nullable ClassLoader classLoader) {
      ManagedToken token = beanFactory.getBean(ManagedToken.class);
      return Boot3Support.cqlSessionBuilderCustomizer(b -> customize((CqlSessionBuilder) b, token), classLoader);
    }
  }
}
