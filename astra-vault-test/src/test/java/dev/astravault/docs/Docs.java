package dev.astravault.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.OrgConfig;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the tests of the docs' snippets share (each snippet is the marked region of one of them). */
final class Docs {
  private Docs() {}

  /** FakeAstra's default org under the logical name {@code prod}. */
  static OrgConfig prod(FakeAstra astra) {
    return OrgConfig.builder().orgId(astra.defaultOrg().orgId()).rootToken(astra.defaultOrg().rootToken())
        .url(astra.url().uri()).logicalName("prod").build();
  }

  /** A manager on {@link #prod}, its roles synced (api_ro_user, r_w_user, ...); managed work on the caller. */
  static TokenManager tokens(FakeAstra astra) {
    TokenManager tokens = TokenManager.builder().managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run)
        .sweepInterval(Duration.ZERO).recoveryInterval(Duration.ZERO).build();
    tokens.writeOrg(prod(astra));
    tokens.syncRoles("prod");
    return tokens;
  }

  /** A base64 key of 32 bytes, as {@code openssl rand -base64 32} makes. */
  static String newKey(int seed) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed * 31 + i);
    }
    return Base64.getEncoder().encodeToString(key);
  }

  /**
   * Runs {@code main} in a JVM of its own whose environment has no ASTRA_ or VAULT_ variables but {@code env}: for a
   * snippet that reads the environment, which a test cannot set in its own JVM. Fails unless it exits with 0.
   *
   * @return what it printed
   */
  static String runInOwnJvm(Class<?> main, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("ASTRA_") || k.startsWith("VAULT_"));
    builder.environment().putAll(env);
    Process child = builder.start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).as("the child exited").isTrue();
    assertThat(child.exitValue()).as("the child's exit code; it printed:%n%s", out).isZero();
    return out;
  }
}
