package dev.astravault.audit;

import static dev.astravault.audit.AuditLogVerifierTest.KEYS;
import static dev.astravault.audit.AuditLogVerifierTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditSinkTest {
  @TempDir Path dir;

  /** A clock the test moves by hand. */
  static final class HandClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aSecondWriterFailsFastNamingTheHolder() throws IOException {
    Path log = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink first = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      first.record(event(1));
      assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build())
          .isInstanceOfSatisfying(AuditLogLockedException.class, e -> {
            assertThat(e.holder()).contains("pid " + ProcessHandle.current().pid());
            assertThat(e.file()).isEqualTo(log.toAbsolutePath());
            assertThat(e.getMessage()).contains("held by another writer", e.holder());
          });
      first.record(event(2)); // the first writer is unaffected
    }
    // Once closed, the next writer continues the chain.
    try (JsonLinesAuditSink next = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      next.record(event(3));
    }
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KEYS).check(log);
    assertThat(result.faults()).isEmpty();
    assertThat(result.headSeq()).isEqualTo(3);
  }

  @Test
  void filesAndDirectoriesArePrivate() throws IOException {
    Path log = dir.resolve("new/sub/audit.jsonl");
    Path witness = dir.resolve("elsewhere/witness.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048)
        .witness(AuditWitness.file(witness)).build()) {
      for (int i = 1; i <= 10; i++) {
        sink.record(event(i));
      }
    }
    assertThat(JsonLinesAuditSink.rotatedFiles(log)).isNotEmpty();
    for (Path p : List.of(log, JsonLinesAuditSink.rotatedFiles(log).get(0), JsonLinesAuditSink.lockFile(log),
        witness)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as("%s", p).isEqualTo("rw-------");
    }
    for (Path d : List.of(log.getParent(), log.getParent().getParent(), witness.getParent())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).as("%s", d).isEqualTo("rwx------");
    }
  }

  /**
   * A file age past Go's longest duration is refused: the file's opening instant plus {@code
   * Duration.ofSeconds(Long.MAX_VALUE)} overflowed, so every record after the first threw an ArithmeticException and
   * its event was lost. The longest allowed age records every event.
   */
  @Test
  void aFileAgeTooLongToAddIsRefusedAndTheLongestRecordsEveryEvent() throws IOException {
    Path log = dir.resolve("audit.jsonl");
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).maxFileAge(Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maxFileAge must be at most");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS)
        .maxFileAge(Duration.ofNanos(Long.MAX_VALUE)).build()) {
      for (int i = 1; i <= 3; i++) {
        sink.record(event(i));
      }
    }
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log).headSeq()).isEqualTo(3);
  }

  @Test
  void rotatesByAgeOnTheInjectedClock() throws IOException {
    Path log = dir.resolve("audit.jsonl");
    HandClock clock = new HandClock();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).clock(clock)
        .maxFileAge(Duration.ofHours(1)).build()) {
      sink.record(event(1));
      clock.now = clock.now.plus(Duration.ofMinutes(59));
      sink.record(event(2));
      assertThat(JsonLinesAuditSink.rotatedFiles(log)).isEmpty();
      clock.now = clock.now.plus(Duration.ofMinutes(1));
      sink.record(event(3));
      assertThat(JsonLinesAuditSink.rotatedFiles(log)).hasSize(1);
    }
    // A restart keeps the age of the active file (from its first line), not of the process.
    clock.now = clock.now.plus(Duration.ofMinutes(30));
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).clock(clock)
        .maxFileAge(Duration.ofHours(1)).build()) {
      sink.record(event(4));
      assertThat(JsonLinesAuditSink.rotatedFiles(log)).hasSize(1);
      clock.now = clock.now.plus(Duration.ofMinutes(30));
      sink.record(event(5));
      assertThat(JsonLinesAuditSink.rotatedFiles(log)).hasSize(2);
    }
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KEYS).check(log);
    assertThat(result.faults()).isEmpty();
    assertThat(result.lines()).isEqualTo(5 + 2);
  }

  @Test
  void retentionDeletesTheOldestFilesAndTheChainRecordsIt() throws IOException {
    Path log = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).maxFileSize(2048).maxRotatedFiles(2)
        .build()) {
      for (int i = 1; i <= 30; i++) {
        sink.record(event(i));
      }
    }
    List<Path> rotated = JsonLinesAuditSink.rotatedFiles(log);
    assertThat(rotated).hasSize(2);
    assertThat(JsonLinesAuditSink.index(rotated.get(0))).isGreaterThan(1);
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KEYS).check(log);
    assertThat(result.faults()).isEmpty();
    assertThat(result.notes()).anySatisfy(n -> assertThat(n).contains("deleted by retention"));
    // Deleting one more old file than retention did is not retention.
    Files.delete(rotated.get(0));
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log).faults()).extracting(AuditLogVerifier.Fault::kind)
        .containsExactly(AuditLogVerifier.Kind.MISSING_BEGINNING);
  }

  @Test
  void checkpointsArePublishedOnTheInjectedSchedulerAndAtClose() throws IOException {
    Path log = dir.resolve("audit.jsonl");
    Path witnessFile = dir.resolve("witness/witness.jsonl");
    AuditWitness witness = AuditWitness.file(witnessFile);
    HandScheduler scheduler = new HandScheduler();
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).witness(witness)
        .checkpointEvery(Duration.ofSeconds(30)).scheduler(scheduler).build()) {
      assertThat(scheduler.delay).isEqualTo(Duration.ofSeconds(30));
      scheduler.runPending();
      assertThat(witness.latest("audit.jsonl")).as("nothing written yet").isEmpty();
      sink.record(event(1));
      sink.record(event(2));
      scheduler.runPending();
      assertThat(witness.latest("audit.jsonl").orElseThrow().seq()).isEqualTo(2);
      sink.record(event(3));
    }
    assertThat(scheduler.task).as("the schedule ends at close").isNull();
    AuditCheckpoint last = witness.latest("audit.jsonl").orElseThrow();
    assertThat(last.seq()).isEqualTo(3);
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log, last).faults()).isEmpty();
  }

  @Test
  void aCrashDuringTheFirstLineLeavesALogThatStillOpensAndVerifies() throws IOException {
    Path log = dir.resolve("audit.jsonl");
    Files.writeString(log, "{\"seq\":1,\"kid\":\"" + KEYS.currentKey().id() + "\",\"prev\":\"00"); // torn
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      sink.record(event(1));
    }
    AuditLogVerifier.Result result = AuditLogVerifier.withKeys(KEYS).check(log);
    assertThat(result.faults()).isEmpty();
    assertThat(result.tornLines()).singleElement().satisfies(t -> assertThat(t.fromLine()).isEqualTo(1));
    assertThat(result.headSeq()).isEqualTo(2); // the note, then the event
  }

  @Test
  void aFileOfTheEarlierPlainHashFormatIsNotContinued() throws IOException {
    Path log = dir.resolve("audit.jsonl");
    Files.writeString(log, "{\"seq\":1,\"prev\":\"" + "0".repeat(64) + "\",\"event\":{\"type\":\"x\"},\"hash\":\""
        + "a".repeat(64) + "\"}\n");
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(log).keys(KEYS).build())
        .hasMessageContaining("earlier plain-hash format");
    // The refused sink let go of the lock.
    Files.move(log, dir.resolve("audit.jsonl.old"));
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).build()) {
      sink.record(event(1));
    }
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log).faults()).isEmpty();
  }

  @Test
  void checkpointEveryWithoutAWitnessIsRefused() {
    assertThatThrownBy(() -> JsonLinesAuditSink.builder(dir.resolve("a.jsonl")).checkpointEvery(Duration.ofSeconds(1))
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("witness");
    assertThat(dir.resolve("a.jsonl")).doesNotExist();
  }

  /** Holds the one pending task; {@link #runPending} runs it. */
  static final class HandScheduler implements dev.astravault.Scheduler {
    Runnable task;
    Duration delay;

    @Override
    public Task schedule(Runnable task, Duration delay) {
      this.task = task;
      this.delay = delay;
      return () -> {
        if (this.task == task) {
          this.task = null;
        }
      };
    }

    void runPending() {
      Runnable t = task;
      task = null;
      t.run();
    }
  }
}
