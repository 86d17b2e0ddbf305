package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraServerException;
import dev.astravault.AstraToken;
import dev.astravault.AstraUnavailableException;
import dev.astravault.InvalidTokenResponseException;
import dev.astravault.LeaseState;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.RevokeFailed;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the engine behaves when Astra misbehaves: the plugin's status-code bugs, fixed. */
class AstraFaultsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra);
  }

  @AfterEach
  void tearDown() {
    f.close();
    astra.deleteStatus(200);
  }

  AstraToken issue(String name) {
    return f.tokens.request().org(ORG).role(ROLE).logicalName(name).issue();
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 204})
  void anyTwoHundredOnDeleteIsARevoke(int status) {
    astra.deleteStatus(status);
    AstraToken token = issue("orders");
    f.tokens.revoke(token.lease().leaseId());
    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(f.tokens.lease(token.lease().leaseId())).isEmpty();
  }

  @Test
  void aDeleteAnswered404MeansAlreadyGone() {
    AstraToken token = issue("orders");
    // Someone deleted it in the Astra UI.
    f.tokens.revoke(token.lease().leaseId());
    AstraToken again = issue("orders");
    astra.fault(Endpoint.DELETE_TOKEN).status(404);
    f.tokens.revoke(again.lease().leaseId());
    assertThat(f.tokens.lease(again.lease().leaseId())).isEmpty();
    assertThat(f.tokens.tokens()).isEmpty();
  }

  @Test
  void aFailedRevokeKeepsTheRecordVisibleWithItsError() {
    AstraToken token = issue("orders");
    astra.fault(Endpoint.DELETE_TOKEN).status(500).times(10);
    assertThatThrownBy(() -> f.tokens.revoke(token.lease().leaseId()))
        .isInstanceOf(AstraServerException.class);
    var record = ((dev.astravault.internal.RealTokenManager) f.tokens).store().get(token.lease().leaseId())
        .orElseThrow();
    assertThat(record.state()).isEqualTo(LeaseState.REVOKE_FAILED);
    assertThat(record.lastError()).hasValueSatisfying(e -> assertThat(e).contains("500"));
    assertThat(f.events(RevokeFailed.class)).hasSize(1);
    assertThat(astra.isLive(token.token())).isTrue();

    astra.reset();
    astra.useClock(f.clock);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 500, 503})
  void aPostErrorIsTypedNeverRetriedAndLeavesNothingBehind(int status) {
    astra.fault(Endpoint.CREATE_TOKEN).status(status);
    assertThatThrownBy(() -> issue("orders")).satisfies(e -> {
      assertThat(e).isInstanceOf(dev.astravault.AstraApiException.class);
      assertThat(((dev.astravault.AstraApiException) e).status()).isEqualTo(status);
    });
    assertThat(f.posts()).isEqualTo(1);
    assertThat(f.tokens.tokens()).isEmpty();
    assertThat(f.events(IssueFailed.class)).hasSize(1);
    // The triple is free: the write-ahead record was removed.
    assertThat(issue("orders").logicalName()).contains("orders");
  }

  @Test
  void badCredentialsAreAnAuthenticationError() {
    astra.fault(Endpoint.CREATE_TOKEN).status(401);
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(AstraAuthenticationException.class);
  }

  @Test
  void aMalformedCreateBodyIsRejectedAndNothingIsLeased() {
    astra.fault(Endpoint.CREATE_TOKEN).malformedBody();
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(InvalidTokenResponseException.class);
    assertThat(f.tokens.tokens()).isEmpty();
  }

  @Test
  void anAmbiguousPostIsSettledByDescriptionSoNoOrphanIsLeft() {
    astra.fault(Endpoint.CREATE_TOKEN).succeedThenDropConnection();
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(AstraUnavailableException.class);
    assertThat(f.posts()).isEqualTo(1);
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(f.tokens.leases("")).isEmpty();
  }

  @Test
  void tooManyRequestsWithRetryAfterIsHonouredOnGetAndDelete() {
    astra.fault(Endpoint.LIST_ROLES).status(429).retryAfter(Duration.ofSeconds(7));
    f.tokens.syncRoles(ORG);
    assertThat(f.sleeps).containsExactly(Duration.ofSeconds(7));

    AstraToken token = issue("orders");
    astra.fault(Endpoint.DELETE_TOKEN).status(429).retryAfter(Duration.ofSeconds(3));
    f.tokens.revoke(token.lease().leaseId());
    assertThat(f.sleeps).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(3));
    assertThat(astra.isLive(token.token())).isFalse();
  }

  @Test
  void aPostIsNeverRetriedEvenOn429() {
    astra.fault(Endpoint.CREATE_TOKEN).status(429).retryAfter(Duration.ofSeconds(1));
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(dev.astravault.AstraRateLimitedException.class);
    assertThat(f.posts()).isEqualTo(1);
    assertThat(f.sleeps).isEmpty();
  }

  @Test
  void everyCallIsBoundedInTime() {
    f.close();
    f = new EngineFixture(astra, b -> b.callTimeout(Duration.ofMillis(300)));
    astra.fault(Endpoint.CREATE_TOKEN).delay(Duration.ofSeconds(5));
    long start = System.nanoTime();
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(AstraUnavailableException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }
}
