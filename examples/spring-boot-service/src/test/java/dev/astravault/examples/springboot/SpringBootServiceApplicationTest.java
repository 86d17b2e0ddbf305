package dev.astravault.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.test.FakeAstra;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.Proxy;
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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotationMetadata;
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

  /** Counted down by the first Issued event, after astra-vault's own listener (ordered first) has timed it. */
  static final CountDownLatch issuedEventSeen = new CountDownLatch(1);

  @TestConfiguration(proxyBeanMethods = false)
  @Import(CqlProbeRegistrar.class)
  static class Probes {
    @Bean
    ManagedTokenListener issuedProbe() {
      return ManagedTokenListener.of(event -> {
        if (event instanceof ManagedTokenEvent.Issued) {
          issuedEventSeen.countDown();
        }
      });
    }
  }

  /**
   * Registers a {@code CqlSessionBuilderCustomizer} that records FakeAstra's live tokens, under whichever package this
   * Boot has it (Boot 4 moved it), so that the same test runs on Boot 4 and Boot 3.5.
   */
  static final class CqlProbeRegistrar implements ImportBeanDefinitionRegistrar {
    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
      Class<?> type = customizerType();
      BeanFactory beans = (BeanFactory) registry;
      RootBeanDefinition definition = new RootBeanDefinition();
      definition.setTargetType(type);
      definition.setInstanceSupplier(() -> Proxy.newProxyInstance(type.getClassLoader(),
          new Class<?>[] {type, Ordered.class}, (proxy, method, args) -> switch (method.getName()) {
            case "customize" -> {
              liveTokensWhenCqlCustomized.add(beans.getBean(FakeAstra.class).liveTokens().size());
              yield null;
            }
            case "getOrder" -> Ordered.LOWEST_PRECEDENCE;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "CqlProbe";
            default -> throw new UnsupportedOperationException(method.getName());
          }));
      registry.registerBeanDefinition("cqlProbe", definition);
    }

    private static Class<?> customizerType() {
      for (String name : new String[] {"org.springframework.boot.cassandra.autoconfigure.CqlSessionBuilderCustomizer",
          "org.springframework.boot.autoconfigure.cassandra.CqlSessionBuilderCustomizer"}) {
        try {
          return Class.forName(name, false, CqlProbeRegistrar.class.getClassLoader());
        } catch (ClassNotFoundException next) {
          // Not this Boot version.
        }
      }
      throw new IllegalStateException("no CqlSessionBuilderCustomizer on the class path");
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
    // Events reach listeners on the manager's event thread: wait for the startup Issued event, not for time.
    assertThat(issuedEventSeen.await(10, TimeUnit.SECONDS)).isTrue();
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
