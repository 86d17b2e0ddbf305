package dev.astravault.spring.autoconfigure;

import dev.astravault.ActorProvider;
import dev.astravault.AuditSink;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenListener;
import dev.astravault.RenewalSettings;
import dev.astravault.Scheduler;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.spring.autoconfigure.internal.AstraVaultRuntimeHints;
import dev.astravault.spring.autoconfigure.internal.DeferredManagedToken;
import dev.astravault.spring.autoconfigure.internal.EventBridge;
import dev.astravault.spring.autoconfigure.internal.SecretBindHandlerAdvisor;
import dev.astravault.spring.autoconfigure.internal.SharedVaultConnection;
import dev.astravault.spring.autoconfigure.internal.ShutdownRevoker;
import dev.astravault.spring.autoconfigure.internal.SpringVaultConnection;
import dev.astravault.spring.autoconfigure.internal.StartupTokenBackOff;
import dev.astravault.spring.autoconfigure.internal.StartupTokens;
import dev.astravault.spring.autoconfigure.internal.TokenActivity;
import dev.astravault.spring.autoconfigure.internal.TokenManagerFactory;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.client.VaultEndpointProvider;

/**
 * Configures a {@link TokenManager} from {@code astra.vault.*} and, when {@code astra.vault.token.role} is set, obtains
 * the startup {@link ManagedToken} while the context starts, so that every bean that needs it (a {@code CqlSession},
 * a Data API client) is created after it. Every bean backs off when the application defines its own.
 *
 * <p>Beans: {@link LeaseStore}, {@link AuditSink}, {@link ActorProvider}, {@link TokenManager} (customized by every
 * {@link TokenManagerCustomizer}; a {@link Clock} or {@link Scheduler} bean is used when there is one), the
 * {@link ManagedToken} (customized by every {@link StartupTokenCustomizer}; every {@link ManagedTokenListener} bean
 * sees its events, and they are published as {@link AstraTokenEvent}s once the context is refreshed),
 * {@code astraTokenSupplier} (an {@link AstraTokenSupplier} of the current token) and a late {@code SmartLifecycle}
 * that revokes the token at shutdown.
 */
