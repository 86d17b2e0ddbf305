package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.spring.autoconfigure.AstraVaultProperties;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Fails the binding of {@code astra.vault} when a property under it is not one astra-vault binds (a misspelt
 * {@code token.ttll}, {@code fail-fst}), which Boot would otherwise ignore, leaving a default the operator did not
 * choose. Every enumerable source is read, the environment and system properties included (Boot's own
 * {@code ignoreUnknownFields = false} skips both): under {@code astra.vault} they are ours. The failure is Boot's
 * {@link UnboundConfigurationPropertiesException}, which {@link SecretBindFailureAnalyzer} reports by name, origin
 * and nearest valid name; the properties it carries hold a placeholder, never the value.
 */
final class UnknownProperties {
  /**
   * Environment variables under {@code ASTRA_VAULT_} that the library, its CLI and its launcher read as variables
   * (keys, the CLI's store), not as properties; with those named by {@code store.key-env} and
   * {@code audit.json-lines-key-env}.
   */
  private static final Set<String> LIBRARY_VARIABLES = Set.of("ASTRA_VAULT_KEY", "ASTRA_VAULT_AUDIT_KEY",
      "ASTRA_VAULT_STORE", "ASTRA_VAULT_STORE_USER", "ASTRA_VAULT_STORE_PASSWORD", "ASTRA_VAULT_JAVA_OPTS",
      "ASTRA_VAULT_VERSION", "ASTRA_VAULT_JAR");

  private UnknownProperties() {}

  /**
   * Throws when a source holds a name under {@code astra.vault} that is not astra-vault's.
   *
   * @param sources the binder's sources
   * @param bound the bound properties, or null when nothing was bound
   */
  static void check(Iterable<ConfigurationPropertySource> sources, @Nullable Object bound) {
    Set<String> variables = new HashSet<>();
    LIBRARY_VARIABLES.forEach(v -> variables.add(variable(v)));
    List<String> ignored = new ArrayList<>();
    if (bound instanceof AstraVaultProperties p) {
      variables.add(variable(p.getStore().getKeyEnv()));
      if (p.getAudit().getJsonLinesKeyEnv() != null) {
        variables.add(variable(p.getAudit().getJsonLinesKeyEnv()));
      }
      for (String name : p.getIgnoredProperties()) {
        ignored.add(compact(ConfigurationPropertyName.adapt(name, '.'), Integer.MAX_VALUE));
      }
    }
    Set<ConfigurationProperty> unknown = new TreeSet<>();   // by name: the first, highest-precedence source wins
    for (ConfigurationPropertySource source : sources) {
      if (!(source instanceof IterableConfigurationPropertySource names)) {
        continue;
      }
      boolean environment = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
      names.stream().filter(PropertyNames.PREFIX::isAncestorOf)
          .filter(name -> !PropertyNames.ASTRA_VAULT.isKnown(name, environment) && !isIgnored(name, ignored))
          .filter(name -> !(environment && variables.contains(compact(name, Integer.MAX_VALUE))))
          .forEach(name -> {
            ConfigurationProperty property = names.getConfigurationProperty(name);
            unknown.add(new ConfigurationProperty(name, "██", property != null ? property.getOrigin() : null));
          });
    }
    if (!unknown.isEmpty()) {
      throw new UnboundConfigurationPropertiesException(unknown);
    }
  }

  /** A variable's name as {@link #compact} gives the property name Boot reads from it: lower case, no separators. */
  private static String variable(String name) {
    return name.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  /** Listed in {@code astra.vault.ignored-properties}, or under a name listed there, in any relaxed form. */
  private static boolean isIgnored(ConfigurationPropertyName name, List<String> ignored) {
    for (int n = 1; n <= name.getNumberOfElements(); n++) {
      if (ignored.contains(compact(name, n))) {
        return true;
      }
    }
    return false;
  }

  /** The first {@code n} elements run together in uniform form: an environment variable's split names join up. */
  private static String compact(ConfigurationPropertyName name, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(n, name.getNumberOfElements()); i++) {
      s.append(name.getElement(i, Form.UNIFORM));
    }
    return s.toString();
  }
}
