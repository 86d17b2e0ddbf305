package dev.astravault.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.cassandra.autoconfigure.CqlSessionBuilderCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The whole example on a random port against its embedded FakeAstra. {@link NoLiveTokensAfterClose} runs after
 * Spring has closed the context ({@code @DirtiesContext}), and checks that FakeAstra holds no live token then.
 */
@ExtendWith(SpringBootServiceApplicationTest.NoLiveTokensAfterClose.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("fake")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootServiceApplicationTest {
  /** What FakeAstra held when Boot ran the CQL customizers (the probe runs after astra-vault's). */
  static final List<Integer> liveTokensWhenCqlCustomized = new CopyOnWriteArrayList<>();

  @TestConfiguration(proxyBeanMethods = false)
  static class CqlProbe {
    @Bean
    CqlSessionBuilderCustomizer probe(FakeAstra fakeAstra) {
      return new CqlSessionBuilderCustomizer() {
        @Override
        public void customize(CqlSessionBuilder builder) {
          liveTokensWhenCqlCustomized.add(fakeAstra.liveTokens().size());
        }
      };
    }
  }

  @Autowired ConfigurableApplicationContext context;
  @Autowired FakeAstra fakeAstra;
  @Autowired ManagedToken token;
  @Autowired Environment environment;

  private String get(String path) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  @Test
  @Order(1)
  void theTokenIsIssuedBeforeTheCqlCustomizerRuns() {
    context.getBean(CqlSessionBuilder.class);
    assertThat(liveTokensWhenCqlCustomized).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(1));
    assertThat(fakeAstra.isLive(token.current())).isTrue();
  }

  @Test
  @Order(2)
  void healthIsUpWithTheLeaseDetails() throws Exception {
    String health = get("/actuator/health");
    assertThat(health).contains("\"astraTokens\"", "\"state\":\"ACTIVE\"", "\"leaseId\":\"" + token.snapshot()
        .leaseId() + "\"", "\"timeToExpiry\"", "\"lastRenewal\"").contains("\"status\":\"UP\"");
    assertThat(health).doesNotContain(token.current()).doesNotContain(fakeAstra.defaultOrg().rootToken());
  }

  @Test
  @Order(3)
  void theEndpointListsTheLeaseAndNoSecret() throws Exception {
    String leases = get("/actuator/astratokens");
    assertThat(leases).contains(token.snapshot().leaseId(), token.snapshot().info().clientId(), "orders-service",
        "\"managed\":true");
    assertThat(leases).doesNotContain(token.current()).doesNotContain(token.snapshot().astraToken().secret());
    String own = get("/token");
    assertThat(own).contains(token.snapshot().leaseId()).doesNotContain(token.current());
  }

  @Test
  @Order(4)
  void theMetricsExist() throws Exception {
    MeterRegistry registry = context.getBean(MeterRegistry.class);
    assertThat(registry.find("astra.vault.token.time.to.expiry").timeGauge()).isNotNull();
    assertThat(registry.find("astra.vault.token.renewals").functionCounter()).isNotNull();
    assertThat(registry.find("astra.vault.token.rotations").functionCounter()).isNotNull();
    assertThat(registry.find("astra.vault.token.failures").functionCounter()).isNotNull();
    assertThat(registry.get("astra.vault.token.issue").timer().count()).isEqualTo(1);
    assertThat(get("/actuator/metrics/astra.vault.token.time.to.expiry")).contains("\"VALUE\"");
  }

  @Test
  @Order(5)
  void fakeAstraHoldsOnlyTheStartupTokenUntilClose() {
    assertThat(fakeAstra.liveTokens()).hasSize(1);
    closedFake = fakeAstra;
  }

  static volatile FakeAstra closedFake;

  /** Registered before Spring's extension, so its afterAll runs after Spring closed the context. */
  static final class NoLiveTokensAfterClose implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) {
      assertThat(closedFake).as("the ordered tests ran").isNotNull();
      assertThat(closedFake.liveTokens()).as("live tokens after the context closed").isEmpty();
      assertThat(closedFake.revokedTokens()).hasSize(1);
    }
  }
}
