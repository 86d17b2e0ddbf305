package dev.astravault.examples.springboot;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.TokenManager;
import dev.astravault.spring.test.AutoConfigureFakeAstra;
import dev.astravault.test.FakeAstra;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The whole example on a random port against a FakeAstra from {@link AutoConfigureFakeAstra}: the application's own
 * {@code application.yml} (role, logical name, metadata, sync-roles), with the org pointed at the fake. When Spring
 * closes the context ({@code @DirtiesContext}), {@code verifyNoLiveTokensAfterClose} fails the class if the token
 * outlived it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureFakeAstra(org = "demo", verifyNoLiveTokensAfterClose = true)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootServiceApplicationTest {
  /** What FakeAstra held when Boot built a CqlSessionBuilder (after every CqlSessionBuilderCustomizer ran). */
  static final List<Integer> liveTokensWhenCqlBuilt = new CopyOnWriteArrayList<>();

  /** Counted down by the first Issued event, after astra-vault's own listener (ordered first) has timed it. */
  static final CountDownLatch issuedEventSeen = new CountDownLatch(1);

  @TestConfiguration(proxyBeanMethods = false)
  static class Probes {
    @Bean
    ManagedTokenListener issuedProbe() {
      return ManagedTokenListener.of(event -> {
        if (event instanceof ManagedTokenEvent.Issued) {
          issuedEventSeen.countDown();
        }
      });
    }

    /** The driver's builder type is the same on Boot 3.5 and 4, unlike the customizer's package. */
    @Bean
    static BeanPostProcessor cqlProbe(ObjectProvider<FakeAstra> fakeAstra) {
      return new BeanPostProcessor() {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
          if (bean instanceof CqlSessionBuilder) {
            liveTokensWhenCqlBuilt.add(fakeAstra.getObject().liveTokens().size());
          }
          return bean;
        }
      };
    }
  }

  @Autowired ConfigurableApplicationContext context;
  @Autowired FakeAstra fakeAstra;
  @Autowired ManagedToken token;
  @Autowired TokenManager tokens;
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
  void theTokenIsIssuedBeforeBootBuildsTheCqlSession() {
    context.getBean(CqlSessionBuilder.class);
    assertThat(liveTokensWhenCqlBuilt).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(1));
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
    // Events reach listeners on the manager's event thread: wait for the startup Issued event, not for time.
    assertThat(issuedEventSeen.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(registry.get("astra.vault.token.issue").timer().count()).isEqualTo(1);
    assertThat(get("/actuator/metrics/astra.vault.token.time.to.expiry")).contains("\"VALUE\"");
  }

  @Test
  @Order(5)
  void fakeAstraHoldsOnlyTheStartupToken() {
    assertThatAstra(fakeAstra).hasLiveTokens(1).hasLiveTokensForRole("api_ro_user", 1)
        .hasLiveTokensForLogicalName("orders-service", 1).hasNoOrphans().hasNoOrphansOf(tokens);
  }
}
