package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.internal.redact.RedactedException;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.spring.autoconfigure.AstraVaultProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Masks token-shaped text in the cause of an {@code astra.vault.*} property that could not be bound: Spring's
 * conversion failure quotes the value ({@code for value [AstraCS:...]}, {@code 'hvs....' is not a valid duration}),
 * and the startup exception that carries it reaches whatever logs it (a servlet container, a test runner, the
 * application's own {@code catch}). The cause keeps its class name, stack trace and message, with the secret masked;
 * {@link SecretBindFailureAnalyzer} reports it without the value.
 *
 * <p>Also fails the binding of {@code astra.vault} on a name under it that is not astra-vault's (see
 * {@link UnknownProperties}): Boot would ignore it, and the service would run on a default nobody chose.
 */
public final class SecretBindHandlerAdvisor implements ConfigurationPropertiesBindHandlerAdvisor {
  private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("astra.vault");

  @Override
  public BindHandler apply(BindHandler bindHandler) {
    return new AbstractBindHandler(bindHandler) {
      @Override
      public @Nullable Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
          Exception error) throws Exception {
        try {
          return super.onFailure(name, target, context, error);
        } catch (BindException e) {
          throw e;   // an inner property's, already handled at its own level
        } catch (Exception e) {
          Throwable masked = PREFIX.isAncestorOf(name) ? Redaction.cause(e) : e;
          throw masked instanceof RedactedException copy ? copy : e;
        }
      }

      @Override
      public void onFinish(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
          @Nullable Object result) throws Exception {
        super.onFinish(name, target, context, result);
        if (context.getDepth() == 0 && PREFIX.equals(name)
            && target.getType().resolve() == AstraVaultProperties.class) {
          UnknownProperties.check(context.getSources(), result);
        }
      }
    };
  }
}
