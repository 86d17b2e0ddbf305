package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A name under {@code astra.vault} that astra-vault does not bind (a misspelt {@code token.ttll}, {@code fail-fst},
 * {@code orgs[0].root-tokn}) fails startup, naming it, its origin and the nearest valid name, never its value; Boot
 * alone would ignore it and run on the default. Relaxed forms of valid names, map keys and other prefixes still
 * start. Run through {@code SpringApplication}, so the report is the one Boot really writes.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnknownPropertyTest {
  private static final String ROOT_TOKEN = "AstraCS:qrstuvwxyzabcdefghijklmn:" + "fedcba9876543210".repeat(4);
  private static final String VAULT_TOKEN = "hvs.CAESIMisspeltPropertyValue0123456789abcdefghijklmnopq";

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(AstraVaultAutoConfiguration.class)
  static class App {}

  private static SpringApplicationBuilder app(Map<String, Object> environment) {
    StandardEnvironment e = new StandardEnvironment();
    e.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
    return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).environment(e);
  }

  /** Starts, expecting a failure; the stack trace of the exception that leaves {@code run}. */
  private static String fail(Map<String, Object> environment, String... args) {
    StringWriter trace = new StringWriter();
    assertThatThrownBy(() -> app(environment).run(args).close()).isInstanceOf(RuntimeException.class)
        .satisfies(failure -> failure.printStackTrace(new PrintWriter(trace)));
    return trace.toString();
  }

  @Test
  void aMisspeltScalarInAFileFailsStartupNamingItsLineAndTheNearestName(CapturedOutput output, @TempDir Path dir)
      throws Exception {
    Path file = Files.writeString(dir.resolve("application.properties"),
        "astra.vault.token.enabled=false\nastra.vault.token.ttll=5m\nastra.vault.fail-fst=false\n");
    String trace = fail(Map.of(), "--spring.config.location=file:" + file);
    assertThat(output.getAll()).contains("APPLICATION FAILED TO START", "Failed to bind astra.vault:",
        "Property: astra.vault.token.ttll", "application.properties] - 2:",
        "Nearest valid name: astra.vault.token.ttl\n", "Property: astra.vault.fail-fst",
        "application.properties] - 3:", "Nearest valid name: astra.vault.fail-fast\n",
        "astra.vault.ignored-properties").doesNotContain("Value:");
    assertThat(trace).contains("UnboundConfigurationPropertiesException", "astra.vault.token.ttll");
  }

  @Test
  void aMisspeltEnvironmentVariableOrSystemPropertyIsNamedToo(CapturedOutput output) {
    fail(Map.of("ASTRA_VAULT_TOKEN_TTLL", "5m", "ASTRA_VAULT_FAIL_FST", "false"), "--astra.vault.token.enabled=false");
    System.setProperty("astra.vault.startup-retrys", "9");
    try {
      fail(Map.of(), "--astra.vault.token.enabled=false");
    } finally {
      System.clearProperty("astra.vault.startup-retrys");
    }
    assertThat(output.getAll()).contains("Property: astra.vault.token.ttll",
        "System Environment Property \"ASTRA_VAULT_TOKEN_TTLL\"", "Nearest valid name: astra.vault.token.ttl\n",
        "Property: astra.vault.fail.fst", "Nearest valid name: astra.vault.fail-fast\n",
        "Property: astra.vault.startup-retrys", "Nearest valid name: astra.vault.startup-retries\n");
  }

  /**
   * A misspelt root token beside a valid property of the same list element, which Boot's list binder does not
   * notice ({@code orgs[0].id} binds, {@code orgs[0].root-tokn} is dropped), and token-shaped values under misspelt
   * names from the command line, the environment and YAML, with {@code --debug}: no output, and no message or cause
   * of the exception that leaves {@code run}, holds a value.
   */
  @Test
  void aMisspeltNamesTokenIsInNoOutputAndNoCause(CapturedOutput output, @TempDir Path dir) throws Exception {
    Path yaml = Files.writeString(dir.resolve("application.yml"), "astra:\n  vault:\n    vault:\n"
        + "      tokn: " + VAULT_TOKEN + "\n");
    List<String> traces = List.of(
        fail(Map.of(), "--debug", "--astra.vault.orgs[0].id=prod", "--astra.vault.orgs[0].root-tokn=" + ROOT_TOKEN),
        fail(Map.of("ASTRA_VAULT_ORGS_0_ID", "prod", "ASTRA_VAULT_ORGS_0_ROOT_TOKN", ROOT_TOKEN), "--debug"),
        fail(Map.of(), "--debug", "--spring.config.location=file:" + yaml));
    assertThat(output.getAll()).contains("Property: astra.vault.orgs[0].root-tokn", "commandLineArgs",
        "Nearest valid name: astra.vault.orgs[0].root-token\n", "Property: astra.vault.orgs[0].root.tokn",
        "System Environment Property \"ASTRA_VAULT_ORGS_0_ROOT_TOKN\"", "Property: astra.vault.vault.tokn",
        "application.yml", "Nearest valid name: astra.vault.vault.token\n", "rotate it");
    for (String printed : List.of(output.getAll(), traces.get(0), traces.get(1), traces.get(2))) {
      assertThat(printed).doesNotContain(ROOT_TOKEN.substring("AstraCS:".length()))
          .doesNotContain(VAULT_TOKEN.substring(4));
    }
  }

  /** Relaxed forms of valid names, map keys and the library's own variables start; pins what was already right. */
  @Test
  void relaxedFormsMapKeysAndTheLibrarysVariablesStillBind() {
    Map<String, Object> environment = Map.of("ASTRA_VAULT_TOKEN_TTL", "5m", "ASTRA_VAULT_FAIL_FAST", "false",
        "ASTRA_VAULT_ORGS_0_ROOT_TOKEN", ROOT_TOKEN, "ASTRA_VAULT_ORGS_0_LOGICALNAME", "prod",
        "ASTRA_VAULT_ORGS_0_ID", "o1", "ASTRA_VAULT_TOKEN_METADATA_TEAM", "orders", "ASTRA_VAULT_KEY", "not-a-property",
        "ASTRA_VAULT_STORE_PASSWORD", "not-a-property", "ASTRA_VAULT_MY_KEY", "x", "ASTRA_VAULTED", "other");
    try (ConfigurableApplicationContext context = app(environment).run("--astra.vault.token.enabled=false",
        "--astra.vault.startupRetries=5", "--astra.vault.token.logicalName=orders", "--astra.vault.renewal"
            + ".backoff_cap=7s", "--astra.vault.token.metadata.cost-center=42", "--astra.vault.token.metadata[a.b]=c",
        "--astra.vault.token.scope.tables[0]=t", "--astra.vault.store.key-env=ASTRA_VAULT_MY_KEY",
        "--astra.vaultx.other=1", "--astra.other=1")) {
      AstraVaultProperties p = context.getBean(AstraVaultProperties.class);
      assertThat(p.getToken().getTtl()).isEqualTo(Duration.ofMinutes(5));
      assertThat(p.isFailFast()).isFalse();
      assertThat(p.getOrgs().get(0).getRootToken()).isEqualTo(ROOT_TOKEN);
      assertThat(p.getOrgs().get(0).getLogicalName()).isEqualTo("prod");
      assertThat(p.getStartupRetries()).isEqualTo(5);
      assertThat(p.getToken().getLogicalName()).isEqualTo("orders");
      assertThat(p.getRenewal().getBackoffCap()).isEqualTo(Duration.ofSeconds(7));
      assertThat(p.getToken().getMetadata()).containsEntry("team", "orders").containsEntry("cost-center", "42")
          .containsEntry("a.b", "c");
    }
  }

  /** The escape hatch: a listed name (and what is under it) is ignored, in any relaxed form; others still fail. */
  @Test
  void ignoredPropertiesTakesANewerVersionsNamesAndNothingElse(CapturedOutput output) {
    String[] args = {"--astra.vault.token.enabled=false",
        "--astra.vault.ignored-properties=astra.vault.token.new-thing,astra.vault.future",
        "--astra.vault.token.newThing=1", "--astra.vault.future.a.b=2"};
    app(Map.of("ASTRA_VAULT_TOKEN_NEW_THING", "3", "ASTRA_VAULT_FUTURE_C", "4")).run(args).close();
    fail(Map.of("ASTRA_VAULT_TOKEN_TTLL", "5m"), args);
    assertThat(output.getAll()).contains("Property: astra.vault.token.ttll")
        .doesNotContain("Property: astra.vault.token.new").doesNotContain("Property: astra.vault.future");
  }
}
