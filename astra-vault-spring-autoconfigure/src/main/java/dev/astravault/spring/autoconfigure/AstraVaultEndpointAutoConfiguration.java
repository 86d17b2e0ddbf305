package dev.astravault.spring.autoconfigure;

import dev.astravault.ManagedToken;
import dev.astravault.TokenManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link AstraTokensEndpoint} ({@code astratokens}), when Spring Boot Actuator is present and the endpoint is
 * available (enabled and exposed, e.g. {@code management.endpoints.web.exposure.include=health,astratokens}).
 */
@AutoConfiguration(after = AstraVaultAutoConfiguration.class)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.endpoint.annotation.Endpoint",
    "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"})
@ConditionalOnBean(TokenManager.class)
public class AstraVaultEndpointAutoConfiguration {

  /**
   * The {@code astratokens} endpoint.
   *
   * @param manager the token manager
   * @param managed the managed (startup) tokens
   * @return the endpoint
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(endpoint = AstraTokensEndpoint.class)
  public AstraTokensEndpoint astraTokensEndpoint(TokenManager manager, ObjectProvider<ManagedToken> managed) {
    return new AstraTokensEndpoint(manager, managed.orderedStream().toList());
  }
}
