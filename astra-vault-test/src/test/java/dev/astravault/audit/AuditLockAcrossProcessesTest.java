package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer lock is an OS lock: a sink in another process (an application, while the CLI runs) holds the file, and a
 * second writer here fails fast naming that process. When the holder exits, the lock is free and the chain continues.
 */
class AuditLockAcrossProcessesTest {
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.of(new byte[32]));

  @TempDir Path dir;

  /** The child: opens the sink, writes one line, says so, and holds the lock until its stdin closes. */
  public static void main(String[] args) throws IOException {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(Path.of(args[0])).keys(KEYS).build()) {
      sink.record(AuditTamperMatrixTest.event(1));
      System.out.println("locked " + ProcessHandle.current().pid());
      System.out.flush();
      while (System.in.read() != -1) {
        // hold the lock
      }
    }
  }

  @Test
  void aWriterInAnotherProcessHoldsTheFileUntilItExits() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        AuditLockAcrossProcessesTest.class.getName(), log.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = out.readLine(); // blocks until the child holds the lock (or exits)
      } while (line != null && !line.startsWith("locked "));
      assertThat(line).as("the child took the lock").isEqualTo("locked " + child.pid());
      assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build())
          .isInstanceOfSatisfying(AuditLogLockedException.class,
              e -> assertThat(e.holder()).contains("pid " + child.pid()));
    } finally {
      child.getOutputStream().close();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      sink.record(AuditTamperMatrixTest.event(2));
    }
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KEYS).check(log);
    assertThat(result.faults()).isEmpty();
    assertThat(result.headSeq()).isEqualTo(2);
  }
}
