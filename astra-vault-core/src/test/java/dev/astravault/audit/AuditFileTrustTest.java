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
}
