package dev.astravault.test.conformance;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The Vault conformance cases against a real Vault with the released Astra plugin (v2.0.0) mounted, when
 * {@code VAULT_ADDR}, {@code VAULT_TOKEN} and {@code ASTRA_ORG_TOKEN} are set ({@code VAULT_ASTRA_MOUNT} optional).
 */
@EnabledIfEnvironmentVariable(named = VaultEndpoint.ADDRESS_VARIABLE, matches = ".+")
@EnabledIfEnvironmentVariable(named = VaultEndpoint.TOKEN_VARIABLE, matches = ".+")
@EnabledIfEnvironmentVariable(named = AstraEndpoint.TOKEN_VARIABLE, matches = ".+")
class RealVaultConformanceTest extends VaultPluginConformance {
  @Override
  protected VaultEndpoint endpoint() {
    return VaultEndpoint.fromEnvironment(AstraEndpoint.fromEnvironment().orElseThrow()).orElseThrow();
  }
}
