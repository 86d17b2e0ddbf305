package dev.astravault.spring.test;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static dev.astravault.test.AstraAssertions.assertThatVault;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.vault.FakeVault;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Vault mode: the startup token is minted by FakeVault's Astra plugin (which calls the FakeAstra), rotated when the
 * test advances time past the declared role's max TTL, and revoked through Vault when the context closes.
 */
@ExtendWith(AfterContextClose.class)
@SpringBootTest(classes = TestApplication.class, properties = "spring.application.name=orders")
@AutoConfigureFakeAstra(vault = true, manualTime = true,
    roles = @AutoConfigureFakeAstra.Role(name = "reader", astraRole = "API RO User", ttl = "1h", maxTtl = "2h"))
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultModeTest {
  @Autowired FakeAstra astra;
  @Autowired FakeVault vault;
  @Autowired ManualScheduler scheduler;
  @Autowired ManagedToken token;
  @Autowired Environment environment;

  @Test
  @Order(1)
  void theStartupTokenComesFromThePluginWithTheDeclaredRole() {
    assertThat(environment.getProperty("astra.vault.mode")).isEqualTo("vault");
    assertThat(astra.isLive(token.current())).isTrue();
    assertThat(token.snapshot().info().roleName()).isEqualTo("reader");
    assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForRole("API RO User", 1);
    assertThatVault(vault).hasLeases(1);
    assertThat(vault.requests()).isNotEmpty();
  }

  @Test
  @Order(2)
  void advancingPastTheMaxTtlRotatesTheToken() {
    assertThat(vault.requests()).as("cleared after the previous test method").isEmpty();
    String first = token.current();
    scheduler.advance(Duration.ofHours(3));
    assertThat(token.current()).isNotEqualTo(first);
    assertThat(astra.isLive(token.current())).isTrue();
    assertThat(astra.isLive(first)).isFalse();
    assertThatAstra(astra).hasLiveTokens(1);
    assertThatVault(vault).hasLeases(1);
  }

  @Test
  @Order(3)
  void noTokenNorLeaseIsLeftOnceTheContextClosed() {
    FakeAstra fakeAstra = astra;
    FakeVault fakeVault = vault;
    AfterContextClose.check(() -> {
      assertThatAstra(fakeAstra).hasNoLiveTokens();
      assertThatVault(fakeVault).hasNoLeases();
    });
  }
}
