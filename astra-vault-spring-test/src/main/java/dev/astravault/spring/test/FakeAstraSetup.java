package dev.astravault.spring.test;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;

/**
 * Prepares the fakes of an {@link AutoConfigureFakeAstra} context after they started and before the application
 * context refreshes, so that the application's startup meets what it scripts:
 *
 * <pre>{@code
 * @AutoConfigureFakeAstra(setup = TwoFailedCreates.class)
 * class StartupRetryTest {
 *   static class TwoFailedCreates implements FakeAstraSetup {
 *     @Override public void setUp(FakeAstra astra) {
 *       astra.fault(Endpoint.CREATE_TOKEN).status(503).times(2);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Implementations need a no-argument constructor (any visibility).
 */
public interface FakeAstraSetup {

  /**
   * Prepares the FakeAstra.
   *
   * @param astra the started fake
   */
  void setUp(FakeAstra astra);

  /**
   * Prepares the FakeVault, in Vault mode, after {@link #setUp(FakeAstra)}; does nothing by default.
   *
   * @param vault the started fake
   */
  default void setUpVault(FakeVault vault) {}
}
