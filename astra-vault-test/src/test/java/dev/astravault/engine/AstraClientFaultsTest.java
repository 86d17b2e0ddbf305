package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraApiException;
import dev.astravault.AstraRateLimitedException;
import dev.astravault.AstraToken;
import dev.astravault.AstraUnavailableException;
import dev.astravault.LeaseState;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Direct mode only: this library's own Astra HTTP client under faults (back-off and Retry-After, retries, the call
 * timeout). In Vault mode the plugin's client makes these calls, so they describe our client, not issuing behaviour;
 * how issuing and revoking behave under the same faults, in every backend, is {@link AstraFaultsTest}.
 */
class AstraClientFaultsTest {
  // No shed 429/503 of the fake's own: these tests count the client's back-off sleeps exactly.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  AstraToken issue(String name) {
    return f.tokens.request().org(ORG).role(ROLE).logicalName(name).issue();
  }

  /** Direct-only: the recorded sleeps are our client's back-off; the plugin's DELETE does not retry or sleep. */
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

  /**
   * Direct-only: a DELETE that Astra (or a gateway in front of it) answers with a success status over its error shape
   * deleted nothing, so the lease is not revoked: its record stays REVOKE_FAILED with the error, the token is still
   * accounted for, and a later revoke deletes it. (In Vault mode the plugin reads Astra's answer.)
   */
  @Test
  void aDeleteAnsweredWithASuccessStatusOverAnErrorBodyIsNoRevoke() {
    AstraToken token = issue("orders");
    astra.fault(Endpoint.DELETE_TOKEN).status(200);
    assertThatThrownBy(() -> f.tokens.revoke(token.lease().leaseId())).isInstanceOf(AstraApiException.class)
        .hasMessageContaining("HTTP 200");
    assertThat(astra.isLive(token.token())).isTrue();
    assertThat(((RealTokenManager) f.tokens).store().get(token.lease().leaseId())).hasValueSatisfying(r -> {
      assertThat(r.state()).isEqualTo(LeaseState.REVOKE_FAILED);
      assertThat(r.lastError()).hasValueSatisfying(m -> assertThat(m).contains("HTTP 200"));
    });
    f.tokens.revoke(token.lease().leaseId());
    assertThat(astra.isLive(token.token())).isFalse();
  }

  /**
   * Direct-only: that our client never retries a POST (no back-off either) is counted at FakeAstra, where in Vault
   * mode the plugin posts; the Vault-mode 429 outcome is in {@code AstraFaultsTest.aPostErrorIs…}.
   */
  @Test
  void aPostIsNeverRetriedEvenOn429() {
    astra.fault(Endpoint.CREATE_TOKEN).status(429).retryAfter(Duration.ofSeconds(1));
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(AstraRateLimitedException.class);
    assertThat(f.posts()).isEqualTo(1);
    assertThat(f.sleeps).isEmpty();
  }

  /** Direct-only: {@code callTimeout} bounds our client's calls to Astra; in Vault mode the plugin's client waits. */
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
