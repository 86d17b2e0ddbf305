package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.internal.redact.Redaction;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks astra-vault's secret properties in {@code /actuator/env} and {@code /actuator/configprops}, even with
 * {@code show-values: always}: every {@code astra.vault.*} property whose name ends in a secret's name (root tokens,
 * the Vault token, the AppRole secret id, the store password, keys, JWTs), in any spelling (relaxed names,
 * environment variables), the same for {@code spring.cloud.vault.*} (whose session Vault mode may share: its token,
 * AppRole secret id, key-store passwords), a {@code key-env} value that is not a variable name (a key pasted where its
 * variable's name belongs), a PEM private key in any property, and any value of any property that is shaped like a
 * token or secret, or a URL with user info.
 */
public final class SecretPropertySanitizer implements SanitizingFunction {
  private static final List<String> PREFIXES = List.of("astravault", "springcloudvault");
  // Also URL-encoded: /configprops shows a Path as a file: URI.
  private static final Pattern PEM_KEY = Pattern.compile("-----BEGIN[A-Z %0-9]*PRIVATE(?: |%20)KEY");
  private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** A URL with user info ({@code https://user:password@host}), e.g. a Vault or DevOps API address. */
  private static final Pattern USER_INFO = Pattern.compile("://[^/?#@\\s]+@");
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
    if (value instanceof CharSequence text && isKeyVariableProperty(data.getKey())
        && !VARIABLE_NAME.matcher(text).matches()) {
      // key-env names a variable; a value that cannot be one is most likely the key itself, pasted by mistake.
      return data.withSanitizedValue();
    }
    if (value instanceof CharSequence text && Redaction.looksSecret(text.toString())) {
      return data.withSanitizedValue();
    }
    if ((value instanceof CharSequence || value instanceof URI) && USER_INFO.matcher(value.toString()).find()) {
      // Credentials in a URL (astra.vault.vault.uri, astra.vault.orgs[n].url, spring.cloud.vault.uri, ...).
      return data.withSanitizedValue();
    }
    if ((value instanceof CharSequence || value instanceof Path) && PEM_KEY.matcher(value.toString()).find()) {
      // A PEM private key, e.g. pasted where astra.vault.vault.client-key-file's path belongs (bound as a Path).
      return data.withSanitizedValue();
    }
    return data;
  }

  /**
   * Relaxed: {@code astra.vault.orgs[0].root-token}, {@code astra.vault.orgs[0].rootToken},
   * {@code ASTRA_VAULT_VAULT_TOKEN} and {@code spring.cloud.vault.app-role.secret-id} are all secret.
   */
  static boolean isSecretProperty(String key) {
    String k = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return PREFIXES.stream().anyMatch(k::startsWith) && SECRET_ENDINGS.stream().anyMatch(k::endsWith);
  }

  /** {@code astra.vault.store.key-env} and {@code astra.vault.audit.json-lines-key-env}, in any spelling. */
  static boolean isKeyVariableProperty(String key) {
    String k = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return k.startsWith(PREFIXES.get(0)) && k.endsWith("keyenv");
  }
}
