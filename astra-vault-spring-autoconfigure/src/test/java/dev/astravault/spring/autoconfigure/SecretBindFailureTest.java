package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

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

  @Test
  void anOrdinaryBadValueKeepsBootsOwnReport(CapturedOutput output) {
    start("astra.vault.mode=banana");
    assertThat(output.getAll()).contains("Value: \"banana\"", "astra.vault.mode");
  }
}
