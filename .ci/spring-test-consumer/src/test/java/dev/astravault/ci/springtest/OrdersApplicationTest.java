package dev.astravault.ci.springtest;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ci.springtest.OrdersApplication.OrdersClient;
import dev.astravault.spring.test.AutoConfigureFakeAstra;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Only the BOM, the starter and astra-vault-spring-test: a token at startup, a rotation when the test advances time,
 * and (verifyNoLiveTokensAfterClose) no live token once the context closed.
 */
@SpringBootTest
@AutoConfigureFakeAstra(manualTime = true, verifyNoLiveTokensAfterClose = true)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OrdersApplicationTest {
  @Autowired FakeAstra astra;
  @Autowired ManualScheduler scheduler;
  @Autowired OrdersClient client;

  @Test
  void theTokenIsIssuedAtStartupAndRotatedWhenTimeAdvances() {
    String first = client.bearer();
    assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForRole("api_ro_user", 1).hasNoOrphans();

    scheduler.advance(Duration.ofHours(23));

    assertThat(client.bearer()).isNotEqualTo(first);
    assertThatAstra(astra).hasLiveTokens(1).hasRevokedTokens(1);
  }
}
