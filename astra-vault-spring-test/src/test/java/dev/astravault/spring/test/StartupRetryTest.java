package dev.astravault.spring.test;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static dev.astravault.test.AstraAssertions.assertThatAudit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.TokenIssued;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordingAuditSink;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A fault scripted before the context starts ({@link FakeAstraSetup}): the first two token creations answer 503, and
 * the starter's startup retries (astra.vault.startup-retries, 3 by default) get the token on the third, without
 * sleeping (the annotation sets astra.vault.startup-backoff=0s).
 */
// docs:begin spring-faults
@SpringBootTest
@AutoConfigureFakeAstra(setup = StartupRetryTest.TwoFailedCreates.class)
class StartupRetryTest {

  /** Astra is overloaded while the service starts. */
  static class TwoFailedCreates implements FakeAstraSetup {
    @Override
    public void setUp(FakeAstra astra) {
      astra.fault(Endpoint.CREATE_TOKEN).status(503).times(2);
    }
  }

  @Autowired FakeAstra astra;
  @Autowired ManagedToken token;
  @Autowired RecordingAuditSink audit;

  @Test
  void theServiceStartsAfterTwoFailedCreates() {
    assertThat(astra.isLive(token.current())).isTrue();
    assertThatAstra(astra).hasReceived("POST", "/v2/clientIdSecrets", 3).hasLiveTokens(1).hasNoOrphans();
    assertThatAudit(audit).hasRecorded(IssueFailed.class, 2).hasRecorded(TokenIssued.class, 1)
        .hasRecordedInOrder(IssueFailed.class, IssueFailed.class, TokenIssued.class);
  }
}
// docs:end spring-faults
