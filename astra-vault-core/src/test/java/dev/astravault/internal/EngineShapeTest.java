package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the shape docs/architecture.md describes: the engine never asks which authority it holds, and an internal
 * class stays small enough to read in one sitting unless it says at its top why it is not.
 */
class EngineShapeTest {
  private static final Path MAIN = Path.of("src/main/java/dev/astravault");
  private static final int MAX_LINES = 400;
  // What a mode check looks like: a null authority, or a test of which backend or authority the engine holds.
  private static final Pattern MODE_CHECK = Pattern.compile(
      "authority(\\(\\))?\\s*[!=]=\\s*null|instanceof\\s+(VaultPluginBackend|VaultAuthority|LocalAuthority|"
          + "DirectBackend)");

  @Test
  void onlyTheBuilderPicksAnAuthority() throws IOException {
    List<String> offenders = sources()
        .filter(p -> !p.endsWith("TokenManagerBuilder.java"))
        .filter(p -> MODE_CHECK.matcher(read(p)).find())
        .map(Path::toString)
        .toList();
    assertThat(offenders).as("mode checks outside the builder (docs/architecture.md)").isEmpty();
  }

  @Test
  void internalClassesAreShortOrSayWhy() throws IOException {
    List<String> offenders = sources()
        .filter(p -> p.toString().contains("/internal/"))
        .filter(p -> read(p).lines().count() > MAX_LINES)
        .filter(p -> !read(p).contains("Why this class is long:"))
        .map(p -> p + " (" + read(p).lines().count() + " lines)")
        .toList();
    assertThat(offenders).as("internal classes over %d lines without a reason at their top", MAX_LINES).isEmpty();
  }

  @Test
  void theCheckSeesModeChecks() {
    assertThat(MODE_CHECK.matcher("return authority == null ? a : b;").find()).isTrue();
    assertThat(MODE_CHECK.matcher("if (backend.authority() != null) {").find()).isTrue();
    assertThat(MODE_CHECK.matcher("if (backend instanceof VaultPluginBackend v) {").find()).isTrue();
    assertThat(MODE_CHECK.matcher("authority.renew(record, increment, now)").find()).isFalse();
  }

  private static Stream<Path> sources() throws IOException {
    assertThat(MAIN).as("run from the module directory").isDirectory();
    return Files.walk(MAIN).filter(p -> p.toString().endsWith(".java"));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
