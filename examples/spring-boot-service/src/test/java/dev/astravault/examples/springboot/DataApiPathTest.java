package dev.astravault.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.event.RevokeReason;
import dev.astravault.spring.autoconfigure.AstraTokenEvent;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeDataApi;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example's Data API path in its {@code fake} profile: the starter's {@code Database} bean against the embedded
 * Data API stand-in, which accepts only tokens live in the embedded FakeAstra. A rotation whose old token is revoked
 * at once does not disturb the collection the controller obtained before it.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
    properties = "astra.vault.renewal.rotation-overlap=0s")
@ActiveProfiles("fake")
class DataApiPathTest {
  static final FakeDataApi dataApi = EmbeddedFakeDataApi.start();
  static final CountDownLatch rotatedTokenRevoked = new CountDownLatch(1);

  @DynamicPropertySource
  static void dataApiEndpoint(DynamicPropertyRegistry registry) {
    registry.add("astra.vault.data-api.endpoint", dataApi::endpoint);
  }

  @AfterAll
  static void stop() {
    dataApi.close();
  }

  @TestConfiguration(proxyBeanMethods = false)
  static class Revocations {
    @Bean
    ApplicationListener<AstraTokenEvent> firstRevocation() {
      return e -> {
        if (e.event() instanceof ManagedTokenEvent.Revoked r && r.reason() == RevokeReason.ROTATED) {
          rotatedTokenRevoked.countDown();
        }
      };
    }
  }

  @Autowired OrdersController orders;
  @Autowired ManagedToken token;
  @Autowired FakeAstra fakeAstra;

  @Test
  void ordersGoThroughTheDataApiBeforeAndAfterARotation() throws Exception {
    assertThat(orders.add().getBody()).containsEntry("count", 1);
    String first = token.current();

    token.rotateNow();
    // Waits for the engine's own revoke of the first token (overlap 0s), not for time to pass.
    assertThat(rotatedTokenRevoked.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(fakeAstra.isLive(first)).isFalse();

    assertThat(orders.add().getBody()).containsEntry("count", 2);
    assertThat(orders.count().getBody()).containsEntry("count", 2);
    assertThat(dataApi.rejected()).isZero();
  }
}
