package dev.astravault.docs;

import static dev.astravault.test.AstraAssertions.assertThatVault;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/testing.md's Vault mode in plain JUnit, as written. */
class PlainJUnitVaultModeTest {
  // docs:begin plain-vault
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();          // varied, see below
  @RegisterExtension static final FakeVault vault = FakeVault.create();

  @Test
  void thePluginMintsTokensInFakeAstra() {
    try (TokenManager tokens = TokenManager.builder()
        .vault(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken()))).build()) {
      tokens.writeOrg(OrgConfig.builder().orgId(astra.defaultOrg().orgId())  // the plugin's org config: the fake
          .rootToken(astra.defaultOrg().rootToken()).url(astra.url().uri()).logicalName("prod").build());
      tokens.writeRole(RoleSpec.builder().org("prod").name("reader").roleId(astra.roleId("API RO User")).build());
      AstraToken token = tokens.request().org("prod").role("reader").logicalName("reports").issue();
      assertThatVault(vault).hasLeases(1);
      assertThat(astra.isLive(token.token())).isTrue();
    }
  }
  // docs:end plain-vault
}
