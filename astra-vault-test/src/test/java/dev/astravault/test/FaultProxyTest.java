package dev.astravault.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.test.FaultProxy.Answer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test kit's fault-injecting proxy does what its Javadoc says, in front of FakeAstra. */
class FaultProxyTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  // A deadline far above any answer on a loaded machine for calls that must succeed (the first call of the class
  // loads OkHttp on both sides: 500 ms timed out under load); a short one where the deadline itself is the test.
  private final OkHttpClient http = new OkHttpClient.Builder().retryOnConnectionFailure(false)
      .callTimeout(Duration.ofSeconds(30)).build();
  private final OkHttpClient impatient = http.newBuilder().callTimeout(Duration.ofMillis(500)).build();
  private FaultProxy proxy;

  @BeforeEach
  void start() {
    proxy = FaultProxy.to(astra.url());
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  private Request create() {
    return new Request.Builder().url(proxy.url().resolve("/v2/clientIdSecrets"))
        .header("Authorization", "Bearer " + astra.defaultOrg().rootToken())
        .post(RequestBody.create("{\"roles\":[\"" + astra.roleId("API RO Svc Acct") + "\"]}",
            MediaType.get("application/json"))).build();
  }

  private Request list() {
    return new Request.Builder().url(proxy.url().resolve("/v2/clientIdSecrets"))
        .header("Authorization", "Bearer " + astra.defaultOrg().rootToken()).build();
  }

  @Test
  void withoutRulesRequestsPassThrough() throws IOException {
    try (Response r = http.newCall(create()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().string()).contains("\"clientId\"");
    }
    assertThat(astra.liveTokens()).hasSize(1);
    assertThat(proxy.forwardedCount()).isEqualTo(1);
    assertThat(proxy.injected()).isEmpty();
  }

  @Test
  void forwardThenAStatusLetsAstraDoTheWorkAndHidesIt() throws IOException {
    proxy.on("POST", "/v2/clientIdSecrets").forwardThen(Answer.status(504));
    try (Response r = http.newCall(create()).execute()) {
      assertThat(r.code()).isEqualTo(504);
    }
    assertThat(astra.liveTokens()).hasSize(1);
    assertThat(proxy.injected()).singleElement().satisfies(i -> {
      assertThat(i.forwarded()).isTrue();
      assertThat(i.answer()).hasToString("status(504)");
    });
    // Used up: the next request passes.
    try (Response r = http.newCall(create()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
  }

  @Test
  void insteadNeverReachesAstraAndRulesMatchByMethodAndPrefix() throws IOException {
    proxy.on("POST", "/v2/").times(2).instead(Answer.status(503));
    try (Response r = http.newCall(list()).execute()) {
      assertThat(r.code()).as("a GET does not match a POST rule").isEqualTo(200);
    }
    for (int i = 0; i < 2; i++) {
      try (Response r = http.newCall(create()).execute()) {
        assertThat(r.code()).isEqualTo(503);
      }
    }
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(proxy.pendingRules()).isZero();
  }

  @Test
  void aResetAndAHalfBodyAreIoErrorsAfterTheWorkWasDone() {
    proxy.on("POST", "/v2/clientIdSecrets").forwardThen(Answer.reset());
    assertThatThrownBy(() -> http.newCall(create()).execute().close()).isInstanceOf(IOException.class);
    proxy.on("POST", "/v2/clientIdSecrets").forwardThen(Answer.halfBody());
    assertThatThrownBy(() -> {
      try (Response r = http.newCall(create()).execute()) {
        r.body().string();
      }
    }).isInstanceOf(IOException.class);
    assertThat(astra.liveTokens()).hasSize(2);
  }

  @Test
  void silenceLastsUntilTheClientsDeadline() {
    proxy.on(null, "/v2/").always().forwardThen(Answer.stall());
    assertThatThrownBy(() -> impatient.newCall(create()).execute().close()).isInstanceOf(InterruptedIOException.class);
    proxy.clear();
    proxy.on("GET", "/v2/").forwardThen(Answer.stallBody());
    assertThatThrownBy(() -> {
      try (Response r = impatient.newCall(list()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        r.body().string();
      }
    }).isInstanceOf(InterruptedIOException.class);
    assertThat(astra.liveTokens()).hasSize(1);
  }

  @Test
  void anEndlessBodyKeepsComingUntilTheClientStops() throws IOException {
    proxy.on("GET", "/v2/clientIdSecrets").instead(Answer.endlessBody());
    try (Response r = http.newCall(list()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      BufferedSource source = r.body().source();
      assertThat(source.request(4L * 1024 * 1024)).as("4 MiB and more").isTrue();
    }
  }

  @Test
  void aRewrittenBodyIsTheUpstreamsAnswerWithTheLieInIt() throws IOException {
    proxy.on("POST", "/v2/clientIdSecrets").forwardThen(Answer.rewrittenBody(b -> b.replace("\"clientId\"",
        "\"clientId\":null,\"was\"")));
    try (Response r = http.newCall(create()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).startsWith("application/json");
      String body = r.body().string();
      assertThat(body).startsWith("{").contains("\"clientId\":null,\"was\":\"");
      assertThat(r.body().contentLength()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
    }
    assertThat(astra.liveTokens()).as("the upstream did the work").hasSize(1);
    assertThat(proxy.injected()).singleElement().satisfies(i -> assertThat(i.answer()).hasToString("rewrittenBody"));
  }

  /**
   * Status lines keep Go's reason phrases through the proxy, forwarded or its own: the Vault plugin quotes Astra's
   * status line in its errors ("unable to delete token in astra; 429 Too Many Requests"), so a proxy that rewrote
   * them ("429 Status") would show clients a line no real server sends.
   */
  @Test
  void reasonPhrasesAreGosForwardedOrOwn() throws IOException {
    Request unauthorized = new Request.Builder().url(proxy.url().resolve("/v2/clientIdSecrets"))
        .header("Authorization", "Bearer AstraCS:notarealtoken")
        .post(RequestBody.create("{}", MediaType.get("application/json"))).build();  // a POST: never shed
    try (Response r = http.newCall(unauthorized).execute()) {
      assertThat(r.code()).isEqualTo(400);
      assertThat(r.message()).isEqualTo("Bad Request");
    }
    Request missing = new Request.Builder().url(proxy.url().resolve("/v2/clientIdSecrets/NoSuchClientIdNoSuchClien"))
        .header("Authorization", "Bearer " + astra.defaultOrg().rootToken()).delete().build();
    try (Response r = http.newCall(missing).execute()) {
      assertThat(r.code()).isIn(404, 429, 503);  // a varied fake may shed a DELETE
      assertThat(r.message()).isEqualTo(dev.astravault.test.internal.StatusLine.reason(r.code())).isNotEmpty();
    }
    for (int status : new int[] {401, 403, 429, 409}) {
      proxy.on("GET", "/v2/currentOrg").instead(Answer.status(status));
      Request current = new Request.Builder().url(proxy.url().resolve("/v2/currentOrg")).build();
      try (Response r = http.newCall(current).execute()) {
        assertThat(r.code()).isEqualTo(status);
        assertThat(r.message()).isEqualTo(dev.astravault.test.internal.StatusLine.reason(status));
      }
    }
  }

  /** The upstream sees the client's headers, not the proxy's HTTP client's: no User-Agent the client never sent. */
  @Test
  void theUpstreamSeesNoHeaderTheClientDidNotSend() throws IOException {
    Request bare = new Request.Builder().url(proxy.url().resolve("/v2/currentOrg"))
        .header("Authorization", "Bearer " + astra.defaultOrg().rootToken()).build();
    try (Socket socket = new Socket(proxy.url().host(), proxy.url().port())) {
      socket.getOutputStream().write(("GET /v2/currentOrg HTTP/1.1\r\nHost: x\r\nAuthorization: "
          + bare.header("Authorization") + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      String head = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(head).startsWith("HTTP/1.1 ");
    }
    assertThat(astra.requests()).last().satisfies(call -> {
      assertThat(call.path()).isEqualTo("/v2/currentOrg");
      assertThat(call.header("User-Agent")).as("the client sent none").isEmpty();
      assertThat(call.header("Accept-Encoding")).as("the client sent none").isEmpty();
    });
  }

  /** A client's {@code Accept-Encoding} reaches the upstream as sent, not replaced by the proxy's HTTP client's. */
  @Test
  void theUpstreamSeesTheClientsAcceptEncodingAsSent() throws IOException {
    try (Socket socket = new Socket(proxy.url().host(), proxy.url().port())) {
      socket.getOutputStream().write(("GET /v2/currentOrg HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + astra.defaultOrg().rootToken() + "\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 ");
    }
    assertThat(astra.requests()).last().satisfies(call ->
        assertThat(call.header("Accept-Encoding")).contains("identity"));
  }

  /**
   * An upstream's gzip answer to a client that asked for gzip reaches the client as the upstream sent it, with its
   * {@code Content-Encoding}: the proxy neither inflates it nor leaves the header out.
   */
  @Test
  void aGzipAnswerTheClientAskedForPassesThroughEncoded() throws Exception {
    okio.Buffer gzipped = new okio.Buffer();
    try (okio.BufferedSink sink = okio.Okio.buffer(new okio.GzipSink(gzipped))) {
      sink.writeUtf8("{\"orgId\":\"gz\"}");
    }
    byte[] compressed = gzipped.readByteArray();
    try (mockwebserver3.MockWebServer upstream = new mockwebserver3.MockWebServer()) {
      upstream.enqueue(new mockwebserver3.MockResponse.Builder().code(200).addHeader("Content-Encoding", "gzip")
          .addHeader("Content-Type", "application/json").body(new okio.Buffer().write(compressed)).build());
      upstream.start();
      try (FaultProxy gz = FaultProxy.to(upstream.url("/"))) {
        Request get = new Request.Builder().url(gz.url().resolve("/v2/currentOrg"))
            .header("Accept-Encoding", "gzip").build();   // asked for by hand: OkHttp leaves the body encoded
        try (Response r = http.newCall(get).execute()) {
          assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
          assertThat(r.body().bytes()).isEqualTo(compressed);
        }
        assertThat(upstream.takeRequest().getHeaders().get("Accept-Encoding")).isEqualTo("gzip");

        // A lie written into such an answer is written into its text, and sent encoded as the upstream's was.
        upstream.enqueue(new mockwebserver3.MockResponse.Builder().code(200).addHeader("Content-Encoding", "gzip")
            .body(new okio.Buffer().write(compressed)).build());
        gz.on("GET", "/v2/currentOrg").forwardThen(Answer.rewrittenBody(b -> b.replace("gz", "lie")));
        try (Response r = http.newCall(get).execute()) {
          assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
          try (okio.BufferedSource text = okio.Okio.buffer(new okio.GzipSource(r.body().source()))) {
            assertThat(text.readUtf8()).isEqualTo("{\"orgId\":\"lie\"}");
          }
        }
      }
    }
  }

  @Test
  void rulesFailFast() {
    assertThatThrownBy(() -> proxy.on("GET", "v2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> proxy.on("GET", "/v2").times(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> proxy.on("GET", "/v2").instead(Answer.halfBody()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forwardThen");
    assertThatThrownBy(() -> proxy.on("GET", "/v2").instead(Answer.rewrittenBody(b -> b)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forwardThen");
    assertThatThrownBy(() -> Answer.status(600)).isInstanceOf(IllegalArgumentException.class);
  }
}
