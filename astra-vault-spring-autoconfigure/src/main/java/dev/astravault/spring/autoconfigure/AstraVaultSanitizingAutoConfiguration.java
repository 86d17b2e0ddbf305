package dev.astravault.spring.autoconfigure;

import dev.astravault.spring.autoconfigure.internal.SecretPropertySanitizer;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * When Spring Boot Actuator is present: a {@link SanitizingFunction} that masks every secret {@code astra.vault.*}
 * property (root tokens, the Vault token, the AppRole secret id, the store password, keys) and any token-shaped value
 * in {@code /actuator/env} and {@code /actuator/configprops}, even when those endpoints are set to show values.
 * Independent of {@code astra.vault.enabled}: a disabled library's properties are secrets too.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
public class AstraVaultSanitizingAutoConfiguration {

  /** {@return the function that masks secret {@code astra.vault.*} properties and token-shaped values} */
  @Bean
  @ConditionalOnMissingBean(name = "astraVaultSanitizingFunction")
  public SanitizingFunction astraVaultSanitizingFunction() {
    return new SecretPropertySanitizer();
  }
}
