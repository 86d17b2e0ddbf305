package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Every {@code astra-vault} command line that README.md and docs/*.md show is one the CLI accepts as written.
 *
 * <p>What counts as a command line: in a {@code ```sh}, {@code ```shell}, {@code ```bash}, {@code ```console} (after
 * a {@code $ } prompt) or plain {@code ```} block, each line (with its {@code \} continuations) that runs
 * {@code astra-vault} or {@code …/astra-vault}, also after {@code NAME=value} assignments, a pipe or {@code &&}; and
 * every inline code span that starts with {@code astra-vault }. Usage notation is expanded: each {@code [optional]}
 * part is tried without and with each of its {@code a | b} alternatives. Placeholders ({@code FILE}, {@code ID},
 * {@code <org>}, {@code 7f3c…-org}, {@code $ORG_ID}) are replaced by the stand-ins of {@link #STAND_INS}; a word
 * still shaped like a placeholder (capitals, {@code …}, {@code <…>}, {@code $}) fails the test, so that table stays
 * complete. Two kinds of span are not command lines: one that only names a command ({@code `astra-vault role
 * delete`}), whose words must then be commands of the tree, and the token description tag
 * ({@code `astra-vault deployment=<id> …`}).
 *
 * <p>Each is parsed with the CLI's own command tree ({@link Main#commandLine}), after the checks {@link Main#run}
 * makes on argv first, and then the option values the CLI checks only when it runs ({@code --caller-mode},
 * {@code --database}/{@code --keyspace}/{@code --access}) are checked by the same code. The lifecycle that
 * docs/cli.md's "Commands" section shows is then run in order, end to end, against {@link FakeAstra} and a SQLite
 * store, as an operator following the page would.
 */
class CliDocsCommandsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Set<String> SHELL_FENCES = Set.of("", "sh", "shell", "bash", "console");

  private static final String ORG_ID = "7f3c9a2e-5b1d-4c8e-9f60-2a4b6c8d0e1f";
  /** The client id docs/cli.md shows: a real one's shape. The lifecycle run gives it the first token issued. */
  private static final String DOC_CLIENT_ID = "ZqLtcvbbAqYJRGgCjwQxkHpe";
  /** The lease id docs/cli.md's lease commands show. The lifecycle run gives it the --per-request token's lease. */
  private static final String DOC_LEASE_ID = "astra/7f3c…-org/api_ro_user/Xk2…";

  /**
   * The docs' placeholders and what stands in for them when a line is parsed. A key {@code "--option WORD"} applies to
   * WORD given to that option and wins over a key {@code "WORD"}.
   */
  static final Map<String, String> STAND_INS = Map.ofEntries(
      Map.entry("ID", ORG_ID),
      Map.entry("ORG", ORG_ID),
      Map.entry("<org>", ORG_ID),
      Map.entry("$ORG_ID", ORG_ID),
      Map.entry("7f3c…-org", ORG_ID),
      Map.entry("N", "prod"),
      Map.entry("L", "orders"),
      Map.entry("R", "api_ro_user"),
      Map.entry("--role-name NAME", "api_ro_user"),
      Map.entry("U", "https://api.astra.datastax.com"),
      Map.entry("--caller-mode M", "sidecar"),
      Map.entry("--kv-mount M", "secret"),
      Map.entry("P", "astra-vault/orders"),
      Map.entry("UUID", "6c0b4f1e-2d3a-4b5c-8d7e-9f0a1b2c3d4e"),
      Map.entry("6c0b…-uuid", "6c0b4f1e-2d3a-4b5c-8d7e-9f0a1b2c3d4e"),
      Map.entry("C", DOC_CLIENT_ID),
      Map.entry("LEASE_ID", "astra/" + ORG_ID + "/api_ro_user/Xk2hQ9rTbW"),
      Map.entry(DOC_LEASE_ID, "astra/" + ORG_ID + "/api_ro_user/Xk2hQ9rTbW"),
      Map.entry("astra/7f3c…-org/api_ro_user/", "astra/" + ORG_ID + "/api_ro_user/"),
      Map.entry("PREFIX", "astra/" + ORG_ID + "/"),
      Map.entry("FILE", "/var/log/astra-vault/audit.jsonl"),
      Map.entry("W", "/var/lib/astra-vault/audit-witness"),
      Map.entry("SEQ:MAC", "12:9c1f0e7d5b3a"));

  /** The commands an operator runs over a token's life: docs/cli.md must show each, and each must run. */
  private static final Set<String> LIFECYCLE = Set.of("config write", "role write", "role sync", "role read",
      "role list", "token issue", "token read", "lease lookup", "lease renew", "lease revoke", "lease list",
      "reconcile", "audit verify");

  /** docs/cli.md's commands the lifecycle run leaves to the parse check, and why. */
  private static final Map<String, String> NOT_RUN = Map.of(
      "config delete", "it would delete the org the rest of the run uses (CliInProcessTest runs it)",
      "store rotate-keys", "it needs an old and a new key, or a Vault KV store (CliStoreRotateKeysTest runs it)");
  // Not run either: `audit verify` of several files, the rotated FILE.1, FILE.2 one run does not make.

  private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

  @RegisterExtension
  final FakeAstra astra = FakeAstra.create().useClock(clock);

  @TempDir
  Path dir;

  /** A command line as a page shows it: where, its text (continuations joined), and whether in a code block. */
  record Shown(String page, int line, String text, boolean fenced) {
    String where() {
      return page + ":" + line;
    }
  }

  /** One {@code astra-vault} run of a shown line (one variant of its optional parts); stdin fed by a pipe or file. */
  record Invocation(Shown shown, List<String> args, boolean stdinFed) {}

  @Test
  void everyCommandLineTheDocsShowIsOneTheCliAccepts() throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> perPage = new HashMap<>();
    for (String page : pages()) {
      for (Shown shown : shown(page, Files.readAllLines(ROOT.resolve(page)))) {
        for (Invocation inv : invocations(shown)) {
          perPage.merge(page, 1, Integer::sum);
          String problem = problem(inv);
          if (problem != null) {
            String variant = String.join(" ", inv.args());   // named when [optional] parts made it
            problems.add(shown.where() + ": `" + shown.text().strip() + "`"
                + (shown.text().contains(variant) ? "" : " (as astra-vault " + variant + ")") + ": " + problem);
          }
        }
      }
    }
    assertThat(problems).as("documented command lines the CLI does not accept").isEmpty();
    // The extraction itself: each page that shows commands yields them.
    assertThat(perPage).containsKeys("README.md", "docs/cli.md", "docs/operations.md", "docs/vault.md",
        "docs/stores.md", "docs/audit.md");
    assertThat(perPage.get("docs/cli.md")).isGreaterThan(60);
  }

  @Test
  void theLifecycleDocsCliMdShowsRunsInOrder() throws Exception {
    String rootToken = astra.defaultOrg().rootToken();
    String orgId = astra.defaultOrg().orgId();
    Path auditLog = dir.resolve("audit.jsonl");
    Map<String, String> env = new HashMap<>();
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", rootToken);
    env.put("ASTRA_DEVOPS_URL", astra.url().toString());
    env.put("ASTRA_VAULT_AUDIT_LOG", auditLog.toString());
    env.put("ASTRA_VAULT_AUDIT_WITNESS", dir.resolve("witness").toString());
    Path tokenFile = Files.writeString(dir.resolve("root-token"), rootToken + "\n");

    // The stand-ins for this run: the fake's org, URL and role ids, the run's files, then what the run issues.
    Map<String, String> standIns = new HashMap<>(STAND_INS);
    standIns.put("7f3c…-org", orgId);
    standIns.put("$ORG_ID", orgId);
    standIns.put("astra/7f3c…-org/api_ro_user/", "astra/" + orgId + "/api_ro_user/");
    standIns.put("https://api.astra.datastax.com", astra.url().toString());
    standIns.put("6c0b…-uuid", astra.roleId("R/W User"));
    standIns.put("--token-file ~/.astra/root-token", tokenFile.toString());
    standIns.put("/var/log/astra-vault/audit.jsonl", auditLog.toString());
    standIns.put("--witness-file FILE", dir.resolve("witness").toString());

    List<String> page = Files.readAllLines(ROOT.resolve("docs/cli.md"));
    int from = page.indexOf("## Commands");
    assertThat(from).as("docs/cli.md's \"## Commands\" section").isNotNegative();
    int to = from + 1;
    while (to < page.size() && !page.get(to).startsWith("## ")) {
      to++;
    }
    Set<String> ran = new LinkedHashSet<>();
    boolean issued = false;
    for (Shown shown : shown("docs/cli.md", page)) {
      if (!shown.fenced() || shown.line() <= from || shown.line() > to) {
        continue;
      }
      for (Invocation inv : invocations(shown)) {
        if (inv.args().contains("SEQ:MAC") && !standIns.containsKey("--checkpoint SEQ:MAC")) {
          CliRun head = CliRun.of(env, clock, "audit", "verify", auditLog.toString(), "--json");
          standIns.put("--checkpoint SEQ:MAC", String.valueOf(head.json().get("head")));
        }
        List<String> args = substitute(inv.args(), standIns, new ArrayList<>());
        ParseResult leaf = leaf(args);
        String command = leaf.commandSpec().qualifiedName().substring("astra-vault ".length());
        if (NOT_RUN.containsKey(command)
            || leaf.commandSpec().userObject() instanceof AuditCommand.Verify verify && verify.files.size() > 1) {
          continue;
        }
        CliRun run = CliRun.withStdin(env, clock, inv.stdinFed() ? rootToken + "\n" : "", args.toArray(String[]::new));
        assertThat(run.exitCode()).as("%s: `%s`, run as astra-vault %s%nstdout: %s%nstderr: %s", shown.where(),
            shown.text().strip(), String.join(" ", args), run.stdout(), run.stderr()).isZero();
        ran.add(command);
        if (command.equals("token issue")) {
          // The page's client id is the first token's; its lease commands act on the --per-request token's lease.
          if (!issued) {
            standIns.put(DOC_CLIENT_ID, field(run, "clientId"));
            issued = true;
          }
          if (args.contains("--per-request")) {
            standIns.put(DOC_LEASE_ID, field(run, "leaseId"));
          }
        }
      }
    }
    assertThat(ran).as("the lifecycle commands docs/cli.md shows and this test ran").containsAll(LIFECYCLE);
  }

  /** The README and every guide. */
  private static List<String> pages() throws IOException {
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      List<String> pages = new ArrayList<>(List.of("README.md"));
      docs.map(p -> "docs/" + p.getFileName()).filter(p -> p.endsWith(".md")).sorted().forEach(pages::add);
      return pages;
    }
  }

  /** The command lines of a page: shell lines of its code blocks that mention astra-vault, and its code spans. */
  static List<Shown> shown(String page, List<String> lines) {
    List<Shown> out = new ArrayList<>();
    String fence = null;
    List<String> block = new ArrayList<>();
    int blockStart = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      boolean table = trimmed.startsWith("|");
      if (fence == null && (trimmed.isEmpty() || trimmed.startsWith("```") || table || !block.isEmpty()
          && block.get(0).strip().startsWith("|"))) {
        spans(page, blockStart, block, out);
        block.clear();
      }
      if (trimmed.startsWith("```")) {
        fence = fence == null ? trimmed.substring(3).strip() : null;
        continue;
      }
      if (fence == null) {
        if (!trimmed.isEmpty()) {
          if (block.isEmpty()) {
            blockStart = i;
          }
          block.add(line);
        }
        continue;
      }
      if (!SHELL_FENCES.contains(fence)) {
        continue;
      }
      int start = i;
      StringBuilder logical = new StringBuilder(line);
      while (logical.toString().endsWith("\\") && i + 1 < lines.size() && !lines.get(i + 1).strip().startsWith("```")) {
        logical.setLength(logical.length() - 1);
        logical.append(' ').append(lines.get(++i));
      }
      String text = logical.toString();
      if (fence.equals("console")) {
        if (!text.strip().startsWith("$ ")) {
          continue;   // output, not a command
        }
        text = text.strip().substring(2);
      }
      if (text.contains("astra-vault")) {
        out.add(new Shown(page, start + 1, text, true));
      }
    }
    spans(page, blockStart, block, out);
    return out;
  }

  /** The code spans of one paragraph, list item or table row that start with {@code astra-vault }. */
  private static void spans(String page, int firstLine, List<String> block, List<Shown> out) {
    String text = String.join("\n", block);
    boolean table = !block.isEmpty() && block.get(0).strip().startsWith("|");
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c != '`') {
        i++;
        continue;
      }
      int run = ticks(text, i);
      int close = i + run;
      while (close < text.length() && (text.charAt(close) != '`' || ticks(text, close) != run)) {
        close += text.charAt(close) == '`' ? ticks(text, close) : 1;
      }
      if (close >= text.length()) {
        i += run;   // literal backticks
        continue;
      }
      String span = text.substring(i + run, close).replace('\n', ' ');
      if (table) {
        span = span.replace("\\|", "|");   // GFM: a pipe in a table cell's span is written \|
      }
      if (span.strip().startsWith("astra-vault ")) {
        int line = firstLine + 1 + (int) text.substring(0, i).chars().filter(ch -> ch == '\n').count();
        out.add(new Shown(page, line, span.strip(), false));
      }
      i = close + run;
    }
  }

  private static int ticks(String text, int at) {
    int end = at;
    while (end < text.length() && text.charAt(end) == '`') {
      end++;
    }
    return end - at;
  }

  /** Each {@code [optional | part]} left out, or given as each of its alternatives. */
  static List<String> variants(String text) {
    int open = -1;
    for (int i = 0; i < text.length() && open < 0; i++) {
      if (text.charAt(i) == '[' && (i == 0 || text.charAt(i - 1) == ' ')) {
        open = i;
      }
    }
    int close = open < 0 ? -1 : text.indexOf(']', open);
    if (close < 0) {
      return List.of(text);
    }
    List<String> choices = new ArrayList<>(List.of(""));
    choices.addAll(List.of(text.substring(open + 1, close).split("\\|")));
    List<String> out = new ArrayList<>();
    for (String choice : choices) {
      for (String rest : variants(text.substring(close + 1))) {
        out.add(text.substring(0, open) + choice.strip() + rest);
      }
    }
    return out;
  }

  /**
   * The {@code astra-vault} runs of a shown line, each variant: words split as sh splits them (quotes, a {@code #}
   * comment, {@code &&}, {@code ||}, {@code |} and {@code ;} between commands, {@code <} and {@code >} with their
   * file), leading {@code NAME=value} assignments dropped. No variable is expanded: {@code "$ORG_ID"} is a
   * placeholder, and so is {@code <org>} (a {@code <} with no blank before the next {@code >}).
   */
  static List<Invocation> invocations(Shown shown) {
    List<Invocation> out = new ArrayList<>();
    for (String variant : variants(shown.text())) {
      List<String> words = new ArrayList<>();
      StringBuilder word = null;
      boolean fed = false;
      boolean redirectTarget = false;
      String text = variant;
      int i = 0;
      while (i <= text.length()) {
        char c = i < text.length() ? text.charAt(i) : ';';
        if (c == '\'' || c == '"') {
          int end = text.indexOf(c, i + 1);
          end = end < 0 ? text.length() : end;
          word = (word == null ? new StringBuilder() : word).append(text, i + 1, end);
          i = end + 1;
          continue;
        }
        if (c == '\\' && i + 1 < text.length()) {
          word = (word == null ? new StringBuilder() : word).append(text.charAt(i + 1));
          i += 2;
          continue;
        }
        int placeholder = c == '<' ? placeholderEnd(text, i) : -1;
        if (placeholder > 0) {   // <org>: a placeholder, not a redirect
          word = (word == null ? new StringBuilder() : word).append(text, i, placeholder);
          i = placeholder;
          continue;
        }
        if (c == '#' && word == null) {
          c = ';';
          i = text.length();   // a comment: the rest of the line
        }
        boolean operator = c == '&' || c == '|' || c == ';' || c == '<' || c == '>';
        if (Character.isWhitespace(c) || operator) {
          if (word != null) {
            if (redirectTarget) {
              redirectTarget = false;
            } else {
              words.add(word.toString());
            }
            word = null;
          }
          if (c == '<' || c == '>') {
            redirectTarget = true;
            fed |= c == '<';
          } else if (operator) {
            boolean pipe = c == '|' && (i + 1 >= text.length() || text.charAt(i + 1) != '|');
            command(shown, words, fed, out);
            words = new ArrayList<>();
            fed = pipe;
            while (i + 1 < text.length() && text.charAt(i + 1) == c) {
              i++;
            }
          }
          i++;
          continue;
        }
        word = (word == null ? new StringBuilder() : word).append(c);
        i++;
      }
    }
    return out;
  }

  /** The end of a {@code <placeholder>} at {@code at} (no blank inside), or -1 for a redirect. */
  private static int placeholderEnd(String text, int at) {
    for (int i = at + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '>') {
        return i > at + 1 ? i + 1 : -1;
      }
      if (Character.isWhitespace(c) || c == '<') {
        return -1;
      }
    }
    return -1;
  }

  private static void command(Shown shown, List<String> words, boolean fed, List<Invocation> out) {
    int first = 0;
    while (first < words.size() && assignment(words.get(first))) {
      first++;
    }
    if (first < words.size() && (words.get(first).equals("astra-vault") || words.get(first).endsWith("/astra-vault"))) {
      out.add(new Invocation(shown, List.copyOf(words.subList(first + 1, words.size())), fed));
    }
  }

  private static boolean assignment(String word) {
    int eq = word.indexOf('=');
    if (eq <= 0 || Character.isDigit(word.charAt(0))) {
      return false;
    }
    return word.substring(0, eq).chars().allMatch(ch -> ch == '_' || Character.isLetterOrDigit(ch));
  }

  /** Why the CLI would not accept {@code inv} as written, or null. */
  private static @Nullable String problem(Invocation inv) {
    List<String> args = inv.args();
    if (!inv.shown().fenced()) {
      if (!args.isEmpty() && !args.get(0).startsWith("-") && args.get(0).contains("=")) {
        return null;   // the token description tag, `astra-vault deployment=<id> lease=<leaseId>`
      }
      if (args.stream().allMatch(CliDocsCommandsTest::commandWord)) {
        return referenceProblem(args);   // prose naming a command: `astra-vault role delete`
      }
    }
    List<String> missing = new ArrayList<>();
    List<String> given = substitute(args, STAND_INS, missing);
    if (!missing.isEmpty()) {
      return "no stand-in for the placeholder(s) " + missing + " (add one to STAND_INS)";
    }
    for (String arg : given) {
      String refused = Main.refusal(arg);
      if (refused != null) {
        return "argument '" + arg + "' " + refused;
      }
    }
    return parseProblem(given);
  }

  private static boolean commandWord(String word) {
    return !word.isEmpty() && word.chars().allMatch(ch -> ch == '-' || ch >= 'a' && ch <= 'z')
        && !word.startsWith("-");
  }

  /** Picocli's own error, or what {@link Main#run} would refuse when it runs, for a command line; else null. */
  private static @Nullable String parseProblem(List<String> args) {
    StringWriter sink = new StringWriter();
    PrintWriter writer = new PrintWriter(sink);
    try (AstraVaultCommand root = new AstraVaultCommand(Map.of(), InputStream.nullInputStream(), Clock.systemUTC(),
        writer)) {
      ParseResult parsed;
      try {
        parsed = Main.commandLine(root, writer, writer, false).parseArgs(args.toArray(String[]::new));
      } catch (ParameterException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      ParseResult leaf = parsed;
      while (true) {
        if (leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested()) {
          return null;
        }
        if (!leaf.hasSubcommand()) {
          break;
        }
        leaf = leaf.subcommand();
      }
      Object command = leaf.commandSpec().userObject();
      if (!(command instanceof CliCommand)) {
        return "'" + leaf.commandSpec().qualifiedName() + "' is a group of commands, not one to run";
      }
      // Values picocli passes as text, checked by the code the command runs.
      try {
        if (command instanceof TokenCommand.Issue issue) {
          issue.scope();
        }
        if (command instanceof ConfigCommand.Write write && write.callerMode != null) {
          ConfigCommand.Write.callerMode(write.callerMode);
        }
      } catch (RuntimeException e) {
        return e.getMessage();
      }
      return null;
    }
  }

  /** For prose that names a command without running it: each word must be a command under the one before. */
  private static @Nullable String referenceProblem(List<String> words) {
    StringWriter sink = new StringWriter();
    PrintWriter writer = new PrintWriter(sink);
    try (AstraVaultCommand root = new AstraVaultCommand(Map.of(), InputStream.nullInputStream(), Clock.systemUTC(),
        writer)) {
      CommandLine command = Main.commandLine(root, writer, writer, false);
      for (String word : words) {
        CommandLine sub = command.getSubcommands().get(word);
        if (sub == null) {
          return "'" + command.getCommandName() + "' has no command '" + word + "' (it has "
              + command.getSubcommands().keySet() + ")";
        }
        command = sub;
      }
      return null;
    }
  }

  /** {@code args} with the placeholders replaced; a word still shaped like one is added to {@code missing}. */
  static List<String> substitute(List<String> args, Map<String, String> standIns, List<String> missing) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String word = args.get(i);
      String value = standIns.get((i == 0 ? "" : args.get(i - 1)) + " " + word);
      if (value == null) {
        value = standIns.getOrDefault(word, word);
      }
      int eq = value.indexOf('=');
      if (value.startsWith("--") && eq > 0) {   // --option=WORD
        String inner = value.substring(eq + 1);
        String v = standIns.get(value.substring(0, eq) + " " + inner);
        value = value.substring(0, eq + 1) + (v != null ? v : standIns.getOrDefault(inner, inner));
      }
      if (placeholder(value)) {
        missing.add(word);
      }
      out.add(value);
    }
    return out;
  }

  private static boolean placeholder(String word) {
    if (word.contains("…") || word.contains("<") || word.contains(">") || word.contains("$")) {
      return true;
    }
    return !word.isEmpty() && Character.isUpperCase(word.charAt(0))
        && word.chars().allMatch(ch -> ch == '_' || ch == ':' || Character.isDigit(ch) || ch >= 'A' && ch <= 'Z');
  }

  /** The parse of the command {@code args} run, such as {@code token issue}. */
  private static ParseResult leaf(List<String> args) {
    StringWriter sink = new StringWriter();
    PrintWriter writer = new PrintWriter(sink);
    try (AstraVaultCommand root = new AstraVaultCommand(Map.of(), InputStream.nullInputStream(), Clock.systemUTC(),
        writer)) {
      ParseResult leaf = Main.commandLine(root, writer, writer, false).parseArgs(args.toArray(String[]::new));
      while (leaf.hasSubcommand()) {
        leaf = leaf.subcommand();
      }
      return leaf;
    }
  }

  /** A field of a table-form object: its {@code key value} line. */
  private static String field(CliRun run, String key) {
    return run.stdout().lines().filter(l -> l.startsWith(key + " ")).findFirst().orElseThrow()
        .substring(key.length()).strip();
  }
}
