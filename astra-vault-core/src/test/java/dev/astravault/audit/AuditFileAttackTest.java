package dev.astravault.audit;

import static dev.astravault.audit.AuditFileTrustTest.OTHER_UID;
import static dev.astravault.audit.AuditFileTrustTest.isRoot;
import static dev.astravault.audit.AuditFileTrustTest.mkdir;
import static dev.astravault.audit.AuditLogVerifierTest.KEYS;
import static dev.astravault.audit.AuditLogVerifierTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.AuditException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail's files attacked by someone who shares the machine: another local user, or a process of the
 * service's user that is not trusted with the trail (it has no audit key). Each test says whether it pins what was
 * already right or shows a fix. Root reads and links anything, so what is tested is what the code decides.
 */
class AuditFileAttackTest {
  @TempDir Path dir;

  Path log() {
    return dir.resolve("audit.jsonl");
  }

  /** {@code events} lines, rotated past 2 KiB (three lines a file), all rotated files kept. */
  List<Path> write(int events) throws IOException {
    AuditFileTrustTest.write(log(), events, 0);
    List<Path> files = new ArrayList<>(JsonLinesAuditSink.rotatedFiles(log()));
    files.add(log());
    return files;
  }

  static AuditCheckpoint checkpoint(long seq) {
    return new AuditCheckpoint("audit.jsonl", seq, "ab".repeat(32), Instant.EPOCH.plusSeconds(seq));
  }

