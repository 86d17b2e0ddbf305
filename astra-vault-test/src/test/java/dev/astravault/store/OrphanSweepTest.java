package dev.astravault.store;

import static dev.astravault.store.StoreFixture.ORG;
import static dev.astravault.store.StoreFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.ReconcileFinding;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.Recovery;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.IssuedToken;
import dev.astravault.test.MutableClock;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The orphan sweep: recovery deletes the tokens that carry this deployment's tag and that no record knows, after the
 * grace period, audited; it never touches another deployment's tokens in the same org, untagged tokens, or tokens
 * with the older tag that names no deployment.
 */
class OrphanSweepTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @TempDir Path dir;
  private final OkHttpClient http = new OkHttpClient();
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  private final KeyProvider keys = KeyProvider.of(EncryptionKey.generate());
  private StoreFixture a;
  private StoreFixture b;

  @AfterEach
  void tearDown() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private StoreFixture deployment(String file, Consumer<TokenManagerBuilder> customizer) {
    return new StoreFixture(astra, clock, () -> JdbcLeaseStore.sqlite(dir.resolve(file), keys),
        builder -> customizer.accept(builder.recoveryInterval(Duration.ZERO).sweepInterval(Duration.ZERO)));
  }

  private static AstraToken issue(StoreFixture f, String name) {
    return f.tokens.request().org(ORG).role(ROLE).logicalName(name).issue();
  }

  /** Loses the record of a live token, as a restore from an old backup or a hand edit of the store would. */
  private static String loseRecord(StoreFixture f, AstraToken token) {
    LeaseRecord r = f.store.get(token.lease().leaseId()).orElseThrow();
    assertThat(f.store.delete(r)).isTrue();
    return token.clientId();
  }

  private boolean live(String clientId) {
    return astra.liveTokens().stream().anyMatch(t -> t.clientId().equals(clientId));
  }

  @Test
  void twoDeploymentsSharingAnOrgEachSweepOnlyTheirOwnOrphans() throws IOException {
    a = deployment("a.db", x -> {});
    b = deployment("b.db", x -> {});
    String idA = a.store.deploymentId().orElseThrow();
    String idB = b.store.deploymentId().orElseThrow();
    assertThat(idA).isNotEqualTo(idB).matches("[a-z0-9]{20}");

    AstraToken keptA = issue(a, "kept");
    AstraToken keptB = issue(b, "kept");
    String orphanA = loseRecord(a, issue(a, "lost"));
    String orphanB = loseRecord(b, issue(b, "lost"));
    assertThat(astra.token(orphanA).orElseThrow().description()).startsWith("astra-vault deployment=" + idA + " ");
    String untagged = createDirectly(null);
    String olderTag = createDirectly("astra-vault lease=astra/" + a.org.orgId() + "/reader/OLDxxxxxxxxxxxxxxxxxxxxx");
    String otherDeployment = createDirectly("astra-vault deployment=zzzz lease=astra/x/reader/Z");

    // Within the grace period nothing is swept: the token could still be in flight.
    assertThat(a.engine().recover().orphansSwept()).isZero();
    assertThat(b.engine().recover().orphansSwept()).isZero();
    assertThat(astra.liveTokens()).hasSize(7);

    clock.advance(Duration.ofMinutes(16));
    assertThat(a.engine().recover().orphansSwept()).isEqualTo(1);
    assertThat(live(orphanA)).isFalse();
    assertThat(astra.liveTokens()).extracting(IssuedToken::clientId).containsExactlyInAnyOrder(keptA.clientId(),
        keptB.clientId(), orphanB, untagged, olderTag, otherDeployment);
    assertThat(a.events(ReconcileFinding.class)).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ReconcileFinding.Kind.UNKNOWN_TOKEN);
      assertThat(e.client()).isEqualTo(orphanA);
      assertThat(e.fixed()).isTrue();
    });
    assertThat(a.events(LeaseRevoked.class)).filteredOn(e -> e.reason() == RevokeReason.REAPED).singleElement()
        .satisfies(e -> {
          assertThat(e.token().clientId()).isEqualTo(orphanA);
          assertThat(e.alreadyGone()).isFalse();
        });

    assertThat(b.engine().recover().orphansSwept()).isEqualTo(1);
    assertThat(astra.liveTokens()).extracting(IssuedToken::clientId).containsExactlyInAnyOrder(keptA.clientId(),
        keptB.clientId(), untagged, olderTag, otherDeployment);
    // Both deployments' live leases are untouched, and a second pass finds nothing more.
    assertThat(a.tokens.token(keptA.clientId())).isPresent();
    assertThat(b.tokens.token(keptB.clientId())).isPresent();
    assertThat(a.engine().recover().orphansSwept()).isZero();
    assertThat(b.engine().recover().orphansSwept()).isZero();
  }

  @Test
  void scheduledRecoveryPassesSweepEveryFewMinutesWithoutBeingAsked() {
    a = deployment("a.db", x -> x.recoveryInterval(Duration.ofMinutes(1)));
    String orphan = loseRecord(a, issue(a, "lost"));
    int lists = astra.requestCount("GET", "/v2/clientIdSecrets");
    a.scheduler.advance(Duration.ofMinutes(14));
    assertThat(live(orphan)).isTrue();
    // Passes run every minute; sweeps, each one list, at most every grace / 3 = 5 minutes: at 1, 6 and 11 min.
    assertThat(astra.requestCount("GET", "/v2/clientIdSecrets") - lists).isEqualTo(3);
    a.scheduler.advance(Duration.ofMinutes(3)); // the sweep at 16 min finds it older than 15 min
    assertThat(live(orphan)).isFalse();
    assertThat(a.events(ReconcileFinding.class)).singleElement()
        .satisfies(e -> assertThat(e.client()).isEqualTo(orphan));
  }

  @Test
  void reconcileWithFixLeavesAnotherDeploymentsTokensAlone() {
    a = deployment("a.db", x -> {});
    b = deployment("b.db", x -> {});
    String orphanA = loseRecord(a, issue(a, "lost"));
    String foreign = loseRecord(b, issue(b, "lost"));
    dev.astravault.ReconcileReport report = a.tokens.reconcile(ORG, true);
    assertThat(report.unknownTokens()).filteredOn(dev.astravault.ReconcileReport.UnknownToken::ours)
        .extracting(dev.astravault.ReconcileReport.UnknownToken::clientId).containsExactly(orphanA);
    assertThat(report.unknownTokens()).filteredOn(t -> t.clientId().equals(foreign)).singleElement()
        .satisfies(t -> {
          assertThat(t.ours()).isFalse();
          assertThat(t.fixed()).isFalse();
        });
    assertThat(live(orphanA)).isFalse();
    assertThat(live(foreign)).isTrue();
  }

  @Test
  void theDeploymentIdIsKeptInTheStoreAndSurvivesRestartsAndNewInstances() {
    a = deployment("a.db", x -> {});
    String id = a.store.deploymentId().orElseThrow();
    try (JdbcLeaseStore again = JdbcLeaseStore.sqlite(dir.resolve("a.db"), keys)) {
      assertThat(again.deploymentId()).contains(id);
    }
    a.restart();
    assertThat(a.store.deploymentId()).contains(id);
    AstraToken token = issue(a, "after-restart");
    assertThat(astra.token(token.clientId()).orElseThrow().description()).contains("deployment=" + id + " ");
    try (LeaseStore memory = LeaseStore.inMemory()) {
      assertThat(memory.deploymentId()).isPresent().isEqualTo(memory.deploymentId());
    }
  }

  @Test
  void aConfiguredDeploymentIdTagsTokensAndIsChecked() {
    a = deployment("a.db", x -> x.deploymentId("orders-prod"));
    AstraToken token = issue(a, "svc");
    assertThat(astra.token(token.clientId()).orElseThrow().description())
        .isEqualTo("astra-vault deployment=orders-prod lease=" + token.lease().leaseId() + " name=svc");
    String orphan = loseRecord(a, token);
    clock.advance(Duration.ofMinutes(16));
    assertThat(a.engine().recover().orphansSwept()).isEqualTo(1);
    assertThat(live(orphan)).isFalse();

    assertThatThrownBy(() -> TokenManager.builder().deploymentId("Has Spaces"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deploymentId");
    assertThatThrownBy(() -> TokenManager.builder().deploymentId("a").deploymentId("b"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("deploymentId");
  }

  @Test
  void theSweepCanBeSwitchedOffAndItsGraceMustExceedTheCallTimeout() {
    a = deployment("a.db", x -> x.orphanSweep(false));
    String orphan = loseRecord(a, issue(a, "lost"));
    clock.advance(Duration.ofHours(2));
    assertThat(a.engine().recover().orphansSwept()).isZero();
    assertThat(live(orphan)).isTrue();

    assertThatThrownBy(() -> TokenManager.builder().callTimeout(Duration.ofMinutes(2))
        .orphanGracePeriod(Duration.ofMinutes(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("orphanGracePeriod")
        .hasMessageContaining("callTimeout");
  }

  @Test
  void aGracePeriodCountsFromAstrasGeneratedOnSoARestartDoesNotResetIt() {
    a = deployment("a.db", x -> x.orphanGracePeriod(Duration.ofMinutes(30)));
    String orphan = loseRecord(a, issue(a, "lost"));
    clock.advance(Duration.ofMinutes(29));
    a.restart();
    assertThat(a.engine().recover().orphansSwept()).isZero();
    assertThat(live(orphan)).isTrue();
    clock.advance(Duration.ofMinutes(2));
    a.restart(); // a new process, which never saw the token before: Astra's generatedOn says it is old enough
    assertThat(live(orphan)).as("the pass at start-up does not sweep").isTrue();
    assertThat(a.engine().recover().orphansSwept()).isEqualTo(1);
    assertThat(live(orphan)).isFalse();
    assertThat(a.events(ReconcileFinding.class)).singleElement()
        .satisfies(e -> assertThat(e.client()).isEqualTo(orphan));
  }

  @Test
  void aLiveTokenWhoseRecordIsUnreadableIsWarnedAboutOncePerTokenNotOnEverySweep() throws Exception {
    a = deployment("a.db", x -> {});
    AstraToken token = issue(a, "kept");
    String leaseId = token.lease().leaseId();
    long expires = column(leaseId, "expires_at");
    setColumn(leaseId, "expires_at", expires + 1); // rewritten without the key: TAMPERED
    clock.advance(Duration.ofMinutes(16));

    List<String> warnings = recoveryWarningsDuring(() -> {
      a.engine().recover();
      a.engine().recover();
    });
    assertThat(warnings).as("once for the token, not once per sweep").singleElement().asString()
        .contains(token.clientId()).contains(leaseId).contains("TAMPERED");
    assertThat(live(token.clientId())).as("never deleted: its record may be in use").isTrue();

    // Readable again, then broken again: warned about afresh.
    setColumn(leaseId, "expires_at", expires);
    assertThat(recoveryWarningsDuring(() -> a.engine().recover())).isEmpty();
    setColumn(leaseId, "expires_at", expires + 2);
    assertThat(recoveryWarningsDuring(() -> {
      a.engine().recover();
      a.engine().recover();
    })).singleElement().asString().contains(token.clientId());
  }

  private List<String> recoveryWarningsDuring(Runnable work) {
    Logger log = (Logger) LoggerFactory.getLogger(Recovery.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    log.addAppender(logs);
    try {
      work.run();
    } finally {
      log.detachAppender(logs);
    }
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private long column(String leaseId, String column) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("a.db"));
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT " + column + " FROM av_lease WHERE lease_id = '" + leaseId + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }

  private void setColumn(String leaseId, String column, long value) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("a.db"));
        Statement s = c.createStatement()) {
      assertThat(s.executeUpdate("UPDATE av_lease SET " + column + " = " + value + " WHERE lease_id = '"
          + leaseId + "'")).isEqualTo(1);
    }
  }

  private String createDirectly(String description) throws IOException {
    String body = "{\"roles\":[\"" + astra.roleId("API RO Svc Acct") + "\"]"
        + (description == null ? "" : ",\"description\":\"" + description + "\"") + "}";
    Request request = new Request.Builder().url(astra.url("/v2/clientIdSecrets"))
        .header("Authorization", "Bearer " + astra.defaultOrg().rootToken())
        .post(RequestBody.create(body, MediaType.get("application/json"))).build();
    try (Response response = http.newCall(request).execute()) {
      String json = response.body().string();
      int i = json.indexOf("\"clientId\":\"") + 12;
      return json.substring(i, json.indexOf('"', i));
    }
  }
}
