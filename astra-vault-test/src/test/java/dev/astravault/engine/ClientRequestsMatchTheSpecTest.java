package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordedCall;
import dev.astravault.test.contract.OpenApiContract;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every request sent to Astra over a whole lifecycle, and every response FakeAstra returns, validated against the
 * DevOps OpenAPI file (with only the documented deviations allowed): in direct mode the engine's requests, in Vault
 * mode those of FakeVault's Astra plugin.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ClientRequestsMatchTheSpecTest {
  // Strict: the spec's response schemas forbid the unknown fields and string policies the variation sends on purpose
  // (as the real service does); the client's tolerance of those is covered by the other tests, run varied.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().strict().build();

  @Parameter Backend backend;

  @Test
  void aWholeLifecycleSpeaksTheSpec() {
    try (EngineFixture f = new EngineFixture(astra, backend)) {
      f.tokens.syncRoles(ORG);
      AstraToken unique = f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
      AstraToken sidecar = f.tokens.request().org(ORG).role(ROLE).perRequest().issue();
      f.tokens.renew(unique.lease().leaseId());
      f.tokens.revoke(unique.lease().leaseId());
      f.tokens.deleteToken(sidecar.clientId());
      if (f.vault != null) {
        // The Astra calls below were the plugin's, made on behalf of these Vault requests.
        assertThat(f.vault.requests()).extracting(r -> r.path()).contains("/v1/astra/org/token");
      }
    }
    List<RecordedCall> calls = astra.requests();
    assertThat(calls).extracting(RecordedCall::method).contains("GET", "POST", "DELETE");
    assertThat(calls).filteredOn(c -> c.method().equals("POST")).hasSizeGreaterThanOrEqualTo(2);
    OpenApiContract contract = OpenApiContract.astraDevOps();
    calls.forEach(contract::assertValid);
  }
}
