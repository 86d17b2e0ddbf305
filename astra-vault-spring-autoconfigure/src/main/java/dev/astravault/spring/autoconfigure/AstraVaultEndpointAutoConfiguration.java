package dev.astravault.spring.autoconfigure;

import dev.astravault.ManagedToken;
import dev.astravault.TokenManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The {@link AstraTokensEndpoint} ({@code astratokens}), when Spring Boot Actuator is present. */
@AutoConfiguration(after = AstraVaultAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
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
  public AstraTokensEndpoint astraTokensEndpoint(TokenManager manager, ObjectProvider<ManagedToken> managed) {
    return new AstraTokensEndpoint(manager, managed.orderedStream().toList());
  }
}
