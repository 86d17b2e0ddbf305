package dev.astravault.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ActorProvider;
import dev.astravault.AstraToken;
import dev.astravault.AuditSink;
import dev.astravault.KeyProvider;
import dev.astravault.OrgConfig;
import dev.astravault.TokenManager;
import dev.astravault.audit.AsyncAuditSink;
import dev.astravault.audit.AuditHmac;
import dev.astravault.audit.AuditLogVerifier;
import dev.astravault.audit.AuditWitness;
import dev.astravault.audit.FsyncPolicy;
import dev.astravault.audit.JdbcAuditSink;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.event.TokenIssued;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordingAuditSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * docs/audit.md's snippets, as written; the two that read the audit file's key from the environment run in a JVM of
 * their own, with the fake's org passed as arguments.
 */
class AuditDocsTest {
  static final String FILE_KEY = Docs.newKey(7);

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @TempDir Path dir;

  /** The user's own: the HMAC key, from wherever they keep secrets. */
  static byte[] loadAuditKeyFromYourSecretStore() {
    return "an audit key of 32 bytes, stable".getBytes(StandardCharsets.UTF_8);
  }

  /** The user's own: who is calling, or null outside a request. */
  static String currentUserOrNull() {
    return "alice";
  }

  static DataSource sqlite(Path file) {
    SQLiteDataSource dataSource = new SQLiteDataSource();
    dataSource.setUrl("jdbc:sqlite:" + file);
    return dataSource;
  }

  /** args: the snippet (setup or witness), the logs' directory, the witnesses' directory, the database file. */
  public static void main(String[] args) throws Exception {
    Path logs = Path.of(args[1]);
    Path witnesses = Path.of(args[2]);
    DataSource dataSource = sqlite(Path.of(args[3]));
    OrgConfig org = OrgConfig.builder().orgId(args[4]).rootToken(args[5]).url(java.net.URI.create(args[6]))
        .logicalName("prod").build();
    if (args[0].equals("setup")) {
      List<AutoCloseable> app = setup(logs, witnesses, dataSource);
      TokenManager tokens = (TokenManager) app.get(0);
      tokens.writeOrg(org);
      tokens.syncRoles("prod");
      tokens.request().org("prod").role("api_ro_user").logicalName("billing").issue();
      for (AutoCloseable c : app) {
        c.close();  // the application's shutdown
      }
    } else {
      try (JsonLinesAuditSink file = witnessedByTheDatabase(logs, dataSource);
          TokenManager tokens = TokenManager.builder().auditSink(file).build()) {
        tokens.writeOrg(org);
        tokens.syncRoles("prod");
        tokens.request().org("prod").role("api_ro_user").logicalName("billing").issue();
        file.publishCheckpoint();
      }
    }
    System.exit(0);
  }

  /** The manager, then the sinks to close after it. */
  static List<AutoCloseable> setup(Path logs, Path witnesses, DataSource dataSource) {
    // docs:begin audit-setup
    byte[] key = loadAuditKeyFromYourSecretStore();              // >= 16 bytes, stable across restarts
    JsonLinesAuditSink file = JsonLinesAuditSink.builder(logs.resolve("audit.jsonl"))   // logs: e.g. /var/log/app
        .keys(KeyProvider.fromEnv("ASTRA_VAULT_AUDIT_KEY"))
        .witness(AuditWitness.file(witnesses.resolve("app.jsonl")))   // another disk, e.g. /mnt/witness
        .fsync(FsyncPolicy.atMostEvery(Duration.ofSeconds(1))).maxFileSize(64L << 20).build();
    AsyncAuditSink async = AuditSink.async(file);   // close it at shutdown: it drains, then closes the file
    AsyncAuditSink db = AuditSink.async(JdbcAuditSink.builder(dataSource).build());
    TokenManager tokens = TokenManager.builder()
        .auditSink(AuditSink.slf4j()).auditSink(async).auditSink(db)
        .auditHmacKey(key)
        .actorProvider(ActorProvider.system("billing-service").withPrincipal(() -> currentUserOrNull()))
        .build();
    // docs:end audit-setup
    return List.of(tokens, async, db);
  }

