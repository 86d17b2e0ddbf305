package dev.astravault.spring.autoconfigure.internal;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one bean whose type exists only on Boot 3, by name, with that type as its target type so that Boot finds
 * it by type (an {@code ObjectProvider} or {@code getBeansOfType}) before it is created. A bean of the same name
 * already defined wins.
 */
public abstract class Boot3BeanRegistrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware,
    BeanClassLoaderAware {
  private @Nullable BeanFactory beanFactory;
  private @Nullable ClassLoader classLoader;

  protected abstract String beanName();

  protected abstract String typeName();

  protected abstract Object create(BeanFactory beanFactory, @Nullable ClassLoader classLoader);

  @Override
  public void setBeanFactory(BeanFactory beanFactory) {
    this.beanFactory = beanFactory;
  }

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    if (registry.containsBeanDefinition(beanName())) {
      return;
    }
    BeanFactory factory = Objects.requireNonNull(beanFactory, "beanFactory");
    Class<?> type = Boot3Support.type(typeName(), classLoader);
    RootBeanDefinition definition = new RootBeanDefinition();
    definition.setTargetType(type);
    definition.setInstanceSupplier(() -> create(factory, classLoader));
    registry.registerBeanDefinition(beanName(), definition);
  }

  /** Convenience for subclasses. */
  protected static <T> T bean(BeanFactory factory, Class<T> type) {
    return factory.getBean(type);
  }

}
