package dev.astravault.audit;

import static dev.astravault.audit.AuditLogVerifier.Kind.CHECKPOINT_MISMATCH;
import static dev.astravault.audit.AuditLogVerifier.Kind.DELETED;
import static dev.astravault.audit.AuditLogVerifier.Kind.DUPLICATED;
import static dev.astravault.audit.AuditLogVerifier.Kind.EDITED;
import static dev.astravault.audit.AuditLogVerifier.Kind.EMPTY_LOG;
import static dev.astravault.audit.AuditLogVerifier.Kind.FORKED;
import static dev.astravault.audit.AuditLogVerifier.Kind.MALFORMED;
import static dev.astravault.audit.AuditLogVerifier.Kind.MISSING_BEGINNING;
import static dev.astravault.audit.AuditLogVerifier.Kind.MISSING_FILE;
import static dev.astravault.audit.AuditLogVerifier.Kind.MISSING_LOG;
import static dev.astravault.audit.AuditLogVerifier.Kind.REORDERED;
import static dev.astravault.audit.AuditLogVerifier.Kind.TRUNCATED;
import static dev.astravault.audit.AuditLogVerifier.Kind.UNKEYED;
import static dev.astravault.audit.AuditLogVerifier.Kind.UNKNOWN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.Actor;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenRef;
import dev.astravault.internal.crypto.Hashing;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tamper matrix of issue 12: what someone who can write the audit file (but does not hold the audit key, nor the
 * witness) might do, each detected by the keyed verifier against the last witnessed checkpoint; and the correct
 * behaviours (restart, rotation, growth, a crash) that must pass.
 *
 * <p>Each case writes a real log through {@link JsonLinesAuditSink} (40 events, rotated at 2 KiB: about three lines a
 * file), with checkpoints published by the injected scheduler and at close to a witness file kept elsewhere.
 */
class AuditTamperMatrixTest {
  static final Actor ACTOR = new Actor("svc", "host-1", "pid:1", "billing", null);
  static final EncryptionKey OLD_KEY = EncryptionKey.generate();
  static final EncryptionKey KEY = EncryptionKey.generate();
  static final KeyProvider KEYS = KeyProvider.of(KEY, OLD_KEY);
  static final Pattern MAC = Pattern.compile(",\"mac\":\"[0-9a-f]{64}\"}$");

  @TempDir Path dir;
  Path log;
  AuditWitness witness;
  MutableClock clock;
  ManualScheduler scheduler;
  int events;

  @BeforeEach
  void setUp() {
    log = dir.resolve("logs/audit.jsonl");
    witness = AuditWitness.file(dir.resolve("witness/checkpoints.jsonl"));
    clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    scheduler = new ManualScheduler(clock);
  }

