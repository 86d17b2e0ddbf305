package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.EncryptionKey;
import dev.astravault.audit.AuditLogVerifier;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code astra-vault audit verify} in this JVM: exit 0 intact, 1 faults, 2 usage errors; JSON output; the key from
 * the environment as for the store. The log is written by the CLI itself ({@code --audit-log}, {@code
 * --audit-witness}), keyed from the store key.
 */
class CliAuditVerifyTest {
  private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

  @RegisterExtension
  final FakeAstra astra = FakeAstra.create().useClock(clock);

  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>();
  Path log;
  Path witness;


  private CliRun cli(String... args) {
    return CliRun.of(env, clock, args);
  }

  private static CliRun exit(int code, CliRun run) {
    assertThat(run.exitCode()).as("stdout: %s%nstderr: %s", run.stdout(), run.stderr()).isEqualTo(code);
    return run;
  }

  @BeforeEach
  void writeALogThroughTheCli() {
    log = dir.resolve("logs/audit.jsonl");
    witness = dir.resolve("witness/checkpoints.jsonl");
    env.put("ASTRA_VAULT_STORE", "jdbc:sqlite:" + dir.resolve("store.db"));
    env.put("ASTRA_VAULT_KEY", EncryptionKey.generate().toBase64());
    env.put("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken());
    env.put("ASTRA_VAULT_AUDIT_LOG", log.toString());
    env.put("ASTRA_VAULT_AUDIT_WITNESS", witness.toString());
    exit(0, cli("config", "write", "--org-id", astra.defaultOrg().orgId(), "--logical-name", "prod", "--url",
        astra.url().toString()));
    exit(0, cli("role", "write", "--org-id", "prod", "--role-name", "reader", "--role-id",
        astra.roleId("API RO User"), "--ttl", "1h", "--max-ttl", "2h"));
    exit(0, cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name", "orders"));
    env.remove("ASTRA_VAULT_AUDIT_LOG");
    env.remove("ASTRA_VAULT_AUDIT_WITNESS");
  }

  @Test
  void anIntactLogExitsZeroWithEveryMacCheckedAgainstTheWitness() throws IOException {
    assertThat(Files.readString(log)).contains("\"kid\":\"" + EncryptionKey.fromBase64(env.get("ASTRA_VAULT_KEY"))
        .id() + "\"");
    Map<String, Object> json = exit(0, cli("audit", "verify", log.toString(), "--witness-file", witness.toString(),
        "--json")).json();
    assertThat(json).containsEntry("valid", true).containsEntry("keyed", true).containsEntry("faults", List.of());
    assertThat((Double) json.get("lines")).isGreaterThanOrEqualTo(3.0);
    assertThat((String) json.get("checkpoint")).isEqualTo(json.get("head"));
    CliRun table = exit(0, cli("audit", "verify", log.toString()));
    assertThat(table.stdout()).contains("valid", "true", "note: no checkpoint");
  }

  @Test
  void withoutTheKeyItSaysItCheckedTheStructureOnly() throws IOException {
    env.remove("ASTRA_VAULT_KEY");
    CliRun run = exit(0, cli("audit", "verify", log.toString(), "--json"));
    assertThat(run.json()).containsEntry("keyed", false);
    assertThat(run.stderr()).contains("checked the structure only");
  }

  @Test
  void aTamperedLogExitsOneListingEveryFault() throws IOException {
    List<String> lines = Files.readAllLines(log);
    lines.set(0, lines.get(0).replace("\"prod\"", "\"evil\""));
    Files.writeString(log, String.join("\n", lines.subList(0, lines.size() - 1)) + "\n");
    CliRun run = exit(1, cli("audit", "verify", log.toString(), "--witness-file", witness.toString(), "--json"));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> faults = (List<Map<String, Object>>) run.json().get("faults");
    assertThat(faults).extracting(f -> f.get("kind")).containsExactly("EDITED", "TRUNCATED");
    assertThat(run.json()).containsEntry("valid", false);
    assertThat(run.stderr()).contains("2 fault(s)");
    CliRun table = exit(1, cli("audit", "verify", log.toString(), "--witness-file", witness.toString()));
    assertThat(table.stdout()).contains("fault: audit.jsonl:1: EDITED", "fault: audit.jsonl: TRUNCATED");
  }

  @Test
  void aDeletedLogExitsOne() throws IOException {
    Files.delete(log);
    CliRun run = exit(1, cli("audit", "verify", log.toString(), "--witness-file", witness.toString(), "--json"));
    assertThat(run.stdout()).contains("MISSING_LOG");
  }

  @Test
  void aCheckpointGivenByHandIsUsed() throws IOException {
    String head = AuditLogVerifier.verify(log).head().orElseThrow().toShortString();
    exit(0, cli("audit", "verify", log.toString(), "--checkpoint", head));
    exit(1, cli("audit", "verify", log.toString(), "--checkpoint", "999:" + "a".repeat(64)));
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(exit(2, cli("audit", "verify", log.toString(), "--checkpoint", "not-a-checkpoint")).stderr())
        .contains("SEQ:MAC");
    exit(2, cli("audit", "verify", log.toString(), "--checkpoint", "1:" + "a".repeat(64), "--witness-file",
        witness.toString()));
    exit(2, cli("audit", "verify", log.toString(), "--witness-file", dir.resolve("nope").toString()));
    exit(2, cli("audit", "verify", log.toString(), dir.resolve("missing.jsonl").toString()));
    exit(2, cli("audit", "verify"));
  }

  @Test
  void theCliRefusesToShareALogWithAnotherWriter() {
    try (JsonLinesAuditSink app = JsonLinesAuditSink.builder(log).build()) {
      CliRun run = exit(1, cli("token", "issue", "--org-id", "prod", "--role-name", "reader", "--logical-name",
          "billing", "--audit-log", log.toString()));
      assertThat(run.stderr()).contains("held by another writer", "pid " + ProcessHandle.current().pid());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(astra.liveTokens()).as("nothing issued without its audit trail").hasSize(1);
  }
}
