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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Vault mode and nothing else: no declared role (the Astra roles are synced by name), the default token role; a token
 * at startup through the plugin, a rotation a day later, and none live after the context closed.
 */
@SpringBootTest(classes = TestApplication.class)
@AutoConfigureFakeAstra(vault = true, manualTime = true, verifyNoLiveTokensAfterClose = true)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VaultModeDefaultsTest {
  @Autowired FakeAstra astra;
  @Autowired FakeVault vault;
  @Autowired ManualScheduler scheduler;
  @Autowired ManagedToken token;

  @Test
  @Order(1)
  void theStartupTokenComesThroughThePluginWithTheDefaultRole() {
    assertThat(token.snapshot().info().roleName()).isEqualTo("api_ro_user");
    assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForRole("api_ro_user", 1);
    assertThatVault(vault).hasLeases(1);
  }

  @Test
  @Order(2)
  void aDayLaterItHasRotated() {
    String first = token.current();
    scheduler.advance(Duration.ofHours(23));
    assertThat(token.current()).isNotEqualTo(first);
    assertThat(astra.isLive(first)).isFalse();
    assertThatAstra(astra).hasLiveTokens(1);
  }
}
