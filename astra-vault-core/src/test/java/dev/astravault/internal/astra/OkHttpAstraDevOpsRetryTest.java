package dev.astravault.internal.astra;

import static dev.astravault.internal.astra.Fixtures.CLIENT_ID;
import static dev.astravault.internal.astra.Fixtures.NOW;
import static dev.astravault.internal.astra.Fixtures.ORG_ID;
import static dev.astravault.internal.astra.Fixtures.json;
import static dev.astravault.internal.astra.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraRateLimitedException;
import dev.astravault.AstraServerException;
import dev.astravault.AstraUnavailableException;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.random.RandomGenerator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Back-off is asserted through the recorded sleeps; nothing here waits for real. */
class OkHttpAstraDevOpsRetryTest {
  private static final String ORG = "{\"id\":\"" + ORG_ID + "\"}";

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

  private static MockResponse tooManyRequests(String retryAfter) {
    return new MockResponse.Builder().code(429).addHeader("Retry-After", retryAfter).build();
  }

  @Test
  void getHonoursRetryAfterSeconds() {
    server.enqueue(tooManyRequests("3"));
    server.enqueue(json(200, ORG));

    assertThat(astra.currentOrgId()).isEqualTo(ORG_ID);
    assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(3));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void deleteHonoursRetryAfterHttpDate() {
    String inFiveSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(5).atOffset(ZoneOffset.UTC));
    server.enqueue(tooManyRequests(inFiveSeconds));
    server.enqueue(status(204));

