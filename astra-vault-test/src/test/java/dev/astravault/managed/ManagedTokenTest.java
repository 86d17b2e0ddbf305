package dev.astravault.managed;

import static dev.astravault.managed.ManagedFixture.exact;
import static dev.astravault.managed.ManagedFixture.perRequest;
import static dev.astravault.managed.ManagedFixture.unique;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.LeaseExpiredException;
import dev.astravault.LeaseRecord;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedToken.State;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenEvent.Stage;
import dev.astravault.RenewalSettings;
import dev.astravault.Scheduler;
import dev.astravault.TokenSnapshot;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.ManagedTokenFailed;
import dev.astravault.event.RevokeReason;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordedCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The managed token handle, driven by a manual clock and scheduler against FakeAstra. Nothing sleeps. */
class ManagedTokenTest {
  // No injected 429/503: ManagedFixture's client has no retry (RetryPolicy.none(), so that scripted faults fail at
  // once) and these tests count Astra calls and events exactly. Shapes (204s, role keys, extra fields) still vary.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  final List<ManagedFixture> fixtures = new ArrayList<>();

  ManagedFixture fixture(Duration ttl, Duration maxTtl) {
    ManagedFixture f = new ManagedFixture(astra, ttl, maxTtl);
    fixtures.add(f);
    return f;
  }

  @AfterEach
  void closeAll() {
    fixtures.forEach(ManagedFixture::close);
  }

  // ------------------------------------------------------------------ timing

  @Test
  void renewsAtTwoThirdsOfTheTimeLeftThenRotatesAtMaxTtl() {
    ManagedFixture f = fixture(ofHours(1), ofHours(3));
    ManagedToken token = f.manage(unique("orders"), exact());
    String first = token.current();

    f.advanceTo(ofMinutes(40).minusSeconds(1));
    assertThat(token.lease().lastRenewal()).isEmpty();
    f.advanceTo(ofMinutes(40));
    assertThat(token.lease().lastRenewal()).contains(f.at(ofMinutes(40)));
    assertThat(token.lease().expiresAt()).isEqualTo(f.at(ofMinutes(100)));
    // Renewal keeps the token (direct mode renews the lease, not the Astra token).
    assertThat(token.current()).isEqualTo(first);

    f.advanceTo(ofMinutes(80));
    assertThat(token.lease().lastRenewal()).contains(f.at(ofMinutes(80)));
    f.advanceTo(ofMinutes(120));
    // Capped at max TTL: the next step is a rotation, at 2/3 of the time left before (max - overlap).
    assertThat(token.lease().expiresAt()).isEqualTo(f.at(ofHours(3)));
    assertThat(f.events(ManagedTokenEvent.Renewed.class)).hasSize(3);

    Duration rotation = ofMinutes(120).plus(ofMinutes(55).multipliedBy(2).dividedBy(3));   // 2h36m40s
    f.advanceTo(rotation.minusSeconds(1));
    assertThat(token.current()).isEqualTo(first);
    f.advanceTo(rotation);
    assertThat(token.current()).isNotEqualTo(first);
    assertThat(f.events(ManagedTokenEvent.Rotated.class)).hasSize(1);
  }

