package dev.astravault.test;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static dev.astravault.test.AstraAssertions.assertThatAudit;
import static dev.astravault.test.TestHttp.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.OrgConfig;
import dev.astravault.TokenManager;
import dev.astravault.event.OrgConfigWritten;
import dev.astravault.event.TokenIssued;
import dev.astravault.event.LeaseRevoked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each assertion of {@link AstraAssertions} passes on a matching fake and fails, without a secret, on another. */
class AstraAssertionsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private static TokenManager manager(RecordingAuditSink audit) {
    TokenManager tokens = TokenManager.builder().auditSink(audit).build();
    tokens.writeOrg(OrgConfig.builder().orgId(astra.defaultOrg().orgId()).rootToken(astra.defaultOrg().rootToken())
        .url(astra.url().uri()).logicalName("prod").build());
    tokens.syncRoles("prod");
    return tokens;
  }

  @Test
  void liveTokensPerRoleAndLogicalNameAndTheAuditTrail() {
    RecordingAuditSink audit = RecordingAuditSink.create();
    try (TokenManager tokens = manager(audit)) {
      AstraToken token = tokens.request().org("prod").role("api_ro_user").logicalName("orders").issue();

      assertThatAstra(astra).hasLiveTokens(1).hasNoOrphans().hasNoOrphansOf(tokens)
          .hasLiveTokensForRole("api_ro_user", 1).hasLiveTokensForRole("API RO User", 1)
          .hasLiveTokensForRole(astra.roleId("API RO User"), 1).hasLiveTokensForRole("r_w_user", 0)
          .hasLiveTokensForLogicalName("orders", 1).hasLiveTokensForLogicalName("other", 0)
          .hasReceived("POST", "/v2/clientIdSecrets", 1);
      assertThatAudit(audit).hasRecorded(TokenIssued.class, 1).hasRecordedInOrder(OrgConfigWritten.class,
          TokenIssued.class).mentionsNone(token.token(), astra.defaultOrg().rootToken());

      assertThatThrownBy(() -> assertThatAstra(astra).hasLiveTokens(2)).isInstanceOf(AssertionError.class)
          .hasMessageContaining("expected 2 live token(s)").hasMessageContaining(token.clientId())
          .hasMessageNotContaining(token.token());
      assertThatThrownBy(() -> assertThatAstra(astra).hasLiveTokensForRole("api_ro_user", 0))
          .isInstanceOf(AssertionError.class).hasMessageContaining("role 'api_ro_user'");
      assertThatThrownBy(() -> assertThatAstra(astra).hasNoLiveTokens()).isInstanceOf(AssertionError.class);
      assertThatThrownBy(() -> assertThatAudit(audit).hasRecorded(LeaseRevoked.class))
          .isInstanceOf(AssertionError.class).hasMessageContaining("LeaseRevoked");
      assertThatThrownBy(() -> assertThatAudit(audit).hasRecordedInOrder(TokenIssued.class, OrgConfigWritten.class))
          .isInstanceOf(AssertionError.class);
      // An event that quoted a secret fails without quoting it; the issued token's client id is in TokenIssued.
      assertThatThrownBy(() -> assertThatAudit(audit).mentionsNone(token.clientId()))
          .isInstanceOf(AssertionError.class).hasMessageContaining("secret #1").hasMessageNotContaining(
              token.clientId());

      tokens.revoke(token.info().lease().leaseId());
      assertThatAstra(astra).hasNoLiveTokens().hasRevokedTokens(1);
      assertThatAudit(audit).events(LeaseRevoked.class).hasSize(1);
    }
  }

  @Test
  void twoLiveTokensOfOneLeaseAreOrphansAndATokenTheManagerDoesNotKnowIsOne() throws Exception {
    String body = "{\"roles\":[\"" + astra.roleId("API RO User") + "\"],"
        + "\"description\":\"astra-vault lease=L1 name=orders\"}";
    for (int i = 0; i < 2; i++) {
      assertThat(call("POST", astra.url("/v2/clientIdSecrets"), astra.defaultOrg().rootToken(), body).status())
          .isEqualTo(200);
    }
    assertThatAstra(astra).hasLiveTokensForLogicalName("orders", 2);
    assertThatThrownBy(() -> assertThatAstra(astra).hasNoOrphans()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("L1=");
    try (TokenManager tokens = manager(RecordingAuditSink.create())) {
      assertThatThrownBy(() -> assertThatAstra(astra).hasNoOrphansOf(tokens)).isInstanceOf(AssertionError.class)
          .hasMessageContaining("known to the TokenManager");
    }
  }
}
