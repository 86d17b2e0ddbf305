package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.test.vault.VaultRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.vault.config.VaultAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.ClientAuthentication;
import org.springframework.vault.authentication.LifecycleAwareSessionManager;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.client.SimpleVaultEndpointProvider;
import org.springframework.vault.client.VaultClients;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.client.VaultEndpointProvider;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.VaultToken;
import org.springframework.web.client.RestTemplate;

/**
 * Vault mode on the application's Spring Vault session, pointed at FakeVault with no {@code astra.vault.vault.*}
 * credentials: Spring Cloud Vault's own auto-configuration ({@code spring.cloud.vault.*}), and the beans it creates
 * declared by hand (a {@code LifecycleAwareSessionManager} over AppRole, an endpoint provider, a
 * {@code VaultTemplate}). One AppRole login serves both.
 */
class AstraVaultSpringVaultSessionTest {
  static final String ROLE_ID = "orders-role-id";
  static final String SECRET_ID = "orders-secret-id-5b2d";

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension static final FakeVault vault = FakeVault.builder()
      .appRole("orders", ROLE_ID, SECRET_ID, TokenSpec.of(Duration.ofHours(1), "root"))
      .build();

  private List<VaultRequest> logins() {
    return vault.requests().stream().filter(r -> r.path().startsWith("/v1/auth/approle/login")).toList();
  }

  private ApplicationContextRunner springVaultApp() {
    return FakeAstraContext.withFakeAstra(astra).withUserConfiguration(SpringCloudVaultBeans.class)
        .withPropertyValues("astra.vault.mode=vault", "spring.cloud.vault.namespace=team-a");
  }

  @Test
  void vaultModeUsesSpringVaultsSessionAndOneLoginServesBoth() {
    springVaultApp().run(context -> {
      assertThat(context).hasNotFailed();
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(astra.isLive(token.current())).isTrue();
      assertThat(vault.leases()).isNotEmpty();
      // Spring Vault's own use of its session, after ours.
      assertThat(context.getBean(VaultTemplate.class).read("auth/token/lookup-self")).isNotNull();

      assertThat(logins()).hasSize(1);
      String session = context.getBean(SessionManager.class).getSessionToken().getToken();
      List<VaultRequest> plugin = vault.requests().stream().filter(r -> r.path().startsWith("/v1/astra/")).toList();
      assertThat(plugin).isNotEmpty().allSatisfy(r -> {
        assertThat(r.token()).contains(session);
        assertThat(r.namespace()).contains("team-a");
      });
      assertThat(context.getBean(AstraVaultProperties.class).toString()).doesNotContain(session);
    });
  }

  @Test
  void springCloudVaultsOwnAutoConfigurationIsUsedAndLogsInOnce() {
    FakeAstraContext.withFakeAstra(astra)
        .withConfiguration(AutoConfigurations.of(VaultAutoConfiguration.class))
        .withPropertyValues("astra.vault.mode=vault", "spring.cloud.vault.uri=" + vault.address(),
            "spring.cloud.vault.authentication=APPROLE", "spring.cloud.vault.app-role.role-id=" + ROLE_ID,
            "spring.cloud.vault.app-role.secret-id=" + SECRET_ID)
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(SessionManager.class);
          assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
          // Spring Cloud Vault's own template, on the same session.
          assertThat(context.getBean(VaultTemplate.class).read("auth/token/lookup-self")).isNotNull();
          assertThat(logins()).hasSize(1);
          String session = context.getBean(SessionManager.class).getSessionToken().getToken();
          assertThat(vault.requests()).filteredOn(r -> r.path().startsWith("/v1/astra/")).isNotEmpty()
              .allSatisfy(r -> assertThat(r.token()).contains(session));
        });
  }

  @Test
  void anExplicitVaultUriKeepsTheLibrarysOwnConnection() {
    springVaultApp().withPropertyValues("astra.vault.vault.uri=" + vault.address(),
        "astra.vault.vault.authentication=approle", "astra.vault.vault.app-role-role-id=" + ROLE_ID,
        "astra.vault.vault.app-role-secret-id=" + SECRET_ID).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
          // The library logged in itself; Spring Vault's session manager was not asked.
          assertThat(logins()).hasSize(1);
          assertThat(vault.requests()).filteredOn(r -> r.path().startsWith("/v1/astra/"))
              .allSatisfy(r -> assertThat(r.namespace()).isEmpty());
        });
  }

  @Test
  void withoutSpringVaultBeansVaultModeNeedsItsOwnSettings() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.mode=vault").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("astra.vault.vault.uri");
    });
  }

  @Test
  void aSpringCloudVaultUriThatDoesNotParseFailsStartupWithoutQuotingIt() {
    String password = "scv-uri-password-41c9";
    FakeAstraContext.withFakeAstra(astra)
        .withBean(SessionManager.class, () -> () -> VaultToken.of("s.unused-session-token"))
        .withPropertyValues("astra.vault.mode=vault",
            // A space does not parse; URI.create's message would have quoted the password.
            "spring.cloud.vault.uri=https://ops:" + password + "@vault host:8200")
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasStackTraceContaining("spring.cloud.vault.uri is not a URL");
          StringWriter trace = new StringWriter();
          context.getStartupFailure().printStackTrace(new PrintWriter(trace));
          assertThat(trace.toString()).doesNotContain(password);
        });
  }

  /** What {@code spring-cloud-starter-vault-config} defines, with AppRole authentication. */
  @Configuration(proxyBeanMethods = false)
  static class SpringCloudVaultBeans {
    @Bean
    VaultEndpointProvider vaultEndpointProvider() {
      return SimpleVaultEndpointProvider.of(VaultEndpoint.from(URI.create(vault.address())));
    }

    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskScheduler vaultTaskScheduler() {
      ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
      scheduler.setDaemon(true);
      scheduler.initialize();
      return scheduler;
    }

    @Bean
    RestTemplate vaultRestTemplate(VaultEndpointProvider endpoint) {
      return VaultClients.createRestTemplate(endpoint, new SimpleClientHttpRequestFactory());
    }

    @Bean
    ClientAuthentication clientAuthentication(RestTemplate vaultRestTemplate) {
      return new AppRoleAuthentication(AppRoleAuthenticationOptions.builder()
          .roleId(AppRoleAuthenticationOptions.RoleId.provided(ROLE_ID))
          .secretId(AppRoleAuthenticationOptions.SecretId.provided(SECRET_ID)).build(), vaultRestTemplate);
    }

    @Bean
    SessionManager vaultSessionManager(ClientAuthentication auth, ThreadPoolTaskScheduler vaultTaskScheduler,
        RestTemplate vaultRestTemplate) {
      return new LifecycleAwareSessionManager(auth, vaultTaskScheduler, vaultRestTemplate);
    }

    @Bean
    VaultTemplate vaultTemplate(VaultEndpointProvider endpoint, SessionManager session) {
      return new VaultTemplate(endpoint, new SimpleClientHttpRequestFactory(), session);
    }
  }
}
