package dev.astravault.spring.test;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static dev.astravault.test.AstraAssertions.assertThatAudit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.TokenManager;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.TokenIssued;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The annotation and nothing else (the application has no astra-vault property): a token at startup, a rotation when
 * the test advances time, requests and audit events cleared between test methods, no live token once the context
 * closed. The methods run in order; the last one queues its check for after the context closed.
 */
@ExtendWith(AfterContextClose.class)
@SpringBootTest(classes = TestApplication.class)
@AutoConfigureFakeAstra(manualTime = true)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoConfigureFakeAstraTest {
  @Autowired FakeAstra astra;
  @Autowired MutableClock clock;
  @Autowired ManualScheduler scheduler;
  @Autowired ManagedToken token;
  @Autowired TokenManager tokens;
  @Autowired RecordingAuditSink audit;

  @Test
  @Order(1)
  void theStartupTokenIsIssuedAgainstTheFakeWithTheDefaultRole() {
    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(astra.isLive(token.current())).isTrue();
    assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForRole("api_ro_user", 1).hasNoOrphans()
        .hasNoOrphansOf(tokens).hasReceived("POST", "/v2/clientIdSecrets", 1);
    assertThatAudit(audit).hasRecorded(TokenIssued.class, 1).mentionsNone(token.current(),
        astra.defaultOrg().rootToken());
    assertThat(tokens.orgs()).singleElement().satisfies(org -> assertThat(org.logicalName()).isEqualTo("fake"));
  }

  @Test
  @Order(2)
  void requestsAndAuditEventsAreClearedBetweenTestMethodsButTheTokenStays() {
    assertThat(astra.requests()).isEmpty();
    assertThat(audit.events()).isEmpty();
    assertThatAstra(astra).hasLiveTokens(1);
    assertThat(astra.isLive(token.current())).isTrue();
  }

  @Test
  @Order(3)
  void advancingTimeRotatesTheTokenAndRevokesTheOldOne() {
    String first = token.current();
    scheduler.advance(Duration.ofHours(23));
    String second = token.current();
    assertThat(second).isNotEqualTo(first);
    assertThat(astra.isLive(second)).isTrue();
    assertThat(astra.isLive(first)).as("the old token, revoked after the rotation overlap").isFalse();
    assertThatAstra(astra).hasLiveTokens(1).hasRevokedTokens(1).hasNoOrphansOf(tokens);
    assertThatAudit(audit).hasRecorded(TokenIssued.class, 1).hasRecorded(LeaseRevoked.class, 1);
  }

  @Test
  @Order(4)
  void noTokenIsLeftAliveOnceTheContextClosed() {
    FakeAstra fake = astra;
    AfterContextClose.check(() -> assertThatAstra(fake).hasNoLiveTokens().hasRevokedTokens(2));
  }
}
