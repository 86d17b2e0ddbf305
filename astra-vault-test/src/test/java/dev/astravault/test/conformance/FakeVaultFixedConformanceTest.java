package dev.astravault.test.conformance;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Vault conformance cases against FakeVault emulating the fixed plugin, calling a varied FakeAstra. */
class FakeVaultFixedConformanceTest extends VaultPluginConformance {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension static final FakeVault vault =
      FakeVault.builder().pluginBehaviour(PluginBehaviour.FIXED).build();

  @Override
  protected VaultEndpoint endpoint() {
    return VaultEndpoint.of(vault, AstraEndpoint.of(astra));
  }
}
