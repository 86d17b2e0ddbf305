package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.spring.autoconfigure.internal.AstraVaultRuntimeHints;
import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.util.ClassUtils;

/** The native-image hints: registered by the auto-configuration and covering what the starter reflects on. */
class AstraVaultRuntimeHintsTest {
  private static RuntimeHints hints() {
    RuntimeHints hints = new RuntimeHints();
    new AstraVaultRuntimeHints().registerHints(hints, AstraVaultRuntimeHintsTest.class.getClassLoader());
    return hints;
  }

  @Test
  void theAutoConfigurationImportsTheHints() {
    ImportRuntimeHints imported = AstraVaultAutoConfiguration.class.getAnnotation(ImportRuntimeHints.class);
    assertThat(imported).isNotNull();
    assertThat(imported.value()).containsExactly(AstraVaultRuntimeHints.class);
  }

  @Test
  void theFailureAnalyzersCanBeCreatedReflectively() {
    assertThat(RuntimeHintsPredicates.reflection().onType(AstraVaultFailureAnalyzer.class)
        .withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(hints());
    assertThat(RuntimeHintsPredicates.reflection().onType(
        dev.astravault.spring.autoconfigure.internal.SecretBindFailureAnalyzer.class)
        .withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).accepts(hints());
  }

  @Test
  void theDataApiOptionsCanBeSerialized() {
    for (String type : new String[] {"dev.astravault.dataapi.RotatingOptions$ForDatabase",
        "dev.astravault.dataapi.RotatingOptions$ForCollection", "dev.astravault.dataapi.RotatingOptions$ForTable"}) {
      assertThat(ClassUtils.isPresent(type, null)).as(type).isTrue();
      assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(type))
          .withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(hints());
    }
  }

  @Test
  void boot3ProxiesAreHintedOnlyWhereBoot3TypesExist() {
    String health = "org.springframework.boot.actuate.health.HealthIndicator";
    boolean boot3 = ClassUtils.isPresent(health, null);
    assertThat(RuntimeHintsPredicates.proxies().forInterfaces(TypeReference.of(health)).test(hints()))
        .isEqualTo(boot3);
    if (boot3) {
      assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("org.springframework.boot.actuate.health"
          + ".Health$Builder")).withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(hints());
    }
  }
}
