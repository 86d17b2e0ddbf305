package dev.astravault.examples.springboot;

import dev.astravault.OrgConfig;
import dev.astravault.spring.autoconfigure.TokenManagerCustomizer;
import dev.astravault.test.FakeAstra;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * Profile {@code fake}: an embedded FakeAstra (a fake DevOps API on loopback) and its org, so the service runs with no
 * account. Everything else comes from {@code application.yml}, exactly as against a real org.
 */
@Configuration(proxyBeanMethods = false)
@Profile("fake")
public class EmbeddedFakeAstra {

  /** Closed after the token manager (which depends on it through the customizer), so revokes still reach it. */
  @Bean(destroyMethod = "close")
  FakeAstra fakeAstra() {
    return FakeAstra.create().start();
  }

  @Bean
  TokenManagerCustomizer fakeAstraOrg(FakeAstra fakeAstra) {
    return builder -> builder.org(OrgConfig.builder().orgId(fakeAstra.defaultOrg().orgId())
        .rootToken(fakeAstra.defaultOrg().rootToken()).url(fakeAstra.url().uri()).logicalName("demo").build());
  }
}
