package dev.astravault.cli;

import dev.astravault.internal.support.Validation;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * Usage errors (exit 2) that name the option and what it expects, and never show a value the operator typed: a
 * password, an AppRole secret id or a store key pasted into the wrong option has no shape the redactor knows, and
 * stderr ends up in CI logs. Picocli quotes the value when a conversion fails and when a group is repeated; the
 * core's validation quotes it ('…') for ids, names, scopes and Vault paths; the CLI's own refusals are written
 * without it. {@link #hide} is the net under all of them.
 */
final class UsageErrors {
  /** Unquoted, a shorter typed value is more likely part of a word of the message than a secret. */
  private static final int MIN_UNQUOTED = 4;

  private UsageErrors() {}

  /** A converter's refusal whose message says what was expected and never holds the value. */
  static final class Refused extends TypeConversionException {
    private static final long serialVersionUID = 1L;

    Refused(String expected) {
      super(expected);
    }
  }

  /** One value from the command line, and the option or parameter it was given to (null: not known). */
  record Typed(@Nullable String option, String value) {}

  /** The message for a parse error other than an unmatched argument, without any typed value. */
  static String parameterError(ParameterException e, String[] args) {
    ArgSpec spec = e.getArgSpec();
    String message;
    if (e instanceof MaxValuesExceededException) {
      // Picocli lists each match with its values: "(--client-id=CLIENT_ID | …)={--client-id=<value>} and …".
      message = repeatedGroup(e.getCommandLine().getCommandSpec());
    } else if (e instanceof MissingParameterException m && m.getMissing().size() == 1
        && String.valueOf(m.getMessage()).contains(" but found '")) {
      // The argument found is quoted as typed: an option with its =value.
      message = "Expected a parameter for " + describe(m.getMissing().get(0)) + " but found another option";
    } else if (spec != null && e.getValue() != null && !(e instanceof MissingParameterException)
        && !(e instanceof OverwrittenOptionException)) {
      message = "Invalid value for " + describe(spec) + ": " + expected(spec, e.getCause());
    } else {
      message = String.valueOf(e.getMessage());
    }
    return hide(message, typed(args, e.getCommandLine().getCommandSpec().root()));
  }

  /** {@code option '--ttl'} or {@code parameter 'LEASE_ID'}. */
  private static String describe(ArgSpec spec) {
    return spec instanceof OptionSpec o ? "option '" + o.longestName() + "'"
        : "parameter '" + spec.paramLabel() + "'";
  }

  /** What {@code spec} takes: the converter's own words when it is ours, else from its type. */
  private static String expected(ArgSpec spec, @Nullable Throwable cause) {
    if (cause instanceof Refused refused) {
      return String.valueOf(refused.getMessage());
    }
    Class<?> type = spec.type();
    if (type.isEnum()) {
      return "expected one of " + String.join(", ", Arrays.stream(type.getEnumConstants()).map(String::valueOf)
          .toList()) + " (case-insensitive)";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "expected a whole number (" + spec.paramLabel() + ")";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "expected no value (it is a switch), or true or false";
    }
    return "expected " + spec.paramLabel();
  }

  /** The command's groups, which may each be given once. */
  private static String repeatedGroup(CommandSpec spec) {
    List<String> groups = spec.argGroups().stream().map(ArgGroupSpec::synopsis).toList();
    return "Error: " + String.join(" and ", groups) + (groups.size() == 1 ? " may" : " may each")
        + " be given only once";
  }

  /** The values of {@code parsed} and its subcommands, each with its option's longest name or its label. */
  static List<Typed> typed(@Nullable ParseResult parsed) {
    List<Typed> typed = new ArrayList<>();
    for (ParseResult r = parsed; r != null; r = r.subcommand()) {
      for (OptionSpec o : r.matchedOptions()) {
        boolean pairs = o.auxiliaryTypes().length > 0 && o.auxiliaryTypes()[0] == KeyValue.class;
        for (String v : o.originalStringValues()) {
          typed.add(new Typed(o.longestName(), v));
          int eq = v.indexOf('=');
          if (pairs && eq > 0) {
            // A metadata key is typed too; a secret with base64 padding would be all key.
            typed.add(new Typed(o.longestName(), v.substring(0, eq)));
          }
        }
      }
      for (PositionalParamSpec p : r.matchedPositionals()) {
        p.originalStringValues().forEach(v -> typed.add(new Typed(p.paramLabel(), v)));
      }
    }
    return typed;
  }

  /**
   * The values of a command line that did not parse: every argument that is not the name of an option or command of
   * the tree under {@code root}, and every {@code =value}; named by the option before it when there is one.
   */
  static List<Typed> typed(String[] args, CommandSpec root) {
    Set<String> names = new HashSet<>();
    addNames(root, names);
    List<Typed> typed = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      if (arg.startsWith("-") && eq > 0 && names.contains(arg.substring(0, eq))) {
        typed.add(new Typed(arg.substring(0, eq), arg.substring(eq + 1)));
      } else if (!names.contains(arg)) {
        String before = i > 0 && args[i - 1].startsWith("-") && names.contains(args[i - 1]) ? args[i - 1] : null;
        typed.add(new Typed(before, arg));
      }
    }
    return typed;
  }

  private static void addNames(CommandSpec spec, Set<String> names) {
    names.addAll(spec.optionsMap().keySet());
    spec.subcommands().forEach((name, sub) -> {
      names.add(name);
      addNames(sub.getCommandSpec(), names);
    });
  }

  /**
   * {@code message} with each {@code typed} value replaced by {@code [value of --option not shown]}: wherever it is
   * quoted (as given, stripped, lowercased, or as the core quotes it: one line, cut at 64 characters), and where it
   * stands as a word when it is 4 characters or more. A value naming an existing file is left: a path, not a secret
   * typed in its place, and the message is about that file.
   */
  static String hide(String message, List<Typed> typed) {
    // Longest first, so that a value inside another is not half replaced; each replacement is a placeholder until
    // the end, so that a later value cannot match inside an earlier replacement.
    Map<String, String> forms = new LinkedHashMap<>();
    for (Typed t : typed) {
      if (t.value().isBlank() || namesFile(t.value())) {
        continue;
      }
      String shown = "[value of " + (t.option() == null ? "an argument" : t.option()) + " not shown]";
      String stripped = t.value().strip();
      for (String form : List.of(t.value(), stripped, stripped.toLowerCase(Locale.ROOT))) {
        forms.putIfAbsent(form, shown);
        forms.putIfAbsent(Validation.printable(form, 64), shown);
      }
    }
    List<String> order = new ArrayList<>(forms.keySet());
    order.sort(Comparator.comparingInt(String::length).reversed());
    String m = message;
    List<String> placeholders = new ArrayList<>();
    for (String form : order) {
      String mark = "\u0000" + placeholders.size() + "\u0000";
      String before = m;
      m = m.replace("'" + form + "'", mark).replace("\"" + form + "\"", mark);
      if (form.length() >= MIN_UNQUOTED) {
        m = replaceWords(m, form, mark);
      }
      if (!m.equals(before)) {
        placeholders.add(forms.get(form));
      }
    }
    for (int i = 0; i < placeholders.size(); i++) {
      m = m.replace("\u0000" + i + "\u0000", placeholders.get(i));
    }
    return m;
  }

  /** {@code text} with each occurrence of {@code word} not inside a longer word (letters, digits, - and _). */
  private static String replaceWords(String text, String word, String replacement) {
    StringBuilder sb = new StringBuilder(text.length());
    int from = 0;
    for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
      int end = at + word.length();
      if (at < from || at > 0 && inWord(text.charAt(at - 1)) || end < text.length() && inWord(text.charAt(end))) {
        continue;
      }
      sb.append(text, from, at).append(replacement);
      from = end;
    }
    return sb.append(text, from, text.length()).toString();
  }

  private static boolean inWord(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '_';
  }

  /** Whether {@code value} names a file or directory that exists. */
  private static boolean namesFile(String value) {
    try {
      return Files.exists(Path.of(value));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
