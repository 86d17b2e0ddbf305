package dev.astravault.test.contract;

import static dev.astravault.test.TestHttp.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.atlassian.oai.validator.report.ValidationReport;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordedCall;
import dev.astravault.test.RoleJsonStyle;
import dev.astravault.test.TestHttp;
import dev.astravault.test.contract.OpenApiContract.Deviation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OpenApiContractTest {
  // Strict: the spec's schemas forbid unknown properties, and the variation adds them on purpose (the real service
  // does); this test checks the spec-shaped answers and their listed deviations.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().strict().build();
  private static final OpenApiContract CONTRACT = OpenApiContract.astraDevOps();

  private static String root() {
    return astra.defaultOrg().rootToken();
  }

  private static String roles(String name) {
    return "{\"roles\":[\"" + astra.roleId(name) + "\"]}";
  }

  private static String lastClientId() {
    List<dev.astravault.test.IssuedToken> live = astra.liveTokens();
    return live.get(live.size() - 1).clientId();
  }

  /** Every endpoint, success and error cases, with the fake in {@code style}. */
  private static void driveEveryEndpoint(RoleJsonStyle style) throws IOException {
    astra.roleJsonStyle(style);
    String malformed = "AstraCS:notarealtoken";
    String unknown = "AstraCS:" + "b".repeat(24) + ":" + "1".repeat(64);
    String expiry = Instant.now().plus(Duration.ofHours(1)).toString();
    // create, both paths, minimal and full bodies
    call("POST", astra.url("/v2/clientIdSecrets"), root(), roles("RO User"));
    call("POST", astra.url("/v2/tokens"), root(), "{\"roles\":[\"" + astra.roleId("R/W User") + "\"],\"orgId\":\""
        + astra.defaultOrg().orgId() + "\",\"description\":\"svc=orders\",\"tokenExpiry\":\"" + expiry + "\"}");
    call("POST", astra.url("/v2/clientIdSecrets"), root(), "{\"roles\":[]}");
    call("POST", astra.url("/v2/clientIdSecrets"), root(), "{\"roles\":[\"no-such-role\"]}");
    call("POST", astra.url("/v2/clientIdSecrets"), null, roles("RO User"));
    call("POST", astra.url("/v2/tokens"), malformed, roles("RO User"));
    // list
    call("GET", astra.url("/v2/clientIdSecrets"), root(), null);
    call("GET", astra.url("/v2/clientIdSecrets"), unknown, null);
    // roles
    call("GET", astra.url("/v2/organizations/roles"), root(), null);
    call("GET", astra.url("/v2/organizations/roles/" + astra.roleId("API R/W Svc Acct")), root(), null);
    call("GET", astra.url("/v2/organizations/roles/no-such-role"), root(), null);
    call("GET", astra.url("/v2/organizations/roles"), root() + "~", null);
    // custom roles: create (201), duplicate (409), update, read, delete (204), unknown (404)
    String org = astra.defaultOrg().orgId();
    String role = "{\"name\":\"astra-vault-contract\",\"policy\":{\"description\":\"astra-vault role=x\","
        + "\"resources\":[\"drn:astra:org:" + org + "\",\"drn:astra:org:" + org + ":db:d\"],"
        + "\"actions\":[\"db-cql\",\"db-table-select\"],\"effect\":\"allow\"}}";
    call("POST", astra.url("/v2/organizations/roles"), root(), role);
    call("POST", astra.url("/v2/organizations/roles"), root(), role);
    String customId = astra.roleId("astra-vault-contract");
    call("PUT", astra.url("/v2/organizations/roles/" + customId), root(), role.replace("db-table-select", "db-table-modify"));
    call("GET", astra.url("/v2/organizations/roles/" + customId), root(), null);
    call("DELETE", astra.url("/v2/organizations/roles/" + customId), root(), null);
    call("DELETE", astra.url("/v2/organizations/roles/" + customId), root(), null);
    // currentOrg, with the root token and with an issued one
    call("GET", astra.url("/v2/currentOrg"), root(), null);
    call("GET", astra.url("/v2/currentOrg"), malformed, null);
    // delete: found, then unknown
    String clientId = lastClientId();
    call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), root(), null);
    call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), root(), null);
    call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), unknown, null);
    // scripted transient failures
    astra.fault(Endpoint.LIST_TOKENS).status(503).retryAfter(Duration.ofSeconds(1));
    call("GET", astra.url("/v2/clientIdSecrets"), root(), null);
    astra.fault(Endpoint.LIST_ROLES).status(429);
    call("GET", astra.url("/v2/organizations/roles"), root(), null);
  }

  @ParameterizedTest
  @EnumSource(RoleJsonStyle.class)
  void everyFakeAstraExchangeMatchesTheSpecWithItsKnownDeviations(RoleJsonStyle style) throws IOException {
    try {
      driveEveryEndpoint(style);
    } finally {
      astra.roleJsonStyle(RoleJsonStyle.LOWER_CASE);
    }
    List<RecordedCall> calls = astra.requests();
    assertThat(calls).hasSize(25);
    assertThat(calls).extracting(c -> c.endpoint().orElseThrow()).containsAll(EnumSet.allOf(Endpoint.class));
    assertThat(calls).extracting(c -> c.response().orElseThrow().status())
        .contains(200, 201, 204, 400, 401, 403, 404, 409, 429, 503);
    for (RecordedCall call : calls) {
      if (call.header("Authorization").isEmpty()) {
        // The request itself breaks the spec (BearerAuth); only the response is held to it.
        assertThat(CONTRACT.validateRequest(call).getMessages())
            .extracting(ValidationReport.Message::getKey).contains("validation.request.security.missing");
        assertThat(CONTRACT.validate(call).getMessages())
            .extracting(ValidationReport.Message::getKey).containsOnly("validation.request.security.missing");
      } else {
        CONTRACT.assertValid(call);
      }
    }
  }

  @Test
  void issuedTokensOnCurrentOrgAndDelete204AreValid() throws IOException {
    astra.deleteStatus(204);
    try {
      String body = call("POST", astra.url("/v2/clientIdSecrets"), root(), roles("RO User")).body();
      String token = body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
      call("GET", astra.url("/v2/currentOrg"), token, null);
      call("DELETE", astra.url("/v2/clientIdSecrets/" + lastClientId()), root(), null);
      call("GET", astra.url("/v2/currentOrg"), token, null);
    } finally {
      astra.deleteStatus(200);
    }
    assertThat(astra.requests()).extracting(c -> c.response().orElseThrow().status())
        .containsExactly(200, 200, 204, 401);
    astra.requests().forEach(CONTRACT::assertValid);
  }

  @Test
  void droppedConnectionsStillHaveTheirRequestValidated() {
    astra.fault(Endpoint.CREATE_TOKEN).succeedThenDropConnection();
    assertThatThrownBy(() -> call("POST", astra.url("/v2/tokens"), root(), roles("RO User")))
        .isInstanceOf(IOException.class);
    RecordedCall dropped = astra.requests().get(0);
    assertThat(dropped.response()).isEmpty();
    CONTRACT.assertValid(dropped);
  }

  // ---------------------------------------------------------------- the utility can fail

  @Test
  void eachDeviationIsNeeded() throws IOException {
    String expiry = Instant.now().plus(Duration.ofHours(1)).toString();
    call("POST", astra.url("/v2/clientIdSecrets"), root(),
        "{\"roles\":[\"" + astra.roleId("RO User") + "\"],\"description\":\"d\",\"tokenExpiry\":\"" + expiry + "\"}");
    call("GET", astra.url("/v2/clientIdSecrets"), root(), null);
    call("GET", astra.url("/v2/clientIdSecrets"), "AstraCS:bad", null);
    astra.roleJsonStyle(RoleJsonStyle.UPPER_CASE);
    try {
      call("GET", astra.url("/v2/organizations/roles"), root(), null);
    } finally {
      astra.roleJsonStyle(RoleJsonStyle.LOWER_CASE);
    }
    call("DELETE", astra.url("/v2/clientIdSecrets/nope"), root(), null);
    List<RecordedCall> calls = astra.requests();
    calls.forEach(CONTRACT::assertValid);

    Map<Deviation, RecordedCall> needs = Map.of(
        Deviation.UNDOCUMENTED_TOKEN_FIELDS, calls.get(0),
        Deviation.ERROR_ID_UPPER_CASE, calls.get(2),
        Deviation.UPPER_CASE_ROLES, calls.get(3),
        Deviation.DELETE_204_AND_404, calls.get(4));
    needs.forEach((deviation, call) -> {
      Set<Deviation> others = EnumSet.complementOf(EnumSet.of(deviation));
      OpenApiContract without = OpenApiContract.astraDevOps(others);
      assertThat(without.validate(call).hasErrors()).as("%s without %s", call, deviation).isTrue();
    });
    OpenApiContract withoutFields = OpenApiContract.astraDevOps(
        EnumSet.complementOf(EnumSet.of(Deviation.UNDOCUMENTED_TOKEN_FIELDS)));
    assertThat(withoutFields.validate(calls.get(1)).hasErrors()).as("list entries' extra fields").isTrue();
    assertThat(OpenApiContract.astraDevOps(Set.of()).allowed()).isEmpty();
  }

  @Test
  void unknownRoutesAndMalformedBodiesFail() throws IOException {
    call("GET", astra.url("/v2/nope"), root(), null);
    astra.fault(Endpoint.CURRENT_ORG).malformedBody();
    call("GET", astra.url("/v2/currentOrg"), root(), null);
    call("POST", astra.url("/v2/clientIdSecrets"), root(), "{\"roles\":[\"x\"],\"ttl\":5}");
    List<RecordedCall> calls = astra.requests();
    assertThat(keys(CONTRACT.validate(calls.get(0)))).contains("validation.request.path.missing");
    assertThat(CONTRACT.validate(calls.get(1)).hasErrors()).isTrue();
    assertThat(keys(CONTRACT.validateRequest(calls.get(2)))).contains("validation.request.body.schema.additionalProperties");
  }

  @Test
  void failureMessagesNeverShowTokensOrSecrets() throws IOException {
    String body = call("POST", astra.url("/v2/clientIdSecrets"), root(), roles("RO User")).body();
    String secret = body.replaceAll(".*\"secret\":\"([^\"]+)\".*", "$1");
    String token = body.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    RecordedCall create = astra.requests().get(0);
    OpenApiContract strict = OpenApiContract.astraDevOps(Set.of());
    assertThatThrownBy(() -> strict.assertValid(create))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("violates the Astra DevOps API contract")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret, token, root()));
    // A forged failure quoting every secret proves the redaction itself.
    String quoted = OpenApiContract.describe(create, ValidationReport.singleton(
        ValidationReport.Message.create("test", "saw " + secret + " and " + token + " and Bearer " + root()).build()));
    assertThat(quoted).doesNotContain(secret, token, root()).contains("██");
  }

  private static Set<String> keys(ValidationReport report) {
    return report.getMessages().stream().map(ValidationReport.Message::getKey).collect(Collectors.toSet());
  }

  @Test
  void requestsAreCheckedOnTheirOwn() throws IOException {
    call("POST", astra.url("/v2/tokens"), root(), roles("RO User"));
    assertThat(CONTRACT.validateRequest(astra.requests().get(0)).hasErrors()).isFalse();
    CONTRACT.assertRequestValid(astra.requests().get(0));
    assertThat(TestHttp.CLIENT).isNotNull();
  }
}