  static LeaseRevoked event(int i) {
    TokenRef ref = new TokenRef("org-1", "reader", "svc-" + i, "client-" + i, "astra/org-1/reader/" + i,
        Map.of("owner", "team-" + i), "ab".repeat(32));
    return new LeaseRevoked(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i), ACTOR, ref,
        RevokeReason.EXPIRED, false);
  }

  JsonLinesAuditSink.Builder sink(long maxFileSize) {
    return JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(maxFileSize).fsync(FsyncPolicy.never())
        .clock(clock).scheduler(scheduler).witness(witness).checkpointEvery(Duration.ofMinutes(1));
  }

  /** Writes {@code n} more events in one sink session; checkpoints every simulated minute and at close. */
  void write(int n, long maxFileSize) throws IOException {
    try (JsonLinesAuditSink sink = sink(maxFileSize).build()) {
      for (int i = 0; i < n; i++) {
        sink.record(event(++events));
        if (events % 10 == 0) {
          scheduler.advance(Duration.ofMinutes(1));
        }
      }
    }
  }

  void writeRotated() throws IOException {
    write(40, 2048);
  }

  void writeOneFile() throws IOException {
    write(20, 1 << 20);
  }

  List<Path> rotated() {
    return JsonLinesAuditSink.rotatedFiles(log);
  }

  Path middle() {
    List<Path> r = rotated();
    return r.get(r.size() / 2);
  }

  static List<String> lines(Path file) throws IOException {
    return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static void writeLines(Path file, List<String> lines) throws IOException {
    Files.writeString(file, lines.isEmpty() ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  AuditLogVerifier.Result verify() {
    return AuditLogVerifier.withKeys(KEYS).check(log, witness.latest("audit.jsonl").orElse(null));
  }

  /** Every fault expected is reported, each pointing at the file (and line, when given) the tamper touched. */
  void assertDetected(AuditLogVerifier.Kind... kinds) {
    AuditLogVerifier.Result r = verify();
    assertThat(r.valid()).as("tampering must be detected").isFalse();
    assertThat(r.faults()).extracting(AuditLogVerifier.Fault::kind).as("%s", r.faults()).contains(kinds);
  }

  void assertIntact() {
    AuditLogVerifier.Result r = verify();
    assertThat(r.faults()).isEmpty();
    assertThat(r.keyed()).isTrue();
    assertThat(r.checkpoint()).isNotNull();
  }

  // --- tampering: each detected ---------------------------------------------------------------------------------

  @Test
  void case01EditAField() throws IOException {
    writeRotated();
    Path f = middle();
    List<String> lines = lines(f);
    lines.set(1, lines.get(1).replace("\"team-", "\"mallory-"));
    writeLines(f, lines);
    assertDetected(EDITED);
    assertThat(verify().faults()).singleElement().satisfies(fault -> {
      assertThat(fault.file().getFileName()).isEqualTo(f.getFileName());
      assertThat(fault.fromLine()).isEqualTo(2);
    });
  }

  @Test
  void case02DeleteALine() throws IOException {
    writeRotated();
    Path f = middle();
    List<String> lines = lines(f);
    lines.remove(1);
    writeLines(f, lines);
    assertDetected(DELETED);
  }

  @Test
  void case03InsertAForgedLine() throws IOException {
    writeOneFile();
    List<String> lines = lines(log);
    // Well-formed, under the real key id, chained to its predecessor, but its MAC cannot be made without the key.
    String prev = lines.get(4).substring(lines.get(4).length() - 66, lines.get(4).length() - 2);
    String body = AuditChain.body(6, KEY.id(), prev, false, "{\"type\":\"token.issued\",\"orgId\":\"org-1\"}");
    lines.add(5, AuditChain.line(body, Hashing.sha256Hex(body)));
    writeLines(log, lines);
    assertDetected(EDITED);
  }

  @Test
  void case04DuplicateALine() throws IOException {
    writeOneFile();
    List<String> lines = lines(log);
    lines.add(8, lines.get(3));
    writeLines(log, lines);
    assertDetected(DUPLICATED);
  }

  @Test
  void case05ReorderLines() throws IOException {
    writeOneFile();
    List<String> lines = lines(log);
    lines.add(12, lines.remove(10));
    writeLines(log, lines);
    assertDetected(REORDERED);
  }

  @Test
  void case06TruncateTheTail() throws IOException {
    writeRotated();
    List<String> lines = lines(log);
    writeLines(log, lines.subList(0, 1)); // keep the rotation note only: a perfectly good, shorter chain
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log).faults()).as("without the witness").isEmpty();
    assertDetected(TRUNCATED);
  }

  @Test
  void case07EmptyTheFile() throws IOException {
    writeOneFile();
    Files.write(log, new byte[0]);
    assertDetected(EMPTY_LOG);
  }

  @Test
  void case08EmptyTheActiveFileOfARotatedLog() throws IOException {
    writeRotated();
    Files.write(log, new byte[0]);
    // Detected even without the witness: every rotation starts the active file with a note.
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log).faults()).extracting(AuditLogVerifier.Fault::kind)
        .containsExactly(EMPTY_LOG);
    assertDetected(EMPTY_LOG, TRUNCATED);
  }

  @Test
  void case09DeleteTheFile() throws IOException {
    writeOneFile();
    Files.delete(log);
    assertDetected(MISSING_LOG);
  }

  @Test
  void case10DeleteTheActiveFileOfARotatedLog() throws IOException {
    writeRotated();
    Files.delete(log);
    assertDetected(MISSING_FILE, TRUNCATED);
  }

  @Test
  void case11DeleteARotatedMiddleFile() throws IOException {
    writeRotated();
    Path gone = middle();
    Files.delete(gone);
    assertDetected(MISSING_FILE);
    assertThat(verify().faults()).singleElement()
        .satisfies(f -> assertThat(f.message()).contains(String.valueOf(gone.getFileName())));
  }

  @Test
  void case12DeleteTheNewestRotatedFile() throws IOException {
    writeRotated();
    List<Path> r = rotated();
    Path gone = r.get(r.size() - 1);
    Files.delete(gone);
    // The active file's first line names its predecessor.
    assertThat(verify().faults()).filteredOn(f -> f.kind() == MISSING_FILE).singleElement()
        .satisfies(f -> assertThat(f.message()).contains(String.valueOf(gone.getFileName())));
  }

  @Test
  void case13DeleteTheOldestFiles() throws IOException {
    writeRotated();
    Files.delete(rotated().get(0));
    Files.delete(rotated().get(0));
    assertDetected(MISSING_BEGINNING);
  }

  @Test
  void case14RecomputeThePlainHashesAfterAnEdit() throws IOException {
    writeOneFile();
    // The old format's attack: edit, then rebuild the whole chain with plain SHA-256, as an unkeyed sink would.
    List<String> lines = lines(log);
    lines.set(3, lines.get(3).replace("\"EXPIRED\"", "\"EXPLICIT\""));
    writeLines(log, rechain(lines, seqBody -> AuditChain.UNKEYED, Hashing::sha256Hex));
    assertThat(AuditLogVerifier.verify(log).faults()).as("structure only cannot tell").isEmpty();
    assertDetected(UNKEYED, CHECKPOINT_MISMATCH);
    // And keeping the key id while recomputing plain hashes as "MACs" fails each line's MAC.
    writeLines(log, rechain(lines, seqBody -> KEY.id(), Hashing::sha256Hex));
    assertDetected(EDITED, CHECKPOINT_MISMATCH);
  }

  @Test
  void case15RebuildTheChainUnderTheAttackersOwnKey() throws IOException {
    writeOneFile();
    EncryptionKey mallory = EncryptionKey.generate();
    AuditChain.Macs macs = new AuditChain.Macs(KeyProvider.of(mallory));
    List<String> lines = lines(log);
    lines.set(3, lines.get(3).replace("\"EXPIRED\"", "\"EXPLICIT\""));
    writeLines(log, rechain(lines, seqBody -> mallory.id(), body -> macs.mac(mallory.id(), body).orElseThrow()));
    assertDetected(UNKNOWN_KEY, CHECKPOINT_MISMATCH);
  }

  @Test
  void case16ReplaceTheKeyId() throws IOException {
    writeOneFile();
    List<String> lines = lines(log);
    // To a key the verifier holds (the older key): the MAC does not match under it.
    lines.set(2, lines.get(2).replace("\"kid\":\"" + KEY.id() + "\"", "\"kid\":\"" + OLD_KEY.id() + "\""));
    // To a key it does not hold.
    lines.set(6, lines.get(6).replace("\"kid\":\"" + KEY.id() + "\"", "\"kid\":\"00000000deadbeef\""));
    writeLines(log, lines);
    assertDetected(EDITED, UNKNOWN_KEY);
    assertThat(verify().faults()).extracting(AuditLogVerifier.Fault::fromLine).containsExactly(3L, 7L);
  }

  @Test
  void case17TearTheLastLineThenEditAnEarlierOne() throws IOException {
    writeOneFile();
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, Arrays.copyOf(bytes, bytes.length - 25));
    List<String> lines = lines(log);
    lines.set(2, lines.get(2).replace("client-3", "client-X"));
    Files.writeString(log, String.join("\n", lines), StandardCharsets.UTF_8); // still torn at the end
    AuditLogVerifier.Result r = verify();
    assertThat(r.tornLines()).singleElement().satisfies(t -> assertThat(t.fromLine()).isEqualTo(20));
    assertThat(r.faults()).extracting(AuditLogVerifier.Fault::kind).contains(EDITED, TRUNCATED);
  }

  @Test
  void case18TornLineAfterACrashHidesNothingAfterIt() throws IOException {
    writeOneFile();
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, Arrays.copyOf(bytes, bytes.length - 25)); // a crash mid-write...
    write(5, 1 << 20); // ...then a restart, which ends the torn line and notes it
    List<String> lines = lines(log);
    int last = lines.size() - 2;
    lines.set(last, lines.get(last).replace("team-", "eve-")); // and an edit after the torn line
    writeLines(log, lines);
    AuditLogVerifier.Result r = verify();
    assertThat(r.tornLines()).singleElement().satisfies(t -> assertThat(t.message()).contains("crash"));
    assertThat(r.faults()).extracting(AuditLogVerifier.Fault::kind).containsExactly(EDITED);
    assertThat(r.faults().get(0).fromLine()).isEqualTo(last + 1);
  }

  @Test
  void case19AForgedTornLineIsNotExcusedAsACrash() throws IOException {
    writeOneFile();
    List<String> lines = lines(log);
    lines.set(4, lines.get(4).substring(0, 40)); // cut a middle line: no crash note follows it
    writeLines(log, lines);
    assertDetected(MALFORMED);
  }

  @Test
  void case20TwoWritersThatIgnoreTheLockFork() throws IOException {
    writeOneFile();
    // Someone copies the log away, writes to the copy with the real key (a second writer), and merges it back.
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.copy(log, other.resolve("audit.jsonl"));
    try (JsonLinesAuditSink second = JsonLinesAuditSink.builder(other.resolve("audit.jsonl")).keys(KEYS).build()) {
      second.record(event(900));
    }
    write(1, 1 << 20);
    List<String> mine = lines(log);
    List<String> theirs = lines(other.resolve("audit.jsonl"));
    mine.add(theirs.get(theirs.size() - 1));
    writeLines(log, mine);
    assertDetected(FORKED);
  }

  @Test
  void case21SpliceLinesFromAnotherLogUnderTheSameKey() throws IOException {
    writeOneFile();
    Path other = dir.resolve("other/audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(other).keys(KEYS).build()) {
      for (int i = 0; i < 5; i++) {
        sink.record(event(500 + i));
      }
    }
    List<String> lines = lines(log);
    lines.set(2, lines(other).get(2)); // a genuine seq 3, of another chain
    writeLines(log, lines);
    assertDetected(FORKED);
  }

  @Test
  void case22ReplaceTheWholeLogWithAnOlderCopy() throws IOException {
    write(10, 1 << 20);
    Path backup = dir.resolve("backup.jsonl");
    Files.copy(log, backup);
    write(10, 1 << 20);
    Files.copy(backup, log, StandardCopyOption.REPLACE_EXISTING);
    assertDetected(TRUNCATED);
  }

  @Test
  void case29TruncateThenLetTheWriterContinue() throws IOException {
    writeOneFile();
    List<String> lines = lines(log);
    writeLines(log, lines.subList(0, 15));
    write(10, 1 << 20); // the next start continues at seq 16 and writes new, genuine lines past the witnessed seq 20
    AuditLogVerifier.Result r = AuditLogVerifier.withKeys(KEYS).check(log, witnessedBefore(20));
    assertThat(r.faults()).extracting(AuditLogVerifier.Fault::kind).containsExactly(CHECKPOINT_MISMATCH);
  }

  /** The newest checkpoint the witness kept at or before {@code seq}. */
  AuditCheckpoint witnessedBefore(long seq) throws IOException {
    AuditCheckpoint found = null;
    for (String line : lines(dir.resolve("witness/checkpoints.jsonl"))) {
      AuditCheckpoint c = FileAuditWitness.parse(line).orElseThrow();
      if (c.seq() <= seq) {
        found = c;
      }
    }
    return found;
  }

  // --- correct behaviour: must pass -----------------------------------------------------------------------------

  @Test
  void case23TwoWritersTheSecondFailsFastNamingTheHolder() throws IOException {
    try (JsonLinesAuditSink first = sink(1 << 20).build()) {
      first.record(event(1));
      assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build())
          .isInstanceOf(AuditLogLockedException.class)
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      first.record(event(2));
    }
    assertIntact();
  }

  @Test
  void case24RestartAndContinue() throws IOException {
    write(7, 1 << 20);
    write(7, 1 << 20);
    write(7, 1 << 20);
    assertIntact();
    List<String> lines = lines(log);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).startsWith("{\"seq\":" + (i + 1) + ",");
    }
  }

  @Test
  void case25RotateAndContinue() throws IOException {
    write(20, 2048);
    write(20, 2048);
    assertThat(rotated()).hasSizeGreaterThan(8);
    assertIntact();
    assertThat(verify().headSeq()).isEqualTo(witness.latest("audit.jsonl").orElseThrow().seq());
  }

  @Test
  void case26ALogThatGrewPastTheCheckpointAlwaysPasses() throws IOException {
    writeRotated();
    AuditCheckpoint old = witness.latest("audit.jsonl").orElseThrow();
    // Grow it without publishing another checkpoint.
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048).build()) {
      for (int i = 0; i < 25; i++) {
        sink.record(event(100 + i));
      }
    }
    AuditLogVerifier.Result r = AuditLogVerifier.withKeys(KEYS).check(log, old);
    assertThat(r.faults()).isEmpty();
    assertThat(r.headSeq()).isGreaterThan(old.seq() + 25);
    // Every earlier checkpoint the witness kept passes too.
    for (String line : lines(dir.resolve("witness/checkpoints.jsonl"))) {
      AuditCheckpoint c = FileAuditWitness.parse(line).orElseThrow();
      assertThat(AuditLogVerifier.withKeys(KEYS).check(log, c).faults()).as("%s", c).isEmpty();
    }
  }

  @Test
  void case27RetentionIsNotTampering() throws IOException {
    try (JsonLinesAuditSink sink = sink(2048).maxRotatedFiles(3).build()) {
      for (int i = 0; i < 60; i++) {
        sink.record(event(++events));
      }
      scheduler.advance(Duration.ofMinutes(1));
    }
    assertThat(rotated()).hasSize(3);
    assertIntact();
  }

  @Test
  void case28ACrashAndRestartPasses() throws IOException {
    writeOneFile();
    byte[] bytes = Files.readAllBytes(log);
    Files.write(log, Arrays.copyOf(bytes, bytes.length - 25));
    // A witness is only given lines forced to disk, so a crash never tears a witnessed line: take seq 19.
    AuditCheckpoint before = new AuditCheckpoint("audit.jsonl", 19,
        lineMac(lines(log).get(18)), Instant.EPOCH);
    write(3, 1 << 20);
    AuditLogVerifier.Result r = AuditLogVerifier.withKeys(KEYS).check(log, before);
    assertThat(r.faults()).isEmpty();
    assertThat(r.tornLines()).hasSize(1);
  }

  /** Rewrites every line's key id and MAC in sequence, as an attacker rebuilding the chain would. */
  static List<String> rechain(List<String> lines, java.util.function.Function<String, String> kid,
      java.util.function.Function<String, String> mac) {
    List<String> out = new ArrayList<>();
    String prev = AuditChain.GENESIS;
    for (String line : lines) {
      AuditChain.Parsed p = AuditChain.parse(line);
      String body = AuditChain.body(p.seq(), kid.apply(p.body()), prev, p.note(), p.json());
      String m = mac.apply(body);
      out.add(AuditChain.line(body, m));
      prev = m;
    }
    return out;
  }

  static String lineMac(String line) {
    Matcher m = MAC.matcher(line);
    assertThat(m.find()).isTrue();
    return line.substring(m.start() + 8, m.start() + 72);
  }

  @Test
  void theMatrixHasAtLeastFifteenTamperCases() {
    long cases = Stream.of(getClass().getDeclaredMethods()).filter(m -> m.getName().matches("case\\d\\d.*")).count();
    assertThat(cases).isGreaterThanOrEqualTo(15 + 3);
  }
}
