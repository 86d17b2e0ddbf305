package dev.astravault.cli;

import dev.astravault.internal.files.FileModes;
import dev.astravault.internal.files.PathTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one run was given besides its arguments: the environment, standard input, the clock and stderr for warnings.
 * Injected rather than read from {@link System}, so that the in-process tests run the CLI as a process would.
 */
final class CliContext {
  private final Map<String, String> env;
  private final InputStream stdin;
  private final Clock clock;
  private final PrintWriter err;

  CliContext(Map<String, String> env, InputStream stdin, Clock clock, PrintWriter err) {
    this.env = Map.copyOf(env);
    this.stdin = stdin;
    this.clock = clock;
    this.err = err;
  }

  /** The variable {@code name}, or null when it is unset or blank. */
  @Nullable String env(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  /** The variable {@code name} as a path, or null when it is unset or blank. */
  @Nullable Path envPath(String name) {
    String v = env(name);
    return v == null ? null : Path.of(v);
  }

  InputStream stdin() {
    return stdin;
  }

  Clock clock() {
    return clock;
  }

  /**
   * A warning on stderr when a secret file the CLI reads is open to the group or others. Not a refusal, as the
   * library's own key-file check (Kubernetes mounts secrets 0644 unless told otherwise); but said here, as the
   * library's warning goes to its log, which the CLI shows only with --debug.
   */
  private void warnIfOthersCanRead(Path file, String what) {
    // A missing file is reported by its read; a file system without modes has nothing to check.
    String mode = FileModes.openMode(file);
    if (mode != null) {
      err.println("warning: " + what + " " + file + " is readable by other users (mode " + mode + "); it holds "
          + "a secret: chmod 600 it");
      err.flush();
    }
  }

  /**
   * A secret file's content, stripped: refused when another user could replace it, warned about when others can
   * read it, a usage error when empty.
   */
  String readSecret(Path file, String what) {
    String s = read(file, what).strip();
    if (s.isEmpty()) {
      throw CliException.usage(what + " " + file + " is empty");
    }
    return s;
  }

  /**
   * A secret file's content, read by {@link PathTrust#read}: refused (a usage error naming {@code what}) when another
   * user could replace it or did between the check and the open, warned about when others can read it.
   */
  String read(Path file, String what) {
    String content = readPublic(file, what);
    warnIfOthersCanRead(file, what);
    return content;
  }

  /**
   * As {@link #read}, for a file that holds no secret (a CA: readable by all is fine), so without the warning. One
   * that cannot be read is a failure naming {@code what} and the exception.
   */
  String readPublic(Path file, String what) {
    try {
      return PathTrust.read(file, what, CliException::usage);
    } catch (IOException e) {
      // The exception's name, not its message: that is only the path again, or nothing useful.
      throw CliException.failure("cannot read " + what + " " + file + ": " + e.getClass().getSimpleName());
    }
  }
}