  static JsonLinesAuditSink witnessedByTheDatabase(Path logs, DataSource dataSource) {
    // docs:begin audit-witness
    KeyProvider auditKeys = KeyProvider.fromEnv("ASTRA_VAULT_AUDIT_KEY");  // or fromFile, VaultKeyProvider, the store's
    JdbcAuditSink table = JdbcAuditSink.builder(dataSource).build();     // the database on another host
    JsonLinesAuditSink file = JsonLinesAuditSink.builder(logs.resolve("audit.jsonl"))   // logs: e.g. /var/log/app
        .keys(auditKeys)
        .witness(AuditWitness.jdbc(table)).checkpointEvery(Duration.ofMinutes(1))
        .maxFileSize(64L << 20).maxFileAge(Duration.ofDays(1)).maxRotatedFiles(90)
        .build();
    // docs:end audit-witness
    return file;
  }

  String[] args(String snippet) throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Path witnesses = Files.createDirectories(dir.resolve("witness"));
    return new String[] {snippet, logs.toString(), witnesses.toString(), dir.resolve("audit.db").toString(),
        astra.defaultOrg().orgId(), astra.defaultOrg().rootToken(), astra.url().toString()};
  }

  static long rows(DataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void theSetupWritesTheFileTheTableAndTheLog() throws Exception {
    Docs.runInOwnJvm(AuditDocsTest.class, Map.of("ASTRA_VAULT_AUDIT_KEY", FILE_KEY), args("setup"));

    AuditLogVerifier.Result file = AuditLogVerifier.withKeys(KeyProvider.fromBase64List(FILE_KEY))
        .check(dir.resolve("logs/audit.jsonl"));
    assertThat(file.faults()).isEmpty();
    assertThat(Files.readString(dir.resolve("logs/audit.jsonl"))).contains("token.issued")
        .contains("\"principal\":\"alice\"").contains("billing-service");
    assertThat(dir.resolve("witness/app.jsonl")).isNotEmptyFile();
    assertThat(rows(sqlite(dir.resolve("audit.db")), "SELECT count(*) FROM astra_vault_audit WHERE type = "
        + "'token.issued' AND actor_principal = 'alice'")).isEqualTo(1);
  }

  @Test
  void theFileIsWitnessedByTheDatabase() throws Exception {
    Docs.runInOwnJvm(AuditDocsTest.class, Map.of("ASTRA_VAULT_AUDIT_KEY", FILE_KEY), args("witness"));

    AuditLogVerifier.Result file = AuditLogVerifier.withKeys(KeyProvider.fromBase64List(FILE_KEY))
        .check(dir.resolve("logs/audit.jsonl"));
    assertThat(file.faults()).isEmpty();
    assertThat(file.headSeq()).isPositive();
    assertThat(rows(sqlite(dir.resolve("audit.db")), "SELECT count(*) FROM astra_vault_audit")).isPositive();
  }

  @Test
  void theHmacOfALeakedTokenIsTheOneItsEventsCarry() throws Exception {
    byte[] auditKey = loadAuditKeyFromYourSecretStore();
    // docs:begin audit-hmac
    String h = AuditHmac.of(auditKey, "AstraCS:…");
    // docs:end audit-hmac
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(auditKey, "HmacSHA256"));
    assertThat(h).isEqualTo(HexFormat.of().formatHex(mac.doFinal("AstraCS:…".getBytes(StandardCharsets.UTF_8))));

    RecordingAuditSink audit = RecordingAuditSink.create();
    try (TokenManager tokens = TokenManager.builder().auditSink(audit).auditHmacKey(auditKey).build()) {
      tokens.writeOrg(Docs.prod(astra));
      tokens.syncRoles("prod");
      AstraToken token = tokens.request().org("prod").role("api_ro_user").logicalName("billing").issue();
      assertThat(audit.events()).filteredOn(TokenIssued.class::isInstance).singleElement()
          .satisfies(e -> assertThat(e.tokenHmac()).contains(AuditHmac.of(auditKey, token.token())));
    }
  }
}
