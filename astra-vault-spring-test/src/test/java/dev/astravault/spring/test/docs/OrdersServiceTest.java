package dev.astravault.spring.test.docs;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static dev.astravault.test.AstraAssertions.assertThatAudit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.event.TokenIssued;
import dev.astravault.spring.test.AutoConfigureFakeAstra;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.RecordingAuditSink;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

// docs:begin spring-basic
@SpringBootTest(properties = "spring.application.name=orders")
@AutoConfigureFakeAstra(manualTime = true, verifyNoLiveTokensAfterClose = true)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)  // closed after the class: then verified
class OrdersServiceTest {
  @Autowired FakeAstra astra;
  @Autowired ManualScheduler scheduler;
  @Autowired RecordingAuditSink audit;
  @Autowired ManagedToken token;

  @Test
  void theTokenIsIssuedAtStartupAndRotatesADayLater() {
    assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForLogicalName("orders", 1);
    assertThatAudit(audit).hasRecorded(TokenIssued.class, 1);
    String first = token.current();

    scheduler.advance(Duration.ofHours(23));

    assertThat(token.current()).isNotEqualTo(first);
    assertThatAstra(astra).hasLiveTokens(1).hasRevokedTokens(1);
  }
}
// docs:end spring-basic
