package dev.astravault.internal.astra;

import static dev.astravault.internal.astra.Fixtures.CLIENT_ID;
import static dev.astravault.internal.astra.Fixtures.ORG_ID;
import static dev.astravault.internal.astra.Fixtures.ROLE_ID;
import static dev.astravault.internal.astra.Fixtures.json;
import static dev.astravault.internal.astra.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.astravault.AstraApiException;
import dev.astravault.AstraNotFoundException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET and DELETE happy paths and lenient parsing, with bodies shaped like the real API's. */
class OkHttpAstraDevOpsReadTest {
  private final MockWebServer server = new MockWebServer();
  private AstraDevOps astra;

  @BeforeEach
  void start() throws IOException {
    server.start();
    astra = OkHttpAstraDevOps.create(Fixtures.settings(server, new Fixtures.RecordingSleeper()).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void listsTokensOfOldAndNewServers() throws Exception {
    server.enqueue(json(200, """
        {"clients":[
          {"clientId":"zjCEYwRGWocLfQJHBNQxvorr","roles":["21ef3576-0197-415a-b167-d510af12ecf0"],
           "generatedOn":"2021-02-22T17:09:58.668Z"},
          {"clientId":"AbcdefghijklmnopqrstuvwX","roles":["a","b"],"generatedOn":"2025-09-02T19:18:10.799083554Z",
           "description":"Token for service A","tokenExpiry":"2025-12-31T23:59:59.000Z","createdBy":"nobody"},
          {"clientId":"BbcdefghijklmnopqrstuvwX","roles":[],"generatedOn":null,"description":"","tokenExpiry":null},
          {"clientId":"CbcdefghijklmnopqrstuvwX","description":null,"generatedOn":"2025-09-02T19:18:10+02:00"},
          {"roles":["no client id: skipped"]}
        ],"nextPage":null}
        """));

    List<RemoteToken> tokens = astra.listTokens();

    assertThat(tokens).containsExactly(
        new RemoteToken(CLIENT_ID, List.of(ROLE_ID), Instant.parse("2021-02-22T17:09:58.668Z"), null, null),
        new RemoteToken("AbcdefghijklmnopqrstuvwX", List.of("a", "b"),
            Instant.parse("2025-09-02T19:18:10.799083554Z"), "Token for service A",
            Instant.parse("2025-12-31T23:59:59Z")),
        new RemoteToken("BbcdefghijklmnopqrstuvwX", List.of(), null, "", null),
        new RemoteToken("CbcdefghijklmnopqrstuvwX", List.of(), Instant.parse("2025-09-02T17:18:10Z"), null, null));
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getTarget()).isEqualTo("/v2/clientIdSecrets");
  }

  @Test
  void listsNothingForAnEmptyOrgOrABareArray() {
    server.enqueue(json(200, "{\"clients\":[]}"));
    server.enqueue(json(200, "{}"));
    server.enqueue(json(200, "[{\"clientId\":\"" + CLIENT_ID + "\",\"roles\":[\"r\"]}]"));

    assertThat(astra.listTokens()).isEmpty();
    assertThat(astra.listTokens()).isEmpty();
    assertThat(astra.listTokens()).extracting(RemoteToken::clientId).containsExactly(CLIENT_ID);
  }

  /**
   * The listing decides what reconcile and recovery delete, so a 200 that is not a token list (Astra's error shape,
   * a wrong type) is an error, never "no tokens"; {@code {}} and {@code "clients":null} are an empty org.
   */
  @Test
  void aSuccessStatusWithAnErrorBodyOrAWrongTypeIsNotAnEmptyList() {
    server.enqueue(json(200, "{\"errors\":[{\"ID\":340018,\"message\":\"Internal error\"}]}"));
    server.enqueue(json(200, "{\"clients\":\"none\"}"));
    server.enqueue(json(200, "{\"clients\":null}"));

    assertThat(catchThrowableOfType(AstraApiException.class, () -> astra.listTokens()))
        .hasMessageContaining("could not be parsed");
    assertThat(catchThrowableOfType(AstraApiException.class, () -> astra.listTokens()))
        .hasMessageContaining("could not be parsed");
    assertThat(astra.listTokens()).isEmpty();
  }

  @Test
  void unparseableListIsAnApiErrorAndNotRetried() {
    server.enqueue(json(200, "{\"clients\": [ oops"));

    AstraApiException e = catchThrowableOfType(AstraApiException.class, () -> astra.listTokens());

    assertThat(e.status()).isEqualTo(200);
    assertThat(e).hasMessageContaining("could not be parsed");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void deleteAcceptsAny2xxAndTreats404AsAlreadyGone() throws Exception {
    server.enqueue(status(204));
    server.enqueue(status(200));
    server.enqueue(json(202, "{\"ok\":true}"));
    server.enqueue(json(404, "{\"errors\":[{\"ID\":340018,\"message\":\"Resource not found\"}]}"));

    assertThat(astra.deleteToken(CLIENT_ID)).isTrue();
    assertThat(astra.deleteToken(CLIENT_ID)).isTrue();
    assertThat(astra.deleteToken(CLIENT_ID)).isTrue();
    assertThat(astra.deleteToken(CLIENT_ID)).isFalse();

    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("DELETE");
    assertThat(request.getTarget()).isEqualTo("/v2/clientIdSecrets/" + CLIENT_ID);
    assertThat(request.getBodySize()).isZero();
  }

  /** A success status over Astra's error shape (a gateway's page, or a lie) is not a deletion: the token may live. */
  @Test
  void aDeleteAnsweredWithASuccessStatusAndAnErrorBodyIsNotADeletion() {
    server.enqueue(json(200, "{\"errors\":[{\"ID\":340018,\"message\":\"Resource not found: token\"}]}"));
    server.enqueue(json(202, "{\"errors\":[{\"message\":\"internal error\"}]}"));
    server.enqueue(json(200, "{\"errors\":[]}"));

    AstraApiException e = catchThrowableOfType(AstraApiException.class, () -> astra.deleteToken(CLIENT_ID));
    assertThat(e.status()).isEqualTo(200);
    assertThat(e).hasMessageContaining("DELETE").hasMessageContaining("340018");
    assertThatThrownBy(() -> astra.deleteToken(CLIENT_ID)).isInstanceOf(AstraApiException.class);
    assertThat(astra.deleteToken(CLIENT_ID)).as("no error in it").isTrue();
    assertThat(server.getRequestCount()).as("not retried").isEqualTo(3);
  }

  @Test
  void deleteEncodesTheClientIdAndRejectsDotSegments() throws Exception {
    server.enqueue(status(204));

    astra.deleteToken("a/b c");

    assertThat(server.takeRequest().getTarget()).isEqualTo("/v2/clientIdSecrets/a%2Fb%20c");
    assertThatThrownBy(() -> astra.deleteToken("..")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> astra.deleteToken(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listsRolesInEitherKeyCaseWithPolicyAsStringOrObject() throws Exception {
    server.enqueue(json(200, """
        [
          {"ID":"3fb93abd-7abe-4a3d-9f71-9ded80070a4a","Name":"API Admin Svc Acct","Type":"default",
           "policy":"{\\"description\\":\\"API Admin Svc Acct\\",\\"effect\\":\\"allow\\"}"},
          {"id":"a8cd363d-5069-4a2b-86d8-0578139812ac","name":"orders-rw",
           "policy":{"description":"orders","resources":["drn:astra:org:x"],"actions":["db-cql"],"effect":"allow"},
           "last_update_datetime":"2026-01-01T00:00:00Z","last_update_userid":"u"},
          {"Id":"no-name-skipped"},
          {"id":"r3","name":"No Policy","policy":null,"type":null},
          {"id":"r4","name":"Empty Policy","Policy":""}
        ]
        """));

    List<RemoteRole> roles = astra.listRoles();

    assertThat(roles).containsExactly(
        new RemoteRole("3fb93abd-7abe-4a3d-9f71-9ded80070a4a", "API Admin Svc Acct", "default",
            "{\"description\":\"API Admin Svc Acct\",\"effect\":\"allow\"}"),
        new RemoteRole("a8cd363d-5069-4a2b-86d8-0578139812ac", "orders-rw", null,
            "{\"description\":\"orders\",\"resources\":[\"drn:astra:org:x\"],\"actions\":[\"db-cql\"],"
                + "\"effect\":\"allow\"}"),
        new RemoteRole("r3", "No Policy", null, null),
        new RemoteRole("r4", "Empty Policy", null, null));
    assertThat(server.takeRequest().getTarget()).isEqualTo("/v2/organizations/roles");
  }

  @Test
  void readsOneRole() throws Exception {
    server.enqueue(json(200, "{\"ID\":\"" + ROLE_ID + "\",\"Name\":\"R/W User\",\"Type\":\"default\","
        + "\"Policy\":{\"effect\":\"allow\",\"actions\":[1,2.5,true]}}"));

    RemoteRole role = astra.role(ROLE_ID);

    assertThat(role).isEqualTo(new RemoteRole(ROLE_ID, "R/W User", "default",
        "{\"effect\":\"allow\",\"actions\":[1,2.5,true]}"));
    assertThat(server.takeRequest().getTarget()).isEqualTo("/v2/organizations/roles/" + ROLE_ID);
  }

  @Test
  void unknownRoleIsNotFound() {
    server.enqueue(new MockResponse.Builder().code(404).body("Role ID not found").build());

    AstraNotFoundException e = catchThrowableOfType(AstraNotFoundException.class, () -> astra.role("nope"));

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.astraMessage()).isEqualTo("Role ID not found");
    assertThat(e).hasMessage("Astra DevOps API GET /v2/organizations/roles/nope failed: HTTP 404");
  }

  @Test
  void roleWithoutIdIsAnApiError() {
    server.enqueue(json(200, "{\"name\":\"anonymous\"}"));

    assertThatThrownBy(() -> astra.role(ROLE_ID)).isExactlyInstanceOf(AstraApiException.class);
  }

  @Test
  void readsCurrentOrg() throws Exception {
    server.enqueue(json(200, "{\"id\":\"" + ORG_ID + "\",\"name\":\"my org\"}"));
    server.enqueue(json(200, "{\"ID\":\"" + ORG_ID + "\"}"));

    assertThat(astra.currentOrgId()).isEqualTo(ORG_ID);
    assertThat(astra.currentOrgId()).isEqualTo(ORG_ID);
    assertThat(server.takeRequest().getTarget()).isEqualTo("/v2/currentOrg");
  }

  @Test
  void currentOrgWithoutIdIsAnApiError() {
    server.enqueue(json(200, "{\"name\":\"my org\"}"));

    assertThatThrownBy(() -> astra.currentOrgId()).isExactlyInstanceOf(AstraApiException.class);
  }

  @Test
  void oneClientServesManyThreads() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return json(200, "{\"clients\":[{\"clientId\":\"" + CLIENT_ID + "\",\"roles\":[]}]}");
      }
    });
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<RemoteToken>>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(pool.submit(() -> astra.listTokens()));
      }
      for (Future<List<RemoteToken>> result : results) {
        assertThat(result.get()).extracting(RemoteToken::clientId).containsExactly(CLIENT_ID);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.getRequestCount()).isEqualTo(64);
  }
}
