package dev.astravault.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of docs/testing.md is compiled and run: each is preceded by
 * {@code <!-- snippet: <file>#<name> -->} and must equal, line for line (common indentation removed), the lines
 * between {@code // docs:begin <name>} and {@code // docs:end <name>} of that test file, which the build compiles and
 * runs. Every marked region of those files appears in the page.
 */
class DocsTestingSnippetsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern SNIPPET =
      Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern REGION = Pattern.compile("// docs:begin (\\S+)\\n(.*?)[ ]*// docs:end \\1\\n",
      Pattern.DOTALL);

  @Test
  void everySnippetIsTheCodeOfATestThatRuns() throws IOException {
    String page = Files.readString(ROOT.resolve("docs/testing.md"));
    Map<String, String> documented = new LinkedHashMap<>();
    List<String> files = new ArrayList<>();
    Matcher m = SNIPPET.matcher(page);
    while (m.find()) {
      String file = m.group(1);
      if (!files.contains(file)) {
        files.add(file);
      }
      documented.put(file + "#" + m.group(2), m.group(3));
    }
    assertThat(documented).as("snippets in docs/testing.md").hasSizeGreaterThanOrEqualTo(6);

    Map<String, String> regions = new LinkedHashMap<>();
    for (String file : files) {
      Path source = ROOT.resolve(file);
      assertThat(source).as("the file a snippet names").isRegularFile();
      Matcher r = REGION.matcher(Files.readString(source));
      while (r.find()) {
        regions.put(file + "#" + r.group(1), r.group(2));
      }
    }
    assertThat(documented.keySet()).as("documented snippets with a marked region")
        .containsExactlyInAnyOrderElementsOf(regions.keySet());
    documented.forEach((key, snippet) -> assertThat(normalize(snippet)).as("docs/testing.md snippet %s", key)
        .isEqualTo(normalize(regions.get(key))));
  }

  /** Removes the lines' common indentation and trailing blanks. */
  private static String normalize(String code) {
    List<String> lines = new ArrayList<>(List.of(code.stripTrailing().split("\\n", -1)));
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
