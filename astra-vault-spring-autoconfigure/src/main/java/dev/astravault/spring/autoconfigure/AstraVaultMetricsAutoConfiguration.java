package dev.astravault.spring.autoconfigure;

import dev.astravault.ManagedToken;
import dev.astravault.TokenManager;
import dev.astravault.spring.autoconfigure.internal.TokenActivity;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/** {@link AstraTokenMetrics} and {@link AstraCustomRoleMetrics}, when Micrometer is present; Boot binds them. */
@AutoConfiguration(after = AstraVaultAutoConfiguration.class)
@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
@ConditionalOnBean(ManagedToken.class)
public class AstraVaultMetricsAutoConfiguration {

  /**
   * The startup token's meters.
   *
   * @param token the startup token
   * @param activity the recorder of token activity
   * @param clock the application's clock; the system UTC clock when there is none
   * @return the meter binder
   */
  @Bean
  @ConditionalOnMissingBean
  public AstraTokenMetrics astraTokenMetrics(ManagedToken token, TokenActivity activity, ObjectProvider<Clock> clock) {
    return new AstraTokenMetrics(token, activity, clock.getIfUnique(Clock::systemUTC));
  }

  /**
   * The count of live custom roles behind scoped tokens (direct mode: Vault's plugin makes none, and counting would
   * list Vault's roles at every scrape).
   *
   * @param tokens the application's token manager
   * @return the meter binder
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(name = "astra.vault.mode", havingValue = "direct", matchIfMissing = true)
  public AstraCustomRoleMetrics astraCustomRoleMetrics(TokenManager tokens) {
    return new AstraCustomRoleMetrics(tokens);
  }
}
