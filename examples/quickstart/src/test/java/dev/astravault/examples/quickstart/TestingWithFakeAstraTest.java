package dev.astravault.examples.quickstart;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static dev.astravault.test.AstraAssertions.assertThatAudit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraServerException;
import dev.astravault.AstraToken;
import dev.astravault.AstraUnavailableException;
import dev.astravault.ManagedToken;
import dev.astravault.OrgConfig;
import dev.astravault.TokenManager;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.TokenIssued;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a plain JUnit 5 test uses the test kit (docs/testing.md mirrors the marked parts): the FakeAstra extension, a
 * TokenManager on manual time, scripted faults, and the AssertJ assertions on the fake and the audit trail.
 */
class TestingWithFakeAstraTest {
  // docs:begin plain-junit
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();  // started once, reset before each test

  final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final RecordingAuditSink audit = RecordingAuditSink.create();

  TokenManager tokens() {
    astra.useClock(clock);  // the fake judges expiry by the test's time too
    TokenManager tokens = TokenManager.builder().clock(clock).scheduler(scheduler).auditSink(audit)
        .managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run)  // renewals run in advance()
        .sweepInterval(Duration.ZERO).recoveryInterval(Duration.ZERO)  // no background passes each minute
        .build();
    tokens.writeOrg(OrgConfig.builder().orgId(astra.defaultOrg().orgId())
        .rootToken(astra.defaultOrg().rootToken()).url(astra.url().uri()).logicalName("prod").build());
    tokens.syncRoles("prod");  // the fake's Astra roles by local name: api_ro_user, r_w_user, ...
    return tokens;
  }

  @Test
  void issuesAndRevokes() {
    try (TokenManager tokens = tokens()) {
      AstraToken token = tokens.request().org("prod").role("api_ro_user").logicalName("reports").issue();

      assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForRole("api_ro_user", 1)
          .hasLiveTokensForLogicalName("reports", 1).hasNoOrphans().hasNoOrphansOf(tokens);
      assertThatAudit(audit).hasRecorded(TokenIssued.class, 1)
          .mentionsNone(token.token(), astra.defaultOrg().rootToken());

      tokens.revoke(token.info().lease().leaseId());
      assertThatAstra(astra).hasNoLiveTokens().hasRevokedTokens(1);
    }
  }
  // docs:end plain-junit

  // docs:begin plain-time
  @Test
  void aManagedTokenRotatesWhenTimeAdvances() {
    try (TokenManager tokens = tokens();
        ManagedToken token = tokens.manage(tokens.request().org("prod").role("api_ro_user")
            .logicalName("reports").build())) {
      String first = token.current();
      scheduler.advance(Duration.ofHours(23));  // synced roles: ttl = max ttl = 24 h, so it rotates, no renewal

      assertThat(token.current()).isNotEqualTo(first);
      assertThat(astra.isLive(first)).isFalse();  // revoked after the rotation overlap
      assertThatAstra(astra).hasLiveTokens(1).hasRevokedTokens(1);
    }
    assertThatAstra(astra).hasNoLiveTokens();  // closing the manager revoked the managed token
  }
  // docs:end plain-time

  // docs:begin plain-faults
  @Test
  void faultsAreScriptedPerEndpoint() {
    try (TokenManager tokens = tokens()) {
      astra.fault(Endpoint.CREATE_TOKEN).status(503);  // the next create answers 503
      assertThatThrownBy(() -> tokens.request().org("prod").role("api_ro_user").logicalName("reports").issue())
          .isInstanceOf(AstraServerException.class);
      assertThatAstra(astra).hasNoLiveTokens();
      assertThatAudit(audit).hasRecorded(IssueFailed.class, 1);

      astra.fault(Endpoint.CREATE_TOKEN).succeedThenDropConnection();  // created, but the answer is lost
      assertThatThrownBy(() -> tokens.request().org("prod").role("api_ro_user").logicalName("reports").issue())
          .isInstanceOf(AstraUnavailableException.class);
      assertThatAstra(astra).hasNoLiveTokens().hasNoOrphans();  // found by its description and deleted
    }
  }
  // docs:end plain-faults
}