  static void mkfifo(Path p) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assumeTrue(mkfifo.waitFor() == 0, "mkfifo is needed");
  }

  /** Grows {@code file} by {@code bytes} zero bytes without a newline (sparse: nothing is written). */
  static void growWithoutNewline(Path file, long bytes) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() + bytes);
    }
  }

  // --- hard links: fixed (before, the lock file's other name was truncated, the witness's appended to) ---

  @Test
  void aHardLinkAtTheLockPathIsRefusedAndTheFileItNamesIsNotTruncated() throws Exception {
    Path victim = Files.writeString(mkdir(dir.resolve("elsewhere"), 0700).resolve("notes.txt"), "keep me\n");
    Files.createLink(dir.resolve("audit.jsonl.lock"), victim);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit file " + dir.resolve("audit.jsonl.lock")).hasMessageContaining("2 hard links")
        .hasMessageContaining("find -samefile");
    assertThat(Files.readString(victim)).isEqualTo("keep me\n");
  }

  @Test
  void aHardLinkAtTheAuditPathIsRefusedAndNothingIsWrittenThroughIt() throws Exception {
    Path victim = Files.createFile(mkdir(dir.resolve("elsewhere"), 0700).resolve("empty.txt"));
    Files.createLink(log(), victim);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit file " + log()).hasMessageContaining("2 hard links");
    assertThat(victim).isEmptyFile();
  }

  @Test
  void aHardLinkAtTheWitnessPathIsRefusedAndTheFileItNamesIsLeftAsItWas() throws Exception {
    Path victim = Files.writeString(mkdir(dir.resolve("elsewhere"), 0700).resolve("notes.txt"), "keep me\n");
    Path witnessFile = Files.createLink(dir.resolve("witness.jsonl"), victim);
    AuditWitness witness = AuditWitness.file(witnessFile);
    assertThatThrownBy(() -> witness.publish(checkpoint(1))).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit file " + witnessFile).hasMessageContaining("2 hard links");
    assertThat(Files.readString(victim)).isEqualTo("keep me\n");
  }

  @Test
  void aRotatedFileWithASecondNameIsContinuedAndDeletedByRetentionAsBefore() throws Exception {
    // Pins a decision: a file only read and deleted may have another name (a backup made with ln); deleting the
    // rotated name leaves the other with every line.
    List<Path> files = write(12);
    Path backup = Files.createLink(dir.resolve("backup-of-1"), files.get(0));
    byte[] lines = Files.readAllBytes(backup);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log()).keys(KEYS).maxFileSize(2048).maxRotatedFiles(1)
        .build()) {
      for (int i = 100; i < 110; i++) {
        sink.record(event(i));
      }
    }
    assertThat(files.get(0)).doesNotExist();
    assertThat(Files.readAllBytes(backup)).isEqualTo(lines);
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log()).faults()).isEmpty();
  }

  // --- links, modes and directories: pins of what was already right ---

  @Test
  void aSymbolicLinkAtTheLockOrWitnessPathIsRefusedAndItsTargetLeftAlone() throws Exception {
    Path victim = Files.writeString(mkdir(dir.resolve("elsewhere"), 0700).resolve("notes.txt"), "keep me\n");
    Path lock = Files.createSymbolicLink(dir.resolve("audit.jsonl.lock"), victim);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).keys(KEYS).build())
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining(lock.toString())
        .hasMessageContaining("symbolic link");
    Path witnessFile = Files.createSymbolicLink(dir.resolve("witness.jsonl"), victim);
    assertThatThrownBy(() -> AuditWitness.file(witnessFile).publish(checkpoint(1)))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining(witnessFile.toString());
    assertThat(Files.readString(victim)).isEqualTo("keep me\n");
  }

  @Test
  void aLinkOfAnotherUserAtARotatedFileIsNotFollowed() throws Exception {
    // Pin: in a sticky directory a link's owner may point it anywhere, at a chain of ours they chose, say.
    Path shared = mkdir(dir.resolve("shared"), 01777);
    Path ours = dir.resolve("ours/audit.jsonl");
    AuditFileTrustTest.write(ours, 3, 0);
    Path link = Files.createSymbolicLink(shared.resolve("audit.jsonl.1"), ours);
    assumeTrue(isRoot(), "giving a link to another user takes root (the build runs as root here)");
    Files.setAttribute(link, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(shared.resolve("audit.jsonl")).keys(KEYS).build())
        .isInstanceOf(AuditException.class).hasMessageContaining("symbolic link " + link)
        .hasMessageContaining("belongs to uid " + OTHER_UID);
  }

  @Test
  void filesAllUsersCanWriteAreRefusedAndFilesTheGroupCanWriteAreUsed() throws Exception {
    // Pin: a file created under umask 000 (rw-rw-rw-) by someone else's tool. The sink's own files are 0600 whatever
    // the umask (FileModesTest); an existing one all users can write is refused, one its group can write is used
    // with a WARN, as the group is the operator's choice.
    List<Path> files = write(12);
    Path rotated = files.get(files.size() - 2);
    Files.setAttribute(log(), "unix:mode", 0666);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit file " + log()).hasMessageContaining("writable by all users");
    Files.setAttribute(log(), "unix:mode", 0664);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log()).keys(KEYS).build()) {
      sink.record(event(50));
    }
    // A rotated file the sink continues from: emptied active file, newest rotated file rw-rw-rw-.
    Files.write(log(), new byte[0]);
    Files.setAttribute(rotated, "unix:mode", 0666);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("rotated audit file " + rotated).hasMessageContaining("writable by all users");
    Path witnessFile = Files.writeString(dir.resolve("witness.jsonl"), "");
    Files.setAttribute(witnessFile, "unix:mode", 0666);
    assertThatThrownBy(() -> AuditWitness.file(witnessFile).publish(checkpoint(1)))
        .isInstanceOf(AuditException.class).hasMessageContaining("audit file " + witnessFile)
        .hasMessageContaining("writable by all users");
    assertThat(witnessFile).isEmptyFile();
  }

  @Test
  void anAuditOrWitnessDirectoryAllUsersCanWriteIsRefusedUnlessSticky() throws Exception {
    // Pin: the log's own directory, and the witness's, open to all without the sticky bit.
    Path open = mkdir(dir.resolve("open"), 0777);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(open.resolve("audit.jsonl")).keys(KEYS).build())
        .isInstanceOf(AuditException.class).hasMessageContaining("directory " + open)
        .hasMessageContaining("writable by all users without the sticky bit");
    assertThatThrownBy(() -> AuditWitness.file(open.resolve("witness.jsonl")).publish(checkpoint(1)))
        .isInstanceOf(AuditException.class).hasMessageContaining("directory " + open);
    try (var names = Files.list(open)) {
      assertThat(names).isEmpty();
    }
  }

  // --- a FIFO or a directory where a file goes ---

  @Test
  void aFifoOrADirectoryAtTheAuditLockOrWitnessPathIsRefusedWithoutBlocking() throws Exception {
    // Pin: refused before any open (an open of a FIFO waits for a writer).
    Path fifo = dir.resolve("audit.jsonl");
    mkfifo(fifo);
    Path witnessDir = Files.createDirectory(dir.resolve("witness.jsonl"));
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      assertThatThrownBy(() -> JsonLinesAuditSink.builder(fifo).keys(KEYS).build())
          .isInstanceOf(UncheckedIOException.class).hasMessageContaining(fifo + ": exists and is not a regular file");
      assertThatThrownBy(() -> AuditWitness.file(witnessDir).publish(checkpoint(1)))
          .isInstanceOf(UncheckedIOException.class).hasMessageContaining(witnessDir.toString());
    });
  }

  @Test
  void aRotatedFileThatIsAFifoOrADirectoryIsNeitherContinuedNorDeleted() throws Exception {
    // Fixed: it was taken for an empty file, so the chain restarted at seq 1 (or retention deleted it).
    Path fifo = dir.resolve("audit.jsonl.1");
    mkfifo(fifo);
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> JsonLinesAuditSink
        .builder(log()).keys(KEYS).build()).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(fifo + ": is not a regular file"));
    Files.delete(fifo);
    List<Path> files = write(12);
    Path oldest = files.get(0);
    Files.delete(oldest);
    Files.createDirectory(oldest);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log()).keys(KEYS).maxFileSize(2048).maxRotatedFiles(1)
        .build()) {
      assertThatThrownBy(() -> {
        for (int i = 100; i < 120; i++) {
          sink.record(event(i));
        }
      }).isInstanceOf(UncheckedIOException.class).hasMessageContaining(oldest + ": is not a regular file");
    }
    assertThat(oldest).isDirectory();
  }

  // --- the chain continued and retention: fixed ---

  @Test
  void aRotatedFileSwappedForALaterValidChainIsNotDeletedAsRetention() throws Exception {
    // Before, retention recorded the swapped file's last seq as deleted, so the verifier took every file before
    // that seq, deleted later by anyone without the key, for retention.
    List<Path> files = write(30);
    assertThat(files).hasSizeGreaterThan(5);
    Path oldest = files.get(0);
    byte[] genuine = Files.readAllBytes(oldest);
    Files.copy(files.get(files.size() - 2), oldest, StandardCopyOption.REPLACE_EXISTING);
    byte[] swapped = Files.readAllBytes(oldest);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log()).keys(KEYS).maxFileSize(2048).maxRotatedFiles(3)
        .build()) {
      assertThatThrownBy(() -> {
        for (int i = 100; i < 120; i++) {
          sink.record(event(i));
        }
      }).isInstanceOf(AuditException.class)
          .hasMessageContaining("rotated audit file " + oldest + " does not chain into " + files.get(1).getFileName())
          .hasMessageContaining("retention does not delete it").hasMessageContaining("kept as evidence");
      assertThat(JsonLinesAuditSink.rotatedFiles(log())).isEqualTo(files.subList(0, files.size() - 1));
      assertThat(Files.readAllBytes(oldest)).isEqualTo(swapped);
      // The genuine file put back: retention goes on, and records what it deleted truthfully.
      Files.write(oldest, genuine);
      for (int i = 200; i < 210; i++) {
        sink.record(event(i));
      }
    }
    assertThat(oldest).doesNotExist();
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KEYS).check(log());
    assertThat(result.faults()).isEmpty();
    assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("deleted by retention"));
  }

  @Test
  void anEditedLastLineIsNotContinuedFromTheActiveOrARotatedFile() throws Exception {
    // Before, the sink chained its next line to it without a look at its MAC.
    List<Path> files = write(12);
    List<String> lines = AuditLogVerifierTest.lines(log());
    String last = lines.get(lines.size() - 1);
    lines.set(lines.size() - 1, last.replace("\"owner\":\"team-", "\"owner\":\"temp-"));
    assertThat(lines.get(lines.size() - 1)).isNotEqualTo(last);
    AuditLogVerifierTest.writeLines(log(), lines);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("the last line of " + log()).hasMessageContaining("does not match its MAC");
    // The active file emptied and the newest rotated file's last line edited: the same.
    Files.write(log(), new byte[0]);
    Path newest = files.get(files.size() - 2);
    List<String> rotated = AuditLogVerifierTest.lines(newest);
    rotated.set(rotated.size() - 1, rotated.get(rotated.size() - 1).replace("\"reader\"", "\"writer\""));
    AuditLogVerifierTest.writeLines(newest, rotated);
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).keys(KEYS).build()).isInstanceOf(AuditException.class)
        .hasMessageContaining("the last line of " + newest).hasMessageContaining("does not match its MAC");
  }

  // --- memory: fixed ---

  @Test
  void aLineOfMoreThan2GiBIsMeasuredNotHeldByTheVerifierOrTheSink() throws Exception {
    // Before, the verifier read each file whole (a file over 2 GiB: OutOfMemoryError), and the sink read the last
    // lines whole. The file is sparse: nothing is written.
    write(5);
    growWithoutNewline(log(), (2L << 30) + 1);
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KEYS).check(log());
    assertThat(result.faults()).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(AuditLogVerifier.Kind.MALFORMED);
      assertThat(f.message()).contains("longer than any line an audit sink writes");
    });
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log()).keys(KEYS).build())
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("last lines of " + log())
        .hasMessageContaining("longer than any line");
  }

  @Test
  void theVerifierReportsAFifoOrADirectoryAndGoesOn() throws Exception {
    // Before, a FIFO blocked the verifier for ever and a directory ended it with an exception.
    List<Path> files = write(12);
    Path second = files.get(1);
    Files.delete(second);
    mkfifo(second);
    Path third = files.get(2);
    Files.delete(third);
    Files.createDirectory(third);
    AuditLogVerifier.Result result = assertTimeoutPreemptively(Duration.ofSeconds(30),
        () -> AuditLogVerifier.withKeys(KEYS).check(log()));
    assertThat(result.faults()).filteredOn(f -> f.message().contains("not a regular file"))
        .extracting(AuditLogVerifier.Fault::file).containsExactly(second, third);
    assertThat(result.faults()).anySatisfy(f -> assertThat(f.kind()).isEqualTo(AuditLogVerifier.Kind.DELETED));
  }

  // --- the file witness: fixed ---

  @Test
  void aFileWitnessRewrittenBackwardsIsReportedAtItsNextCheckpoint() throws Exception {
    // Before, a witness cut back to an older checkpoint went unnoticed: latest() then gave that one, and a log cut
    // back as far passed the verifier.
    Path witnessFile = dir.resolve("witness.jsonl");
    AuditWitness witness = AuditWitness.file(witnessFile);
    witness.publish(checkpoint(10));
    List<String> first = Files.readAllLines(witnessFile);
    witness.publish(checkpoint(20));
    Files.write(witnessFile, first);   // cut back in place
    assertThatThrownBy(() -> witness.publish(checkpoint(30))).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit witness file " + witnessFile).hasMessageContaining("is shorter")
        .hasMessageContaining("cut or rewritten").hasMessageContaining("checkpoint 30");
    assertThat(witness.latest("audit.jsonl")).map(AuditCheckpoint::seq).contains(30L);   // still appended
    witness.publish(checkpoint(40));   // reported once
    // Replaced by another file, even a longer one.
    Path other = Files.writeString(dir.resolve("other.jsonl"), String.join("\n", Files.readAllLines(witnessFile))
        + "\n" + "{}\n".repeat(10));
    Files.setAttribute(other, "unix:mode", 0600);
    Files.move(other, witnessFile, StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> witness.publish(checkpoint(50))).isInstanceOf(AuditException.class)
        .hasMessageContaining("is another file");
  }

  @Test
  void theLatestCheckpointIsReadOnlyFromAWitnessFilePublishWouldWriteTo() throws Exception {
    // Before, latest() opened the witness path as it found it: a file holding a checkpoint another user (or an
    // untrusted process of ours) chose was read, and the verifier compared the log with it. Now it is refused as
    // publish refuses it, and as the other audit files read are (PathTrust).
    Path elsewhere = mkdir(dir.resolve("elsewhere"), 0700);
    Path chosen = elsewhere.resolve("chosen.jsonl");
    AuditWitness.file(chosen).publish(checkpoint(7));
    assertThat(AuditWitness.file(chosen).latest("audit.jsonl")).map(AuditCheckpoint::seq).contains(7L);

    Path symlink = Files.createSymbolicLink(dir.resolve("witness-symlink.jsonl"), chosen);
    assertThatThrownBy(() -> AuditWitness.file(symlink).latest("audit.jsonl")).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit witness file " + symlink).hasMessageContaining("symbolic link");
    Path hardLink = Files.createLink(dir.resolve("witness-link.jsonl"), chosen);
    assertThatThrownBy(() -> AuditWitness.file(hardLink).latest("audit.jsonl")).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit witness file " + hardLink).hasMessageContaining("2 hard links");
    Files.delete(hardLink);
    Files.setAttribute(chosen, "unix:mode", 0666);
    assertThatThrownBy(() -> AuditWitness.file(chosen).latest("audit.jsonl")).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit witness file " + chosen).hasMessageContaining("writable by all users");
    Files.setAttribute(chosen, "unix:mode", 0600);
    assumeTrue(isRoot(), "giving a file to another user takes root (the build runs as root here)");
    Files.setAttribute(chosen, "unix:uid", OTHER_UID, LinkOption.NOFOLLOW_LINKS);
    assertThatThrownBy(() -> AuditWitness.file(chosen).latest("audit.jsonl")).isInstanceOf(AuditException.class)
        .hasMessageContaining("audit witness file " + chosen).hasMessageContaining("belongs to uid " + OTHER_UID);
  }

  @Test
  void aFileWitnessIsReadFromItsEndWithoutHoldingItWhole() throws Exception {
    // Before, a FIFO blocked latest() for ever (and the sink's build() with it), and latest() read every line into
    // memory. A line longer than any checkpoint (32 MiB here) is now passed over, not read.
    Path witnessFile = dir.resolve("witness.jsonl");
    AuditWitness witness = AuditWitness.file(witnessFile);
    witness.publish(checkpoint(7));
    growWithoutNewline(witnessFile, 32L << 20);
    Files.writeString(witnessFile, "\n{\"log\":\"other.jsonl\",\"seq\":3,\"mac\":\"" + "cd".repeat(32)
        + "\",\"time\":\"1970-01-01T00:00:03Z\"}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(witness.latest("audit.jsonl")).map(AuditCheckpoint::seq).contains(7L);
    assertThat(witness.latest("other.jsonl")).map(AuditCheckpoint::seq).contains(3L);
    assertThat(witness.latest("missing.jsonl")).isEmpty();
    Path fifo = dir.resolve("fifo.jsonl");
    mkfifo(fifo);
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> AuditWitness.file(fifo)
        .latest("audit.jsonl")).isInstanceOf(AuditException.class).hasMessageContaining("audit witness file " + fifo)
        .hasMessageContaining("not a regular file"));
  }
}
