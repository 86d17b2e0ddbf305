package dev.astravault.managed;

import static dev.astravault.managed.ManagedFixture.exact;
import static dev.astravault.managed.ManagedFixture.perRequest;
import static dev.astravault.managed.ManagedFixture.unique;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraServerException;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedToken.State;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.ManagedTokenStartException;
import dev.astravault.NotFoundException;
import dev.astravault.RenewalSettings;
import dev.astravault.TokenRequest;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.LeaseEngine;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordedCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Start fast, fail fast with bounded retries; close() waits for a rotation under way; stop() lets an overlap end.
 * Time moves only by the manual scheduler: a startup back-off is a scheduler task that the test advances to.
 */
class ManagedStartupAndShutdownTest {
  // No injected 429/503: ManagedFixture's client has no retry (RetryPolicy.none(), so that scripted faults fail at
  // once) and these tests count Astra calls and events exactly. Shapes (204s, role keys, extra fields) still vary.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  final List<ManagedFixture> fixtures = new ArrayList<>();

  ManagedFixture fixture() {
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1));
    fixtures.add(f);
    return f;
  }

  @AfterEach
  void closeAll() {
    fixtures.forEach(ManagedFixture::close);
  }

  /** Calls manage() on another thread and, while it waits, advances the manual scheduler to each task it adds. */
  static ManagedToken manageAdvancing(ManagedFixture f, TokenRequest request, RenewalSettings.Builder settings)
      throws Exception {
    int idle = f.scheduler.pendingCount();    // the manager's own timers (sweeper, recovery)
    CompletableFuture<ManagedToken> result = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        result.complete(f.manage(request, settings));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    caller.start();
    while (!result.isDone()) {
      if (f.scheduler.pendingCount() > idle) {
        Instant due = f.scheduler.nextDueAt().orElseThrow();
        f.scheduler.advance(Duration.between(f.clock.instant(), due).isNegative() ? Duration.ZERO
            : Duration.between(f.clock.instant(), due));
      } else {
        Thread.onSpinWait();
      }
    }
    caller.join();
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  // ------------------------------------------------------------------ startup

  @Test
  void twoUnavailableAnswersThenTheThirdAttemptIssues() throws Exception {
    ManagedFixture f = fixture();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(2);

    ManagedToken token = manageAdvancing(f, perRequest(), exact());

    assertThat(token.state()).isEqualTo(State.ACTIVE);
    assertThat(astra.isLive(token.current())).isTrue();
    List<RecordedCall> posts = astra.requests().stream()
        .filter(c -> c.method().equals("POST") && c.path().equals("/v2/clientIdSecrets")).toList();
    assertThat(posts).hasSize(3);
    // Back-off 10 s doubling, equal jitter: the retries really waited [5, 10] s, then [10, 20] s, by the clock.
    assertThat(Duration.between(posts.get(0).receivedAt(), posts.get(1).receivedAt()))
        .isBetween(ofSeconds(5), ofSeconds(10));
    assertThat(Duration.between(posts.get(1).receivedAt(), posts.get(2).receivedAt()))
        .isBetween(ofSeconds(10), ofSeconds(20));
    assertThat(f.audit.events(IssueFailed.class)).hasSize(2);
    assertThat(f.events(ManagedTokenEvent.Issued.class)).singleElement()
        .satisfies(e -> assertThat(e.leaseId()).isEqualTo(token.snapshot().leaseId()));
    assertThat(astra.liveTokens()).hasSize(1);
  }

  @Test
  void persistentFailureIsATypedErrorAfterEveryAttemptWithNothingLeftBehind() {
    ManagedFixture f = fixture();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(1_000);

    assertThatThrownBy(() -> manageAdvancing(f, perRequest(), exact().startupAttempts(4)))
        .isInstanceOfSatisfying(ManagedTokenStartException.class, e -> {
          assertThat(e.attempts()).isEqualTo(4);
          assertThat(e.getCause()).isInstanceOf(AstraServerException.class);
          assertThat(e.getMessage()).contains("after 4 attempt(s)", "AstraServerException",
              "role " + ManagedFixture.ROLE);
        });
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(4);
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(f.tokens.leases("")).isEmpty();
    assertThat(f.engine().store().list("")).as("no pending record either").isEmpty();
    assertThat(f.audit.events(IssueFailed.class)).hasSize(4);
    assertThat(f.events).isEmpty();
  }

  @Test
  void anErrorThatARetryCannotFixFailsAtTheFirstAttempt() {
    ManagedFixture f = fixture();
    int idle = f.scheduler.pendingCount();   // the manager's own timers (sweeper, recovery)
    astra.fault(Endpoint.CREATE_TOKEN).status(401).times(1_000);
    assertThatThrownBy(() -> f.manage(perRequest(), exact()))
        .isInstanceOf(AstraAuthenticationException.class);
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(1);
    assertThat(f.scheduler.pendingCount()).as("no retry timer").isEqualTo(idle);
    assertThatThrownBy(() -> f.manage(TokenRequest.forRole("no_such_role").org(ManagedFixture.ORG).perRequest()
        .build(), exact())).isInstanceOf(NotFoundException.class);
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void startupAttemptsMustBePositive() {
    assertThatThrownBy(() -> RenewalSettings.builder().startupAttempts(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startupAttempts");
    assertThat(RenewalSettings.defaults().startupAttempts()).isEqualTo(3);
  }

  // ------------------------------------------------------------------ close and stop

  @Test
  void closeWaitsForARotationUnderWayAndRevokesItsNewToken() throws Exception {
    LinkedBlockingDeque<Runnable> io = new LinkedBlockingDeque<>();
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1),
        b -> b.managedIoExecutor(io::add).managedEventExecutor(Runnable::run));
    fixtures.add(f);
    ManagedToken token = f.manage(perRequest(), exact().closeTimeout(ofSeconds(30)));
    String old = token.current();
    f.advanceTo(ofMinutes(40));             // the rotation started at 36m40s; its I/O is queued
    assertThat(io).hasSize(1);
    Runnable rotation = io.poll();

    Thread closer = new Thread(token::close);
    closer.start();
    while (io.isEmpty() || closer.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();                  // close queued the old token's revoke and waits
    }
    io.poll().run();                        // revoke the old (current) token
    assertThat(astra.isLive(old)).isFalse();
    assertThat(closer.isAlive()).as("close() waits for the rotation under way").isTrue();

    rotation.run();                         // issue, validate, find the handle closed: revoke the new token
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(2);
    assertThat(astra.liveTokens()).as("no token left behind").isEmpty();
    assertThat(f.tokens.leases("")).isEmpty();
    assertThat(f.audit.events(LeaseRevoked.class)).hasSize(2);
    assertThat(token.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void aManageThatEndsAfterTheManagerClosedFailsAndRevokesItsToken() throws Exception {
    ManagedFixture f = fixture();
    astra.fault(Endpoint.CREATE_TOKEN).status(503).times(1);
    int idle = f.scheduler.pendingCount();
    CompletableFuture<ManagedToken> result = new CompletableFuture<>();
    Thread caller = new Thread(() -> {
      try {
        result.complete(f.manage(perRequest(), exact()));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    caller.start();
    while (f.scheduler.pendingCount() == idle) {
      Thread.onSpinWait();                  // manage() waits for its startup back-off
    }
    f.tokens.close();                       // the manager closes while manage() is under way
    f.scheduler.advance(ofMinutes(1));      // the retry issues the first token
    caller.join(10_000);

    assertThat(caller.isAlive()).isFalse();
    assertThatThrownBy(result::get).hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(2);
    assertThat(astra.liveTokens()).as("no token left behind by a handle no one can close").isEmpty();
    assertThat(f.tokens.leases("")).isEmpty();
  }

  @Test
  void closeWithoutARefreshUnderWayDoesNotWait() {
    ManagedFixture f = fixture();
    ManagedToken token = f.manage(perRequest(), exact().closeTimeout(ofMinutes(10)));
    String value = token.current();
    token.close();                          // synchronous I/O: returns at once, nothing to wait for
    assertThat(astra.isLive(value)).isFalse();
  }

  /**
   * A listener that closes its own handle, with events delivered on the timer's thread: the timer fire that emits
   * Expiring also starts a refresh, but only after the listeners return. close() used to wait for that refresh, so
   * it waited its whole closeTimeout for work its own thread would do, and the refresh then ran on a closed handle.
   * The old code always gives up waiting and says so in the log: that line is what this test watches.
   */
  @Test
  void aListenerClosingItsOwnHandleOnTheDeliveringThreadDoesNotWaitForItself() {
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(3));
    fixtures.add(f);
    AtomicReference<ManagedToken> handle = new AtomicReference<>();
    List<State> seenAfterClose = new ArrayList<>();
    ManagedToken token = f.manage(perRequest(), exact().closeTimeout(ofSeconds(2)).listener(new ManagedTokenListener() {
      @Override
      public void onExpiring(ManagedTokenEvent.Expiring event) {
        handle.get().close();
        seenAfterClose.add(handle.get().state());
      }
    }));
    handle.set(token);
    String value = token.current();
    List<String> logs = engineLogDuring(() -> fireExpiringAndRefresh(f));

    assertThat(logs).as("close() did not wait for a delivery its own thread was making")
        .noneMatch(m -> m.contains("within"));
    assertThat(seenAfterClose).containsExactly(State.CLOSED);
    assertRevokedAtShutdownAndNothingAfter(f, value);
  }

  /**
   * The manager's close() from a listener callback on a direct event executor: it must not wait for the refresh its
   * own thread starts once the callback returns (it would sit out the close timeout), yet the handle's token is still
   * revoked, with the backend open, and nothing is renewed or issued for it afterwards.
   */
  @Test
  void aListenerClosingTheManagerOnTheDeliveringThreadDoesNotWaitForItselfAndStillRevokes() {
    ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(3));
    fixtures.add(f);
    List<Boolean> manageRefusedInCallback = new ArrayList<>();
    ManagedToken token = f.manage(perRequest(), exact().closeTimeout(ofSeconds(2)).listener(new ManagedTokenListener() {
      @Override
      public void onExpiring(ManagedTokenEvent.Expiring event) {
        f.tokens.close();
        try {
          f.tokens.manage(perRequest(), exact().build());
          manageRefusedInCallback.add(false);
        } catch (IllegalStateException closed) {
          manageRefusedInCallback.add(true);
        }
      }
    }));
    String value = token.current();
    List<String> logs = engineLogDuring(() -> {
      fireExpiringAndRefresh(f);
      f.tokens.close();   // a later close() from outside: returns once the close begun in the callback is done
    });

    assertThat(logs).as("close() did not wait for work its own thread does after the callback")
        .noneMatch(m -> m.contains("within"));
    assertThat(manageRefusedInCallback).as("closed at once, though not waited for").containsExactly(true);
    assertThat(token.state()).isEqualTo(State.CLOSED);
    assertRevokedAtShutdownAndNothingAfter(f, value);
  }

  /** Past both the refresh point (40m) and the hard margin (54m): one timer fire emits Expiring and starts a renew. */
  private static void fireExpiringAndRefresh(ManagedFixture f) {
    f.clock.advance(ofMinutes(55));
    f.scheduler.runDue();
  }

  /** The engine's log lines while {@code work} runs. */
  private static List<String> engineLogDuring(Runnable work) {
    Logger engineLog = (Logger) LoggerFactory.getLogger(LeaseEngine.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    engineLog.addAppender(logs);
    try {
      work.run();
    } finally {
      engineLog.detachAppender(logs);
    }
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The handle's token was revoked at shutdown (so the backend was still open), and nothing was issued or renewed. */
  private void assertRevokedAtShutdownAndNothingAfter(ManagedFixture f, String value) {
    assertThat(astra.isLive(value)).as("revoked, so the backend was still open").isFalse();
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).as("no token made for a closed handle")
        .isEqualTo(1);
    assertThat(f.audit.events(LeaseRevoked.class)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.SHUTDOWN));
    assertThat(f.events(ManagedTokenEvent.Renewed.class)).as("no renewal after close").isEmpty();
  }

  @Test
  void stopLetsTheOverlapEndSoTheOldTokenIsRevokedAndTheSuccessorPromoted() {
    ManagedFixture f = fixture();
    ManagedToken token = f.manage(unique("orders"), exact());
    String oldLease = token.snapshot().leaseId();
    String old = token.current();
    f.advanceTo(ofMinutes(37));             // rotated at 36m40s; the old token drains until 41m40s
    String fresh = token.current();
    String newLease = token.snapshot().leaseId();
    assertThat(f.engine().store().get(newLease).orElseThrow().successor()).isTrue();

    token.stop();
    assertThat(token.state()).isEqualTo(State.STOPPED);
    f.advanceTo(ofMinutes(41).plusSeconds(40).minusMillis(1));
    assertThat(astra.isLive(old)).isTrue();
    f.advanceTo(ofMinutes(41).plusSeconds(40));
    assertThat(astra.isLive(old)).as("the overlap ended as planned").isFalse();
    assertThat(f.engine().store().get(oldLease)).isEmpty();
    assertThat(f.engine().store().get(newLease).orElseThrow().successor()).as("promoted").isFalse();
    assertThat(f.audit.events(LeaseRevoked.class)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.ROTATED));
    assertThat(f.events(ManagedTokenEvent.Revoked.class)).hasSize(1);

    // Stopped means no renewal or rotation: the new token is kept and served while valid, nothing else is issued.
    int posts = astra.requestCount("POST", "/v2/clientIdSecrets");
    f.advanceTo(ofMinutes(90));
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(posts);
    assertThat(token.current()).isEqualTo(fresh);
    assertThat(astra.isLive(fresh)).isTrue();
  }
}
