package dev.astravault.audit;

import static dev.astravault.audit.AuditLogVerifierTest.KEYS;
import static dev.astravault.audit.AuditLogVerifierTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.AuditException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whoever can replace the audit file, or a directory on its way, can cut or rewrite the trail (with the key, rebuild
 * it): the sink refuses such a path with an {@link AuditException} naming what to fix, before creating anything.
 */
class AuditFileTrustTest {
  static final int OTHER_UID = 65534;

  @TempDir Path dir;

  static Path mkdir(Path p, int mode) throws IOException {
    Files.createDirectories(p);
    Files.setAttribute(p, "unix:mode", mode);
    return p;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Test
  void aWorldWritableGrandparentIsRefusedAndNothingIsCreated() throws Exception {
    Path shared = mkdir(dir.resolve("log"), 0777);
    Path app = mkdir(shared.resolve("app"), 0700);
    Path log = app.resolve("audit.jsonl");
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("directory " + shared).hasMessageContaining("writable by all users")
        .hasMessageContaining("chmod o-w");
    try (var files = Files.list(app)) {
      assertThat(files).isEmpty();   // neither the log nor its lock file
    }
    // With the sticky bit (as /tmp), others cannot replace ours: accepted.
    Files.setAttribute(shared, "unix:mode", 01777);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      sink.record(event(1));
    }
    assertThat(log).isRegularFile();
  }

  @Test
  void anAuditFileOfAnotherUserIsRefusedAndLeftAlone() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      sink.record(event(1));
    }
    byte[] before = Files.readAllBytes(log);
    assumeTrue(isRoot(), "giving a file to another user takes root (the build runs as root here)");
    Files.setAttribute(log, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit file " + log).hasMessageContaining("belongs to uid " + OTHER_UID)
        .hasMessageContaining("chown");
    assertThat(Files.readAllBytes(log)).isEqualTo(before);
    // A file witness of another user is refused too, at its first checkpoint.
    Path witnessFile = Files.writeString(dir.resolve("witness.jsonl"), "");
    Files.setAttribute(witnessFile, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    AuditWitness witness = AuditWitness.file(witnessFile);
    assertThatThrownBy(() -> witness.publish(new AuditCheckpoint("audit.jsonl", 1, "0".repeat(64), Instant.EPOCH)))
        .isInstanceOf(AuditException.class).hasMessageContaining("audit file " + witnessFile);
    assertThat(witnessFile).isEmptyFile();
  }

  /** Writes {@code events} lines to {@code log} (rotated past 2 KiB, keeping {@code keep} rotated files). */
  static void write(Path log, int events, int keep) throws IOException {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048).maxRotatedFiles(keep)
        .build()) {
      for (int i = 1; i <= events; i++) {
        sink.record(event(i));
      }
    }
  }

  @Test
  void aRotatedFileOfAnotherUserIsNotContinued() throws Exception {
    assumeTrue(isRoot(), "giving a file to another user takes root (the build runs as root here)");
    // Others may add names in a sticky directory (/tmp): one plants FILE.1 before the sink's first start. Tail
    // reading does not check MACs, so its last line would choose the sequence number and MAC the chain continues.
    Path shared = mkdir(dir.resolve("shared"), 01777);
    Path theirs = dir.resolve("theirs/audit.jsonl");
    write(theirs, 3, 0);
    Path planted = Files.copy(theirs, shared.resolve("audit.jsonl.1"));
    Files.setAttribute(planted, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    byte[] before = Files.readAllBytes(planted);
    Path log = shared.resolve("audit.jsonl");
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("rotated audit file " + planted).hasMessageContaining("belongs to uid " + OTHER_UID)
        .hasMessageContaining("chown");
    assertThat(Files.readAllBytes(planted)).isEqualTo(before);
    // A link of ours to their file is refused as well: what it resolves to is read.
    Path link = Files.createSymbolicLink(shared.resolve("audit.jsonl.2"), planted);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("rotated audit file " + link + " (through links, " + planted + ")")
        .hasMessageContaining("belongs to uid " + OTHER_UID);
  }

  @Test
  void retentionRefusesToReadOrDeleteARotatedFileOfAnotherUserAndRotatesOnceItIsFixed() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    write(log, 12, 1);
    List<Path> rotated = JsonLinesAuditSink.rotatedFiles(log);
    assertThat(rotated).hasSize(1);
    Path oldest = rotated.get(0);
    assumeTrue(isRoot(), "giving a file to another user takes root (the build runs as root here)");
    Files.setAttribute(oldest, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    byte[] before = Files.readAllBytes(oldest);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048).maxRotatedFiles(1)
        .build()) {
      // The line that would rotate the active file is refused: nothing is moved, read or deleted.
      assertThatThrownBy(() -> {
        for (int i = 100; i < 120; i++) {
          sink.record(event(i));
        }
      }).isInstanceOf(AuditException.class).hasMessageContaining("rotated audit file " + oldest)
          .hasMessageContaining("belongs to uid " + OTHER_UID).hasMessageContaining("chown");
      assertThat(JsonLinesAuditSink.rotatedFiles(log)).containsExactly(oldest);
      assertThat(Files.readAllBytes(oldest)).isEqualTo(before);
      // Once the operator has looked at it and given it back, the sink rotates and retention deletes it.
      Files.setAttribute(oldest, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
      for (int j = 0; j < 10; j++) {
        sink.record(event(200 + j));
      }
    }
    assertThat(oldest).doesNotExist();
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KEYS).check(log);
    assertThat(result.faults()).isEmpty();
    assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("deleted by retention"));
  }

  @Test
  void aRotatedFileOfAnotherUserDoesNotNameTheNextRotation() throws Exception {
    assumeTrue(isRoot(), "giving a file to another user takes root (the build runs as root here)");
    // Planted as the newest rotation while the sink runs, FILE.999999999 would make the next name ten digits long,
    // which rotatedFiles does not list: the sink's own rotated files would drop out of continuation and retention.
    Path shared = mkdir(dir.resolve("shared"), 01777);
    Path log = shared.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048).build()) {
      sink.record(event(1));
      Path planted = Files.writeString(shared.resolve("audit.jsonl.999999999"), "{}\n");
      Files.setAttribute(planted, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);

      assertThatThrownBy(() -> {
        for (int i = 2; i < 40; i++) {
          sink.record(event(i));
        }
      }).isInstanceOf(AuditException.class).hasMessageContaining("rotated audit file " + planted)
          .hasMessageContaining("belongs to uid " + OTHER_UID);
      assertThat(shared.resolve("audit.jsonl.1000000000")).doesNotExist();
      assertThat(JsonLinesAuditSink.rotatedFiles(log)).containsExactly(planted);
    }
  }

  @Test
  void rotationNumbersThatRunOutAreRefusedNotSkipped() throws Exception {
    Path log = dir.resolve("audit.jsonl");
    Path last = Files.writeString(dir.resolve("audit.jsonl.999999999"), "");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048).build()) {
      assertThatThrownBy(() -> {
        for (int i = 1; i < 40; i++) {
          sink.record(event(i));
        }
      }).isInstanceOf(AuditException.class).hasMessageContaining("rotation numbers are used up to 999999999");
    }
    assertThat(JsonLinesAuditSink.rotatedFiles(log)).containsExactly(last);
    assertThat(Files.size(log)).as("the active file keeps its lines").isPositive();
  }
}
