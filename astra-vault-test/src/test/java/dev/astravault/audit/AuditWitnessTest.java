package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.event.AuditCheckpointed;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * Each shipped witness keeps the checkpoints a sink publishes on its schedule and at close, gives the newest back,
 * and with it the verifier catches a log cut short; a log that grew passes.
 */
class AuditWitnessTest {
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());

  @RegisterExtension static final FakeVault vault = FakeVault.create();

  @TempDir Path dir;
  final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);

  /** Writes 10 lines, a scheduled checkpoint, 5 more, close; then checks the witness against the log. */
  void exercise(AuditWitness witness) throws IOException {
    Path log = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).clock(clock).scheduler(scheduler)
        .witness(witness).checkpointEvery(Duration.ofMinutes(5)).build()) {
      for (int i = 1; i <= 10; i++) {
        sink.record(AuditTamperMatrixTest.event(i));
      }
      scheduler.advance(Duration.ofMinutes(5));
      assertThat(witness.latest("audit.jsonl").orElseThrow().seq()).isEqualTo(10);
      assertThat(witness.latest("other.jsonl")).isEmpty();
      for (int i = 11; i <= 15; i++) {
        sink.record(AuditTamperMatrixTest.event(i));
      }
      assertThat(sink.witnessFailures()).isZero();
    }
    AuditCheckpoint last = witness.latest("audit.jsonl").orElseThrow();
    assertThat(last.seq()).isEqualTo(15);
    assertThat(last.time()).isEqualTo(clock.instant());
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log, last).faults()).isEmpty();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    Files.writeString(log, String.join("\n", lines.subList(0, 12)) + "\n");
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log, witness.latest("audit.jsonl").orElseThrow()).faults())
        .extracting(AuditLogVerifier.Fault::kind).containsExactly(AuditLogVerifier.Kind.TRUNCATED);
  }

  @Test
  void aSeparateFile() throws IOException {
    exercise(AuditWitness.file(dir.resolve("witness/checkpoints.jsonl")));
  }

  @Test
  void theJdbcAuditTable() throws IOException {
    SQLiteDataSource db = new SQLiteDataSource();
    db.setUrl("jdbc:sqlite:" + dir.resolve("audit.db"));
    JdbcAuditSink table = JdbcAuditSink.builder(db).build();
    table.record(AuditTamperMatrixTest.event(99)); // the table holds ordinary events too
    exercise(AuditWitness.jdbc(table));
  }

  @Test
  void vaultKv() throws IOException {
    VaultConfig config = VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken()));
    exercise(AuditWitness.vaultKv(config, KvPath.v2("secret", "astra-vault/audit-checkpoints")));
  }

  @Test
  void anotherAuditSinkIsWriteOnly() throws IOException {
    RecordingAuditSink recording = RecordingAuditSink.create();
    Path log = dir.resolve("audit.jsonl");
    try (JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).clock(clock)
        .witness(AuditWitness.sink(recording)).scheduler(scheduler).build()) {
      sink.record(AuditTamperMatrixTest.event(1));
      scheduler.advance(Duration.ofMinutes(1)); // the default interval
      sink.record(AuditTamperMatrixTest.event(2));
    }
    List<AuditCheckpointed> checkpoints = recording.events(AuditCheckpointed.class);
    assertThat(checkpoints).extracting(AuditCheckpointed::seq).containsExactly(1L, 2L);
    assertThat(checkpoints.get(1).type()).isEqualTo("audit.checkpoint");
    AuditCheckpointed c = checkpoints.get(1);
    AuditCheckpoint checkpoint = new AuditCheckpoint(c.log(), c.seq(), c.mac(), c.time());
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log, checkpoint).faults()).isEmpty();
    assertThat(AuditWitness.sink(recording).latest("audit.jsonl")).isEmpty();
  }

  @Test
  void aFailingWitnessIsCountedAndNeverReachesTheCaller() throws IOException {
    RecordingAuditSink down = RecordingAuditSink.create().down();
    Path log = dir.resolve("audit.jsonl");
    JsonLinesAuditSink sink = JsonLinesAuditSink.builder(log).keys(KEYS).clock(clock)
        .witness(AuditWitness.sink(down)).scheduler(scheduler).build();
    sink.record(AuditTamperMatrixTest.event(1));
    scheduler.advance(Duration.ofMinutes(1));
    sink.record(AuditTamperMatrixTest.event(2));
    sink.close();
    assertThat(sink.witnessFailures()).isEqualTo(2);
    assertThat(AuditLogVerifier.withKeys(KEYS).check(log).faults()).isEmpty();
  }
}