  @Test
  void jitterSpreadsRenewalPointsWithinTheirBounds() {
    ManagedFixture f = fixture(ofHours(1), ofHours(3));
    RenewalSettings.Builder settings = exact().jitter(0.1);
    List<ManagedToken> handles = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      handles.add(f.manage(perRequest(), settings));
    }
    f.advanceTo(ofMinutes(50));
    List<Instant> renewedAt = handles.stream().map(h -> h.lease().lastRenewal().orElseThrow()).toList();
    // 2/3 ± 0.1 of the hour left: between 34 and 46 minutes.
    Instant earliest = f.at(ofMinutes(34));
    Instant latest = f.at(ofMinutes(46));
    assertThat(renewedAt).allSatisfy(t -> assertThat(t).isBetween(earliest, latest));
    Instant min = renewedAt.stream().min(Instant::compareTo).orElseThrow();
    Instant max = renewedAt.stream().max(Instant::compareTo).orElseThrow();
    assertThat(Duration.between(min, max)).isGreaterThan(ofMinutes(2));
  }

  // ------------------------------------------------------------------ rotation

  @Test
  void rotationIssuesValidatesSwapsOverlapsThenRevokesTheOldToken() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(perRequest(), exact());
    TokenSnapshot old = token.snapshot();
    Duration rotation = ofMinutes(55).multipliedBy(2).dividedBy(3);   // 36m40s: 2/3 of (max - overlap)
    f.advanceTo(rotation.minusMillis(1));
    int before = astra.requests().size();
    assertThat(token.snapshot().generation()).isEqualTo(old.generation());

    f.advanceTo(rotation);
    TokenSnapshot fresh = token.snapshot();
    assertThat(fresh.token()).isNotEqualTo(old.token());
    assertThat(fresh.generation()).isGreaterThan(old.generation());
    assertThat(astra.isLive(fresh.token())).isTrue();
    assertThat(astra.isLive(old.token())).as("old token drains during the overlap").isTrue();

    f.advanceTo(rotation.plus(ofMinutes(5)).minusMillis(1));
    assertThat(astra.isLive(old.token())).isTrue();
    f.advanceTo(rotation.plus(ofMinutes(5)));
    assertThat(astra.isLive(old.token())).isFalse();
    assertThat(astra.wasRevoked(old.info().clientId())).isTrue();

    List<RecordedCall> calls = astra.requests().subList(before, astra.requests().size());
    List<String> steps = calls.stream().map(c -> c.method() + " " + c.path()).toList();
    assertThat(steps).containsSubsequence("POST /v2/clientIdSecrets", "GET /v2/currentOrg",
        "DELETE /v2/clientIdSecrets/" + old.info().clientId());
    RecordedCall validate = calls.stream().filter(c -> c.path().equals("/v2/currentOrg")).findFirst().orElseThrow();
    assertThat(validate.header("Authorization")).contains("Bearer " + fresh.token());
    RecordedCall delete = calls.stream().filter(c -> c.method().equals("DELETE")).findFirst().orElseThrow();
    assertThat(Duration.between(validate.receivedAt(), delete.receivedAt())).isEqualTo(ofMinutes(5));

    assertThat(f.events).extracting(e -> e.getClass().getSimpleName())
        .containsSubsequence("Issued", "Issued", "Rotated", "Revoked");
    ManagedTokenEvent.Rotated rotated = f.events(ManagedTokenEvent.Rotated.class).get(0);
    assertThat(rotated.previous().clientId()).isEqualTo(old.info().clientId());
    assertThat(rotated.current().clientId()).isEqualTo(fresh.info().clientId());
    assertThat(f.audit.events(LeaseRevoked.class)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.ROTATED));
  }

  @Test
  void uniqueStyleRotationUsesTheSuccessorSlotAndPromotesItAfterTheOverlap() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(unique("orders"), exact());
    String oldLease = token.snapshot().leaseId();
    f.advanceTo(ofMinutes(37));
    String newLease = token.snapshot().leaseId();
    assertThat(newLease).isNotEqualTo(oldLease);
    LeaseRecord successor = f.engine().store().get(newLease).orElseThrow();
    assertThat(successor.successor()).as("the overlap is recorded in the successor slot").isTrue();
    assertThat(f.engine().store().findByTriple(astra.defaultOrg().orgId(), ManagedFixture.ROLE, "orders"))
        .hasValueSatisfying(r -> assertThat(r.leaseId()).isEqualTo(oldLease));

    f.advanceTo(ofMinutes(42));
    assertThat(f.engine().store().get(oldLease)).isEmpty();
    assertThat(f.engine().store().get(newLease).orElseThrow().successor()).isFalse();
    assertThat(f.tokens.token(ManagedFixture.ORG, ManagedFixture.ROLE, "orders"))
        .hasValueSatisfying(t -> assertThat(t.token()).isEqualTo(token.current()));

    // A second rotation works the same way from the promoted record.
    f.advanceTo(ofMinutes(37 + 37));
    assertThat(f.events(ManagedTokenEvent.Rotated.class)).hasSize(2);
  }

  @Test
  void rotateNowReplacesTheTokenWithAnOverlap() {
    ManagedFixture f = fixture(ofHours(1), ofHours(3));
    ManagedToken token = f.manage(unique("orders"), exact());
    String old = token.current();
    f.advanceTo(ofMinutes(10));
    token.rotateNow();
    assertThat(token.current()).isNotEqualTo(old);
    assertThat(astra.isLive(old)).isTrue();
    f.advanceTo(ofMinutes(15));
    assertThat(astra.isLive(old)).isFalse();
  }

  // ------------------------------------------------------------------ failures

  @Test
  void backsOffAfterA503AndRecovers() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(perRequest(), exact());
    String old = token.current();
    astra.fault(Endpoint.CREATE_TOKEN).status(503);
    Duration rotation = ofMinutes(55).multipliedBy(2).dividedBy(3);
    f.advanceTo(rotation);
    assertThat(token.current()).as("the old token is kept").isEqualTo(old);
    ManagedTokenEvent.Error error = f.events(ManagedTokenEvent.Error.class).get(0);
    assertThat(error.stage()).isEqualTo(Stage.ISSUE);
    Instant retryAt = error.retryAt().orElseThrow();
    // Equal jitter on a 10 s base: the retry really waits, between 5 and 10 s.
    assertThat(retryAt).isBetween(f.at(rotation.plusSeconds(5)), f.at(rotation.plusSeconds(10)));
    int posts = astra.requestCount("POST", "/v2/clientIdSecrets");
    f.scheduler.advance(Duration.between(f.clock.instant(), retryAt).minusMillis(1));
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(posts);
    f.scheduler.advance(Duration.ofMillis(1));
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(posts + 1);
    assertThat(token.current()).isNotEqualTo(old);
    assertThat(token.state()).isEqualTo(State.ACTIVE);
    assertThat(f.audit.events(IssueFailed.class)).hasSize(1);
    assertThat(f.audit.events(ManagedTokenFailed.class)).singleElement()
        .satisfies(e -> assertThat(e.stage()).isEqualTo("ISSUE"));
  }

  @Test
  void a429WaitsForRetryAfter() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(perRequest(), exact());
    astra.fault(Endpoint.CREATE_TOKEN).status(429).retryAfter(ofSeconds(60));
    Duration rotation = ofMinutes(55).multipliedBy(2).dividedBy(3);
    f.advanceTo(rotation);
    ManagedTokenEvent.Error error = f.events(ManagedTokenEvent.Error.class).get(0);
    assertThat(error.cause()).isInstanceOf(dev.astravault.AstraRateLimitedException.class);
    assertThat(error.retryAt()).contains(f.at(rotation.plusSeconds(60)));
    f.advanceTo(rotation.plusSeconds(59));
    assertThat(f.events(ManagedTokenEvent.Rotated.class)).isEmpty();
    f.advanceTo(rotation.plusSeconds(60));
    assertThat(f.events(ManagedTokenEvent.Rotated.class)).hasSize(1);
    assertThat(astra.isLive(token.current())).isTrue();
  }

  /** A Retry-After of more seconds than fit in a long of milliseconds waits the cap; it never stops the retries. */
  @Test
  void a429WithAnAbsurdRetryAfterWaitsTheCapAndStillRetries() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(perRequest(), exact());
    astra.fault(Endpoint.CREATE_TOKEN).status(429).retryAfter("99999999999999999999");
    Duration rotation = ofMinutes(55).multipliedBy(2).dividedBy(3);
    f.advanceTo(rotation);
    ManagedTokenEvent.Error error = f.events(ManagedTokenEvent.Error.class).get(0);
    assertThat(error.cause()).isInstanceOf(dev.astravault.AstraRateLimitedException.class);
    assertThat(error.retryAt()).contains(f.at(rotation.plus(ofMinutes(2))));
    f.advanceTo(rotation.plus(ofMinutes(2)));
    assertThat(f.events(ManagedTokenEvent.Rotated.class)).hasSize(1);
    assertThat(astra.isLive(token.current())).isTrue();
  }

  @Test
  void aTimedOutValidationRejectsTheNewTokenAndRetries() {
    // 1 s, not less: every call of the test carries this deadline, and on a loaded machine an undelayed first
    // create has taken over 300 ms. The delayed validation outlasts it four times.
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1),
        b -> ManagedFixture.synchronous(b.callTimeout(Duration.ofSeconds(1))));
    fixtures.add(f);
    ManagedToken token = f.manage(perRequest(), exact());
    String old = token.current();
    astra.fault(Endpoint.CURRENT_ORG).delay(ofSeconds(4));
    Duration rotation = ofMinutes(55).multipliedBy(2).dividedBy(3);
    f.advanceTo(rotation);
    assertThat(token.current()).isEqualTo(old);
    ManagedTokenEvent.Error error = f.events(ManagedTokenEvent.Error.class).get(0);
    assertThat(error.stage()).isEqualTo(Stage.VALIDATE);
    // The unvalidated token was never handed out, and was revoked.
    assertThat(astra.revokedTokens()).hasSize(1);
    assertThat(f.audit.events(IssueFailed.class)).singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("validation of the new token failed"));

    f.scheduler.advance(Duration.between(f.clock.instant(), error.retryAt().orElseThrow()));
    assertThat(token.current()).isNotEqualTo(old);
    assertThat(astra.isLive(token.current())).isTrue();
    assertThat(f.audit.events(ManagedTokenFailed.class)).extracting(ManagedTokenFailed::stage)
        .containsExactly("VALIDATE");
  }

  @Test
  void expiryWhileAstraIsDownIsReportedAndTheHandleRecovers() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(perRequest(), exact());
    String old = token.current();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(1_000);

    f.advanceTo(ofMinutes(54));
    assertThat(token.state()).isEqualTo(State.EXPIRING);
    assertThat(f.events(ManagedTokenEvent.Expiring.class)).hasSize(1);
    assertThat(token.current()).as("still valid: never dropped").isEqualTo(old);

    f.advanceTo(ofMinutes(60));
    assertThat(token.state()).isEqualTo(State.EXPIRED);
    assertThatThrownBy(token::current).isInstanceOf(LeaseExpiredException.class);
    assertThat(f.events(ManagedTokenEvent.Expired.class)).hasSize(1);
    assertThat(f.audit.events(ManagedTokenFailed.class)).extracting(ManagedTokenFailed::stage).contains("EXPIRY");
    int attempts = astra.requestCount("POST", "/v2/clientIdSecrets");
    assertThat(attempts).as("retried with back-off while valid").isGreaterThan(4);
    // Every wait was bounded by the validity left: at most half of it (but at least half the 10 s base).
    Instant expiry = f.at(ofMinutes(60));
    assertThat(f.events(ManagedTokenEvent.Error.class)).allSatisfy(e -> {
      Duration wait = Duration.between(e.time(), e.retryAt().orElseThrow());
      Duration bound = Duration.between(e.time(), expiry).dividedBy(2);
      assertThat(wait).isLessThanOrEqualTo(bound.compareTo(ofSeconds(5)) > 0 ? bound : ofSeconds(5));
    });

    astra.reset();   // Astra is back (and forgot everything, including the scripted faults)
    f.advanceTo(ofMinutes(64));
    assertThat(token.state()).isEqualTo(State.ACTIVE);
    assertThat(astra.isLive(token.current())).isTrue();
  }

  @Test
  void supersededTasksDoNothing() {
    // A scheduler whose cancel loses every race: every superseded timer still fires.
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(3), manual -> (task, delay) -> {
      manual.schedule(task, delay);
      return () -> {};
    }, ManagedFixture::synchronous);
    fixtures.add(f);
    ManagedToken token = f.manage(unique("orders"), exact());
    f.advanceTo(ofMinutes(10));
    token.rotateNow();                      // supersedes the renewal timer armed for 40m
    f.events.clear();
    int requests = handleRequests();
    f.advanceTo(ofMinutes(49));             // the stale 40m timer fires in here
    assertThat(f.events).extracting(e -> e.getClass().getSimpleName()).containsExactly("Revoked");
    assertThat(handleRequests()).isEqualTo(requests + 1);   // only the old token's DELETE at 15m

    token.stop();
    f.advanceTo(ofMinutes(200));            // stale timers of a stopped handle: nothing
    assertThat(f.events).hasSize(1);
    assertThat(token.lease().lastRenewal()).isEmpty();
    // Stale timers never re-arm: what is left is the sweeper only.
    assertThat(f.scheduler.pendingCount()).isLessThanOrEqualTo(2);
  }

  /** Requests other than the token lists of recovery's orphan sweep, which runs on the same scheduler. */
  private static int handleRequests() {
    return (int) astra.requests().stream()
        .filter(c -> !(c.method().equals("GET") && c.path().equals("/v2/clientIdSecrets"))).count();
  }

  // ------------------------------------------------------------------ waiting below the hard margin

  @Test
  void belowTheHardMarginACallerWaitsForTheRefreshUnderWay() throws Exception {
    ConcurrentLinkedQueue<Runnable> io = new ConcurrentLinkedQueue<>();
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1),
        b -> b.managedIoExecutor(io::add).managedEventExecutor(Runnable::run));
    fixtures.add(f);
    ManagedToken token = f.manage(perRequest(), exact().maxWait(ofSeconds(30)).closeTimeout(Duration.ZERO));
    String old = token.current();
    f.advanceTo(ofMinutes(40));             // rotation started at 36m40s, its I/O is queued
    assertThat(io).hasSize(1);
    f.advanceTo(ofMinutes(54));             // hard margin: 6 min before expiry
    assertThat(token.state()).isEqualTo(State.EXPIRING);

    AtomicReference<String> seen = new AtomicReference<>();
    Thread caller = new Thread(() -> seen.set(token.current()));
    caller.start();
    while (caller.getState() != Thread.State.TIMED_WAITING && caller.isAlive()) {
      Thread.onSpinWait();
    }
    assertThat(caller.isAlive()).as("the caller waits for the refresh under way").isTrue();
    io.poll().run();                        // the rotation completes
    caller.join(10_000);
    assertThat(seen.get()).isNotNull().isNotEqualTo(old);
    f.tokens.close();
    io.forEach(Runnable::run);              // the revokes queued by close
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void withoutARefreshUnderWayTheStillValidTokenIsServedBelowTheHardMargin() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(perRequest(), exact().maxWait(ofSeconds(30)));
    String old = token.current();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(1_000);
    f.advanceTo(ofMinutes(55));
    assertThat(token.state()).isEqualTo(State.EXPIRING);
    assertThat(token.current()).isEqualTo(old);
  }

  // ------------------------------------------------------------------ stop and close

  @Test
  void stopKeepsTheLeasesAndServesTheTokenWhileValid() {
    ManagedFixture f = fixture(ofHours(1), ofHours(3));
    ManagedToken token = f.manage(unique("orders"), exact());
    String value = token.current();
    token.stop();
    assertThat(token.state()).isEqualTo(State.STOPPED);
    assertThat(token.current()).isEqualTo(value);
    f.advanceTo(ofMinutes(59));
    assertThat(token.lease().lastRenewal()).as("no background renewal").isEmpty();
    assertThat(astra.isLive(value)).isTrue();
    assertThat(f.tokens.lease(token.snapshot().leaseId())).isPresent();
    f.advanceTo(ofMinutes(60));
    assertThatThrownBy(token::current).isInstanceOf(LeaseExpiredException.class);
  }

  @Test
  void closeRevokesTheCurrentAndTheDrainingToken() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(perRequest(), exact());
    String old = token.current();
    f.advanceTo(ofMinutes(37));             // rotated; the old token is in its overlap
    String current = token.current();
    token.close();
    assertThat(astra.isLive(old)).isFalse();
    assertThat(astra.isLive(current)).isFalse();
    assertThat(f.tokens.leases("")).isEmpty();
    assertThat(f.audit.events(LeaseRevoked.class)).extracting(LeaseRevoked::reason)
        .containsExactlyInAnyOrder(RevokeReason.SHUTDOWN, RevokeReason.SHUTDOWN);
    assertThatThrownBy(token::current).isInstanceOf(IllegalStateException.class);
    token.close();                          // idempotent
  }

  @Test
  void closingTheManagerRevokesManagedTokensByDefault() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.manage(perRequest(), exact());
    String value = token.current();
    f.tokens.close();
    assertThat(astra.isLive(value)).isFalse();
    assertThat(token.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void revokeManagedOnCloseOffOnlyStopsThem() {
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1),
        b -> ManagedFixture.synchronous(b.revokeManagedOnClose(false)));
    fixtures.add(f);
    ManagedToken token = f.manage(perRequest(), exact());
    String value = token.current();
    f.tokens.close();
    assertThat(astra.isLive(value)).isTrue();
    assertThat(token.state()).isEqualTo(State.STOPPED);
  }

  // ------------------------------------------------------------------ settings, events, secrets

  @Test
  void settingsThatLeaveNoRoomInTheRoleAreRejected() {
    ManagedFixture f = fixture(ofMinutes(5), ofMinutes(5));
    assertThatThrownBy(() -> f.manage(perRequest(), exact()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rotationOverlap");
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void eventsAreDeliveredOffTheRenewalThread() throws Exception {
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1), b -> {});
    fixtures.add(f);
    CountDownLatch delivered = new CountDownLatch(1);
    AtomicReference<String> thread = new AtomicReference<>();
    f.tokens.manage(perRequest(), exact().listener(dev.astravault.ManagedTokenListener.of(e -> {
      thread.set(Thread.currentThread().getName());
      delivered.countDown();
    })).build());
    assertThat(delivered.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(thread.get()).startsWith("astra-vault-events").isNotEqualTo(Thread.currentThread().getName());
  }

  @Test
  void aThrowingListenerDoesNotStopTheHandle() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    ManagedToken token = f.tokens.manage(perRequest(), exact().listener(dev.astravault.ManagedTokenListener.of(e -> {
      throw new IllegalStateException("boom");
    })).build());
    String old = token.current();
    f.advanceTo(ofMinutes(37));
    assertThat(token.current()).isNotEqualTo(old);
  }

  @Test
  void noSecretInToStringEventsOrAudit() {
    ManagedFixture f = fixture(ofHours(1), ofHours(1));
    astra.fault(Endpoint.CURRENT_ORG).status(500);
    ManagedToken token = f.manage(perRequest(), exact());
    List<String> secrets = new ArrayList<>(List.of(token.current(), token.snapshot().astraToken().secret()));
    f.advanceTo(ofMinutes(38));
    secrets.add(token.current());
    secrets.add(token.snapshot().astraToken().secret());
    List<String> rendered = new ArrayList<>();
    rendered.add(token.toString());
    rendered.add(token.snapshot().toString());
    f.events.forEach(e -> rendered.add(e.toString()));
    f.audit.events().forEach(e -> rendered.add(e.toString()));
    rendered.add(new dev.astravault.cql.RotatingAuthProvider(token).toString());
    assertThat(f.audit.events()).extracting(AuditEvent::type).contains("managed.failed");
    for (String secret : secrets) {
      assertThat(rendered).noneMatch(s -> s.contains(secret));
    }
  }
}
