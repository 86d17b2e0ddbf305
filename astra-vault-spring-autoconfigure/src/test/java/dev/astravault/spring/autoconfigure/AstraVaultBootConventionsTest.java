package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.configurationmetadata.Deprecation;
import org.springframework.boot.configurationmetadata.ValueHint;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;

/** Boot's conventions: the health and endpoint switches, the token's own type, events after refresh, metadata. */
class AstraVaultBootConventionsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private static final String HEALTH = AstraVaultHealthAutoConfiguration.BEAN_NAME;

  @Test
  void theHealthIndicatorIsOnByDefaultAndSwitchedByManagementHealthAstratokensEnabled() {
    FakeAstraContext.withFakeAstra(astra).run(context -> assertThat(context).hasBean(HEALTH));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("management.health.astratokens.enabled=false")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HEALTH));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("management.health.defaults.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(HEALTH));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("management.health.defaults.enabled=false",
        "management.health.astratokens.enabled=true").run(context -> assertThat(context).hasBean(HEALTH));
    // The deprecated switch and Boot's must both allow it.
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.health.enabled=false",
        "management.health.astratokens.enabled=true").run(context -> assertThat(context).doesNotHaveBean(HEALTH));
  }

  @Test
  void theEndpointExistsOnlyWhenItIsExposed() {
    FakeAstraContext.withFakeAstra(astra).run(context -> assertThat(context).hasSingleBean(AstraTokensEndpoint.class));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("management.endpoints.web.exposure.include=health")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(AstraTokensEndpoint.class));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("management.endpoints.web.exposure.include=*",
        "management.endpoints.web.exposure.exclude=astratokens")
        .run(context -> assertThat(context).doesNotHaveBean(AstraTokensEndpoint.class));
  }

  @Test
  void theTokenHasItsOwnTypeSoAnApplicationSupplierOfStringStillInjectsByType() {
    FakeAstraContext.withFakeAstra(astra).withUserConfiguration(GreetingSupplier.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(GreetingConsumer.class).greeting.get()).isEqualTo("hello");
      ManagedToken token = context.getBean(ManagedToken.class);
      AstraTokenSupplier supplier = context.getBean(AstraTokenSupplier.class);
      assertThat(supplier.get()).isEqualTo(token.current());
      assertThat(supplier.asSupplier().get()).isEqualTo(token.current());
      assertThat(context.getBeanNamesForType(AstraTokenSupplier.class)).containsExactly("astraTokenSupplier");
    });
  }

  @Test
  void anApplicationsOwnTokenSupplierOfAnyNameReplacesTheStartupOne() {
    // By type: a second AstraTokenSupplier would make every injection of the type ambiguous.
    FakeAstraContext.withFakeAstra(astra).withBean("ordersToken", AstraTokenSupplier.class, () -> () -> "own")
        .withBean(SupplierConsumer.class).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBeanNamesForType(AstraTokenSupplier.class)).containsExactly("ordersToken");
          assertThat(context.getBean(SupplierConsumer.class).token().get()).isEqualTo("own");
        });
    // By name: a bean called astraTokenSupplier, of whatever type, is the application's.
    FakeAstraContext.withFakeAstra(astra).withBean("astraTokenSupplier", Supplier.class, () -> () -> "own")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(AstraTokenSupplier.class));
  }

  record SupplierConsumer(AstraTokenSupplier token) {}

  @Test
  void noTokenEventIsPublishedBeforeTheContextIsRefreshed() {
    FakeAstraContext.withFakeAstra(astra).withUserConfiguration(RefreshWatcher.class).run(context -> {
      assertThat(context).hasNotFailed();
      List<String> seen = context.getBean(Watcher.class).seen;
      // The startup issue happened while singletons were being created; it arrives after the refresh.
      assertThat(seen).containsExactly("singletons-ready", "refreshed", "Issued");
      // After the refresh, events go straight through.
      context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(50));
      assertThat(seen).hasSizeGreaterThan(3);
      assertThat(seen.get(3)).isIn("Renewed", "Rotated");
    });
  }

  @Test
  void theMetadataHintsTheEnumeratedValuesAndDeprecatesTheOldHealthSwitch() throws Exception {
    Map<String, ConfigurationMetadataProperty> metadata = metadata();
    assertThat(hints(metadata, "astra.vault.mode")).containsExactly("direct", "vault");
    assertThat(hints(metadata, "astra.vault.store.type")).containsExactly("memory", "jdbc", "sqlite", "vault-kv");
    assertThat(hints(metadata, "astra.vault.vault.authentication")).containsExactly("token", "approle",
        "kubernetes");
    for (String name : List.of("astra.vault.mode", "astra.vault.store.type", "astra.vault.vault.authentication")) {
      assertThat(metadata.get(name).getHints().getValueHints()).allSatisfy(h ->
          assertThat(h.getDescription()).isNotBlank());
    }
    Deprecation deprecation = metadata.get("astra.vault.health.enabled").getDeprecation();
    assertThat(deprecation).isNotNull();
    assertThat(deprecation.getReplacement()).isEqualTo("management.health.astratokens.enabled");
    assertThat(deprecation.getLevel()).isEqualTo(Deprecation.Level.WARNING);
  }

  private static List<Object> hints(Map<String, ConfigurationMetadataProperty> metadata, String name) {
    return metadata.get(name).getHints().getValueHints().stream().map(ValueHint::getValue).toList();
  }

  private static Map<String, ConfigurationMetadataProperty> metadata() throws Exception {
    Path classes = Path.of(AstraVaultProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (InputStream in = Files.newInputStream(classes.resolve("META-INF/spring-configuration-metadata.json"))) {
      return ConfigurationMetadataRepositoryJsonBuilder.create(in).build().getAllProperties();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class GreetingSupplier {
    @Bean
    Supplier<String> greeting() {
      return () -> "hello";
    }

    @Bean
    GreetingConsumer consumer(Supplier<String> greeting) {
      return new GreetingConsumer(greeting);
    }
  }

  record GreetingConsumer(Supplier<String> greeting) {}

  @Configuration(proxyBeanMethods = false)
  static class RefreshWatcher {
    @Bean
    static Watcher watcher() {
      return new Watcher();
    }
  }

  /** Sees the refresh before the bridge does (highest precedence) and records the order of what happens. */
  static final class Watcher implements ApplicationListener<ApplicationEvent>, SmartInitializingSingleton, Ordered {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void afterSingletonsInstantiated() {
      seen.add("singletons-ready");
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
      if (event instanceof ContextRefreshedEvent) {
        seen.add("refreshed");
      } else if (event instanceof AstraTokenEvent e) {
        seen.add(e.event().getClass().getSimpleName());
      }
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }
}
