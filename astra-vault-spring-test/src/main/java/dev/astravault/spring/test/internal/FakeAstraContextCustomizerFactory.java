package dev.astravault.spring.test.internal;

import dev.astravault.spring.test.AutoConfigureFakeAstra;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Registered in {@code META-INF/spring.factories}: gives a test class annotated (directly, by inheritance or on an
 * enclosing class) with {@link AutoConfigureFakeAstra} a {@link FakeAstraContextCustomizer}.
 */
public final class FakeAstraContextCustomizerFactory implements ContextCustomizerFactory {

  /** Instantiated by Spring's factories loader. */
  public FakeAstraContextCustomizerFactory() {}

  @Override
  public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
      List<ContextConfigurationAttributes> configAttributes) {
    AutoConfigureFakeAstra annotation = find(testClass);
    return annotation == null ? null : new FakeAstraContextCustomizer(annotation);
  }

  static @Nullable AutoConfigureFakeAstra find(Class<?> testClass) {
    return TestContextAnnotationUtils.findMergedAnnotation(testClass, AutoConfigureFakeAstra.class);
  }
}
