package dev.astravault.internal.astra;

import static dev.astravault.internal.astra.Fixtures.ROLE_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.astravault.AstraUnavailableException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The only tests that wait for real: a call timeout against a server that never answers. A second, not less: with
 * 200 ms the POST test failed once on a machine loaded by parallel builds, where a request the server has not read
 * yet when the call times out is not counted, and the count is what shows that a POST was not retried.
 */
@Timeout(20)
class OkHttpAstraDevOpsTimeoutTest {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);

  private final MockWebServer server = new MockWebServer();
  private final Fixtures.RecordingSleeper sleeper = new Fixtures.RecordingSleeper();
  private AstraDevOps astra;

  @BeforeEach
  void start() throws IOException {
    server.start();
    astra = OkHttpAstraDevOps.create(Fixtures.settings(server, sleeper)
        .callTimeout(CALL_TIMEOUT)
        .retryPolicy(RetryPolicy.of(2, Duration.ofMillis(250), Duration.ofSeconds(10)))
        .build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void hangingGetTimesOutEachAttemptAndIsRetried() {
    server.enqueue(Fixtures.stall());
    server.enqueue(Fixtures.stall());

    long started = System.nanoTime();
    AstraUnavailableException e = catchThrowableOfType(AstraUnavailableException.class, () -> astra.listTokens());
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    assertThat(e).isExactlyInstanceOf(AstraUnavailableException.class)
        .hasMessageContaining("failed after 2 attempts")
        .hasCauseInstanceOf(InterruptedIOException.class);
    assertThat(elapsed).isBetween(CALL_TIMEOUT.multipliedBy(2), Duration.ofSeconds(10));
    assertThat(sleeper.sleeps()).containsExactly(Duration.ofMillis(250));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void hangingPostIsAmbiguousAndNotRetried() throws IOException {
    warmUpClientClasses();
    server.enqueue(Fixtures.stall());
    server.enqueue(Fixtures.json(200, Fixtures.createResponse()));

    long started = System.nanoTime();
    AmbiguousCreateException e = catchThrowableOfType(AmbiguousCreateException.class,
        () -> astra.createToken(new CreateTokenRequest(List.of(ROLE_ID), null, "tag", null)));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    assertThat(e).hasCauseInstanceOf(InterruptedIOException.class);
    assertThat(elapsed).isBetween(CALL_TIMEOUT, Duration.ofSeconds(8));
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(sleeper.sleeps()).isEmpty();
  }

  /**
   * One answered call on another server and client, with the default timeout: on a cold JVM (JDK 25 in .ci/run's
   * matrix) on a loaded machine, loading OkHttp's classes could take much of the call timeout, and the POST would
   * time out before its request reached the server.
   */
  private static void warmUpClientClasses() throws IOException {
    try (MockWebServer warm = new MockWebServer()) {
      warm.start();
      warm.enqueue(Fixtures.json(200, "{\"clients\":[]}"));
      assertThat(OkHttpAstraDevOps.create(Fixtures.settings(warm, new Fixtures.RecordingSleeper()).build())
          .listTokens()).isEmpty();
    }
  }
}
