package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.internal.Redaction;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks astra-vault's secret properties in {@code /actuator/env} and {@code /actuator/configprops}, even with
 * {@code show-values: always}: every {@code astra.vault.*} property whose name ends in a secret's name (root tokens,
 * the Vault token, the AppRole secret id, the store password, keys, JWTs), in any spelling (relaxed names,
 * environment variables), and any value of any property that is shaped like a token or secret.
 */
public final class SecretPropertySanitizer implements SanitizingFunction {
  private static final String PREFIX = "astravault";
  private static final List<String> SECRET_ENDINGS = List.of("token", "secret", "secretid", "password", "key",
      "credentials", "jwt");

  @Override
  public SanitizableData apply(SanitizableData data) {
    if (data.getValue() == null) {
      return data;
    }
    if (isSecretProperty(data.getKey())) {
      return data.withSanitizedValue();
    }
    Object value = data.getValue();
    if (value instanceof CharSequence text && Redaction.looksSecret(text.toString())) {
      return data.withSanitizedValue();
    }
    return data;
  }

  /**
   * Relaxed: {@code astra.vault.orgs[0].root-token}, {@code astra.vault.orgs[0].rootToken} and
   * {@code ASTRA_VAULT_VAULT_TOKEN} are all secret.
   */
  static boolean isSecretProperty(String key) {
    String k = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return k.startsWith(PREFIX) && SECRET_ENDINGS.stream().anyMatch(k::endsWith);
  }
}
