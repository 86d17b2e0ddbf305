package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.internal.redact.Redaction;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * An {@code astra.vault.*} property that could not be bound and whose value looks like a token or secret (a Vault
 * token put as {@code vault.authentication}, a root token as a duration), or that is a secret property: reported
 * without the value. Boot's own binding report, which runs after this one, prints {@code Value: "..."}, and the
 * conversion's reason quotes it again. Other properties and ordinary bad values keep Boot's report.
 *
 * <p>Also the elements of {@code astra.vault.orgs} or {@code astra.vault.roles} left unbound (a misspelt name such as
 * {@code orgs[0].root-tokn}), and any other name under {@code astra.vault} that is not astra-vault's
 * ({@link UnknownProperties}): reported by name, origin and nearest valid name, never by value, as a misspelt
 * property may be a secret's.
 */
public final class SecretBindFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

  /** Created by {@code SpringFactoriesLoader}. */
  public SecretBindFailureAnalyzer() {}

  @Override
  protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
    if (cause.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
      return unbound(cause, unbound);
    }
    ConfigurationProperty property = cause.getProperty();
    if (property == null) {
      return null;
    }
    String name = property.getName().toString();
    Object value = property.getValue();
    if (!name.startsWith("astra.vault.") || !(SecretPropertySanitizer.isSecretProperty(name)
        || value instanceof CharSequence text && Redaction.looksSecret(text.toString()))) {
      return null;
    }
    Class<?> type = cause.getTarget().getType().resolve(Object.class);
    String description = "Failed to bind " + name + " to " + type.getSimpleName() + ": the value looks like a token "
        + "or secret, so it is not shown" + (property.getOrigin() != null ? " (origin: " + property.getOrigin()
            + ")" : "") + ".";
    String valid = type.isEnum() ? " Valid values: " + Arrays.stream(type.getEnumConstants())
        .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .collect(Collectors.joining(", ")) + "." : "";
    return new FailureAnalysis(description, "Set " + name + " to a valid value." + valid + " A token or secret never "
        + "belongs there: remove it from the configuration (it may have been meant for another property, such as "
        + "astra.vault.vault.token or astra.vault.orgs[n].root-token), and rotate it if the configuration is "
        + "shared.", null);
  }

  /**
   * Boot's report prints each unbound property's value. Under {@code astra.vault} none is shown: what a misspelt
   * property was meant to be is unknown, and {@code root-tokn} holds a root token.
   */
  private static @Nullable FailureAnalysis unbound(BindException cause, UnboundConfigurationPropertiesException e) {
    if (!PropertyNames.PREFIX.equals(cause.getName()) && !PropertyNames.PREFIX.isAncestorOf(cause.getName())) {
      return null;
    }
    StringBuilder description = new StringBuilder("Failed to bind " + cause.getName() + ": these properties are "
        + "not astra-vault's (a misspelt name, or a gap in the list's indexes), so their values are not shown:\n");
    for (ConfigurationProperty p : e.getUnboundProperties()) {
      description.append("\n    Property: ").append(p.getName());
      if (p.getOrigin() != null) {
        description.append("\n    Origin: ").append(p.getOrigin());
      }
      if (PropertyNames.PREFIX.isAncestorOf(p.getName()) && !PropertyNames.ASTRA_VAULT.isKnown(p.getName(), true)) {
        description.append("\n    Nearest valid name: ").append(PropertyNames.ASTRA_VAULT.nearest(p.getName()));
      }
      description.append('\n');
    }
    return new FailureAnalysis(description.toString(), "Correct each name (docs/spring-boot.md lists every "
        + "astra.vault property) and number list elements from 0 without gaps. A token or secret under a misspelt "
        + "name still sits in the configuration: rotate it if the configuration is shared. A name that is right but "
        + "not this version's (a newer astra-vault's property in a shared configuration) can be listed in "
        + "astra.vault.ignored-properties.", null);
  }

  /** Before Boot's binding analyzer, which would print the value. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
