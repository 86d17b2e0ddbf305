package dev.astravault.spring.autoconfigure;

import dev.astravault.ManagedToken;
import dev.astravault.spring.autoconfigure.internal.Boot3BeanRegistrar;
import dev.astravault.spring.autoconfigure.internal.Boot3Support;
import dev.astravault.spring.autoconfigure.internal.Boot4HealthIndicator;
import dev.astravault.spring.autoconfigure.internal.TokenActivity;
import dev.astravault.spring.autoconfigure.internal.TokenHealth;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The health indicator {@code astraTokens}: UP while the startup token is valid, with its state, lease id, client id,
 * expiry, time to expiry and last renewal outcome; never the token. On Boot 4 it implements
 * {@code org.springframework.boot.health.contributor.HealthIndicator}, on Boot 3
 * {@code org.springframework.boot.actuate.health.HealthIndicator}.
 *
 * <p>Switched like every Boot indicator: on unless {@code management.health.astratokens.enabled=false} or
 * {@code management.health.defaults.enabled=false} ({@code @ConditionalOnEnabledHealthIndicator("astratokens")} on
 * Boot 4, the same rule on Boot 3, whose annotation lives in a package this jar cannot name). The deprecated
 * {@code astra.vault.health.enabled=false} still switches it off for one release; both must allow it.
 */
@AutoConfiguration(after = AstraVaultAutoConfiguration.class)
@ConditionalOnProperty(prefix = "astra.vault.health", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnBean(ManagedToken.class)
public class AstraVaultHealthAutoConfiguration {
  /** The indicator's key in {@code management.health.<key>.enabled}. */
  public static final String INDICATOR = "astratokens";

  /** The bean name; Boot names the contributor {@code astraTokens}. */
  public static final String BEAN_NAME = "astraTokensHealthIndicator";

  static TokenHealth health(BeanFactory beans) {
    Clock clock = beans.getBeanProvider(Clock.class).getIfUnique(Clock::systemUTC);
    return TokenHealth.of(beans.getBean(ManagedToken.class), beans.getBean(TokenActivity.class), clock);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnEnabledHealthIndicator(INDICATOR)
  static class Boot4Health {
    @Bean(name = BEAN_NAME)
    @ConditionalOnMissingBean(name = BEAN_NAME)
    Boot4HealthIndicator astraTokensHealthIndicator(ManagedToken token, TokenActivity activity,
        ObjectProvider<Clock> clock) {
      return new Boot4HealthIndicator(() -> TokenHealth.of(token, activity, clock.getIfUnique(Clock::systemUTC)));
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = Boot3Support.HEALTH_INDICATOR)
  @Conditional(Boot3HealthEnabled.class)
  @Import(Boot3HealthRegistrar.class)
  static class Boot3Health {}

  /** Boot 3's {@code @ConditionalOnEnabledHealthIndicator} rule: the indicator's property, else the defaults'. */
  static final class Boot3HealthEnabled extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String key = "management.health." + INDICATOR + ".enabled";
      Boolean own = context.getEnvironment().getProperty(key, Boolean.class);
      if (own != null) {
        return new ConditionOutcome(own, key + " is " + own);
      }
      boolean defaults = context.getEnvironment().getProperty("management.health.defaults.enabled", Boolean.class,
          true);
      return new ConditionOutcome(defaults, "management.health.defaults.enabled is " + defaults);
    }
  }

  static final class Boot3HealthRegistrar extends Boot3BeanRegistrar {
    @Override
    protected String beanName() {
      return BEAN_NAME;
    }

    @Override
    protected String typeName() {
      return Boot3Support.HEALTH_INDICATOR;
    }

    @Override
    protected Object create(BeanFactory beanFactory, @Nullable ClassLoader classLoader) {
      return Boot3Support.healthIndicator(() -> health(beanFactory), classLoader);
    }
  }
}
