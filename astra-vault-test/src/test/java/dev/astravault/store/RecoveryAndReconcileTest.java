package dev.astravault.store;

import static dev.astravault.store.StoreFixture.ORG;
import static dev.astravault.store.StoreFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ReconcileReport;
import dev.astravault.StoreException;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.ReconcileFinding;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.astra.RetryPolicy;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Recovery (at build and on the schedule) and reconcile, end to end on a SQLite store against FakeAstra. */
class RecoveryAndReconcileTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());

  @TempDir Path dir;
  final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  StoreFixture f;

  StoreFixture fixture(Consumer<TokenManagerBuilder> customizer) {
    return fixture(UnaryOperator.identity(), customizer);
  }

  StoreFixture fixture(UnaryOperator<LeaseStore> wrap, Consumer<TokenManagerBuilder> customizer) {
    f = new StoreFixture(astra, clock, () -> wrap.apply(JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS)), b -> {
      b.sweepInterval(Duration.ZERO).recoveryInterval(Duration.ofMinutes(1))
          .pendingSettleAfter(Duration.ofMinutes(5)).revokingStaleAfter(Duration.ofMinutes(5))
          .revokeRetryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(40));
      customizer.accept(b);
    });
    return f;
  }

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  AstraToken issue(String name) {
    return f.tokens.request().org(ORG).role(ROLE).logicalName(name).issue();
  }

  @Test
  void aStalePendingRecordIsSettledByDeletingItsTokenAndRecord() {
    // A 500 and a dropped POST are never retried, so the faults below fail at once; a 429/503 that FakeAstra sheds
    // is retried, as by default (with no wait).
    fixture(b -> b.astraClient(c -> c.retryPolicy(RetryPolicy.of(4, Duration.ZERO, Duration.ZERO))));
    // The POST creates a token but its answer is lost, and the settling list fails: a crash's leftover.
    astra.fault(Endpoint.CREATE_TOKEN).succeedThenDropConnection();
    astra.fault(Endpoint.LIST_TOKENS).status(500);
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(RuntimeException.class);
    assertThat(astra.liveTokens()).hasSize(1);
    LeaseRecord pending = f.store.list("").get(0);
    assertThat(pending.state()).isEqualTo(LeaseState.PENDING);
    assertThat(astra.pendingFaults(Endpoint.LIST_TOKENS)).isZero();

    f.scheduler.advance(Duration.ofMinutes(4));
    assertThat(f.store.list("")).hasSize(1); // not stale yet
    f.scheduler.advance(Duration.ofMinutes(2));

    assertThat(astra.liveTokens()).isEmpty();
    assertThat(f.store.list("")).isEmpty();
    assertThat(f.events(LeaseRevoked.class)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.REAPED))
        .satisfies(e -> assertThat(e.token().leaseId()).isEqualTo(pending.leaseId()));
    // The triple is free again.
    assertThat(issue("orders").secret()).isNotBlank();
  }

  /**
   * An issue asks the store for its org again once its write-ahead record is stored (a concurrent deleteOrg); when
   * that read fails, the issue fails with the store's error before any POST and leaves its PENDING record to
   * recovery, which finds no token carrying its tag, drops the record and so frees the triple.
   */
  @Test
  void anIssueWhoseOrgRecheckFailsLeavesItsPendingRecordToRecoveryWhichSettlesIt() {
    AtomicBoolean failing = new AtomicBoolean();
    HookedLeaseStore hooks = new HookedLeaseStore().before("storedOrgId", args -> failing.get(), () -> {
      throw new StoreException("the database went away");
    });
    fixture(hooks::wrap, b -> {});
    int posts = astra.requestCount("POST", "/v2/clientIdSecrets");
    failing.set(true);
    assertThatThrownBy(() -> issue("orders")).isExactlyInstanceOf(StoreException.class)
        .hasMessage("the database went away");
    failing.set(false);
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(posts);
    assertThat(astra.liveTokens()).isEmpty();
    LeaseRecord pending = f.store.list("").get(0);
    assertThat(pending.state()).isEqualTo(LeaseState.PENDING);
    assertThat(f.events(IssueFailed.class)).singleElement()
        .satisfies(e -> assertThat(e.error()).isEqualTo(StoreException.class.getName()));
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(TokenAlreadyExistsException.class);

    f.scheduler.advance(Duration.ofMinutes(4));
    assertThat(f.store.list("")).containsExactly(pending);   // not stale yet
    int lists = astra.requestCount("GET", "/v2/clientIdSecrets");
    f.scheduler.advance(Duration.ofMinutes(2));

    assertThat(f.store.list("")).isEmpty();
    assertThat(astra.requestCount("GET", "/v2/clientIdSecrets")).isGreaterThan(lists);
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(f.events(LeaseRevoked.class)).isEmpty();   // no token was minted, so none was reaped
    assertThat(issue("orders").secret()).isNotBlank();
  }

  @Test
  void anAbandonedRevokeClaimIsReclaimedAndEndedOnce() {
    fixture(b -> {});
    AstraToken token = issue("orders");
    LeaseRecord active = f.store.get(token.lease().leaseId()).orElseThrow();
    // A manager claimed the revoke, then died before deleting.
    LeaseRecord claimed = active.next().state(LeaseState.REVOKING).stateChangedAt(clock.instant()).build();
    assertThat(f.store.compareAndSet(active, claimed)).isTrue();

    f.scheduler.advance(Duration.ofMinutes(4));
    assertThat(astra.isLive(token.token())).isTrue();
    f.scheduler.advance(Duration.ofMinutes(2));

    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(f.store.get(token.lease().leaseId())).isEmpty();
    assertThat(f.events(LeaseRevoked.class)).hasSize(1);
  }

  @Test
  void failedRevokesAreRetriedWithCappedExponentialBackOffAndStayVisible() {
    fixture(b -> {});
    AstraToken token = issue("orders");
    astra.fault(Endpoint.DELETE_TOKEN).status(500).times(4);
    assertThatThrownBy(() -> f.tokens.revoke(token.lease().leaseId())).isInstanceOf(RuntimeException.class);
    int deletes = astra.requestCount("DELETE", "/v2/clientIdSecrets");
    LeaseRecord failed = f.store.get(token.lease().leaseId()).orElseThrow();
    assertThat(failed.state()).isEqualTo(LeaseState.REVOKE_FAILED);
    assertThat(failed.lastError()).isPresent();
    assertThat(failed.revokeAttempts()).isEqualTo(1);

    // Recovery runs every minute; back-off after attempt n is 10 s * 2^(n-1), capped at 40 s... but a pass is needed.
    f.scheduler.advance(Duration.ofMinutes(1));
    LeaseRecord second = f.store.get(token.lease().leaseId()).orElseThrow();
    assertThat(second.revokeAttempts()).isEqualTo(2);
    assertThat(astra.requestCount("DELETE", "/v2/clientIdSecrets")).isGreaterThan(deletes);

    // Attempt 2 failed at t+1m: due at t+1m+20s, so the t+2m pass retries, fails; attempt 3 due after 40 s (cap).
    f.scheduler.advance(Duration.ofMinutes(1));
    assertThat(f.store.get(token.lease().leaseId()).orElseThrow().revokeAttempts()).isEqualTo(3);
    assertThat(f.store.get(token.lease().leaseId()).orElseThrow().state()).isEqualTo(LeaseState.REVOKE_FAILED);
    f.scheduler.advance(Duration.ofMinutes(1));
    assertThat(f.store.get(token.lease().leaseId()).orElseThrow().revokeAttempts()).isEqualTo(4);
    f.scheduler.advance(Duration.ofMinutes(1));

    assertThat(f.store.get(token.lease().leaseId())).isEmpty();
    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(f.events(LeaseRevoked.class)).hasSize(1);
  }

  @Test
  void backOffDelaysARetryUntilItIsDue() {
    fixture(b -> b.recoveryInterval(Duration.ofSeconds(5)));
    AstraToken token = issue("orders");
    astra.fault(Endpoint.DELETE_TOKEN).status(500).times(2);
    assertThatThrownBy(() -> f.tokens.revoke(token.lease().leaseId())).isInstanceOf(RuntimeException.class);
    f.scheduler.advance(Duration.ofSeconds(5));
    assertThat(f.store.get(token.lease().leaseId()).orElseThrow().revokeAttempts()).isEqualTo(1);
    f.scheduler.advance(Duration.ofSeconds(5)); // 10 s after the failure: retried, fails again
    assertThat(f.store.get(token.lease().leaseId()).orElseThrow().revokeAttempts()).isEqualTo(2);
    f.scheduler.advance(Duration.ofSeconds(15)); // 15 s < 20 s back-off
    assertThat(f.store.get(token.lease().leaseId()).orElseThrow().revokeAttempts()).isEqualTo(2);
    f.scheduler.advance(Duration.ofSeconds(5));
    assertThat(f.store.get(token.lease().leaseId())).isEmpty();
  }

  @Test
  void recoveryRevokesExpiredLeasesEvenWithTheSweeperOff() {
    fixture(b -> {});
    AstraToken token = issue("orders");
    f.scheduler.advance(Duration.ofMinutes(61));
    assertThat(f.store.get(token.lease().leaseId())).isEmpty();
    assertThat(astra.wasRevoked(token.clientId())).isTrue();
  }

  @Test
  void aRestartFindsOrgsRolesAndLeasesWithTheirSecretsAndRecoversAtBuild() {
    fixture(b -> {});
    AstraToken token = issue("orders");
    AstraToken expiring = issue("short");
    f.restart();
    assertThat(f.tokens.org(ORG)).isPresent();
    assertThat(f.tokens.token(ORG, ROLE, "orders")).hasValueSatisfying(t -> {
      assertThat(t.secret()).isEqualTo(token.secret());
      assertThat(t.token()).isEqualTo(token.token());
    });
    // A manager that was down past expiry revokes at build.
    f.close();
    clock.advance(Duration.ofHours(2));
    f.start(false);
    assertThat(astra.wasRevoked(expiring.clientId())).isTrue();
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void aMetadataOnlyStoreForgetsSecretsOnRestartSoTheTokenMustBeReissued() {
    f = new StoreFixture(astra, clock, () -> JdbcLeaseStore.builder().sqliteFile(dir.resolve("meta.db"))
        .metadataOnly().build(), b -> {});
    AstraToken token = issue("orders");
    assertThat(f.tokens.token(token.clientId())).isPresent();
    assertThat(f.store.get(token.lease().leaseId()).orElseThrow().secret()).isPresent(); // this process
    f.close();
    f.start(true); // metadata-only: orgs are not persisted, the process configures them again
    assertThat(f.store.get(token.lease().leaseId()).orElseThrow().secret()).isEmpty();
    assertThat(f.tokens.token(token.clientId())).isEmpty();
    assertThat(f.tokens.token(ORG, ROLE, "orders")).isEmpty();
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(TokenAlreadyExistsException.class);
    f.tokens.revoke(token.lease().leaseId());
    AstraToken again = issue("orders");
    assertThat(f.tokens.token(ORG, ROLE, "orders")).hasValueSatisfying(t ->
        assertThat(t.secret()).isEqualTo(again.secret()));
    assertThat(astra.liveTokens()).hasSize(1);
  }

  @Test
  void reconcileReportsDriftAndFixesOnlyWhatIsOurs() throws IOException {
    fixture(b -> b.recoveryInterval(Duration.ZERO));
    AstraToken kept = issue("kept");
    AstraToken vanished = issue("vanished");
    AstraToken expired = issue("expired");
    f.tokens.renew(expired.lease().leaseId(), Duration.ofMinutes(1));
    String foreign = createDirectly(null);
    String orphan = createDirectly("astra-vault lease=astra/" + f.org.orgId() + "/reader/ORPHANxxxxxxxxxxxxxxxxx");
    deleteDirectly(vanished.clientId());
    clock.advance(Duration.ofMinutes(2)); // no scheduler: nothing runs

    ReconcileReport report = f.tokens.reconcile(ORG);
    assertThat(report.unknownTokens()).extracting(ReconcileReport.UnknownToken::clientId)
        .containsExactlyInAnyOrder(foreign, orphan);
    assertThat(report.unknownTokens()).filteredOn(ReconcileReport.UnknownToken::ours)
        .extracting(ReconcileReport.UnknownToken::clientId).containsExactly(orphan);
    assertThat(report.missingTokens()).extracting(ReconcileReport.RecordFinding::clientId)
        .containsExactly(vanished.clientId());
    assertThat(report.expiredLeases()).extracting(ReconcileReport.RecordFinding::clientId)
        .containsExactly(expired.clientId());
    assertThat(f.events(ReconcileFinding.class)).hasSize(4).noneMatch(ReconcileFinding::fixed);
    assertThat(astra.liveTokens()).hasSize(4); // a report changes nothing

    ReconcileReport fixed = f.tokens.reconcile(ORG, true);
    assertThat(fixed.unknownTokens()).filteredOn(ReconcileReport.UnknownToken::ours)
        .allMatch(ReconcileReport.UnknownToken::fixed);
    assertThat(fixed.unknownTokens()).filteredOn(t -> !t.ours()).noneMatch(ReconcileReport.UnknownToken::fixed);
    assertThat(astra.liveTokens()).extracting(t -> t.clientId())
        .containsExactlyInAnyOrder(kept.clientId(), foreign);
    assertThat(f.store.list("")).extracting(r -> r.clientId().orElseThrow()).containsExactly(kept.clientId());
    assertThat(f.events(ReconcileFinding.class)).filteredOn(ReconcileFinding::fixed).hasSize(3);

    ReconcileReport after = f.tokens.reconcile(ORG);
    assertThat(after.unknownTokens()).extracting(ReconcileReport.UnknownToken::clientId).containsExactly(foreign);
    assertThat(after.missingTokens()).isEmpty();
    assertThat(after.expiredLeases()).isEmpty();
  }

  /**
   * Reconcile reads the org's records by its lease-id prefix ({@code astra/<orgId>/}, which every lease id the engine
   * makes carries, in direct and Vault mode), not the whole store: another org's records are never read, and it
   * still finds every drift of its own org.
   */
  @Test
  void reconcileReadsOnlyItsOrgsRecords() throws IOException {
    List<String> prefixes = new CopyOnWriteArrayList<>();
    List<LeaseRecord> read = new CopyOnWriteArrayList<>();
    f = new StoreFixture(astra, clock, () -> listing(JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS),
        prefixes, read), b -> b.sweepInterval(Duration.ZERO).recoveryInterval(Duration.ZERO));
    AstraToken kept = issue("kept");
    AstraToken vanished = issue("vanished");
    f.store.insert(EncryptionAtRestTest.active("astra/org-1/reader/a"));   // another org's lease
    String orphan = createDirectly("astra-vault lease=astra/" + f.org.orgId() + "/reader/ORPHANxxxxxxxxxxxxxxxxx");
    deleteDirectly(vanished.clientId());
    prefixes.clear();
    read.clear();

    ReconcileReport report = f.tokens.reconcile(ORG);
    assertThat(report.missingTokens()).extracting(ReconcileReport.RecordFinding::clientId)
        .containsExactly(vanished.clientId());
    assertThat(report.unknownTokens()).extracting(ReconcileReport.UnknownToken::clientId).containsExactly(orphan);
    assertThat(prefixes).as("one prefix read before and one after listing Astra")
        .containsExactly("astra/" + f.org.orgId() + "/", "astra/" + f.org.orgId() + "/");
    assertThat(read).isNotEmpty().extracting(r -> r.clientId().orElseThrow())
        .containsOnly(kept.clientId(), vanished.clientId());
  }

  /** {@code real}, recording the prefix of every {@code list} call and the records it returned. */
  private static LeaseStore listing(LeaseStore real, List<String> prefixes, List<LeaseRecord> read) {
    return (LeaseStore) Proxy.newProxyInstance(LeaseStore.class.getClassLoader(), new Class<?>[] {LeaseStore.class},
        (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("list")) {
            prefixes.add((String) args[0]);
            @SuppressWarnings("unchecked")
            List<LeaseRecord> records = (List<LeaseRecord>) result;
            read.addAll(records);
          }
          return result;
        });
  }

  private final OkHttpClient http = new OkHttpClient();

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

  private void deleteDirectly(String clientId) throws IOException {
    Request request = new Request.Builder().url(astra.url("/v2/clientIdSecrets/" + clientId))
        .header("Authorization", "Bearer " + astra.defaultOrg().rootToken()).delete().build();
    // As any client would: retry the 429/503 FakeAstra now and then sheds a DELETE with, accept 200 or 204.
    for (int attempt = 1; ; attempt++) {
      try (Response response = http.newCall(request).execute()) {
        if ((response.code() == 429 || response.code() == 503) && attempt < 3) {
          continue;
        }
        assertThat(response.code()).isIn(200, 204);
        return;
      }
    }
  }
}
