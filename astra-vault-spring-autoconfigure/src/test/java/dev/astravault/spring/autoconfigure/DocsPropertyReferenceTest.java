package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;

/** Keeps docs/spring-boot.md's property reference in sync with the configuration processor's metadata. */
class DocsPropertyReferenceTest {
  private static final Pattern ROW = Pattern.compile("^\\| `(astra\\.vault\\.[^`]+)` \\| ([^|]*) \\|", Pattern.MULTILINE);

  /** Our own metadata (the classpath has Boot's too). */
  private static Map<String, ConfigurationMetadataProperty> metadata() throws Exception {
    Path classes = Path.of(AstraVaultProperties.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (InputStream in = Files.newInputStream(classes.resolve("META-INF/spring-configuration-metadata.json"))) {
      Map<String, ConfigurationMetadataProperty> all = new TreeMap<>(
          ConfigurationMetadataRepositoryJsonBuilder.create(in).build().getAllProperties());
      all.keySet().removeIf(name -> !name.startsWith("astra.vault."));
      return all;
    }
  }

  private static Map<String, String> documented() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "spring-boot.md"));
    Map<String, String> rows = new TreeMap<>();
    Matcher m = ROW.matcher(doc.substring(doc.indexOf("## Property reference")));
    while (m.find()) {
      rows.put(m.group(1), m.group(2).trim());
    }
    return rows;
  }

  @Test
  void everyPropertyIsDocumentedWithItsDefaultAndNothingElseIs() throws Exception {
    Map<String, ConfigurationMetadataProperty> metadata = metadata();
    Map<String, String> documented = documented();
    assertThat(metadata).hasSizeGreaterThan(40);
    assertThat(documented.keySet()).as("properties in docs/spring-boot.md vs the metadata")
        .containsExactlyElementsOf(metadata.keySet());
    metadata.forEach((name, property) -> {
      Object value = property.getDefaultValue();
      String expected = value == null ? "" : "`" + value + "`";
      assertThat(documented.get(name)).as("default of %s", name).isEqualTo(expected);
    });
  }

  @Test
  void everyPropertyHasAJavadocDescription() throws Exception {
    metadata().forEach((name, property) ->
        assertThat(property.getDescription()).as("description of %s", name).isNotBlank());
  }
}
