package dev.astravault.internal.files;

import static dev.astravault.internal.files.PathTrustTest.giveAway;
import static dev.astravault.internal.files.PathTrustTest.mkdir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AuditException;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.audit.AuditCheckpoint;
import dev.astravault.audit.AuditWitness;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.event.OrgConfigDeleted;
import dev.astravault.internal.SystemActorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit files opened are the ones checked: someone who can rename files in the log's directory (a group-writable
 * one, used with a WARN) and swaps a file in between the check and the open is refused, as {@link PathTrust#read}
 * refuses a swapped key file. The race is entered through {@link PathTrust#beforeOpen}. Before, the sink read the
 * tail it continues from by path, apart from the descriptor it appends to, and a rotated file by path after its check.
 */
class AuditFilesReplacedTest {
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.of(new byte[32]));

  @TempDir Path dir;
  Path logs;
  Path log;

  @BeforeEach
  void groupWritableDirectory() throws Exception {
    logs = mkdir(dir.resolve("logs"), 0770);
    log = logs.resolve("audit.jsonl");
  }

  @AfterEach
  void noRace() {
    PathTrust.beforeOpen = () -> { };
  }

  static void record(Path log, int events) throws Exception {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048).build()) {
      for (int i = 0; i < events; i++) {
        sink.record(new OrgConfigDeleted(Instant.EPOCH.plusSeconds(i), SystemActorProvider.INSTANCE.current(),
            "org-" + i));
      }
    }
  }

  static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Swaps {@code replacement} in at {@code target} just before the {@code nth} open the sink checks. */
  static void swapAtOpen(int nth, Path target, Path replacement) {
    int[] opens = {0};
    PathTrust.beforeOpen = () -> {
      if (++opens[0] == nth) {
        move(replacement, target);
      }
    };
  }

  @Test
  void anActiveFileSwappedAfterItsCheckIsRefused() throws Exception {
    record(log, 2);
    Path older = Files.copy(log, logs.resolve("older"));
    record(log, 2);
    byte[] before = Files.readAllBytes(older);
    swapAtOpen(2, log, older);   // after the lock file's open
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit file " + log).hasMessageContaining("replaced between its check and its open")
        .hasMessageContaining(logs.toString());
    assertThat(Files.readAllBytes(log)).isEqualTo(before);   // nothing appended to the file swapped in
  }

  @Test
  void aRotatedFileSwappedAfterItsCheckIsNotContinued() throws Exception {
    record(log, 12);
    Path newest;
    try (var files = Files.list(logs)) {
      newest = files.filter(p -> p.getFileName().toString().matches("audit\\.jsonl\\.\\d+"))
          .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(12)))).orElseThrow();
    }
    Files.write(log, new byte[0]);   // the sink then continues the newest rotated file
    Path theirs = Files.copy(newest, logs.resolve("theirs"));
    giveAway(theirs);
    swapAtOpen(3, newest, theirs);   // after the lock file's and the active file's
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("rotated audit file " + newest).hasMessageContaining("belongs to uid");
  }

  @Test
  void aWitnessFileSwappedAfterItsCheckIsRefused() throws Exception {
    Path witnessFile = logs.resolve("witness.jsonl");
    AuditWitness witness = AuditWitness.file(witnessFile);
    AuditCheckpoint checkpoint = new AuditCheckpoint("audit.jsonl", 1, "ab".repeat(32), Instant.EPOCH);
    witness.publish(checkpoint);
    Path ours = Files.writeString(logs.resolve("ours"), "not a witness\n");
    Files.setAttribute(ours, "unix:mode", 0600);
    swapAtOpen(1, witnessFile, ours);
    assertThatThrownBy(() -> witness.publish(checkpoint)).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit file " + witnessFile).hasMessageContaining("replaced between its check");
    assertThat(Files.readString(witnessFile)).isEqualTo("not a witness\n");
  }
}
