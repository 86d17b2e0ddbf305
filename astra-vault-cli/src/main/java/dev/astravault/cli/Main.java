package dev.astravault.cli;

import dev.astravault.AstraVaultException;
import dev.astravault.internal.redact.Redaction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/**
 * {@code java -jar astra-vault.jar ...}: runs one command and exits with 0 (success), 1 (the operation failed) or 2
 * (usage error). Errors are one line on stderr; stack traces only with {@code --debug}.
 */
public final class Main {
  /** Anything that looks like an Astra token, so that no error line can echo one. */
  private static final Pattern TOKEN_LIKE = Pattern.compile("AstraCS:[A-Za-z0-9:+/=_.,-]*");
  /** A Vault service, batch or recovery token (hvs., hvb., hvr.). */
  private static final Pattern VAULT_TOKEN_LIKE = Pattern.compile("\\bhv[sbr]\\.[A-Za-z0-9_-]+");
  /** An option's name, as an unmatched argument may be shown: {@code --org-tokn}, {@code -x}. */
  private static final Pattern OPTION_NAME = Pattern.compile("--?[A-Za-z][A-Za-z-]{0,39}");
  /** A word shaped like a subcommand ({@code lisst}); secrets, ids and paths have digits, capitals or punctuation. */
  private static final Pattern COMMAND_WORD = Pattern.compile("[a-z][a-z-]{0,23}");

  private Main() {}