@AutoConfiguration
@ConditionalOnClass(TokenManager.class)
@ConditionalOnProperty(prefix = "astra.vault", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(AstraVaultProperties.class)
@ImportRuntimeHints(AstraVaultRuntimeHints.class)
public class AstraVaultAutoConfiguration {
  private static final Logger LOG = Redaction.logger(AstraVaultAutoConfiguration.class);

  /**
   * Masks a token or secret that Spring's conversion failure quotes when an {@code astra.vault.*} property cannot be
   * bound, so that the startup exception's causes do not carry it. Static: it must exist before the properties bind.
   *
   * @return the advisor of the properties' bind handler
   */
  @Bean
  @ConditionalOnMissingBean(name = "astraVaultSecretBindHandlerAdvisor")
  public static ConfigurationPropertiesBindHandlerAdvisor astraVaultSecretBindHandlerAdvisor() {
    return new SecretBindHandlerAdvisor();
  }

  /**
   * The lease store the {@code astra.vault.store.*} properties choose (an application {@code DataSource} when the
   * store is JDBC and one is unique).
   *
   * @param properties the {@code astra.vault.*} properties
   * @param dataSource the application's data source, if any
   * @param clock the application's clock, if any
   * @param sharedVault the application's Spring Vault session, if any
   * @return the lease store
   */
  @Bean
  @ConditionalOnMissingBean
  public LeaseStore astraLeaseStore(AstraVaultProperties properties, ObjectProvider<DataSource> dataSource,
      ObjectProvider<Clock> clock, ObjectProvider<SharedVaultConnection> sharedVault) {
    TokenManagerFactory.checkMode(properties, sharedVault.getIfUnique());
    return TokenManagerFactory.leaseStore(properties, dataSource::getIfUnique, clock.getIfUnique(),
        sharedVault.getIfUnique());
  }

  /**
   * The audit sink the {@code astra.vault.audit.*} properties choose.
   *
   * @param properties the {@code astra.vault.*} properties
   * @param dataSource the application's data source, if any
   * @return the audit sink
   */
  @Bean
  @ConditionalOnMissingBean
  public AuditSink astraAuditSink(AstraVaultProperties properties, ObjectProvider<DataSource> dataSource) {
    return TokenManagerFactory.auditSink(properties, dataSource::getIfUnique);
  }

  /**
   * The system actor, named after {@code spring.application.name}.
   *
   * @param environment the Spring environment
   * @return the actor provider
   */
  @Bean
  @ConditionalOnMissingBean
  public ActorProvider astraActorProvider(Environment environment) {
    return ActorProvider.system(environment.getProperty("spring.application.name", "application"));
  }

  /**
   * The token manager built from the properties, with the application's clock and scheduler when it has them, then
   * adjusted by every {@link TokenManagerCustomizer}.
   *
   * @param properties the {@code astra.vault.*} properties
   * @param store the lease store
   * @param auditSink the audit sink
   * @param actorProvider who the manager records as the actor
   * @param clock the application's clock, if any
   * @param scheduler the application's scheduler, if any
   * @param customizers the customizers, applied in order
   * @param sharedVault the application's Spring Vault session, if any
   * @return the token manager
   */
  @Bean
  @ConditionalOnMissingBean
  public TokenManager astraTokenManager(AstraVaultProperties properties, LeaseStore store, AuditSink auditSink,
      ActorProvider actorProvider, ObjectProvider<Clock> clock, ObjectProvider<Scheduler> scheduler,
      ObjectProvider<TokenManagerCustomizer> customizers, ObjectProvider<SharedVaultConnection> sharedVault) {
    return TokenManagerFactory.tokenManager(properties, store, auditSink, actorProvider, clock.getIfUnique(),
        scheduler.getIfUnique(), customizers.orderedStream().toList(), sharedVault.getIfUnique());
  }

  /** {@return the recorder of token activity that the metrics read} */
  @Bean
  @ConditionalOnMissingBean
  public TokenActivity astraTokenActivity() {
    return new TokenActivity();
  }

  /**
   * Publishes each managed token's events as {@link AstraTokenEvent}s, holding back those that happen while the
   * context is still being refreshed (the startup issue) until it is.
   *
   * @param context the application context, which publishes the events
   * @return the bridge
   */
  @Bean
  @ConditionalOnMissingBean
  public EventBridge astraTokenEventBridge(ApplicationContext context) {
    return new EventBridge(context);
  }

  /** astra.vault.token.scope.*: a scope when a database is set; a malformed one fails startup naming it. */
  private static void scope(AstraVaultProperties.Scope s, TokenRequest.Builder request) {
    if (!StringUtils.hasText(s.getDatabase())) {
      return;
    }
    String fix = "Fix astra.vault.token.scope.* (database, keyspace, tables, and access or actions).";
    // Named here: String.valueOf(null) would make a keyspace called "null", or an access level 'null'.
    if (!StringUtils.hasText(s.getKeyspace())) {
      throw new AstraVaultStartupException("astra.vault.token.scope.keyspace is not set, but scope.database is: a "
          + "scoped token reaches one keyspace", "Set astra.vault.token.scope.keyspace, or remove "
          + "astra.vault.token.scope.database for an unscoped token.", null);
    }
    boolean actions = s.getActions() != null && !s.getActions().isEmpty();
    if (!actions && !StringUtils.hasText(s.getAccess())) {
      throw new AstraVaultStartupException("astra.vault.token.scope.access (read, read-write or schema) or "
          + "astra.vault.token.scope.actions is not set, but scope.database is", fix, null);
    }
    try {
      dev.astravault.Scope.Builder scope = dev.astravault.Scope.database(s.getDatabase())
          .keyspace(s.getKeyspace());
      if (s.getTables() != null && !s.getTables().isEmpty()) {
        scope.tables(s.getTables().toArray(String[]::new));
      }
      if (actions) {
        scope.actions(s.getActions().toArray(String[]::new));
      } else {
        scope.actions(dev.astravault.Scope.Access.parse(String.valueOf(s.getAccess())));
      }
      request.scope(scope.build());
    } catch (IllegalArgumentException e) {
      throw new AstraVaultStartupException("astra.vault.token.scope: " + e.getMessage(), fix, e);
    }
  }

  /**
   * The startup token, issued now. Closed by {@link #astraTokenShutdown}, not by the context's destroy phase, so
   * that {@code revoke-on-shutdown=false} can keep its lease.
   *
   * @param manager the token manager
   * @param store the lease store, whose unreadable org configs still count when the org is left out
   * @param properties the {@code astra.vault.*} properties
   * @param environment the Spring environment, for {@code spring.application.name}
   * @param customizers the startup token customizers, applied in order
   * @param listeners listeners of the token's events
   * @param sleeper how to wait between startup retries, the time {@code startup-timeout} is measured on, and where
   *     attempts run; a thread sleep, {@code System.nanoTime()} and a daemon thread per attempt by default
   * @return the startup token
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  @Conditional(OnStartupTokenCondition.class)
  public ManagedToken astraManagedToken(TokenManager manager, ObjectProvider<LeaseStore> store,
      AstraVaultProperties properties, Environment environment, ObjectProvider<StartupTokenCustomizer> customizers,
      ObjectProvider<ManagedTokenListener> listeners, ObjectProvider<StartupTokens.Sleeper> sleeper) {
    AstraVaultProperties.Token t = properties.getToken();
    TokenRequest.Builder request = TokenRequest.builder()
        .org(StringUtils.hasText(t.getOrg()) ? t.getOrg()
            : TokenManagerFactory.onlyOrg(manager, store.getIfUnique(),
                "astra.vault.token.org"))
        .role(String.valueOf(t.getRole()))
        .style(t.getStyle())
        .metadata(t.getMetadata());
    String logicalName = StringUtils.hasText(t.getLogicalName()) ? t.getLogicalName()
        : environment.getProperty("spring.application.name");
    if (!StringUtils.hasText(logicalName)) {
      throw new AstraVaultStartupException("the startup token needs a logical name (what the token is for)",
          "Set astra.vault.token.logical-name, or spring.application.name.", null);
    }
    request.logicalName(logicalName);
    if (t.getTtl() != null) {
      request.ttl(t.getTtl());
    }
    scope(t.getScope(), request);
    RenewalSettings.Builder renewal = StartupTokens.renewal(properties.getRenewal());
    listeners.orderedStream().forEach(renewal::listener);
    customizers.orderedStream().forEach(c -> c.customize(request, renewal));
    TokenRequest built;
    RenewalSettings settings;
    try {
      built = request.build();
      settings = renewal.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new AstraVaultStartupException("astra.vault.token / astra.vault.renewal: " + e.getMessage(),
          "Fix astra.vault.token.* (org, role, logical-name, metadata, ttl) and astra.vault.renewal.*.", e);
    }
    try {
      return StartupTokens.obtain(manager, built, settings, properties.getStartupRetries(),
          properties.getStartupBackoff(), properties.getStartupTimeout(),
          sleeper.getIfUnique(StartupTokens.Sleeper::threadSleep));
    } catch (AstraVaultStartupException e) {
      if (properties.isFailFast()) {
        throw e;
      }
      LOG.warn("astra.vault.fail-fast=false: starting without the startup token; it is obtained on first use. {}",
          e.getMessage());
      return new DeferredManagedToken(manager, built, settings, e);
    }
  }

  /**
   * Logs one warning at startup when an application's own {@link ManagedToken} bean replaced the startup token
   * although {@code astra.vault.token.role} is set, naming the properties that therefore have no effect.
   *
   * @param beanFactory the context's bean factory, whose {@code ManagedToken} beans it looks at
   * @return the check
   */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(OnStartupTokenCondition.class)
  public StartupTokenBackOff astraStartupTokenBackOff(ConfigurableListableBeanFactory beanFactory) {
    return new StartupTokenBackOff(beanFactory, "astraManagedToken", AstraVaultAutoConfiguration.class);
  }

  /**
   * The current token as an {@link AstraTokenSupplier}; one volatile read per call.
   *
   * @param token the startup token
   * @return the supplier
   */
  @Bean
  @ConditionalOnBean(ManagedToken.class)
  // By type (a second one would make every injection of the type ambiguous) and by name (a bean of that name).
  @ConditionalOnMissingBean(value = AstraTokenSupplier.class, name = "astraTokenSupplier")
  public AstraTokenSupplier astraTokenSupplier(ManagedToken token) {
    return AstraTokenSupplier.of(token);
  }

  /**
   * Closes the managed tokens at shutdown, revoking their leases unless {@code astra.vault.revoke-on-shutdown=false}.
   *
   * @param tokens the managed tokens
   * @param properties the {@code astra.vault.*} properties
   * @return the shutdown hook
   */
  @Bean
  @ConditionalOnBean(ManagedToken.class)
  @ConditionalOnMissingBean
  public ShutdownRevoker astraTokenShutdown(ObjectProvider<ManagedToken> tokens, AstraVaultProperties properties) {
    return new ShutdownRevoker(tokens.orderedStream().toList(), properties.isRevokeOnShutdown());
  }

  /**
   * With Spring Vault on the class path: its {@code SessionManager} bean, when the application has one (as
   * {@code spring-cloud-starter-vault-config} creates), is the Vault connection of Vault mode, the vault-kv store and
   * the Vault-held keys and orgs, unless {@code astra.vault.vault.uri} is set. One login serves the application.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"org.springframework.vault.authentication.SessionManager",
      "org.springframework.vault.client.VaultEndpointProvider"})
  static class SpringVaultSession {
    @Bean
    @ConditionalOnMissingBean
    SharedVaultConnection astraSpringVaultConnection(ObjectProvider<SessionManager> sessions,
        ObjectProvider<VaultEndpointProvider> endpoints, Environment environment) {
      return new SpringVaultConnection(sessions, endpoints, environment);
    }
  }

  /** {@code astra.vault.token.enabled} is not false and {@code astra.vault.token.role} is set. */
  static final class OnStartupTokenCondition extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Environment env = context.getEnvironment();
      if (!env.getProperty("astra.vault.token.enabled", Boolean.class, true)) {
        return ConditionOutcome.noMatch("astra.vault.token.enabled is false");
      }
      if (!StringUtils.hasText(env.getProperty("astra.vault.token.role"))) {
        return ConditionOutcome.noMatch("astra.vault.token.role is not set");
      }
      return ConditionOutcome.match("astra.vault.token.role is set");
    }
  }
}