    assertThat(astra.deleteToken(CLIENT_ID)).isTrue();
    assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void getHonoursRetryAfterHttpDateAndTreatsPastDatesAsNow() {
    server.enqueue(tooManyRequests("Mon, 02 Nov 2026 10:15:37 GMT"));
    server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "Sun, 01 Nov 2026 00:00:00 GMT")
        .build());
    server.enqueue(json(200, ORG));

    assertThat(astra.currentOrgId()).isEqualTo(ORG_ID);
    assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(7), Duration.ZERO);
  }

  @Test
  void honouredRetryAfterIsCappedAtThePolicyCap() {
    server.enqueue(tooManyRequests("86400"));
    server.enqueue(tooManyRequests("99999999999999999999999"));
    server.enqueue(json(200, ORG));

    astra.currentOrgId();

    assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  @Test
  void unparseableRetryAfterFallsBackToBackoff() {
    server.enqueue(tooManyRequests("soon"));
    server.enqueue(json(200, ORG));

    astra.currentOrgId();

    assertThat(sleeper.sleeps()).containsExactly(Duration.ofMillis(250));
  }

  @Test
  void gatewayErrorsAndIoErrorsAreRetriedWithExponentialBackoff() {
    server.enqueue(status(502));
    server.enqueue(status(503));
    server.enqueue(Fixtures.dropAfterRequest());
    server.enqueue(json(200, ORG));

    assertThat(astra.currentOrgId()).isEqualTo(ORG_ID);
    assertThat(sleeper.sleeps())
        .containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000));
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void deleteRetries504ThenSucceeds() {
    server.enqueue(status(504));
    server.enqueue(status(200));

    assertThat(astra.deleteToken(CLIENT_ID)).isTrue();
    assertThat(sleeper.sleeps()).containsExactly(Duration.ofMillis(250));
  }

  @Test
  void deleteRetriesAfterDroppedConnection() {
    server.enqueue(Fixtures.dropAfterRequest());
    server.enqueue(status(404));

    assertThat(astra.deleteToken(CLIENT_ID)).isFalse();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void exhaustedServerErrorsReportTheLastStatus() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(json(503, "{\"errors\":[{\"ID\":2000,\"message\":\"try later\"}]}"));
    }
    server.enqueue(json(200, ORG));

    AstraServerException e = catchThrowableOfType(AstraServerException.class, () -> astra.listTokens());

    assertThat(e.status()).isEqualTo(503);
    assertThat(e.astraErrorId()).hasValue(2000);
    assertThat(e).hasMessage(
        "Astra DevOps API GET /v2/clientIdSecrets failed: HTTP 503 (Astra error 2000) after 4 attempts");
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(sleeper.sleeps()).hasSize(3);
  }

  @Test
  void exhaustedRateLimitKeepsRetryAfter() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(tooManyRequests("2"));
    }

    AstraRateLimitedException e = catchThrowableOfType(AstraRateLimitedException.class,
        () -> astra.deleteToken(CLIENT_ID));

    assertThat(e.status()).isEqualTo(429);
    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(2));
    assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2),
        Duration.ofSeconds(2));
  }

  @Test
  void exhaustedIoErrorsAreUnavailable() {
    for (int i = 0; i < 4; i++) {
      server.enqueue(Fixtures.dropAfterRequest());
    }

    AstraUnavailableException e = catchThrowableOfType(AstraUnavailableException.class, () -> astra.listRoles());

    assertThat(e).isExactlyInstanceOf(AstraUnavailableException.class)
        .hasMessageStartingWith("Astra DevOps API GET /v2/organizations/roles failed after 4 attempts")
        .hasCauseInstanceOf(IOException.class);
    assertThat(server.getRequestCount()).isEqualTo(4);
    assertThat(sleeper.sleeps()).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 409, 500, 501})
  void otherStatusesAreNotRetried(int code) {
    server.enqueue(status(code));
    server.enqueue(json(200, ORG));

    catchThrowableOfType(RuntimeException.class, () -> astra.role("r"));

    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeper.sleeps()).isEmpty();
  }

  @Test
  void jitterIsDrawnFromTheInjectedGenerator() throws IOException {
    RandomGenerator zero = new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public long nextLong(long bound) {
        return 0;
      }
    };
    AstraDevOps jitterless = OkHttpAstraDevOps.create(AstraClientSettings.builder()
        .baseUrl(server.url("/").toString()).rootToken(Fixtures.ROOT_TOKEN).random(zero).sleeper(sleeper).build());
    server.enqueue(status(503));
    server.enqueue(json(200, ORG));

    jitterless.currentOrgId();

    assertThat(sleeper.sleeps()).containsExactly(Duration.ZERO);
  }

  @Test
  void policyBoundsTheAttempts() throws IOException {
    AstraDevOps twice = OkHttpAstraDevOps.create(Fixtures.settings(server, new Fixtures.RecordingSleeper())
        .retryPolicy(RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(5))).build());
    for (int i = 0; i < 3; i++) {
      server.enqueue(status(502));
    }

    AstraServerException e = catchThrowableOfType(AstraServerException.class, () -> twice.currentOrgId());

    assertThat(e.status()).isEqualTo(502);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void interruptionDuringBackoffStopsTheCall() throws IOException {
    AstraDevOps interrupted = OkHttpAstraDevOps.create(AstraClientSettings.builder()
        .baseUrl(server.url("/").toString()).rootToken(Fixtures.ROOT_TOKEN)
        .sleeper(d -> {
          throw new InterruptedException("test");
        }).build());
    server.enqueue(status(503));
    server.enqueue(json(200, ORG));

    try {
      AstraUnavailableException e = catchThrowableOfType(AstraUnavailableException.class,
          () -> interrupted.currentOrgId());
      assertThat(e).hasMessageContaining("interrupted").hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void authenticationFailuresAreNeverRetried() {
    server.enqueue(json(401, "{\"errors\":[{\"ID\":340018,\"message\":\"Resource not found: token\"}]}"));

    AstraAuthenticationException e = catchThrowableOfType(AstraAuthenticationException.class,
        () -> astra.listTokens());

    assertThat(e.astraErrorId()).hasValue(340018);
    assertThat(sleeper.sleeps()).isEmpty();
  }
}