  /**
   * Runs the command line {@code args} against the process's environment and standard streams, then exits with the
   * command's exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.in, System.out, System.err));
  }

  /** Runs one command line with the given environment and streams; returns the exit code. */
  static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr) {
    return run(args, env, stdin, stdout, stderr, Clock.systemUTC());
  }

  /** {@link #run} on {@code clock}: tests drive lease time with it. */
  static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream stdout, PrintStream stderr,
      Clock clock) {
    // Names and messages from Astra, Vault, the store or an audit log reach a terminal: no escape sequence passes raw.
    PrintWriter out = new PrintWriter(new TerminalSafeWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8)),
        true);
    PrintWriter err = new PrintWriter(new TerminalSafeWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8)),
        true);
    boolean debug = Arrays.asList(args).contains("--debug");
    configureLogging(debug);
    for (int i = 0; i < args.length; i++) {
      String refused = refusal(args[i]);
      if (refused != null) {
        err.println("astra-vault: warning: argument " + (i + 1) + " " + refused);
        return CliException.USAGE;
      }
    }
    // The library logs to System.err (slf4j-simple): for this run, that is `stderr` behind the same escaping.
    PrintStream systemErr = System.err;
    PrintStream logErr = new PrintStream(new TerminalSafeOutputStream(stderr), true, StandardCharsets.UTF_8);
    System.setErr(logErr);
    try {
      return execute(args, env, stdin, clock, out, err, debug);
    } finally {
      logErr.close();
      System.setErr(systemErr);
    }
  }

  /**
   * Why {@code arg} is refused before parsing (it holds a secret that shell history and {@code ps} would keep), as
   * the rest of the warning line; null when it is not.
   */
  static @Nullable String refusal(String arg) {
    if (arg.contains("AstraCS:")) {
      // Never taken from argv: shell history, `ps` and CI logs would keep it.
      return "looks like an Astra token and was refused: command-line arguments leak into shell history and process "
          + "listings. Pass a root token in ASTRA_ORG_TOKEN, with --token-file FILE or with --token-stdin.";
    }
    if (VAULT_TOKEN_LIKE.matcher(arg).find()) {
      return "looks like a Vault token and was refused: command-line arguments leak into shell history and process "
          + "listings. Set VAULT_TOKEN, or use AppRole with VAULT_SECRET_ID or --vault-secret-id-file.";
    }
    if (StoreOptions.carriesPassword(arg)) {
      return "looks like a JDBC URL carrying a password and was refused: command-line arguments leak into shell "
          + "history and process listings. Give --store without it, and the credentials in ASTRA_VAULT_STORE_USER "
          + "and ASTRA_VAULT_STORE_PASSWORD.";
    }
    if (looksLikeStoreKey(arg)) {
      return "looks like a store key and was refused: command-line arguments leak into shell history and process "
          + "listings. Pass the key in ASTRA_VAULT_KEY, or its file with --key-file FILE.";
    }
    return null;
  }

  private static int execute(String[] args, Map<String, String> env, InputStream stdin, Clock clock, PrintWriter out,
      PrintWriter err, boolean debug) {
    AstraVaultCommand root = new AstraVaultCommand(env, stdin, clock, err);
    try {
      return commandLine(root, out, err, debug).execute(args);
    } finally {
      root.close();
    }
  }

  /** The command tree on {@code root}, set up as every run uses it (the docs test parses with it too). */
  static CommandLine commandLine(AstraVaultCommand root, PrintWriter out, PrintWriter err, boolean debug) {
    CommandLine cli = new CommandLine(root);
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    // Plain help: the output writers escape ESC, so ANSI styles would print as text on a terminal.
    cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    cli.registerConverter(Path.class, Main::path);
    cli.setParameterExceptionHandler(Main::usageError);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> failure(e, err, debug, UsageErrors.typed(parsed)));
    return cli;
  }

  /** A path option: never empty (Path.of("") is the working directory, which no option means). */
  private static Path path(String value) {
    if (value.isBlank()) {
      throw new UsageErrors.Refused("expected a path, not an empty one");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageErrors.Refused("expected a path (" + e.getReason() + ")");   // the reason, never the input
    }
  }

  /**
   * Whether {@code arg} holds a store key (base64 of 32 bytes, either alphabet, padded or not), typed where it does
   * not belong: the library's redactor's own test, so that what the CLI refuses is what the library masks.
   */
  static boolean looksLikeStoreKey(String arg) {
    return Redaction.holdsStoreKey(arg);
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    String message = e instanceof UnmatchedArgumentException u ? unmatched(u) : UsageErrors.parameterError(e, args);
    cmd.getErr().println("astra-vault: " + redact(message) + " (see '" + cmd.getCommandSpec().qualifiedName()
        + " --help')");
    return CliException.USAGE;
  }

  /**
   * Picocli's message quotes every argument it could not place: after a misspelt or made-up option
   * ({@code --store-password hunter2}, {@code --vault-secret-id <uuid>}) that is the secret the operator meant to
   * give, in no shape the redactor knows. Shown: option names (without an {@code =value}) and command-like words (a
   * misspelt subcommand); any other argument is counted, not shown.
   */
  static String unmatched(UnmatchedArgumentException e) {
    List<String> options = new ArrayList<>();
    List<String> words = new ArrayList<>();
    int hidden = 0;
    for (String arg : e.getUnmatched()) {
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (OPTION_NAME.matcher(name).matches()) {
        options.add("'" + name + (eq < 0 ? "'" : "=…'"));
      } else if (COMMAND_WORD.matcher(arg).matches()) {
        words.add("'" + arg + "'");
      } else {
        hidden++;
      }
    }
    List<String> parts = new ArrayList<>();
    if (!options.isEmpty()) {
      parts.add((options.size() == 1 ? "Unknown option " : "Unknown options ") + String.join(", ", options));
    }
    if (!words.isEmpty()) {
      parts.add((words.size() == 1 ? "Unmatched argument " : "Unmatched arguments ") + String.join(", ", words));
    }
    if (hidden > 0) {
      parts.add((hidden == 1 ? "1 unmatched argument" : hidden + " unmatched arguments") + " not shown, as "
          + (hidden == 1 ? "it" : "they") + " may be a secret meant for a misspelt option");
    }
    List<String> suggestions = e.getSuggestions();   // names from the command's own spec
    return String.join("; ", parts) + (suggestions.isEmpty() ? "" : " (did you mean "
        + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?)");
  }

  /**
   * One line naming the cause; the exit code says whose fault it was. A usage error shows none of the {@code typed}
   * values: the core's validation quotes what it refuses (a database id, a keyspace, a Vault path), which may be a
   * secret pasted into the wrong option.
   */
  static int failure(Exception e, PrintWriter err, boolean debug, List<UsageErrors.Typed> typed) {
    int code;
    String message;
    if (e instanceof CliException c) {
      code = c.exitCode();
      message = c.getMessage();
    } else if (e instanceof IllegalArgumentException) {
      code = CliException.USAGE; // the core's validation of what was typed: names, ids, durations
      message = e.getMessage();
    } else if (e instanceof AstraVaultException || e instanceof IllegalStateException) {
      code = CliException.FAILURE;
      message = e.getMessage();
    } else if (e instanceof UncheckedIOException || e instanceof IOException) {
      code = CliException.FAILURE;
      message = e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause().getMessage());
    } else {
      code = CliException.FAILURE;
      message = e.getClass().getName() + ": " + e.getMessage();
    }
    List<UsageErrors.Typed> hidden = code == CliException.USAGE ? typed : List.of();
    err.println("astra-vault: " + redact(UsageErrors.hide(String.valueOf(message), hidden)));
    if (debug) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(redact(UsageErrors.hide(trace.toString(), hidden)));
    }
    err.flush();
    return code;
  }

  /** The CLI's own masks, then the library's one redactor (client secrets, secret JSON fields, passwords). */
  static String redact(String text) {
    return String.valueOf(Redaction.scrub(VAULT_TOKEN_LIKE.matcher(
        TOKEN_LIKE.matcher(text).replaceAll("AstraCS:██")).replaceAll(m -> m.group().substring(0, 4) + "██")));
  }

  /**
   * slf4j-simple on stderr: errors only, everything with --debug (the CLI prints its own warnings). Not cached: each
   * line goes to the System.err of its time, which {@link #run} points through the escaping.
   */
  private static void configureLogging(boolean debug) {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.cacheOutputStream", "false");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "error");
    System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
  }

  /** The library's version, from the core's build-time properties. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (var in = AstraVaultException.class.getResourceAsStream("/dev/astravault/astra-vault.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"astra-vault " + p.getProperty("version", "unknown")};
    }
  }
}
