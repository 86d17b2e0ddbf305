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

/**
 * Every request the engine sends over a whole lifecycle, and every response FakeAstra returns to it, validated
 * against the DevOps OpenAPI file (with only the documented deviations allowed).
 */
class ClientRequestsMatchTheSpecTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Test
  void aWholeLifecycleSpeaksTheSpec() {
    try (EngineFixture f = new EngineFixture(astra)) {
      f.tokens.syncRoles(ORG);
      AstraToken unique = f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
      AstraToken sidecar = f.tokens.request().org(ORG).role(ROLE).perRequest().issue();
      f.tokens.renew(unique.lease().leaseId());
      f.tokens.revoke(unique.lease().leaseId());
      f.tokens.deleteToken(sidecar.clientId());
    }
    List<RecordedCall> calls = astra.requests();
    assertThat(calls).extracting(RecordedCall::method).contains("GET", "POST", "DELETE");
    OpenApiContract contract = OpenApiContract.astraDevOps();
    calls.forEach(contract::assertValid);
  }
}
