package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code /actuator/env} and {@code /actuator/configprops} set to show values ({@link Show#ALWAYS}) never show an
 * astra-vault secret property, in dotted, camel-case or environment-variable spelling, nor a token-shaped value of
 * any property; the other values stay visible. Without the auto-configured {@link SanitizingFunction} they would
 * all show (the control case).
 */
class AstraVaultSanitizingTest {
  static final String ROOT_TOKEN = "AstraCS:zjCEYwRGWocLfQJHBNQxvorr:"
      + "8709074baaf63e746cc5de52891e3a5ca88c73ae1fb7336652e9b59b9e69eff2";
  static final String SECOND_ROOT = "AstraCS:QwErTyUiOpAsDfGhJkLzXcVb:"
      + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final String VAULT_TOKEN = "plain-vault-token-value";
  static final String SECRET_ID = "7b3f5e2a-approle-secret-id";
  static final String PASSWORD = "store-password-value";
  static final String ENV_VAULT_TOKEN = "env-spelled-vault-token";
  static final String ENV_PASSWORD = "env-spelled-store-password";
  static final String JWT = "eyJhbGciOiJSUzI1NiJ9-jwt-value";
  static final String PASTED_TOKEN = "AstraCS:PaStEdPaStEdPaStEdPaStEdPa:"
      + "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
  /** A base64 key put where the name of its environment variable belongs. */
  static final String PASTED_KEY = "q0Vx3rJ1mYb8Tn2Lw5Pz7Hc9Kd4Fg6Sa1Ue3Ri8Oy0M=";
  /** Spring Cloud Vault's credentials, whose session Vault mode may share. */
  static final String SCV_TOKEN = "spring-cloud-vault-token-value";
  static final String SCV_SECRET_ID = "spring-cloud-vault-approle-secret";
  static final String SCV_ENV_TOKEN = "env-spelled-spring-cloud-vault-token";
  /** The body of a PEM private key pasted where astra.vault.vault.client-key-file's path belongs. */
  static final String PEM_KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7pastedTlsKeyBody";
  /** Passwords in the user info of URLs: the DevOps API's, Vault's (ours and Spring Cloud Vault's). */
  static final String URL_PASSWORD = "devops-url-password";
  static final String VAULT_URI_PASSWORD = "vault-uri-password";
  static final String SCV_URI_PASSWORD = "spring-cloud-vault-uri-password";
  static final List<String> SECRETS = List.of(ROOT_TOKEN, SECOND_ROOT, VAULT_TOKEN, SECRET_ID, PASSWORD,
      ENV_VAULT_TOKEN, ENV_PASSWORD, JWT, PASTED_TOKEN, PASTED_KEY, SCV_TOKEN, SCV_SECRET_ID, SCV_ENV_TOKEN,
      PEM_KEY_BODY, URL_PASSWORD, VAULT_URI_PASSWORD, SCV_URI_PASSWORD);

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(AstraVaultProperties.class)
  static class BindOnly {}

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withUserConfiguration(BindOnly.class)
        .withPropertyValues(
            "astra.vault.orgs[0].id=6f1c0e7a-0f4e-4d1b-9a3e-2b7f6c1d9e00",
            "astra.vault.orgs[0].root-token=" + ROOT_TOKEN,
            "astra.vault.orgs[0].logical-name=prod",
            "astra.vault.orgs[1].id=second",
            "astra.vault.orgs[1].rootToken=" + SECOND_ROOT,
            "astra.vault.orgs[1].url=https://ops:" + URL_PASSWORD + "@gateway.example/astra",
            "astra.vault.vault.uri=https://ops:" + VAULT_URI_PASSWORD + "@vault:8200",
            "spring.cloud.vault.uri=https://ops:" + SCV_URI_PASSWORD + "@vault:8200",
            "astra.vault.vault.token=" + VAULT_TOKEN,
            "astra.vault.vault.app-role-role-id=orders-role-id",
            "astra.vault.vault.app-role-secret-id=" + SECRET_ID,
            "astra.vault.store.jdbc.username=orders",
            "astra.vault.store.jdbc.password=" + PASSWORD,
            "astra.vault.token.metadata.owner=team-orders",
            "astra.vault.token.metadata.note=" + PASTED_TOKEN,
            "astra.vault.audit.json-lines-key-env=" + PASTED_KEY,
            "astra.vault.audit.json-lines-key-file=/etc/app/audit.key",
            "astra.vault.store.key-env=ASTRA_VAULT_STORE_KEY_NAME",
            "astra.vault.vault.ca-file=/etc/vault-tls/ca.crt",
            "astra.vault.vault.client-certificate-file=/etc/vault-tls/tls.crt",
            "astra.vault.vault.client-key-file=-----BEGIN PRIVATE KEY-----\n" + PEM_KEY_BODY
                + "\n-----END PRIVATE KEY-----\n",
            "spring.cloud.vault.token=" + SCV_TOKEN,
            "spring.cloud.vault.app-role.role-id=scv-role-id",
            "spring.cloud.vault.app-role.secret-id=" + SCV_SECRET_ID,
            "other.app.name=visible-value")
        .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
            new MapPropertySource("fakeSystemEnvironment", Map.of(
                "ASTRA_VAULT_VAULT_TOKEN", ENV_VAULT_TOKEN,
                "ASTRA_VAULT_STORE_JDBC_PASSWORD", ENV_PASSWORD,
                "ASTRA_VAULT_VAULT_KUBERNETES_JWT", JWT,
                "SPRING_CLOUD_VAULT_TOKEN", SCV_ENV_TOKEN))));
  }

  /** What /env and /configprops would serialize, as text. */
  private static String endpoints(ApplicationContext context) {
    List<SanitizingFunction> functions = context.getBeanProvider(SanitizingFunction.class).orderedStream().toList();
    StringBuilder out = new StringBuilder();
    new EnvironmentEndpoint(context.getEnvironment(), functions, Show.ALWAYS).environment(null).getPropertySources()
        .forEach(source -> source.getProperties().forEach((key, value) ->
            out.append(source.getName()).append(' ').append(key).append('=').append(value.getValue()).append('\n')));
    ConfigurationPropertiesReportEndpoint configprops = new ConfigurationPropertiesReportEndpoint(functions,
        Show.ALWAYS);
    configprops.setApplicationContext(context);
    configprops.configurationProperties().getContexts().values().forEach(c -> c.getBeans().values().forEach(b ->
        out.append(b.getPrefix()).append(' ').append(b.getProperties()).append(' ').append(b.getInputs())
            .append('\n')));
    return out.toString();
  }

  @Test
  void secretPropertiesAndTokenShapedValuesAreMaskedWhileOthersShow() {
    runner().withConfiguration(AutoConfigurations.of(AstraVaultSanitizingAutoConfiguration.class)).run(context -> {
      assertThat(context).hasBean("astraVaultSanitizingFunction");
      String shown = endpoints(context);
      for (String secret : SECRETS) {
        assertThat(shown).doesNotContain(secret);
      }
      assertThat(shown).contains("******")
          .contains("orders-role-id").contains("team-orders").contains("prod").contains("orders")
          .contains("other.app.name=visible-value").contains("username={value=orders")
          .contains("astra.vault.orgs[0].root-token=******")
          .contains("ASTRA_VAULT_VAULT_TOKEN=******")
          .contains("spring.cloud.vault.app-role.secret-id=******").contains("scv-role-id")
          .contains("astra.vault.audit.json-lines-key-env=******")
          // A path and a variable name are not secrets.
          .contains("/etc/app/audit.key").contains("astra.vault.store.key-env=ASTRA_VAULT_STORE_KEY_NAME")
          .contains("/etc/vault-tls/ca.crt").contains("/etc/vault-tls/tls.crt")
          .contains("astra.vault.vault.client-key-file=******")
          // A URL shows unless it carries user info.
          .contains("url=https://api.astra.datastax.com").contains("astra.vault.vault.uri=******");
    });
  }

  @Test
  void withoutTheSanitizerTheEndpointsWouldShowThem() {
    runner().run(context -> {
      String shown = endpoints(context);
      assertThat(SECRETS).allSatisfy(secret -> assertThat(shown).contains(secret));
    });
  }

  @Test
  void anApplicationsOwnFunctionOfTheSameNameReplacesIt() {
    SanitizingFunction own = data -> data;
    runner().withConfiguration(AutoConfigurations.of(AstraVaultSanitizingAutoConfiguration.class))
        .withBean("astraVaultSanitizingFunction", SanitizingFunction.class, () -> own)
        .run(context -> assertThat(context.getBean("astraVaultSanitizingFunction")).isSameAs(own));
  }

}
