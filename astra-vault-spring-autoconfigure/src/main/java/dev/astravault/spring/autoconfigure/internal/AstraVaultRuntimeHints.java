package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.spring.autoconfigure.AstraVaultFailureAnalyzer;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.util.ClassUtils;

/**
 * What the starter reaches by reflection, for a native image (prepared; no native image has been built). Boot
 * already covers {@code @ConfigurationProperties} binding, the endpoint's operations and the auto-configurations
 * themselves. Left here: the failure analyzers (created by {@code SpringFactoriesLoader}); the Boot 3 interfaces that
 * {@link Boot3Support} implements as JDK proxies and whose {@code Health} builder it calls by name; the Data API
 * options whose {@code toString()} Jackson serializes.
 */
public final class AstraVaultRuntimeHints implements RuntimeHintsRegistrar {
  /** The Data API option classes of {@code dev.astravault.dataapi}, serialized by the client's Jackson. */
  static final List<String> DATA_API_OPTIONS = List.of("dev.astravault.dataapi.RotatingOptions$ForDatabase",
      "dev.astravault.dataapi.RotatingOptions$ForCollection", "dev.astravault.dataapi.RotatingOptions$ForTable");

  @Override
  public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
    hints.reflection().registerType(AstraVaultFailureAnalyzer.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
    hints.reflection().registerType(SecretBindFailureAnalyzer.class, MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
    if (ClassUtils.isPresent(Boot3Support.HEALTH_INDICATOR, classLoader)) {
      hints.proxies().registerJdkProxy(TypeReference.of(Boot3Support.HEALTH_INDICATOR));
      hints.reflection().registerType(TypeReference.of(Boot3Support.HEALTH), MemberCategory.INVOKE_PUBLIC_METHODS);
      hints.reflection().registerType(TypeReference.of(Boot3Support.HEALTH + "$Builder"),
          MemberCategory.INVOKE_PUBLIC_METHODS);
    }
    if (ClassUtils.isPresent(Boot3Support.CQL_CUSTOMIZER, classLoader)) {
      hints.proxies().registerJdkProxy(TypeReference.of(Boot3Support.CQL_CUSTOMIZER));
    }
    if (ClassUtils.isPresent("com.datastax.astra.client.databases.Database", classLoader)) {
      for (String type : DATA_API_OPTIONS) {
        hints.reflection().registerType(TypeReference.of(type), MemberCategory.INVOKE_PUBLIC_METHODS,
            MemberCategory.INVOKE_DECLARED_CONSTRUCTORS);
      }
    }
  }
}
