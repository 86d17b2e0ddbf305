package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The executable jar carries the licences of what it bundles: astra-vault's LICENSE and NOTICE, and a
 * META-INF/THIRD-PARTY.txt that names every bundled library (from the build's own dependency list, so a new runtime
 * dependency fails here until it is listed) with a licence text that is in the jar.
 */
class CliLicenceFilesIT {
  private static final Pattern DEPENDENCY =
      Pattern.compile("^\\s*([\\w.\\-]+):([\\w.\\-]+):jar:([\\w.\\-]+):(compile|runtime)\\b.*$");

  @Test
  void everyBundledLibraryIsListedWithALicenceTextInTheJar() throws IOException {
    Path jarPath = Path.of(System.getProperty("astravault.cli.jar"));
    List<String> bundled = bundledArtifacts(Path.of(System.getProperty("astravault.cli.bundled")));
    assertThat(bundled).as("the build's list of bundled libraries").hasSizeGreaterThan(5)
        .anyMatch(a -> a.startsWith("info.picocli:picocli:"));

    try (ZipFile jar = new ZipFile(jarPath.toFile())) {
      assertThat(text(jar, "META-INF/LICENSE")).contains("Apache License").contains("Version 2.0, January 2004");
      assertThat(text(jar, "META-INF/NOTICE")).contains("astra-vault");
      String thirdParty = text(jar, "META-INF/THIRD-PARTY.txt");

      List<String> unlisted = new ArrayList<>();
      for (String artifact : bundled) {
        String line = thirdParty.lines().filter(l -> l.startsWith(artifact + " ")).findFirst().orElse(null);
        if (line == null) {
          unlisted.add(artifact);
          continue;
        }
        // The third column names the licence text, which must be in the jar.
        String[] columns = line.trim().split("\\s+");
        assertThat(columns).as(line).hasSizeGreaterThanOrEqualTo(3);
        assertThat(jar.getEntry(columns[2])).as("licence text %s of %s", columns[2], artifact).isNotNull();
      }
      assertThat(unlisted).as("bundled libraries missing from META-INF/THIRD-PARTY.txt").isEmpty();
    }
  }

  private static List<String> bundledArtifacts(Path list) throws IOException {
    List<String> artifacts = new ArrayList<>();
    for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
      Matcher m = DEPENDENCY.matcher(line);
      if (m.matches()) {
        artifacts.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
      }
    }
    return artifacts;
  }

  private static String text(ZipFile jar, String name) throws IOException {
    ZipEntry entry = jar.getEntry(name);
    assertThat(entry).as(name + " in the executable jar").isNotNull();
    return new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
  }
}
