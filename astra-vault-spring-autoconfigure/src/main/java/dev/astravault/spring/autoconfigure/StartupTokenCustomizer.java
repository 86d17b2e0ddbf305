package dev.astravault.spring.autoconfigure;

import dev.astravault.RenewalSettings;
import dev.astravault.TokenRequest;

/**
 * Adjusts the startup token's request and renewal settings after the {@code astra.vault.token.*} and
 * {@code astra.vault.renewal.*} properties were applied, for example to add metadata computed at run time. Every
 * customizer bean is applied, in {@link org.springframework.core.annotation.Order} order.
 */
@FunctionalInterface
public interface StartupTokenCustomizer {

  /**
   * Adjusts the startup token's request and renewal settings.
   *
   * @param request the request, with the properties applied
   * @param renewal the renewal settings, with the properties applied
   */
  void customize(TokenRequest.Builder request, RenewalSettings.Builder renewal);
}
