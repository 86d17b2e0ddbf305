package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.ManagedToken;
import dev.astravault.internal.redact.Redaction;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.type.MethodMetadata;

/**
 * Says, once at startup, when an application's own {@link ManagedToken} bean has made the starter's startup token
 * back off although {@code astra.vault.token.role} is set (the auto-configuration registers it only then): Boot's
 * convention is to back off silently, but an operator who set {@code astra.vault.token.*} would otherwise not learn
 * why it has no effect. Names the properties and the bean, never a value.
 */
public final class StartupTokenBackOff implements SmartInitializingSingleton {
  private static final Logger LOG = Redaction.logger(StartupTokenBackOff.class);

  private final ConfigurableListableBeanFactory beanFactory;
  private final String starterBean;
  private final String starterConfiguration;

  /**
   * Creates the check.
   *
   * @param beanFactory the context's bean factory
   * @param starterBean the name of the starter's startup token {@code @Bean} method
   * @param starterConfiguration the class that declares it
   */
  public StartupTokenBackOff(ConfigurableListableBeanFactory beanFactory, String starterBean,
      Class<?> starterConfiguration) {
    this.beanFactory = beanFactory;
    this.starterBean = starterBean;
    this.starterConfiguration = starterConfiguration.getName();
  }

  @Override
  public void afterSingletonsInstantiated() {
    List<String> own = new ArrayList<>();
    for (String name : beanFactory.getBeanNamesForType(ManagedToken.class, true, false)) {
      if (isStarters(name)) {
        return;
      }
      own.add(name);
    }
    if (!own.isEmpty()) {
      LOG.warn("The application's ManagedToken bean {} replaces the starter's startup token, so "
          + "astra.vault.token.role and the other astra.vault.token.* properties (and astra.vault.startup-retries, "
          + "startup-backoff, startup-timeout and fail-fast) have no effect. Remove astra.vault.token.role, or set "
          + "astra.vault.token.enabled=false, when that is intended.", String.join(", ", own.stream()
              .map(n -> "'" + n + "'").toList()));
    }
  }

  /** Declared by the starter's own {@code @Bean} method, whatever it is named: an application may reuse the name. */
  private boolean isStarters(String name) {
    if (!beanFactory.containsBeanDefinition(name)) {
      return false;
    }
    BeanDefinition definition = beanFactory.getBeanDefinition(name);
    @Nullable MethodMetadata method = definition instanceof AnnotatedBeanDefinition a
        ? a.getFactoryMethodMetadata() : null;
    return method != null && method.getMethodName().equals(starterBean)
        && method.getDeclaringClassName().equals(starterConfiguration);
  }
}
