package dev.astravault.internal.astra;

import static dev.astravault.internal.astra.Fixtures.CLIENT_ID;
import static dev.astravault.internal.astra.Fixtures.ROLE_ID;
import static dev.astravault.internal.astra.Fixtures.ROOT_TOKEN;
import static dev.astravault.internal.astra.Fixtures.SECRET;
import static dev.astravault.internal.astra.Fixtures.TOKEN;
import static dev.astravault.internal.astra.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.astravault.AstraApiException;
import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraNotFoundException;
import dev.astravault.AstraRateLimitedException;
import dev.astravault.AstraServerException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OkHttpAstraDevOpsErrorTest {
  private final MockWebServer server = new MockWebServer();
  private AstraDevOps astra;

  @BeforeEach
  void start() throws IOException {
    server.start();
    // One attempt, so each enqueued error is the final answer.
    astra = OkHttpAstraDevOps.create(Fixtures.settings(server, new Fixtures.RecordingSleeper())
        .retryPolicy(RetryPolicy.none()).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @CsvSource({
      "400, 340016, dev.astravault.AstraApiException",
      "401, 340018, dev.astravault.AstraAuthenticationException",
      "403, 340017, dev.astravault.AstraAuthenticationException",
      "404, 340018, dev.astravault.AstraNotFoundException",
      "409, 1, dev.astravault.AstraApiException",
      "429, 2, dev.astravault.AstraRateLimitedException",
      "500, 3, dev.astravault.AstraServerException",
      "502, 4, dev.astravault.AstraServerException",
      "503, 5, dev.astravault.AstraServerException",
  })
  void mapsStatusAndKeepsAstraErrorId(int code, int astraId, String type) throws Exception {
    server.enqueue(json(code, "{\"errors\":[{\"ID\":" + astraId + ",\"message\":\"Resource, token, was malformed. "
        + "Error: auth-manager returned " + code + " %s\"},{\"ID\":9,\"message\":\"second\"}]}"));

    AstraApiException e = catchThrowableOfType(AstraApiException.class, () -> astra.listTokens());

    assertThat(e).isExactlyInstanceOf(Class.forName(type));
    assertThat(e.status()).isEqualTo(code);
    assertThat(e.astraErrorId()).hasValue(astraId);
    assertThat(e.astraMessage()).startsWith("Resource, token, was malformed");
    assertThat(e).hasMessage("Astra DevOps API GET /v2/clientIdSecrets failed: HTTP " + code + " (Astra error "
        + astraId + ")");
  }

  @Test
  void acceptsLowerCaseIdAndStringIds() {
    server.enqueue(json(401, "{\"errors\":[{\"id\":\"340002\",\"message\":\"no bearer token in request\"}]}"));

    AstraAuthenticationException e = catchThrowableOfType(AstraAuthenticationException.class,
        () -> astra.currentOrgId());

    assertThat(e.astraErrorId()).hasValue(340002);
    assertThat(e.astraMessage()).isEqualTo("no bearer token in request");
  }

  @Test
  void fallsBackToTextBody() {
    server.enqueue(new MockResponse.Builder().code(404).addHeader("Content-Type", "text/plain")
        .body("404 page not found\n").build());

    AstraNotFoundException e = catchThrowableOfType(AstraNotFoundException.class, () -> astra.listRoles());

    assertThat(e.astraErrorId()).isEmpty();
    assertThat(e.astraMessage()).isEqualTo("404 page not found");
    assertThat(e).hasMessage("Astra DevOps API GET /v2/organizations/roles failed: HTTP 404");
  }

  @Test
  void emptyOrOddErrorBodiesStillMapByStatus() {
    server.enqueue(new MockResponse.Builder().code(500).build());
    server.enqueue(json(400, "{\"errors\":\"not an array\"}"));
    server.enqueue(json(400, "[1,2,3]"));

    AstraServerException empty = catchThrowableOfType(AstraServerException.class, () -> astra.listTokens());
    AstraApiException odd = catchThrowableOfType(AstraApiException.class, () -> astra.listTokens());
    AstraApiException array = catchThrowableOfType(AstraApiException.class, () -> astra.listTokens());

    assertThat(empty.astraMessage()).isNull();
    assertThat(odd.astraErrorId()).isEmpty();
    assertThat(odd.status()).isEqualTo(400);
    assertThat(array.astraMessage()).isEqualTo("[1,2,3]");
  }

  @Test
  void rateLimitWithoutRetryAfterHasNone() {
    server.enqueue(new MockResponse.Builder().code(429).build());

    AstraRateLimitedException e = catchThrowableOfType(AstraRateLimitedException.class, () -> astra.listTokens());

    assertThat(e.retryAfter()).isEmpty();
  }

  @Test
  void redirectsAreNotFollowed() {
    server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", server.url("/elsewhere")).build());

    AstraApiException e = catchThrowableOfType(AstraApiException.class, () -> astra.deleteToken(CLIENT_ID));

    assertThat(e.status()).isEqualTo(302);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void astraMessagesThatQuoteATokenAreMasked() {
    server.enqueue(json(400, "{\"errors\":[{\"ID\":340016,\"message\":\"Resource, token, was malformed: "
        + TOKEN + " and " + ROOT_TOKEN + "\"}]}"));

    AstraApiException e = catchThrowableOfType(AstraApiException.class, () -> astra.listTokens());

    assertThat(e.astraMessage()).doesNotContain(TOKEN, ROOT_TOKEN, "0123456789abcdef").contains("AstraCS:██");
  }

  @Test
  void errorBodiesCarryingASecretAreDropped() {
    server.enqueue(json(500, Fixtures.createResponse()));

    AstraServerException e = catchThrowableOfType(AstraServerException.class, () -> astra.listTokens());

    assertThat(e.astraMessage()).isNull();
  }

  /** Every failure mode, each checked for the secret, the new token and the root token across the cause chain. */
  @Test
  void noExceptionEverCarriesASecretOrToken() throws IOException {
    List<Throwable> failures = new ArrayList<>();
    CreateTokenRequest request = new CreateTokenRequest(List.of(ROLE_ID), null, null, null);
    // Astra may quote the bearer token it rejected; it never knows a secret except in a create response.
    String echo = "{\"errors\":[{\"ID\":340018,\"message\":\"bad " + ROOT_TOKEN + " " + TOKEN + "\"}]}";
    AstraDevOps retrying = OkHttpAstraDevOps.create(Fixtures.settings(server, new Fixtures.RecordingSleeper())
        .retryPolicy(RetryPolicy.of(2, Duration.ZERO, Duration.ZERO)).build());

    server.enqueue(json(401, echo));
    failures.add(catchThrowable(() -> astra.listTokens()));
    server.enqueue(json(400, Fixtures.createResponse()));
    failures.add(catchThrowable(() -> astra.createToken(request)));
    server.enqueue(json(200, Fixtures.createResponse(CLIENT_ID, SECRET, TOKEN.replace('a', 'b'))));
    server.enqueue(json(500, echo));
    failures.add(catchThrowable(() -> astra.createToken(request)));
    server.enqueue(json(200, Fixtures.createResponse(CLIENT_ID, SECRET, TOKEN + "0")));
    server.enqueue(json(404, echo));
    failures.add(catchThrowable(() -> astra.createToken(request)));
    server.enqueue(json(200, "{\"clientId\":\"" + SECRET + "\",\"secret\":\"" + SECRET + "\"}"));
    failures.add(catchThrowable(() -> astra.createToken(request)));
    server.enqueue(Fixtures.dropAfterRequest());
    failures.add(catchThrowable(() -> astra.createToken(request)));
    server.enqueue(json(403, echo));
    failures.add(catchThrowable(() -> astra.currentOrgId(TOKEN)));
    server.enqueue(Fixtures.dropAfterRequest());
    server.enqueue(Fixtures.dropAfterRequest());
    failures.add(catchThrowable(() -> retrying.currentOrgId(TOKEN)));

    assertThat(failures).hasSize(8).doesNotContainNull();
    for (Throwable failure : failures) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET, TOKEN, ROOT_TOKEN);
        assertThat(t.toString()).doesNotContain(SECRET, TOKEN, ROOT_TOKEN);
        if (t instanceof AstraApiException api) {
          assertThat(String.valueOf(api.astraMessage())).doesNotContain(SECRET, TOKEN, ROOT_TOKEN);
        }
        for (Throwable suppressed : t.getSuppressed()) {
          assertThat(String.valueOf(suppressed.getMessage())).doesNotContain(SECRET, TOKEN, ROOT_TOKEN);
        }
      }
    }
  }
}
