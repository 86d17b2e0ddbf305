package dev.astravault.internal.astra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;

/** Shared test data shaped like the DevOps API's real bodies (see astra-devops-api-notes.md). */
final class Fixtures {
  static final String ROOT_TOKEN =
      "AstraCS:RootRootRootRootRootRoot:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final String OTHER_ROOT_TOKEN =
      "AstraCS:OtherOtherOtherOtherOther:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
  static final String ORG_ID = "dccb8c32-cc2a-4bea-bd95-47ab8eb20510";
  static final String ROLE_ID = "21ef3576-0197-415a-b167-d510af12ecf0";
  static final String CLIENT_ID = "zjCEYwRGWocLfQJHBNQxvorr";
  /** Shaped like Astra's secrets, including the {@code + , . - _} characters they contain. */
  static final String SECRET = "SLR.cllL1YzfKhwvq,hb.3J2S0CbRbHz+,xuwm2O97.ZpHcYvCsnlrTyl8w1pH-0_x";
  static final String TOKEN = OkHttpAstraDevOps.expectedToken(CLIENT_ID, SECRET);
  /** "Now" for every test client, so that HTTP-date Retry-After waits are exact. */
  static final Instant NOW = Instant.parse("2026-11-02T10:15:30Z");

  private Fixtures() {}

  static String createResponse(String clientId, String secret, String token) {
    return "{\"clientId\":\"" + clientId + "\",\"secret\":\"" + secret + "\",\"orgId\":\"" + ORG_ID + "\","
        + "\"roles\":[\"" + ROLE_ID + "\"],\"token\":\"" + token + "\","
        + "\"generatedOn\":\"2025-09-02T19:18:10.799083554Z\",\"someFutureField\":{\"x\":1}}";
  }

  static String createResponse() {
    return createResponse(CLIENT_ID, SECRET, TOKEN);
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  static MockResponse status(int code) {
    return new MockResponse.Builder().code(code).build();
  }

  /** The server reads the whole request, then drops the connection without answering. */
  static MockResponse dropAfterRequest() {
    return new MockResponse.Builder().onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
  }

  /** The server reads the whole request and never answers (until it is closed). */
  static MockResponse stall() {
    return new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
  }

  /** Always draws the top of the jitter range, so back-off waits are exactly 250 ms, 500 ms, 1 s, ... */
  static final RandomGenerator MAX_JITTER = new RandomGenerator() {
    @Override
    public long nextLong() {
      return 0;
    }

    @Override
    public long nextLong(long bound) {
      return bound - 1;
    }
  };

  static AstraClientSettings.Builder settings(MockWebServer server, Sleeper sleeper) {
    return AstraClientSettings.builder()
        .baseUrl(server.url("/").toString())
        .rootToken(ROOT_TOKEN)
        .random(MAX_JITTER)
        .sleeper(sleeper)
        .clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** Records every back-off wait instead of spending it. */
  static final class RecordingSleeper implements Sleeper {
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public synchronized void sleep(Duration duration) {
      sleeps.add(duration);
    }

    synchronized List<Duration> sleeps() {
      return List.copyOf(sleeps);
    }
  }
}
