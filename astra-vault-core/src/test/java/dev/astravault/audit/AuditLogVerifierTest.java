package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.Actor;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogVerifierTest {
  static final Actor ACTOR = new Actor("svc", "host-1", "pid:1", "billing", null);

  @TempDir Path dir;
  Path log;

  @BeforeEach
  void setUp() {
    log = dir.resolve("audit.jsonl");
  }

  static LeaseRevoked event(int i) {
    TokenRef ref = new TokenRef("org-1", "reader", "svc-" + i, "client-" + i, "astra/org-1/reader/" + i,
        Map.of("owner", "team-" + i), "ab".repeat(32));
    return new LeaseRevoked(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), ACTOR, ref,
        RevokeReason.EXPIRED, false);
  }

  /** Writes {@code n} events into one file. */
  List<Path> write(int n) throws IOException {
    return write(n, 1 << 20);
  }

  /** Writes {@code n} events, rotating at {@code maxFileSize} (2 KiB: three lines a file). */
  List<Path> write(int n, long maxFileSize) throws IOException {
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).maxFileSize(maxFileSize).fsync(FsyncPolicy.never())
        .build()) {
      for (int i = 1; i <= n; i++) {
        sink.record(event(i));
      }
    }
    List<Path> files = new ArrayList<>(JsonLinesAuditSink.rotatedFiles(log));
    files.add(log);
    return files;
  }

  static List<String> lines(Path file) throws IOException {
    return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static void writeLines(Path file, List<String> lines) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  @Test
  void anUntouchedLogPassesAcrossRotatedFiles() throws IOException {
    List<Path> files = write(40, 2048);
    assertThat(files).hasSizeGreaterThan(3);
    for (Path f : files) {
      assertThat(Files.size(f)).isLessThanOrEqualTo(2048);
    }
    AuditLogVerifier.Result result = AuditLogVerifier.verify(log);
    assertThat(result.valid()).as("%s", result.badLine()).isTrue();
    assertThat(result.lines()).isEqualTo(40);
    assertThat(result.headSeq()).isEqualTo(40);
  }

  @Test
  void theChainContinuesAcrossRestarts() throws IOException {
    write(10, 2048);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).maxFileSize(2048).build()) {
      sink.record(event(11));
    }
    AuditLogVerifier.Result result = AuditLogVerifier.verify(log);
    assertThat(result.valid()).as("%s", result.badLine()).isTrue();
    assertThat(result.lines()).isEqualTo(11);
  }

  @Test
  void anEditedLineIsNamed() throws IOException {
    List<Path> files = write(40, 2048);
    Path second = files.get(1);
    List<String> lines = lines(second);
    lines.set(2, lines.get(2).replace("\"EXPIRED\"", "\"EXPLICIT\""));
    writeLines(second, lines);
    assertBad(second, 3, "modified");
  }

  @Test
  void anEditedLastLineIsNamed() throws IOException {
    write(40);
    List<String> lines = lines(log);
    int last = lines.size() - 1;
    lines.set(last, lines.get(last).replace("team-40", "team-41"));
    writeLines(log, lines);
    assertBad(log, last + 1, "modified");
  }

  @Test
  void aDeletedLineIsNamed() throws IOException {
    List<Path> files = write(40, 2048);
    Path first = files.get(0);
    List<String> lines = lines(first);
    lines.remove(1);
    writeLines(first, lines);
    assertBad(first, 2, "deleted");
  }

  @Test
  void aDeletedFirstLineIsNamed() throws IOException {
    List<Path> files = write(10);
    List<String> lines = lines(files.get(0));
    lines.remove(0);
    writeLines(files.get(0), lines);
    assertBad(files.get(0), 1, "deleted");
  }

  @Test
  void anInsertedLineIsNamed() throws IOException {
    List<Path> files = write(40, 2048);
    Path second = files.get(1);
    List<String> lines = lines(second);
    // A forged line that is well-formed and self-consistent, but does not fit the chain.
    String forged = HashChain.line(99, "0".repeat(64), "{\"type\":\"token.issued\"}").text();
    lines.add(1, forged);
    writeLines(second, lines);
    assertBad(second, 2, "seq 99");
  }

  @Test
  void aCopiedLineIsNamed() throws IOException {
    write(10);
    List<String> lines = lines(log);
    lines.add(2, lines.get(1));
    writeLines(log, lines);
    assertBad(log, 3, "inserted");
  }

  @Test
  void reorderedLinesAreNamed() throws IOException {
    write(40);
    List<String> lines = lines(log);
    String a = lines.get(0);
    lines.set(0, lines.get(1));
    lines.set(1, a);
    writeLines(log, lines);
    assertBad(log, 1, "reordered");
  }

  @Test
  void aTruncatedLastLineIsNamed() throws IOException {
    write(40);
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, java.util.Arrays.copyOf(bytes, bytes.length - 30));
    int lineCount = lines(log).size();
    assertBad(log, lineCount, "not a whole audit line");
  }

  @Test
  void aLastLineWithoutItsNewlineIsNamed() throws IOException {
    write(5);
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, java.util.Arrays.copyOf(bytes, bytes.length - 1));
    assertBad(log, 5, "no final newline");
  }

  @Test
  void aTornLineIsReportedAndTheChainContinuesAfterIt() throws IOException {
    write(5);
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, java.util.Arrays.copyOf(bytes, bytes.length - 20)); // a crash mid-write
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).build()) {
      sink.record(event(6));
    }
    List<String> lines = lines(log);
    assertThat(lines).hasSize(6);
    assertThat(HashChain.parse(lines.get(5))).isNotNull();
    assertBad(log, 5, "not a whole audit line");
  }

  @Test
  void linesRemovedFromTheEndAreCaughtWithAKnownHead() throws IOException {
    write(10);
    String head = AuditLogVerifier.verify(log).headHash();
    assertThat(AuditLogVerifier.verify(log, head).valid()).isTrue();
    List<String> lines = lines(log);
    lines.remove(lines.size() - 1);
    writeLines(log, lines);
    assertThat(AuditLogVerifier.verify(log).valid()).isTrue(); // a shorter chain is still a chain
    AuditLogVerifier.Result anchored = AuditLogVerifier.verify(log, head);
    assertThat(anchored.valid()).isFalse();
    assertThat(anchored.badLine().reason()).contains("removed from the end");
  }

  @Test
  void linesHoldTheEventFieldsAndNoMore() throws IOException {
    write(1);
    String line = lines(log).get(0);
    assertThat(line).startsWith("{\"seq\":1,\"prev\":\"" + "0".repeat(64) + "\",\"event\":{\"type\":\"lease.revoked\"")
        .contains("\"leaseId\":\"astra/org-1/reader/1\"", "\"metadata\":{\"owner\":\"team-1\"}",
            "\"tokenHmac\":\"" + "ab".repeat(32) + "\"", "\"details\":{\"reason\":\"EXPIRED\",\"alreadyGone\":false}");
  }

  void assertBad(Path file, long lineNumber, String reason) {
    AuditLogVerifier.Result result = AuditLogVerifier.verify(log);
    assertThat(result.valid()).isFalse();
    AuditLogVerifier.BadLine bad = result.badLine();
    assertThat(bad.file().getFileName()).isEqualTo(file.getFileName());
    assertThat(bad.lineNumber()).as("%s", bad).isEqualTo(lineNumber);
    assertThat(bad.reason()).contains(reason);
  }
}
