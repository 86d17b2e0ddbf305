package dev.astravault.test.conformance;

import dev.astravault.test.FakeAstra;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Astra conformance cases against a strict FakeAstra: uniform, spec-shaped answers. */
class StrictFakeAstraConformanceTest extends AstraDevOpsConformance {
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().strict().build();

  @Override
  protected AstraEndpoint endpoint() {
    return AstraEndpoint.of(astra);
  }
}
