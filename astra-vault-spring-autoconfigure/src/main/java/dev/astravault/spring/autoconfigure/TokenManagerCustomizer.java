package dev.astravault.spring.autoconfigure;

import dev.astravault.TokenManagerBuilder;

/**
 * Adjusts the auto-configured {@link dev.astravault.TokenManager} before it is built, after the properties were
 * applied: for example to inject a {@code Clock} and {@code Scheduler} in tests, or a shared OkHttp client. Every
 * customizer bean is applied, in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface TokenManagerCustomizer {

  /**
   * Adjusts the builder.
   *
   * @param builder the builder, with the properties applied
   */
  void customize(TokenManagerBuilder builder);
}
