package dev.astravault.spring.test;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static dev.astravault.test.AstraAssertions.assertThatAudit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.OrgConfig;
import dev.astravault.TokenManager;
import dev.astravault.event.TokenIssued;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/**
 * {@code @AutoConfigureFakeAstra} in a Spring test context without Spring Boot (docs/testing.md says "or any Spring
 * test context"): no starter, so the application builds its own {@link TokenManager} from the {@code astra.vault.*}
 * properties the annotation sets and from its fakes, clock and scheduler.
 */
@SpringJUnitConfig(PlainSpringContextTest.PlainApplication.class)
@AutoConfigureFakeAstra(manualTime = true)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PlainSpringContextTest {
  @Autowired FakeAstra astra;
  @Autowired TokenManager tokens;
  @Autowired RecordingAuditSink audit;
  @Autowired ManualScheduler scheduler;
  @Autowired Environment environment;

  @Configuration(proxyBeanMethods = false)
  static class PlainApplication {
    @Bean(destroyMethod = "close")
    TokenManager tokenManager(Environment env, MutableClock clock, ManualScheduler scheduler,
        RecordingAuditSink audit) {
      OrgConfig org = OrgConfig.builder()
          .orgId(Objects.requireNonNull(env.getProperty("astra.vault.orgs[0].id")))
          .rootToken(Objects.requireNonNull(env.getProperty("astra.vault.orgs[0].root-token")))
          .url(URI.create(Objects.requireNonNull(env.getProperty("astra.vault.orgs[0].url"))))
          .logicalName(Objects.requireNonNull(env.getProperty("astra.vault.orgs[0].logical-name")))
          .build();
      return TokenManager.builder().org(org).clock(clock).scheduler(scheduler).auditSink(audit).build();
    }
  }

  @Test
  void theFakeItsPropertiesAndItsControlledTimeReachAContextWithoutBoot() {
    assertThat(environment.getProperty("astra.vault.orgs[0].url")).isEqualTo(astra.url().toString());
    assertThat(environment.getProperty("astra.vault.token.role")).isEqualTo("api_ro_user");
    String org = tokens.orgs().get(0).orgId();
    assertThat(org).isEqualTo(astra.defaultOrg().orgId());
    tokens.syncRoles(org);

    AstraToken token = tokens.request().org(org).role("api_ro_user").logicalName("plain").ttl(Duration.ofHours(1))
        .issue();

    assertThat(astra.isLive(token.token())).isTrue();
    assertThatAudit(audit).hasRecorded(TokenIssued.class, 1).mentionsNone(token.token(),
        astra.defaultOrg().rootToken());
    scheduler.advance(Duration.ofHours(2));   // the manager's expiry sweep runs on the test's scheduler
    assertThat(astra.isLive(token.token())).as("revoked at expiry, on the test's clock").isFalse();
    assertThatAstra(astra).hasLiveTokens(0).hasNoOrphans();
  }
}
