package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.Actor;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogVerifierTest {
  static final Actor ACTOR = new Actor("svc", "host-1", "pid:1", "billing", null);
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.of(new byte[32]));

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
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(maxFileSize)
        .fsync(FsyncPolicy.never()).build()) {
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

  AuditLogVerifier.Result verify() {
    return AuditLogVerifier.withKeys(KEYS).check(log);
  }

  @Test
  void anUntouchedLogPassesAcrossRotatedFiles() throws IOException {
    List<Path> files = write(40, 2048);
    assertThat(files).hasSizeGreaterThan(3);
    for (Path f : files) {
      assertThat(Files.size(f)).isLessThanOrEqualTo(2048);
    }
    AuditLogVerifier.Result result = verify();
    assertThat(result.faults()).isEmpty();
    assertThat(result.valid()).isTrue();
    assertThat(result.keyed()).isTrue();
    // 40 events and one note per rotation, each naming the file before it.
    assertThat(result.lines()).isEqualTo(40 + files.size() - 1);
    assertThat(result.headSeq()).isEqualTo(result.lines());
    assertThat(lines(files.get(1)).get(0)).contains("\"note\":{\"type\":\"audit.rotated\"",
        "\"previous\":\"audit.jsonl.1\"");
  }

  @Test
  void withoutTheKeyOnlyTheStructureIsCheckedAndTheResultSaysSo() throws IOException {
    write(5);
    AuditLogVerifier.Result result = AuditLogVerifier.verify(log);
    assertThat(result.valid()).isTrue();
    assertThat(result.keyed()).isFalse();
    assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("structure only"));
  }

  @Test
  void theWrongKeyFindsEveryLineUnauthenticated() throws IOException {
    write(5);
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KeyProvider.of(EncryptionKey.generate())).check(log);
    assertThat(result.faults()).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(AuditLogVerifier.Kind.UNKNOWN_KEY);
      assertThat(f.fromLine()).isEqualTo(1);
      assertThat(f.toLine()).isEqualTo(5);
    });
  }

  @Test
  void linesWrittenUnderAnOlderKeyVerifyAfterARotationOfTheKey() throws IOException {
    EncryptionKey old = EncryptionKey.generate();
    EncryptionKey current = EncryptionKey.generate();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KeyProvider.of(old)).build()) {
      sink.record(event(1));
    }
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KeyProvider.of(current, old)).build()) {
      sink.record(event(2));
    }
    assertThat(lines(log).get(0)).contains("\"kid\":\"" + old.id() + "\"");
    assertThat(lines(log).get(1)).contains("\"kid\":\"" + current.id() + "\"");
    assertThat(AuditLogVerifier.withKeys(KeyProvider.of(current, old)).check(log).faults()).isEmpty();
    assertThat(AuditLogVerifier.withKeys(KeyProvider.of(current)).check(log).faults())
        .extracting(AuditLogVerifier.Fault::kind).containsExactly(AuditLogVerifier.Kind.UNKNOWN_KEY);
  }

  @Test
  void theChainContinuesAcrossRestarts() throws IOException {
    write(10, 2048);
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048).build()) {
      sink.record(event(11));
    }
    AuditLogVerifier.Result result = verify();
    assertThat(result.faults()).isEmpty();
    assertThat(lines(log).get(lines(log).size() - 1)).contains("\"seq\":" + result.headSeq());
  }

  @Test
  void anEditedLineIsNamed() throws IOException {
    List<Path> files = write(40, 2048);
    Path second = files.get(1);
    List<String> lines = lines(second);
    lines.set(2, lines.get(2).replace("\"EXPIRED\"", "\"EXPLICIT\""));
    writeLines(second, lines);
    assertOnlyFault(second, 3, AuditLogVerifier.Kind.EDITED, "modified");
  }

  @Test
  void aDeletedLineIsNamed() throws IOException {
    List<Path> files = write(40, 2048);
    Path first = files.get(0);
    List<String> lines = lines(first);
    lines.remove(1);
    writeLines(first, lines);
    assertOnlyFault(first, 2, AuditLogVerifier.Kind.DELETED, "seq 2 missing");
  }

  @Test
  void aDeletedFirstLineIsNamed() throws IOException {
    write(10);
    List<String> lines = lines(log);
    lines.remove(0);
    writeLines(log, lines);
    assertOnlyFault(log, 1, AuditLogVerifier.Kind.MISSING_BEGINNING, "seq 1 missing");
  }

  @Test
  void aForgedLineUnderAnUnknownKeyIsNamed() throws IOException {
    write(10);
    List<String> lines = lines(log);
    String body = AuditChain.body(99, "0123456789abcdef", "0".repeat(64), false, "{\"type\":\"token.issued\"}");
    lines.add(1, AuditChain.line(body, "0".repeat(64)));
    writeLines(log, lines);
    assertOnlyFault(log, 2, AuditLogVerifier.Kind.UNKNOWN_KEY, "seq 99");
  }

  @Test
  void aCopiedLineIsNamed() throws IOException {
    write(10);
    List<String> lines = lines(log);
    lines.add(2, lines.get(1));
    writeLines(log, lines);
    assertOnlyFault(log, 3, AuditLogVerifier.Kind.DUPLICATED, "copy");
  }

  @Test
  void reorderedLinesAreNamed() throws IOException {
    write(40);
    List<String> lines = lines(log);
    String a = lines.get(4);
    lines.set(4, lines.get(5));
    lines.set(5, a);
    writeLines(log, lines);
    assertOnlyFault(log, 6, AuditLogVerifier.Kind.REORDERED, "seq 5 comes after seq 6");
  }

  @Test
  void aTornLastLineIsReportedAsTornAndIsNoFault() throws IOException {
    write(40);
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, Arrays.copyOf(bytes, bytes.length - 30));
    AuditLogVerifier.Result result = verify();
    assertThat(result.faults()).isEmpty();
    assertThat(result.tornLines()).singleElement().satisfies(t -> {
      assertThat(t.fromLine()).isEqualTo(40);
      assertThat(t.message()).contains("incomplete");
    });
    assertThat(result.headSeq()).isEqualTo(39);
  }

  @Test
  void aLineTornByACrashIsEndedAtRestartAndTheChainContinuesAfterIt() throws IOException {
    write(5);
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, Arrays.copyOf(bytes, bytes.length - 20)); // a crash mid-write
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      sink.record(event(6));
    }
    List<String> lines = lines(log);
    assertThat(lines).hasSize(7); // 4 whole, the torn one, the writer's note, the new event
    assertThat(lines.get(5)).contains("\"type\":\"audit.torn_line\"");
    AuditLogVerifier.Result result = verify();
    assertThat(result.faults()).isEmpty();
    assertThat(result.tornLines()).singleElement().satisfies(t -> {
      assertThat(t.fromLine()).isEqualTo(5);
      assertThat(t.message()).contains("crash");
    });
  }

  @Test
  void aLogThatGrewPastACheckpointPassesAndOneCutShortDoesNot() throws IOException {
    AuditCheckpoint checkpoint;
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      for (int i = 1; i <= 10; i++) {
        sink.record(event(i));
      }
      checkpoint = sink.checkpoint().orElseThrow();
      sink.record(event(11));
    }
    assertThat(checkpoint.seq()).isEqualTo(10);
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log, checkpoint).faults()).isEmpty();
    List<String> lines = lines(log);
    writeLines(log, lines.subList(0, 9));
    assertThat(verify().faults()).as("a shorter chain is still a chain").isEmpty();
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log, checkpoint).faults()).singleElement()
        .satisfies(f -> assertThat(f.kind()).isEqualTo(AuditLogVerifier.Kind.TRUNCATED));
  }

  @Test
  void theDeprecatedHeadHashMeansTheChainContainsItNotThatItEndsThere() throws IOException {
    write(10);
    String head = AuditLogVerifier.verify(log).headHash();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      sink.record(event(11));
    }
    @SuppressWarnings("deprecation")
    AuditLogVerifier.Result grown = AuditLogVerifier.verify(log, head);
    assertThat(grown.valid()).isTrue();
    writeLines(log, lines(log).subList(0, 9));
    @SuppressWarnings("deprecation")
    AuditLogVerifier.Result cut = AuditLogVerifier.verify(log, head);
    assertThat(cut.valid()).isFalse();
    assertThat(cut.firstBadLine().orElseThrow().reason()).contains("removed from the end");
  }

  @Test
  void aCheckpointOfAnotherLogIsRefused() throws IOException {
    write(1);
    AuditCheckpoint other = new AuditCheckpoint("other.jsonl", 1, "0".repeat(64), Instant.EPOCH);
    assertThatThrownBy(() -> AuditLogVerifier.withKeys(KEYS).check(log, other)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other.jsonl");
  }

  @Test
  void linesHoldTheEventFieldsAndNoMore() throws IOException {
    write(1);
    String line = lines(log).get(0);
    assertThat(line).startsWith("{\"seq\":1,\"kid\":\"" + KEYS.currentKey().id() + "\",\"prev\":\""
            + "0".repeat(64) + "\",\"event\":{\"type\":\"lease.revoked\"")
        .contains("\"leaseId\":\"astra/org-1/reader/1\"", "\"metadata\":{\"owner\":\"team-1\"}",
            "\"tokenHmac\":\"" + "ab".repeat(32) + "\"", "\"details\":{\"reason\":\"EXPIRED\",\"alreadyGone\":false}")
        .matches(".*,\"mac\":\"[0-9a-f]{64}\"}$");
  }

  void assertOnlyFault(Path file, long lineNumber, AuditLogVerifier.Kind kind, String reason) {
    AuditLogVerifier.Result result = verify();
    assertThat(result.valid()).isFalse();
    assertThat(result.faults()).as("%s", result.faults()).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(kind);
      assertThat(f.file().getFileName()).isEqualTo(file.getFileName());
      assertThat(f.fromLine()).isEqualTo(lineNumber);
      assertThat(f.message()).contains(reason);
    });
    assertThat(result.firstBadLine().orElseThrow().toString()).contains(file.getFileName() + ":" + lineNumber);
  }
}
