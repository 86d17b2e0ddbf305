package dev.astravault.test.conformance;

import dev.astravault.test.FakeAstra;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Astra conformance cases against FakeAstra as users get it: varied, from this run's seed. */
// docs:begin conformance-fake
class FakeAstraConformanceTest extends AstraDevOpsConformance {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Override
  protected AstraEndpoint endpoint() {
    return AstraEndpoint.of(astra);
  }
}
// docs:end conformance-fake
