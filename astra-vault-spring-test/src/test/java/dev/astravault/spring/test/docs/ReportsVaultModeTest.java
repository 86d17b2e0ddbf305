package dev.astravault.spring.test.docs;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static dev.astravault.test.AstraAssertions.assertThatVault;

import dev.astravault.spring.test.AutoConfigureFakeAstra;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

// docs:begin spring-vault
@SpringBootTest(properties = "spring.application.name=reports")
@AutoConfigureFakeAstra(vault = true,
    roles = @AutoConfigureFakeAstra.Role(name = "reader", astraRole = "API RO User", ttl = "1h", maxTtl = "2h"))
class ReportsVaultModeTest {
  @Autowired FakeVault vault;  // astra.vault.mode=vault, vault.uri and vault.token point here
  @Autowired FakeAstra astra;  // where the plugin mints the tokens

  @Test
  void theTokenIsMintedByThePlugin() {
    assertThatVault(vault).hasLeases(1);
    assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForRole("API RO User", 1);
  }
}
// docs:end spring-vault
