package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real shaded jar ({@code java -jar astra-vault.jar ...}) as a child process, one process per command, with
 * a clean environment (no VAULT_ADDR or ASTRA_* leaking in from the machine) and {@code user.home} in a temp dir.
 */
final class CliProcess {
  static final Path JAR = Path.of(System.getProperty("astravault.cli.jar", "target/astra-vault.jar"))
      .toAbsolutePath();

  private final Path home;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<Result> history = new ArrayList<>();

  CliProcess(Path home) {
    this.home = home;
    assertThat(JAR).as("the shaded jar (built by mvn package)").isRegularFile();
  }

  CliProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  String envValue(String name) {
    return env.get(name);
  }

  Map<String, String> environment() {
    return new LinkedHashMap<>(env);
  }

  CliProcess unsetEnv(String name) {
    env.remove(name);
    return this;
  }

  /** Every result so far, to scan all output for secrets. */
  List<Result> history() {
    return history;
  }

  Result run(String... args) {
    return runWithStdin(null, args);
  }

  Result runWithStdin(String stdin, String... args) {
    return runWith(env, stdin, args);
  }

  /** One command, with {@code environment} instead of this runner's. */
  Result runWith(Map<String, String> environment, String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Duser.home=" + home,
        "-Djava.io.tmpdir=" + home, "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("VAULT_") || k.startsWith("ASTRA_"));
    pb.environment().putAll(environment);
    try {
      Process p = pb.start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("astra-vault " + String.join(" ", args) + " did not finish in 60 s");
      }
      Result r = new Result(List.of(args), p.exitValue(), out.join(), err.join());
      history.add(r);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A finished command. */
  record Result(List<String> args, int exitCode, String stdout, String stderr) {
    Result expectExit(int code) {
      assertThat(exitCode).as("exit code of astra-vault %s%nstdout: %s%nstderr: %s", String.join(" ", args),
          stdout, stderr).isEqualTo(code);
      return this;
    }

    Result ok() {
      return expectExit(0);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      try {
        return (Map<String, Object>) new Moshi.Builder().build().adapter(Object.class).fromJson(stdout);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + stdout, e);
      }
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> jsonList() {
      try {
        return (List<Map<String, Object>>) new Moshi.Builder().build().adapter(Object.class).fromJson(stdout);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + stdout, e);
      }
    }

    /** The value of {@code key} in a Key/Value table. */
    String tableValue(String key) {
      for (String line : stdout.split("\n")) {
        String[] parts = line.strip().split("\\s{2,}", 2);
        if (parts.length == 2 && parts[0].equals(key)) {
          return parts[1];
        }
      }
      throw new AssertionError("no row '" + key + "' in:\n" + stdout);
    }

    String output() {
      return stdout + stderr;
    }
  }

  static String readAll(Path file) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
