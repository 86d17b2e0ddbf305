package dev.astravault.test.conformance;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Vault conformance cases against FakeVault emulating plugin v2.0.0, calling a varied FakeAstra. */
class FakeVaultV200ConformanceTest extends VaultPluginConformance {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension static final FakeVault vault =
      FakeVault.builder().pluginBehaviour(PluginBehaviour.V2_0_0).build();

  @Override
  protected VaultEndpoint endpoint() {
    return VaultEndpoint.of(vault, AstraEndpoint.of(astra));
  }
}
