package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.ManagedToken;
import dev.astravault.MisplacedSecretException;
import dev.astravault.TokenManager;
import dev.astravault.spring.autoconfigure.internal.TokenActivity;
import dev.astravault.spring.autoconfigure.internal.TokenHealth;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.ApplicationContext;

/**
 * The Spring side of the careless-caller leak scan: with a live startup token and an unmanaged one, and a careless
 * configuration (a token pasted as metadata), nothing the application exposes shows a secret: {@code /actuator/env}
 * and {@code /actuator/configprops} with values shown, the {@code astratokens} endpoint (list and by id), the health
 * details, and the startup failure of the careless configuration.
 */
class CarelessCallerActuatorLeakTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private static String actuator(ApplicationContext context) {
    List<SanitizingFunction> functions = context.getBeanProvider(SanitizingFunction.class).orderedStream().toList();
    StringBuilder out = new StringBuilder();
    new EnvironmentEndpoint(context.getEnvironment(), functions, Show.ALWAYS).environment(null).getPropertySources()
        .forEach(source -> source.getProperties().forEach((key, value) ->
            out.append(key).append('=').append(value.getValue()).append('\n')));
    ConfigurationPropertiesReportEndpoint configprops = new ConfigurationPropertiesReportEndpoint(functions,
        Show.ALWAYS);
    configprops.setApplicationContext(context);
    configprops.configurationProperties().getContexts().values().forEach(c -> c.getBeans().values().forEach(b ->
        out.append(b.getPrefix()).append(' ').append(b.getProperties()).append(' ').append(b.getInputs())
            .append('\n')));
    return out.toString();
  }

  @Test
  void noEndpointShowsASecret() {
    FakeAstraContext.withFakeAstra(astra)
        .withConfiguration(AutoConfigurations.of(AstraVaultSanitizingAutoConfiguration.class))
        .withPropertyValues("astra.vault.store.jdbc.password=careless-store-password",
            "astra.vault.vault.app-role-secret-id=careless-secret-id")
        .run(context -> {
          ManagedToken managed = context.getBean(ManagedToken.class);
          AstraToken other = context.getBean(TokenManager.class).request().org("prod").role("reader")
              .logicalName("batch").issue();
          List<String> secrets = List.of(astra.defaultOrg().rootToken(), managed.current(),
              managed.snapshot().astraToken().secret(), other.token(), other.secret(), "careless-store-password",
              "careless-secret-id");
          List<String> outputs = new ArrayList<>();
          outputs.add(actuator(context));
          AstraTokensEndpoint endpoint = context.getBean(AstraTokensEndpoint.class);
          outputs.add(String.valueOf(endpoint.leases()));
          outputs.add(String.valueOf(endpoint.lease(other.clientId())));
          outputs.add(String.valueOf(endpoint.lease(managed.snapshot().leaseId())));
          outputs.add(String.valueOf(endpoint.lease(astra.defaultOrg().rootToken())));
          outputs.add(TokenHealth.of(managed, context.getBean(TokenActivity.class), context.getBean(
              MutableClock.class)).toString());
          outputs.add(managed.toString());
          assertThat(outputs.get(0)).contains("astra.vault.orgs[0].root-token=******").contains("team-orders");
          assertThat(outputs.get(1)).contains(other.clientId());
          for (String output : outputs) {
            for (String secret : secrets) {
              assertThat(output).doesNotContain(secret);
            }
          }
        });
  }

  @Test
  void aTokenPastedAsMetadataFailsStartupWithoutShowingIt() {
    String root = astra.defaultOrg().rootToken();
    FakeAstraContext.withFakeAstra(astra)
        .withPropertyValues("astra.vault.token.metadata.note=" + root)
        .run(context -> {
          assertThat(context).hasFailed();
          StringWriter printed = new StringWriter();
          context.getStartupFailure().printStackTrace(new PrintWriter(printed));
          assertThat(printed.toString()).contains(MisplacedSecretException.class.getName())
              .contains("metadata value for 'note'").doesNotContain(root)
              .doesNotContain(root.substring(root.lastIndexOf(':') + 1));
        });
  }
}
