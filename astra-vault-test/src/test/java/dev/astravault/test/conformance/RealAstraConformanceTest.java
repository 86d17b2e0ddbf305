package dev.astravault.test.conformance;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The Astra conformance cases against the real DevOps API, when {@code ASTRA_ORG_TOKEN} is set (an Organization
 * Administrator's token; {@code ASTRA_API_URL} optional). It creates a few read-only tokens and deletes them.
 */
// docs:begin conformance-real
@EnabledIfEnvironmentVariable(named = AstraEndpoint.TOKEN_VARIABLE, matches = ".+")  // ASTRA_ORG_TOKEN
class RealAstraConformanceTest extends AstraDevOpsConformance {
  @Override
  protected AstraEndpoint endpoint() {
    return AstraEndpoint.fromEnvironment().orElseThrow();
  }
}
// docs:end conformance-real
