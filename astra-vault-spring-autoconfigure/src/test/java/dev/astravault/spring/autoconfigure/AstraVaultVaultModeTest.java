package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.ManagedToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code astra.vault.mode=vault}: the startup token comes from the Astra plugin in (Fake)Vault. */
class AstraVaultVaultModeTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension final FakeVault vault = FakeVault.create();

  @Test
  void theStartupTokenIsIssuedThroughVaultAndRevokedAtShutdown() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.mode=vault",
        "astra.vault.vault.uri=" + vault.address(), "astra.vault.vault.token=" + vault.rootToken())
        .run(context -> {
          assertThat(context).hasNotFailed();
          ManagedToken token = context.getBean(ManagedToken.class);
          assertThat(astra.isLive(token.current())).isTrue();
          assertThat(vault.leases()).isNotEmpty();
          assertThat(context.getBean(AstraVaultProperties.class).toString()).doesNotContain(vault.rootToken());
        });
    assertThat(astra.liveTokens()).isEmpty();
  }
}
