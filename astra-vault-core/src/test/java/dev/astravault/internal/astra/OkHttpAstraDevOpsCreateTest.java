package dev.astravault.internal.astra;

import static dev.astravault.internal.astra.Fixtures.CLIENT_ID;
import static dev.astravault.internal.astra.Fixtures.NOW;
import static dev.astravault.internal.astra.Fixtures.ORG_ID;
import static dev.astravault.internal.astra.Fixtures.ROLE_ID;
import static dev.astravault.internal.astra.Fixtures.ROOT_TOKEN;
import static dev.astravault.internal.astra.Fixtures.SECRET;
import static dev.astravault.internal.astra.Fixtures.TOKEN;
import static dev.astravault.internal.astra.Fixtures.createResponse;
import static dev.astravault.internal.astra.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraRateLimitedException;
import dev.astravault.AstraServerException;
import dev.astravault.AstraUnavailableException;
import dev.astravault.InvalidTokenResponseException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OkHttpAstraDevOpsCreateTest {
  private final MockWebServer server = new MockWebServer();
  private final Fixtures.RecordingSleeper sleeper = new Fixtures.RecordingSleeper();
  private AstraDevOps astra;

  @BeforeEach
  void start() throws IOException {
    server.start();
    astra = OkHttpAstraDevOps.create(Fixtures.settings(server, sleeper).build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static CreateTokenRequest fullRequest() {
    return new CreateTokenRequest(List.of(ROLE_ID), ORG_ID, "astra-vault lease=L1 svc=orders",
        Instant.parse("2026-11-02T11:15:30.123456789Z"));
  }

  @Test
  void createsAndVerifiesToken() throws Exception {
    server.enqueue(json(200, createResponse()));

    CreatedToken created = astra.createToken(fullRequest());

    assertThat(created.clientId()).isEqualTo(CLIENT_ID);
    assertThat(created.secret()).isEqualTo(SECRET);
    assertThat(created.token()).isEqualTo(TOKEN).matches("^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$");
    assertThat(created.orgId()).isEqualTo(ORG_ID);
    assertThat(created.roles()).containsExactly(ROLE_ID);
    assertThat(created.generatedOn()).isEqualTo(Instant.parse("2025-09-02T19:18:10.799083554Z"));
    assertThat(created.toString()).doesNotContain(SECRET, TOKEN);

    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getTarget()).isEqualTo("/v2/clientIdSecrets");
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(request.getBody().utf8()).isEqualTo("{\"roles\":[\"" + ROLE_ID + "\"],\"orgId\":\"" + ORG_ID
        + "\",\"description\":\"astra-vault lease=L1 svc=orders\","
        + "\"tokenExpiry\":\"2026-11-02T11:15:30.123456789Z\"}");
  }

  @Test
  void expectedTokenIsSha256HexOfTheSecret() {
    // FIPS 180-2 test vector, so the fixture tokens below are not checked against the code that made them.
    assertThat(OkHttpAstraDevOps.expectedToken("zjCEYwRGWocLfQJHBNQxvorr", "abc")).isEqualTo(
        "AstraCS:zjCEYwRGWocLfQJHBNQxvorr:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(TOKEN).hasSize(97).matches("^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$");
  }

  @Test
  void theTokenCheckAcceptsExactlyTheExpectedToken() {
    String client = "zjCEYwRGWocLfQJHBNQxvorr";
    String expected = OkHttpAstraDevOps.expectedToken(client, "abc");
    assertThat(OkHttpAstraDevOps.isExpectedToken(expected, client, "abc")).isTrue();
    for (int i = 0; i < expected.length(); i++) {   // any one character changed, in any part
      char c = expected.charAt(i);
      String changed = expected.substring(0, i) + (char) (c == 'a' ? 'b' : 'a') + expected.substring(i + 1);
      assertThat(OkHttpAstraDevOps.isExpectedToken(changed, client, "abc")).as(changed).isFalse();
    }
    assertThat(OkHttpAstraDevOps.isExpectedToken(expected, client, "abd")).isFalse();
    assertThat(OkHttpAstraDevOps.isExpectedToken(expected, "zjCEYwRGWocLfQJHBNQxvorR", "abc")).isFalse();
    assertThat(OkHttpAstraDevOps.isExpectedToken(expected + "0", client, "abc")).isFalse();
    assertThat(OkHttpAstraDevOps.isExpectedToken(expected.substring(0, 96), client, "abc")).isFalse();
    assertThat(OkHttpAstraDevOps.isExpectedToken(expected.toUpperCase(java.util.Locale.ROOT), client, "abc"))
        .isFalse();
  }

  @Test
  void omitsNullFieldsAndEscapesDescription() throws Exception {
    server.enqueue(json(200, createResponse()));

    astra.createToken(new CreateTokenRequest(List.of(ROLE_ID, "other"), null, "quote \" and \\", null));

    assertThat(server.takeRequest().getBody().utf8())
        .isEqualTo("{\"roles\":[\"" + ROLE_ID + "\",\"other\"],\"description\":\"quote \\\" and \\\\\"}");
  }

  @Test
  void acceptsAny2xxAndFillsWhatTheResponseOmits() {
    // No generatedOn, no roles, orgId missing but known from the request; wrapped in an array as the spec claims.
    server.enqueue(json(201, "[{\"clientId\":\"" + CLIENT_ID + "\",\"secret\":\"" + SECRET.replace("\\", "")
        + "\",\"token\":\"" + TOKEN + "\",\"generatedOn\":null}]"));

    CreatedToken created = astra.createToken(fullRequest());

    assertThat(created.generatedOn()).isEqualTo(NOW);
    assertThat(created.roles()).containsExactly(ROLE_ID);
    assertThat(created.orgId()).isEqualTo(ORG_ID);
  }

  @Test
  void keysAreReadInAnyCase() {
    // Astra's own spelling is matched without a string per key; any other spelling still reads the same.
    server.enqueue(json(200, createResponse().replace("\"clientId\"", "\"CLIENTID\"")
        .replace("\"secret\"", "\"Secret\"").replace("\"orgId\"", "\"orgid\"")
        .replace("\"generatedOn\"", "\"GeneratedOn\"")));

    CreatedToken created = astra.createToken(fullRequest());

    assertThat(created.clientId()).isEqualTo(CLIENT_ID);
    assertThat(created.secret()).isEqualTo(SECRET);
    assertThat(created.orgId()).isEqualTo(ORG_ID);
    assertThat(created.generatedOn()).isEqualTo(Instant.parse("2025-09-02T19:18:10.799083554Z"));
  }

  @Test
  void tokenOfWrongShapeIsRejectedAndDeleted() throws Exception {
    String badToken = "AstraCS:" + CLIENT_ID + ":NOT-HEX";
    server.enqueue(json(200, createResponse(CLIENT_ID, SECRET, badToken)));
    server.enqueue(Fixtures.status(204));

    InvalidTokenResponseException e = catchThrowableOfType(InvalidTokenResponseException.class,
        () -> astra.createToken(fullRequest()));

    assertThat(e).hasMessageContaining("client " + CLIENT_ID).hasMessageContaining("shape")
        .hasMessageContaining("the token was deleted");
    assertThat(e.getMessage()).doesNotContain(SECRET, badToken, TOKEN, ROOT_TOKEN);
    server.takeRequest();
    RecordedRequest delete = server.takeRequest();
    assertThat(delete.getMethod()).isEqualTo("DELETE");
    assertThat(delete.getTarget()).isEqualTo("/v2/clientIdSecrets/" + CLIENT_ID);
  }

  @Test
  void tokenNotMatchingSha256OfSecretIsRejectedAndDeleted() throws Exception {
    String otherSecretsToken = OkHttpAstraDevOps.expectedToken(CLIENT_ID, SECRET + "x");
    server.enqueue(json(200, createResponse(CLIENT_ID, SECRET, otherSecretsToken)));
    server.enqueue(Fixtures.status(404));

    InvalidTokenResponseException e = catchThrowableOfType(InvalidTokenResponseException.class,
        () -> astra.createToken(fullRequest()));

    assertThat(e).hasMessageContaining("sha256").hasMessageContaining("already gone");
    assertThat(e.getMessage()).doesNotContain(SECRET, otherSecretsToken, ROOT_TOKEN);
    server.takeRequest();
    assertThat(server.takeRequest().getMethod()).isEqualTo("DELETE");
  }

  @Test
  void tokenForAnotherClientIdIsRejected() throws Exception {
    String otherClient = "AbcdefghijklmnopqrstuvwX";
    server.enqueue(json(200, createResponse(CLIENT_ID, SECRET, OkHttpAstraDevOps.expectedToken(otherClient, SECRET))));
    server.enqueue(Fixtures.status(200));

    assertThatThrownBy(() -> astra.createToken(fullRequest())).isInstanceOf(InvalidTokenResponseException.class);
    server.takeRequest();
    assertThat(server.takeRequest().getTarget()).isEqualTo("/v2/clientIdSecrets/" + CLIENT_ID);
  }

  @Test
  void failedCleanupIsReportedAsSuppressed() {
    server.enqueue(json(200, createResponse(CLIENT_ID, SECRET, "AstraCS:short")));
    server.enqueue(Fixtures.status(403));

    InvalidTokenResponseException e = catchThrowableOfType(InvalidTokenResponseException.class,
        () -> astra.createToken(fullRequest()));

    assertThat(e).hasMessageContaining("deleting the token failed");
    assertThat(e.getSuppressed()).singleElement().isInstanceOf(AstraAuthenticationException.class);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void nonJsonBodyIsRejectedWithoutCleanup() {
    server.enqueue(new MockResponse.Builder().code(200).body("<html>gateway says hi</html>").build());

    assertThatThrownBy(() -> astra.createToken(fullRequest()))
        .isInstanceOf(InvalidTokenResponseException.class)
        .hasMessageContaining("not a JSON token object")
        .hasMessageContaining("no clientId");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void truncatedJsonStillDeletesTheClientIdItCouldRead() throws Exception {
    server.enqueue(json(200, "{\"clientId\":\"" + CLIENT_ID + "\",\"secret\":\"" + SECRET + "\",\"tok"));
    server.enqueue(Fixtures.status(204));

    InvalidTokenResponseException e = catchThrowableOfType(InvalidTokenResponseException.class,
        () -> astra.createToken(fullRequest()));

    assertThat(e.getMessage()).contains("the token was deleted").doesNotContain(SECRET);
    server.takeRequest();
    assertThat(server.takeRequest().getTarget()).isEqualTo("/v2/clientIdSecrets/" + CLIENT_ID);
  }

  @Test
  void responseWithoutTokenFieldIsRejectedAndDeleted() {
    server.enqueue(json(200, "{\"clientId\":\"" + CLIENT_ID + "\",\"secret\":\"" + SECRET + "\"}"));
    server.enqueue(Fixtures.status(204));

    assertThatThrownBy(() -> astra.createToken(fullRequest()))
        .isInstanceOf(InvalidTokenResponseException.class)
        .hasMessageContaining("lacks clientId, secret or token");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void unsafeClientIdIsNeverUsedInAPath() {
    server.enqueue(json(200, createResponse("..", SECRET, TOKEN)));

    assertThatThrownBy(() -> astra.createToken(fullRequest()))
        .isInstanceOf(InvalidTokenResponseException.class)
        .hasMessageContaining("not usable");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void postIsNeverRetriedOn503() {
    server.enqueue(json(503, "{\"errors\":[{\"ID\":2000,\"message\":\"unavailable\"}]}"));
    server.enqueue(json(200, createResponse()));

    AstraServerException e = catchThrowableOfType(AstraServerException.class,
        () -> astra.createToken(fullRequest()));

    assertThat(e.status()).isEqualTo(503);
    assertThat(e.astraErrorId()).hasValue(2000);
    assertThat(e).hasMessage("Astra DevOps API POST /v2/clientIdSecrets failed: HTTP 503 (Astra error 2000)");
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeper.sleeps()).isEmpty();
  }

  @Test
  void postIsNeverRetriedOn429() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").build());
    server.enqueue(json(200, createResponse()));

    AstraRateLimitedException e = catchThrowableOfType(AstraRateLimitedException.class,
        () -> astra.createToken(fullRequest()));

    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(7));
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeper.sleeps()).isEmpty();
  }

  @Test
  void textErrorBodyOfPostIsAccepted() {
    server.enqueue(new MockResponse.Builder().code(403).body("invalid").build());

    AstraAuthenticationException e = catchThrowableOfType(AstraAuthenticationException.class,
        () -> astra.createToken(fullRequest()));

    assertThat(e.status()).isEqualTo(403);
    assertThat(e.astraErrorId()).isEmpty();
    assertThat(e.astraMessage()).isEqualTo("invalid");
  }

  @Test
  void droppedConnectionAfterSendingIsAmbiguousAndNotRetried() {
    server.enqueue(Fixtures.dropAfterRequest());
    server.enqueue(json(200, createResponse()));

    AmbiguousCreateException e = catchThrowableOfType(AmbiguousCreateException.class,
        () -> astra.createToken(fullRequest()));

    assertThat(e).hasMessageContaining("may or may not have created").hasCauseInstanceOf(IOException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeper.sleeps()).isEmpty();
  }

  @Test
  void bodyLostAfter2xxHeadersIsAmbiguous() {
    server.enqueue(new MockResponse.Builder().code(200).body(createResponse())
        .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build());

    assertThatThrownBy(() -> astra.createToken(fullRequest()))
        .isInstanceOf(AmbiguousCreateException.class)
        .hasMessageContaining("probably created");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void refusedConnectionIsUnavailableButNotAmbiguous() throws IOException {
    MockWebServer closed = new MockWebServer();
    closed.start();
    String url = closed.url("/").toString();
    closed.close();
    AstraDevOps unreachable = OkHttpAstraDevOps.create(AstraClientSettings.builder()
        .baseUrl(url).rootToken(ROOT_TOKEN).sleeper(sleeper).build());

    assertThatThrownBy(() -> unreachable.createToken(fullRequest()))
        .isExactlyInstanceOf(AstraUnavailableException.class)
        .hasMessageContaining("before the request was sent");
  }
}
