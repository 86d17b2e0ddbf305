package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import dev.astravault.ActorProvider;
import dev.astravault.AstraToken;
import dev.astravault.AuditException;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.ReconcileFinding;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link JdbcAuditSink} on a real PostgreSQL (embedded, one server for this class, one database per test): the
 * PostgreSQL DDL (identity column, indexes), every column of every event of a lifecycle, the "who used token X"
 * query, concurrent writers, and database errors that name the SQLState but no value.
 */
class JdbcAuditSinkPostgresTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  static final byte[] KEY = "postgres-audit-key-0123456789".getBytes(StandardCharsets.UTF_8);
  static final String ORG = "acme";
  static final String ROLE = "api_ro_svc_acct";
  static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  static final AtomicInteger DATABASES = new AtomicInteger();
  static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws IOException {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    pg.close();
  }

  /** A new, empty database on the class's server. */
  static DataSource newDatabase() {
    String name = "audit_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return pg.getDatabase("postgres", name);
  }

  static ReconcileFinding finding(String clientId) {
    return new ReconcileFinding(Instant.parse("2026-04-01T12:00:00Z"), ActorProvider.system("pg-test").current(),
        "org-1", ReconcileFinding.Kind.UNKNOWN_TOKEN, clientId, null, false);
  }

  @Test
  void everyEventOfALifecycleIsOneRowWithEveryColumn() throws Exception {
    DataSource db = newDatabase();
    JdbcAuditSink jdbc = JdbcAuditSink.builder(db).build();
    RecordingAuditSink recording = RecordingAuditSink.create();
    MutableClock clock = MutableClock.at(Instant.parse("2026-04-01T09:00:00Z"));
    astra.useClock(clock);
    FakeOrg fake = astra.defaultOrg();
    OrgConfig org = OrgConfig.builder().orgId(fake.orgId()).rootToken(fake.rootToken()).url(astra.url().uri())
        .logicalName(ORG).build();
    AstraToken token;
    try (TokenManager tokens = TokenManager.builder().clock(clock).scheduler(new ManualScheduler(clock)).org(org)
        .auditSink(jdbc).auditSink(recording).auditHmacKey(KEY)
        .actorProvider(ActorProvider.system("pg-service").withPrincipal(() -> "carol"))
        .astraClient(c -> c.sleeper(d -> {})).build()) {
      tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
      token = tokens.request().org(ORG).role(ROLE).logicalName("orders").metadata("owner", "team-orders").issue();
      tokens.token(token.clientId());
      tokens.tokens(ORG);
      clock.advance(Duration.ofMinutes(10));
      tokens.renew(token.lease().leaseId());
      astra.fault(Endpoint.CREATE_TOKEN).status(500).times(10);
      try {
        tokens.request().org(ORG).role(ROLE).logicalName("billing").issue();
      } catch (RuntimeException expected) {
        // audited as token.issue_failed
      }
      tokens.revoke(token.lease().leaseId());
      tokens.reconcile(ORG);
    }

    List<Map<String, String>> rows = rows(db, "SELECT * FROM astra_vault_audit ORDER BY id");
    List<AuditEvent> events = recording.events();
    assertThat(events).extracting(AuditEvent::type).contains("org.written", "role.written", "token.issued",
        "token.read", "token.listed", "lease.renewed", "token.issue_failed", "lease.revoked");
    assertThat(rows).hasSameSizeAs(events);
    for (int i = 0; i < events.size(); i++) {
      AuditEvent e = events.get(i);
      Map<String, String> row = rows.get(i);
      assertThat(row.get("id")).isEqualTo(Integer.toString(i + 1));
      assertThat(row).containsEntry("event_time", e.time().toString()).containsEntry("type", e.type())
          .containsEntry("outcome", e.outcome().name())
          .containsEntry("error_type", e.errorType().orElse(null))
          .containsEntry("error_message", e.errorMessage().orElse(null))
          .containsEntry("actor_user", e.actor().user()).containsEntry("actor_host", e.actor().host())
          .containsEntry("actor_process", e.actor().process())
          .containsEntry("actor_application", "pg-service").containsEntry("actor_principal", "carol")
          .containsEntry("org_id", e.orgId().orElse(null)).containsEntry("role_name", e.roleName().orElse(null))
          .containsEntry("logical_name", e.logicalName().orElse(null))
          .containsEntry("client_id", e.clientId().orElse(null)).containsEntry("lease_id", e.leaseId().orElse(null))
          .containsEntry("token_hmac", e.tokenHmac().orElse(null))
          .containsEntry("event_json", JSON.toJson(AuditEvents.toMap(e)));
    }

    // Who created and who used the token: the documented query, by HMAC.
    String hmac = AuditHmac.of(KEY, token.token());
    List<Map<String, String>> used = rows(db, "SELECT event_time, type, actor_user, actor_principal, "
        + "actor_application, logical_name FROM astra_vault_audit WHERE token_hmac = '" + hmac + "' ORDER BY id");
    assertThat(used).extracting(r -> r.get("type"))
        .containsExactly("token.issued", "token.read", "lease.renewed", "lease.revoked");
    assertThat(used).allSatisfy(r -> assertThat(r).containsEntry("actor_principal", "carol")
        .containsEntry("logical_name", "orders"));
    String all = rows.toString();
    for (String secret : List.of(token.token(), token.secret(), org.rootToken())) {
      assertThat(all).doesNotContain(secret);
    }
  }

  @Test
  void createsAnIdentityTableAndIndexesOnceAndKeepsRowsAcrossRebuilds() throws Exception {
    DataSource db = newDatabase();
    JdbcAuditSink.builder(db).build().record(finding("client-1"));
    JdbcAuditSink again = JdbcAuditSink.builder(db).build(); // CREATE ... IF NOT EXISTS: no error, no data lost
    again.record(finding("client-2"));

    assertThat(rows(db, "SELECT id, client_id FROM astra_vault_audit ORDER BY id"))
        .extracting(r -> r.get("id") + ":" + r.get("client_id")).containsExactly("1:client-1", "2:client-2");
    assertThat(rows(db, "SELECT is_identity, identity_generation, data_type FROM information_schema.columns "
        + "WHERE table_name = 'astra_vault_audit' AND column_name = 'id'"))
        .singleElement().satisfies(r -> assertThat(r).containsEntry("is_identity", "YES")
            .containsEntry("identity_generation", "ALWAYS").containsEntry("data_type", "bigint"));
    assertThat(rows(db, "SELECT indexname FROM pg_indexes WHERE tablename = 'astra_vault_audit'"))
        .extracting(r -> r.get("indexname"))
        .contains("astra_vault_audit_hmac", "astra_vault_audit_lease");
    // The identity is GENERATED ALWAYS: nobody slips in a row with a chosen id.
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      assertThatThrownBy(() -> st.executeUpdate("INSERT INTO astra_vault_audit (id, event_time, type, outcome, "
          + "actor_user, actor_host, actor_process, event_json) VALUES (1, 't', 'x', 'SUCCESS', 'u', 'h', 'p', '{}')"))
          .isInstanceOf(SQLException.class);
    }
  }

  @Test
  void writesToASchemaQualifiedTable() throws Exception {
    DataSource db = newDatabase();
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA audit");
    }
    JdbcAuditSink sink = JdbcAuditSink.builder(db).table("audit.trail").build();
    sink.record(finding("client-9"));
    assertThat(rows(db, "SELECT client_id, org_id, type FROM audit.trail")).singleElement()
        .satisfies(r -> assertThat(r).containsEntry("client_id", "client-9").containsEntry("org_id", "org-1")
            .containsEntry("type", "reconcile.finding"));
    assertThat(rows(db, "SELECT indexname FROM pg_indexes WHERE schemaname = 'audit'"))
        .extracting(r -> r.get("indexname")).contains("audit_trail_hmac", "audit_trail_lease");
  }

  @Test
  void concurrentWritersGetOneRowEachWithDistinctIds() throws Exception {
    DataSource db = newDatabase();
    JdbcAuditSink sink = JdbcAuditSink.builder(db).build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            sink.record(finding("c-" + thread + "-" + i));
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(rows(db, "SELECT count(*) AS n, count(DISTINCT id) AS ids, count(DISTINCT client_id) AS clients "
        + "FROM astra_vault_audit")).singleElement()
        .satisfies(r -> assertThat(r).containsEntry("n", "100").containsEntry("ids", "100")
            .containsEntry("clients", "100"));
  }

  @Test
  void aDatabaseErrorNamesTheSqlStateButNoValueAndIssueFailsClosed() {
    DataSource db = newDatabase();
    JdbcAuditSink missing = JdbcAuditSink.builder(db).table("no_such_table").createTable(false).build();
    assertThatThrownBy(() -> missing.record(finding("client-secretive")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("no_such_table").hasMessageContaining("SQLState 42P01")
        .hasMessageNotContaining("client-secretive").hasNoCause();

    // Behind a manager, fail-closed: the only sink cannot record TokenIssued, so the token is revoked.
    MutableClock clock = MutableClock.at(Instant.parse("2026-04-01T09:00:00Z"));
    astra.useClock(clock);
    FakeOrg fake = astra.defaultOrg();
    OrgConfig org = OrgConfig.builder().orgId(fake.orgId()).rootToken(fake.rootToken()).url(astra.url().uri())
        .logicalName(ORG).build();
    try (TokenManager tokens = TokenManager.builder().clock(clock).scheduler(new ManualScheduler(clock)).org(org)
        .auditSink(missing).auditHmacKey(KEY).build()) {
      tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build()); // guarded: no exception
      assertThatThrownBy(() -> tokens.request().org(ORG).role(ROLE).logicalName("orders").issue())
          .isInstanceOf(AuditException.class);
      assertThat(astra.liveTokens()).isEmpty();
      assertThat(astra.revokedTokens()).hasSize(1);
    }
  }

  static List<Map<String, String>> rows(DataSource db, String sql) throws SQLException {
    List<Map<String, String>> out = new ArrayList<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns; i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
