package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A token or secret put in an {@code astra.vault.*} property that cannot bind it (a Vault token as
 * {@code vault.authentication}, a root token as a duration) fails startup naming the property, without the value that
 * Boot's own binding report prints ({@code Value: "hvs...."}). Run through {@code SpringApplication}, so the report is
 * the one Boot really writes.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretBindFailureTest {
  private static final String VAULT_TOKEN = "hvs.CAESIJlWh0f0Ib2wqFvaZxqPBhMJrAbCdEfGhIjKlMnOpQrStU";
  private static final String ROOT_TOKEN = "AstraCS:abcdefghijklmnopqrstuvwx:" + "0123456789abcdef".repeat(4);

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(AstraVaultAutoConfiguration.class)
  static class App {}

  private static void start(String property) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties(property).run().close()).isInstanceOf(RuntimeException.class);
  }

  /** Starts with {@code environment} as the process environment and {@code args}; the stack trace of the failure. */
  private static String start(Map<String, Object> environment, String... args) {
    StandardEnvironment e = new StandardEnvironment();
    e.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
    StringWriter trace = new StringWriter();
    assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).environment(e)
        .run(args).close()).isInstanceOf(RuntimeException.class)
        .satisfies(failure -> failure.printStackTrace(new PrintWriter(trace)));
    return trace.toString();
  }

  @Test
  void aVaultTokenPutWhereAnEnumBelongsIsNotPrinted(CapturedOutput output) {
    start("astra.vault.vault.authentication=" + VAULT_TOKEN);
    assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "astra.vault.vault.authentication",
        "looks like a token or secret", "Valid values: token, approle, kubernetes.")
        .doesNotContain(VAULT_TOKEN.substring(4));
  }

  @Test
  void aRootTokenPutWhereADurationBelongsIsNotPrinted(CapturedOutput output) {
    start("astra.vault.token.ttl=" + ROOT_TOKEN);
    start("astra.vault.mode=" + ROOT_TOKEN);
    assertThat(output.getAll()).contains("astra.vault.token.ttl", "astra.vault.mode", "Duration")
        .doesNotContain(ROOT_TOKEN.substring("AstraCS:".length()));
  }

  /**
   * The same, as an environment variable, from YAML and with {@code --debug}, whose failure report logs the failure's
   * stack trace: neither the output nor the exception that leaves {@code run} (a servlet container or a test runner
   * prints it) holds the token. The conversion's message quoted it ({@code for value [AstraCS:...]}).
   */
  @Test
  void aTokenThatCannotBeBoundIsInNoOutputAndNoCause(CapturedOutput output, @TempDir Path dir) throws Exception {
    Path yaml = Files.writeString(dir.resolve("application.yml"), "astra:\n  vault:\n    renewal:\n"
        + "      backoff-cap: " + VAULT_TOKEN + "\n");
    List<String> traces = List.of(start(Map.of("ASTRA_VAULT_TOKEN_TTL", ROOT_TOKEN)),
        start(Map.of(), "--debug", "--astra.vault.mode=" + VAULT_TOKEN),
        start(Map.of(), "--spring.config.location=file:" + yaml));
    assertThat(output.getAll()).contains("astra.vault.token.ttl",
        "System Environment Property \"ASTRA_VAULT_TOKEN_TTL\"", "astra.vault.mode", "astra.vault.renewal.backoff-cap",
        "application.yml");
    assertThat(traces.get(0)).contains("ConversionFailedException", "AstraCS:██");
    for (String printed : List.of(output.getAll(), traces.get(0), traces.get(1), traces.get(2))) {
      assertThat(printed).doesNotContain(ROOT_TOKEN.substring("AstraCS:".length()))
          .doesNotContain(VAULT_TOKEN.substring(4));
    }
  }

  /**
   * A list element whose only property is misspelt ({@code orgs[1].root-tokn}) is left unbound, and Boot's report
   * printed its value: a root token, from the command line, an environment variable or YAML. Named with its origin
   * instead; no value is shown, as a misspelt name may be a secret's.
   */
  @Test
  void aMisspeltListElementPropertyIsNamedWithoutItsValue(CapturedOutput output, @TempDir Path dir)
      throws Exception {
    Path yaml = Files.writeString(dir.resolve("application.yml"), "astra:\n  vault:\n    roles:\n"
        + "      - secret: plain-but-secret\n");
    List<String> traces = List.of(start(Map.of(), "--astra.vault.orgs[0].id=prod",
        "--astra.vault.orgs[1].root-tokn=" + ROOT_TOKEN), start(Map.of("ASTRA_VAULT_ORGS_0_ROOTTOKN", VAULT_TOKEN)),
        start(Map.of(), "--spring.config.location=file:" + yaml));
    assertThat(output.getAll()).contains("Failed to bind astra.vault.orgs: these properties are not astra-vault's",
        "Property: astra.vault.orgs[1].root-tokn", "from property source \"commandLineArgs\"",
        "Property: astra.vault.orgs[0].roottokn", "System Environment Property \"ASTRA_VAULT_ORGS_0_ROOTTOKN\"",
        "Property: astra.vault.roles[0].secret", "application.yml", "rotate it")
        .doesNotContain("plain-but-secret");
    for (String printed : List.of(output.getAll(), traces.get(0), traces.get(1), traces.get(2))) {
      assertThat(printed).doesNotContain(ROOT_TOKEN.substring("AstraCS:".length()))
          .doesNotContain(VAULT_TOKEN.substring(4));
    }
  }

  @Test
  void anOrdinaryBadValueKeepsBootsOwnReport(CapturedOutput output) {
    start("astra.vault.mode=banana");
    assertThat(output.getAll()).contains("Value: \"banana\"", "astra.vault.mode");
  }
}
