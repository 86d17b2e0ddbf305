package dev.astravault.cli;

import com.squareup.moshi.Moshi;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/** One run of the CLI inside the test's JVM: its exit code and what it printed. The CLI tests' one runner. */
record CliRun(int exitCode, String stdout, String stderr) {

  /** Runs {@code args} with {@code env} as the whole environment, an empty standard input and {@code clock}. */
  static CliRun of(Map<String, String> env, Clock clock, String... args) {
    return withStdin(env, clock, "", args);
  }

  /** Runs {@code args} with {@code env} as the whole environment, {@code stdin} as standard input and {@code clock}. */
  static CliRun withStdin(Map<String, String> env, Clock clock, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true), new PrintStream(err, true), clock);
    return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@return standard output read as one JSON object ({@code --format json})} */
  @SuppressWarnings("unchecked")
  Map<String, Object> json() throws IOException {
    return (Map<String, Object>) new Moshi.Builder().build().adapter(Object.class).fromJson(stdout);
  }
}
