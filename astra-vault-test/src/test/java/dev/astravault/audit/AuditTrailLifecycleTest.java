package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.ActorProvider;
import dev.astravault.AstraToken;
import dev.astravault.AuditException;
import dev.astravault.AuditPolicy;
import dev.astravault.AuditSink;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.OrgConfig;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.TokenRequest;
import dev.astravault.event.LeaseRenewed;
import dev.astravault.event.ManagedTokenFailed;
import dev.astravault.event.TokenIssued;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * The audit trail end to end: every sink attached (JDBC on SQLite and on PostgreSQL), a managed token that renews and
 * rotates, faults included, then a scan for secrets everywhere.
 */
class AuditTrailLifecycleTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws IOException {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    pg.close();
  }

  static final String ORG = "acme";
  static final String ROLE = "api_ro_svc_acct";
  static final byte[] KEY = "lifecycle-audit-key-0123456789".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  final MutableClock clock = MutableClock.at(Instant.parse("2026-02-01T08:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final List<AutoCloseable> closeables = new ArrayList<>();
  OrgConfig org;

  TokenManager manager(Consumer<TokenManagerBuilder> customizer) {
    astra.useClock(clock);
    FakeOrg fake = astra.defaultOrg();
    org = OrgConfig.builder().orgId(fake.orgId()).rootToken(fake.rootToken()).url(astra.url().uri())
        .logicalName(ORG).build();
    TokenManagerBuilder b = TokenManager.builder().clock(clock).scheduler(scheduler).org(org).auditHmacKey(KEY)
        .sweepInterval(Duration.ofMinutes(1)).astraClient(c -> c.sleeper(d -> {}));
    customizer.accept(b);
    TokenManager tokens = b.build();
    closeables.add(0, tokens);
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    return tokens;
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  @Test
  void noSecretReachesAnySinkLogOrException() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    Level level = root.getLevel();
    root.setLevel(Level.TRACE);
    logs.start();
    root.addAppender(logs);
    try {
      SQLiteDataSource db = new SQLiteDataSource();
      db.setUrl("jdbc:sqlite:" + dir.resolve("store.db"));
      Path file = dir.resolve("audit.jsonl");
      dev.astravault.KeyProvider chainKeys = dev.astravault.KeyProvider.of(dev.astravault.EncryptionKey.generate());
      JsonLinesAuditSink json = JsonLinesAuditSink.builder(file).keys(chainKeys).maxFileSize(4096)
          .fsync(FsyncPolicy.always()).build();
      JdbcAuditSink jdbc = JdbcAuditSink.builder(db).build();
      DataSource postgres = pg.getPostgresDatabase();
      JdbcAuditSink pgJdbc = JdbcAuditSink.builder(postgres).table("lifecycle_audit").build();
      AsyncAuditSink asyncJdbc = AuditSink.async(jdbc);
      RecordingAuditSink recording = RecordingAuditSink.create();
      RecordingAuditSink flaky = RecordingAuditSink.create().down();
      CompositeAuditSink composite = CompositeAuditSink.of(List.of(json, asyncJdbc, flaky));
      closeables.add(composite);
      TokenManager tokens = manager(b -> b.auditSink(composite).auditSink(AuditSink.slf4j()).auditSink(recording)
          .auditSink(pgJdbc).actorProvider(ActorProvider.system("lifecycle").withPrincipal(() -> "bob"))
          // Managed tokens do their Astra calls and listener work inside scheduler.advance, on this thread.
          .managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run));

      List<String> secrets = new ArrayList<>();
      secrets.add(org.rootToken());
      secrets.add(HexFormat.of().formatHex(KEY));
      secrets.add(new String(KEY, StandardCharsets.UTF_8));
      List<Throwable> errors = new ArrayList<>();

      AstraToken a = tokens.request().org(ORG).role(ROLE).logicalName("orders").metadata("owner", "team").issue();
      AstraToken b = tokens.request().org(ORG).role(ROLE).logicalName("billing").issue();
      for (AstraToken t : List.of(a, b)) {
        secrets.add(t.token());
        secrets.add(t.secret());
      }
      // A managed token: every token it ever holds is collected (its listener runs right after each change).
      AtomicReference<ManagedToken> handle = new AtomicReference<>();
      List<ManagedTokenEvent> managedEvents = new ArrayList<>();
      RenewalSettings settings = RenewalSettings.builder().jitter(0)
          .backoff(Duration.ofSeconds(10), Duration.ofMinutes(2)).maxWait(Duration.ZERO)
          .listener(ManagedTokenListener.of(e -> {
            managedEvents.add(e);
            if (handle.get() != null) {
              secrets.add(handle.get().snapshot().token());
              secrets.add(handle.get().snapshot().astraToken().secret());
            }
          })).build();
      handle.set(tokens.manage(TokenRequest.forRole(ROLE).org(ORG).logicalName("managed")
          .metadata("owner", "platform").build(), settings));
      ManagedToken managed = handle.get();
      AstraToken firstManaged = managed.snapshot().astraToken();
      secrets.add(firstManaged.token());
      secrets.add(firstManaged.secret());
      tokens.token(a.clientId());
      tokens.token(ORG, ROLE, "billing");
      tokens.tokens();
      tokens.lease(a.lease().leaseId());
      clock.advance(Duration.ofMinutes(30));
      tokens.renew(a.lease().leaseId(), Duration.ofHours(5));
      // Faults: Astra refuses a create, then a delete; then some sinks fail (the file sink is closed).
      astra.fault(Endpoint.CREATE_TOKEN).status(500);
      errors.add(caught(() -> tokens.request().org(ORG).role(ROLE).logicalName("x").issue()));
      astra.fault(Endpoint.DELETE_TOKEN).status(500).times(10);
      while (astra.pendingFaults(Endpoint.DELETE_TOKEN) > 0) {
        errors.add(caught(() -> tokens.revoke(b.lease().leaseId())));
      }
      errors.add(caught(() -> tokens.renew("astra/no-such-lease")));
      recording.failWhen(e -> e instanceof TokenIssued);
      flaky.failWhen(e -> true);
      json.close(); // the file sink is down too from now on
      // Other sinks still record TokenIssued, so this issue succeeds despite the failing ones.
      AstraToken third = tokens.request().org(ORG).role(ROLE).logicalName("sinks-failing").issue();
      secrets.add(third.token());
      secrets.add(third.secret());
      tokens.deleteToken(a.clientId());
      // The managed token's rotation (at 2h36m40s) fails at first, then succeeds after back-off.
      astra.fault(Endpoint.CREATE_TOKEN).status(503).times(8);
      scheduler.advance(Duration.ofHours(4)); // the sweeper retries b's revoke; the managed token renews, rotates
      assertThat(astra.pendingFaults(Endpoint.CREATE_TOKEN)).isZero();
      assertThat(managedEvents).filteredOn(ManagedTokenEvent.Renewed.class::isInstance).hasSizeGreaterThanOrEqualTo(3);
      assertThat(managedEvents).filteredOn(ManagedTokenEvent.Rotated.class::isInstance).hasSize(1);
      assertThat(managedEvents).filteredOn(ManagedTokenEvent.Error.class::isInstance).isNotEmpty()
          .allSatisfy(e -> errors.add(((ManagedTokenEvent.Error) e).cause()));
      assertThat(managed.snapshot().astraToken().clientId()).isNotEqualTo(firstManaged.clientId());
      assertThat(astra.isLive(firstManaged.token())).as("revoked after the rotation overlap").isFalse();
      assertThat(managed.current()).isEqualTo(managed.snapshot().token());
      tokens.syncRoles(ORG);
      tokens.close();
      assertThat(asyncJdbc.flush(Duration.ofSeconds(10))).isTrue();

      // Every sink saw the lifecycle.
      assertThat(recording.events(LeaseRenewed.class))
          .filteredOn(e -> e.leaseId().orElseThrow().equals(a.lease().leaseId())).hasSize(1);
      assertThat(recording.events(LeaseRenewed.class)).hasSizeGreaterThanOrEqualTo(4); // and the managed token's
      assertThat(AuditLogVerifier.withKeys(chainKeys).check(file).faults()).isEmpty();
      String jsonText = readAll(file);
      assertThat(jsonText).contains(AuditHmac.of(KEY, a.token()), "\"principal\":\"bob\"");
      String rows = dump(db, jdbc.table());
      assertThat(rows).contains(AuditHmac.of(KEY, a.token()), "token.issue_failed", "lease.revoke_failed");
      String pgRows = dump(postgres, pgJdbc.table());
      assertThat(pgRows).contains(AuditHmac.of(KEY, a.token()), AuditHmac.of(KEY, firstManaged.token()),
          "token.issue_failed", "lease.revoke_failed", "managed.failed", "ROTATED", "SHUTDOWN", "lease.renewed");
      assertThat(recording.events(ManagedTokenFailed.class)).isNotEmpty()
          .allSatisfy(e -> assertThat(e.stage()).isEqualTo("ISSUE"));

      List<String> haystacks = new ArrayList<>();
      haystacks.add(jsonText);
      haystacks.add(rows);
      haystacks.add(pgRows);
      managedEvents.forEach(e -> haystacks.add(e.toString()));
      haystacks.add(managed.toString());
      haystacks.add(managed.snapshot().toString());
      recording.events().forEach(e -> {
        haystacks.add(e.toString());
        haystacks.add(AuditEvents.toMap(e).toString());
      });
      for (ILoggingEvent e : logs.list) {
        haystacks.add(e.getFormattedMessage());
        if (e.getKeyValuePairs() != null) {
          haystacks.add(e.getKeyValuePairs().toString());
        }
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
          haystacks.add(t.getMessage() == null ? "" : t.getMessage());
        }
      }
      for (Throwable t : errors) {
        for (Throwable c = t; c != null; c = c.getCause()) {
          haystacks.add(String.valueOf(c.getMessage()));
          haystacks.add(c.toString());
        }
      }
      haystacks.add(tokens.toString());
      haystacks.add(a.toString());
      assertThat(logs.list).isNotEmpty();
      assertThat(logs.list).anyMatch(e -> e.getLoggerName().equals("dev.astravault.audit")
          && e.getKeyValuePairs() != null && e.getKeyValuePairs().toString().contains("tokenHmac"));
      for (String secret : secrets) {
        assertThat(secret).hasSizeGreaterThan(8);
        for (String haystack : haystacks) {
          assertThat(haystack).doesNotContain(secret);
        }
      }
    } finally {
      root.detachAppender(logs);
      root.setLevel(level);
    }
  }

  @Test
  void failClosedWhenTheSinkIsDownAtIssueTime() {
    RecordingAuditSink sink = RecordingAuditSink.create();
    TokenManager tokens = manager(b -> b.auditSink(sink));
    sink.down();
    assertThatThrownBy(() -> tokens.request().org(ORG).role(ROLE).logicalName("orders").issue())
        .isInstanceOf(AuditException.class).hasMessageContaining("FAIL_CLOSED");
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(1);
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(astra.revokedTokens()).hasSize(1);
    assertThat(tokens.tokens()).isEmpty();
  }

  @Test
  void failOpenHandsTheTokenOut() {
    RecordingAuditSink sink = RecordingAuditSink.create();
    TokenManager tokens = manager(b -> b.auditSink(sink).auditPolicy(AuditPolicy.FAIL_OPEN));
    sink.down();
    AstraToken token = tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
    assertThat(astra.isLive(token.token())).isTrue();
    assertThat(sink.refused()).isEqualTo(1);
  }

  @Test
  void aSinkExceptionNeverReachesTheCallerOutsideIssue() {
    RecordingAuditSink sink = RecordingAuditSink.create();
    TokenManager tokens = manager(b -> b.auditSink(sink));
    AstraToken token = tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
    sink.down();
    tokens.token(token.clientId());
    tokens.tokens();
    tokens.renew(token.lease().leaseId());
    tokens.revoke(token.lease().leaseId());
    assertThat(sink.refused()).isEqualTo(4);
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void aStuckSinkBehindTheAsyncWrapperNeverBlocksRenewals() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch stuck = new CountDownLatch(1);
    AsyncAuditSink async = AuditSink.async(e -> {
      stuck.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    });
    closeables.add(async);
    TokenManager tokens = manager(b -> b.auditSink(async));
    AstraToken token = tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
    assertThat(stuck.await(5, TimeUnit.SECONDS)).isTrue(); // the sink is now stuck
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofMinutes(1));
      tokens.renew(token.lease().leaseId()); // returns although the sink has not written a single event
    }
    assertThat(async.recorded()).isZero();
    release.countDown();
    assertThat(async.flush(Duration.ofSeconds(10))).isTrue();
    assertThat(async.recorded()).isEqualTo(23); // org and role writes, the issue, 20 renewals
    assertThat(async.failed()).isZero();
  }

  static Throwable caught(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected an exception");
  }

  static String readAll(Path active) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (Path p : JsonLinesAuditSink.rotatedFiles(active)) {
      sb.append(Files.readString(p));
    }
    return sb.append(Files.readString(active)).toString();
  }

  static String dump(DataSource db, String table) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Connection c = db.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        for (int i = 1; i <= md.getColumnCount(); i++) {
          sb.append(md.getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
