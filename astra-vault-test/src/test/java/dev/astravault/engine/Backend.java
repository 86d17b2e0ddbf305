package dev.astravault.engine;

import dev.astravault.test.vault.PluginBehaviour;
import org.jspecify.annotations.Nullable;

/** Which token backend a foundation test runs against: one suite, three backends. */
enum Backend {
  /** This library calls FakeAstra with the org's root token and is the lease authority. */
  DIRECT(null),
  /** This library is a client of FakeVault's Astra plugin with its bugs fixed, mounted on the same FakeAstra. */
  VAULT(PluginBehaviour.FIXED),
  /**
   * The plugin v2.0.0 as users run it, bugs included. FakeAstra answers deletes with 204, the only status v2.0.0
   * accepts (docs/vault.md, "Running against plugin v2.0.0"); the 200 case has its own tests.
   */
  VAULT_V2_0_0(PluginBehaviour.V2_0_0);

  final @Nullable PluginBehaviour plugin;

  Backend(@Nullable PluginBehaviour plugin) {
    this.plugin = plugin;
  }
}
