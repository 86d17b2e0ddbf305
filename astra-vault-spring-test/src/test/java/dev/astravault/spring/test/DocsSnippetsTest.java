package dev.astravault.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code ```java} block of README.md and docs/*.md is the code of a test that the build compiles and runs. Each
 * is preceded by {@code <!-- snippet: <file>#<name> -->} and must equal, line for line (common indentation removed),
 * the lines between {@code // docs:begin <name>} and {@code // docs:end <name>} of that file; a block that cannot run
 * is preceded by {@code <!-- snippet: none (reason) -->}, which is accepted only with a reason. Every marked region of
 * the repository's test sources appears on a page. The check reads files by path, so it sees every module's tests;
 * it lives here because this module is built after all the modules those tests are in.
 */
class DocsSnippetsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String MARKER = "<!-- snippet: ";
  private static final String FENCE = "```";

  /** A {@code ```java} block, where it is, and what its marker says ({@code none} for an accepted unrunnable one). */
  record Snippet(int line, String key, String code) {}

  static Stream<String> pages() throws IOException {
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      return Stream.concat(Stream.of("README.md"), docs.map(p -> "docs/" + p.getFileName())
          .filter(p -> p.endsWith(".md")).sorted().toList().stream());
    }
  }

  @ParameterizedTest
  @MethodSource("pages")
  void everyJavaBlockIsTheCodeOfATestThatRuns(String page) throws IOException {
    List<String> problems = new ArrayList<>();
    List<Snippet> snippets = snippets(page, Files.readString(ROOT.resolve(page)), problems);
    assertThat(problems).as("unmarked or badly marked java blocks of %s", page).isEmpty();
    for (Snippet s : snippets) {
      if (s.key().equals("none")) {
        continue;
      }
      String file = s.key().substring(0, s.key().indexOf('#'));
      Path source = ROOT.resolve(file);
      assertThat(source).as("%s:%d names a file", page, s.line()).isRegularFile();
      Map<String, String> regions = regions(file, Files.readString(source));
      assertThat(regions).as("%s:%d names a marked region", page, s.line()).containsKey(s.key());
      assertThat(normalize(s.code())).as("%s:%d, snippet %s", page, s.line(), s.key())
          .isEqualTo(normalize(regions.get(s.key())));
    }
  }

  @Test
  void everyMarkedRegionIsShownOnAPage() throws IOException {
    Set<String> shown = new TreeSet<>();
    for (String page : pages().toList()) {
      snippets(page, Files.readString(ROOT.resolve(page)), new ArrayList<>()).forEach(s -> shown.add(s.key()));
    }
    Set<String> marked = new TreeSet<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f : files.filter(DocsSnippetsTest::isSource).toList()) {
        String file = ROOT.relativize(f).toString().replace('\\', '/');
        marked.addAll(regions(file, Files.readString(f)).keySet());
      }
    }
    assertThat(marked).as("marked regions of the tests").hasSizeGreaterThanOrEqualTo(7);
    assertThat(shown).as("snippets on the pages").containsAll(marked);
  }

  @Test
  void aJavaBlockWithoutAMarkerOrAReasonFailsTheCheck() {
    List<String> problems = new ArrayList<>();
    snippets("page.md", String.join("\n", "Text", "```java", "int a = 1;", "```",
        "<!-- snippet: none -->", "```java", "int b = 2;", "```",
        "<!-- snippet: none () -->", "```java", "int c = 3;", "```",
        "<!-- snippet: A.java -->", "```java", "int d = 4;", "```",
        "<!-- snippet: A.java#x -->", "", "```java", "int e = 5;", "```",
        "```yaml", "<!-- snippet: A.java#y -->", "```", "```java", "int f = 6;", "```",
        "<!-- snippet: none (an illustration of the caller's own code) -->", "```java", "int g = 7;", "```"),
        problems);
    assertThat(problems).containsExactly(
        "page.md:2: a java block without <!-- snippet: <file>#<name> --> or <!-- snippet: none (reason) -->",
        "page.md:5: <!-- snippet: none --> needs its reason: <!-- snippet: none (reason) -->",
        "page.md:9: <!-- snippet: none () --> needs its reason: <!-- snippet: none (reason) -->",
        "page.md:13: <!-- snippet: <file>#<name> --> expected, found <!-- snippet: A.java -->",
        "page.md:17: a snippet marker not directly followed by a java block",
        "page.md:19: a java block without <!-- snippet: <file>#<name> --> or <!-- snippet: none (reason) -->",
        "page.md:25: a java block without <!-- snippet: <file>#<name> --> or <!-- snippet: none (reason) -->");
  }

  /** The page's java blocks, each with its marker's key; a problem for each block or marker that is not right. */
  static List<Snippet> snippets(String page, String text, List<String> problems) {
    String[] lines = text.split("\n", -1);
    List<Snippet> out = new ArrayList<>();
    String marker = null;
    int markerLine = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (marker != null && !line.equals(FENCE + "java")) {
        problems.add(page + ":" + markerLine + ": a snippet marker not directly followed by a java block");
        marker = null;
      }
      if (line.startsWith(MARKER) && line.endsWith("-->")) {
        marker = line;
        markerLine = i + 1;
      } else if (line.startsWith(FENCE)) {
        int open = i + 1;
        StringBuilder code = new StringBuilder();
        for (i++; i < lines.length && !lines[i].strip().equals(FENCE); i++) {
          code.append(lines[i]).append('\n');
        }
        if (line.equals(FENCE + "java")) {
          String key = marker == null ? null : key(page, markerLine, marker, problems);
          if (marker == null) {
            problems.add(page + ":" + open + ": a java block without <!-- snippet: <file>#<name> --> or "
                + "<!-- snippet: none (reason) -->");
          } else if (key != null) {
            out.add(new Snippet(open, key, code.toString()));
          }
        }
        marker = null;
      }
    }
    return out;
  }

  /** {@code file#name}, or {@code none} for a marker that gives its reason; null (with a problem) otherwise. */
  private static String key(String page, int line, String marker, List<String> problems) {
    String body = marker.substring(MARKER.length(), marker.length() - "-->".length()).strip();
    if (body.startsWith("none")) {
      String reason = body.substring("none".length()).strip();
      if (reason.length() > 2 && reason.startsWith("(") && reason.endsWith(")") && !reason.substring(1,
          reason.length() - 1).isBlank()) {
        return "none";
      }
      problems.add(page + ":" + line + ": " + marker + " needs its reason: <!-- snippet: none (reason) -->");
      return null;
    }
    int hash = body.indexOf('#');
    if (hash <= 0 || hash == body.length() - 1 || body.contains(" ")) {
      problems.add(page + ":" + line + ": <!-- snippet: <file>#<name> --> expected, found " + marker);
      return null;
    }
    return body;
  }

  /** The file's {@code // docs:begin <name>} ... {@code // docs:end <name>} regions by {@code file#name}. */
  static Map<String, String> regions(String file, String source) {
    Map<String, String> regions = new LinkedHashMap<>();
    String name = null;
    StringBuilder code = new StringBuilder();
    for (String line : source.split("\n", -1)) {
      String s = line.strip();
      if (name == null && s.startsWith("// docs:begin ")) {
        name = s.substring("// docs:begin ".length()).strip();
        code.setLength(0);
      } else if (name != null && s.equals("// docs:end " + name)) {
        regions.put(file + "#" + name, code.toString());
        name = null;
      } else if (name != null) {
        code.append(line).append('\n');
      }
    }
    return regions;
  }

  private static boolean isSource(Path p) {
    String s = p.toString().replace('\\', '/');
    return s.endsWith(".java") && s.contains("/src/test/java/") && !s.contains("/target/") && !s.contains("/.git/");
  }

  /** Removes the lines' common indentation and trailing blanks. */
  private static String normalize(String code) {
    List<String> lines = new ArrayList<>(List.of(code.stripTrailing().split("\n", -1)));
    int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
