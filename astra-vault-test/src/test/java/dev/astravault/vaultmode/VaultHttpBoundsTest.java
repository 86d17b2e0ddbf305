package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.astravault.internal.vault.VaultReply;
import dev.astravault.internal.vault.VaultSession;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultResponseTooLargeException;
import dev.astravault.vault.VaultUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every exchange with Vault is bounded: a body past {@link VaultConfig.Builder#maxResponseBytes(long)} is cancelled
 * as it arrives (an endless one included), the whole exchange (headers and body) ends at the read timeout, driven
 * here by hand on a {@link ManualScheduler}, and one session reuses its connections, over TLS too.
 *
 * <p>The {@code @Timeout} only turns a regression (a call that no bound ends) into a failure instead of a hang: no
 * test waits for it.
 */
@Timeout(30)
class VaultHttpBoundsTest {
  private static final int CAP = 4096;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  private static final String VAULT_TOKEN = "hvs.CAESIBoundsTestTokenXq3vT9mKpL2wRz8YdF0nHcJ";
  private static final String PATH = "secret/app";

  private final MockWebServer server = new MockWebServer();
  private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private final ManualScheduler deadlines = new ManualScheduler(clock);
  /** Releases the fake server's endless writers when a test ends. */
  private final CountDownLatch testOver = new CountDownLatch(1);
  private VaultSession session;

  @BeforeEach
  void start() throws IOException {
    server.start();
    session = session(URI.create(server.url("/").toString()), b -> { });
  }

  @AfterEach
  void stop() {
    testOver.countDown();
    server.close();
  }

  private VaultSession session(URI address, java.util.function.Consumer<VaultConfig.Builder> more) {
    VaultConfig.Builder b = VaultConfig.builder(address).auth(VaultAuth.tokenSource(() -> VAULT_TOKEN))
        .maxResponseBytes(CAP).readTimeout(READ_TIMEOUT);
    more.accept(b);
    return new VaultSession(b.build(), clock, deadlines);
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build();
  }

  private static String secretOfSize(int bytes) {
    String head = "{\"data\":{\"value\":\"";
    String tail = "\"}}";
    return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
  }

  private VaultReply read() {
    return session.read("reading " + PATH, PATH);
  }

  @Test
  void aBodyAtTheCapIsReadAndOneBeyondIsRefusedNamingTheCallAndTheLimit() {
    server.enqueue(json(secretOfSize(CAP)));
    assertThat(read().status()).isEqualTo(200);

    server.enqueue(json(secretOfSize(CAP + 1)));
    VaultResponseTooLargeException declared = catchThrowableOfType(VaultResponseTooLargeException.class, this::read);
    assertThat(declared.limit()).isEqualTo(CAP);
    assertThat(declared.status()).isEqualTo(200);
    assertThat(declared).hasMessage("reading secret/app: Vault answered HTTP 200 with a body larger than the limit "
        + "of 4096 bytes; it was not read");
    assertNoSecretIn(declared);

    // Without a declared length the bytes are counted as they come.
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .chunkedBody(secretOfSize(CAP * 50), 1000).build());
    VaultResponseTooLargeException counted = catchThrowableOfType(VaultResponseTooLargeException.class, this::read);
    assertThat(counted.limit()).isEqualTo(CAP);
    assertNoSecretIn(counted);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void anErrorStatusWithAnOversizedBodyIsRefusedToo() {
    server.enqueue(new MockResponse.Builder().code(500).setHeader("Content-Type", "application/json")
        .body("{\"errors\":[\"" + "e".repeat(CAP) + "\"]}").build());
    VaultResponseTooLargeException e = catchThrowableOfType(VaultResponseTooLargeException.class, this::read);
    assertThat(e.status()).isEqualTo(500);
  }

  /**
   * A body that never ends fails by bytes, not by time: the read timeout is never advanced here, so only the cap can
   * end the call; and the client closes the connection, so the server's writer fails instead of filling a buffer.
   */
  @Test
  void anEndlessBodyIsCancelledAtTheCapNotBuffered() throws InterruptedException {
    AtomicLong written = new AtomicLong();
    CountDownLatch writerStopped = new CountDownLatch(1);
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .body(new MockResponseBody() {
          @Override
          public long getContentLength() {
            return -1;
          }

          @Override
          public void writeTo(BufferedSink sink) throws IOException {
            byte[] chunk = " ".repeat(16 * 1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            try {
              sink.writeUtf8("{\"data\":{\"value\":\"");
              while (testOver.getCount() > 0) {
                sink.write(chunk);
                sink.flush();
                written.addAndGet(chunk.length);
              }
            } finally {
              writerStopped.countDown();
            }
          }
        }).build());

    VaultResponseTooLargeException e = catchThrowableOfType(VaultResponseTooLargeException.class, this::read);
    assertThat(e.limit()).isEqualTo(CAP);
    assertNoSecretIn(e);
    assertThat(writerStopped.await(20, TimeUnit.SECONDS)).as("the server's writer saw the connection close").isTrue();
    // What the socket buffers took before the close, nowhere near endless.
    assertThat(written.get()).isLessThan(64L * 1024 * 1024);
    assertThat(deadlines.pendingCount()).isZero();
  }

  /** A body that stalls after its first bytes (JDK 17's own request timeout ends with the headers). */
  @Test
  void aBodyThatTricklesForeverFailsAtTheReadTimeout() throws Exception {
    CountDownLatch bodyStarted = new CountDownLatch(1);
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .setHeader("Content-Length", "4000")
        .body(new MockResponseBody() {
          @Override
          public long getContentLength() {
            return 4000;
          }

          @Override
          public void writeTo(BufferedSink sink) throws IOException {
            sink.writeUtf8("{\"data\":{");
            sink.flush();
            bodyStarted.countDown();
            // One byte now and then until the test is over: the fake's pace, not a wait of the test.
            try {
              while (!testOver.await(200, TimeUnit.MILLISECONDS)) {
                sink.writeUtf8(" ");
                sink.flush();
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }).build());

    CompletableFuture<VaultReply> call = CompletableFuture.supplyAsync(this::read);
    assertThat(bodyStarted.await(20, TimeUnit.SECONDS)).isTrue();
    expireTheReadTimeout(call);

    Throwable t = outcome(call);
    assertThat(t).isInstanceOf(VaultUnavailableException.class)
        .hasMessageContaining("reading secret/app: Vault is unreachable: the exchange passed the read timeout");
    assertThat(((VaultUnavailableException) t).reason()).isEqualTo(VaultUnavailableException.Reason.UNREACHABLE);
    assertNoSecretIn(t);

    // The timed-out exchange's connection was closed, not returned to the pool half read.
    server.enqueue(json("{\"data\":{}}"));
    assertThat(read().status()).isEqualTo(200);
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isEqualTo(1);
  }

  @Test
  void aServerThatNeverAnswersFailsAtTheReadTimeout() throws Exception {
    server.enqueue(new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build());

    CompletableFuture<VaultReply> call = CompletableFuture.supplyAsync(this::read);
    server.takeRequest();
    expireTheReadTimeout(call);

    assertThat(outcome(call)).isInstanceOf(VaultUnavailableException.class)
        .hasMessageContaining("passed the read timeout");
  }

  /** The deadline is scheduled before the request leaves, so once the server has it, moving time is enough. */
  private void expireTheReadTimeout(CompletableFuture<VaultReply> call) {
    deadlines.advance(READ_TIMEOUT.minusSeconds(1));
    assertThat(call).isNotDone();
    assertThat(deadlines.advance(Duration.ofSeconds(1))).isEqualTo(1);
  }

  private static Throwable outcome(CompletableFuture<VaultReply> call) throws InterruptedException {
    try {
      call.get(20, TimeUnit.SECONDS);
      throw new AssertionError("the call succeeded");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the call did not end at its read timeout", e);
    }
  }

  @Test
  void oneSessionReusesItsConnectionAndEachFinishedCallCancelsItsDeadline() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json("{\"data\":{\"value\":\"v" + i + "\"}}"));
    }
    for (int i = 0; i < 3; i++) {
      assertThat(read().status()).isEqualTo(200);
    }
    for (int i = 0; i < 3; i++) {
      RecordedRequest r = server.takeRequest();
      assertThat(r.getConnectionIndex()).as("request %d", i).isZero();
      assertThat(r.getHeaders().get("X-Vault-Token")).isEqualTo(VAULT_TOKEN);
    }
    assertThat(deadlines.pendingCount()).isZero();
    assertThat(deadlines.advance(Duration.ofHours(1))).isZero();
  }

  @Test
  void aCancelledBodyClosesItsConnectionAndTheNextCallOpensAnother() throws InterruptedException {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .chunkedBody(secretOfSize(CAP * 4), 1000).build());
    server.enqueue(json("{\"data\":{}}"));
    catchThrowableOfType(VaultResponseTooLargeException.class, this::read);
    assertThat(read().status()).isEqualTo(200);
    assertThat(server.takeRequest().getConnectionIndex()).isZero();
    assertThat(server.takeRequest().getConnectionIndex()).isEqualTo(1);
  }

  @Test
  void overTlsWithAPrivateCaTheConnectionIsReusedToo() throws Exception {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).rsa2048().build();
    HeldCertificate cert = new HeldCertificate.Builder().rsa2048().signedBy(ca)
        .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1")
        .addSubjectAlternativeName(VaultTlsTest.hostName()).build();
    try (MockWebServer https = new MockWebServer()) {
      https.useHttps(new HandshakeCertificates.Builder().heldCertificate(cert, ca.certificate()).build()
          .sslSocketFactory());
      https.start();
      https.enqueue(json("{\"data\":{}}"));
      https.enqueue(json("{\"data\":{}}"));
      VaultSession tls = session(URI.create(https.url("/").toString()), b -> b.caPem(ca.certificatePem()));
      assertThat(tls.read("r", PATH).status()).isEqualTo(200);
      assertThat(tls.read("r", PATH).status()).isEqualTo(200);
      assertThat(https.takeRequest().getConnectionIndex()).isZero();
      assertThat(https.takeRequest().getConnectionIndex()).isZero();

      VaultSession untrusting = session(URI.create(https.url("/").toString()), b -> { });
      assertThat(catchThrowable(() -> untrusting.read("r", PATH))).isInstanceOf(VaultUnavailableException.class)
          .hasMessageContaining("TLS handshake failed");
    }
  }

  /**
   * Pins what was already right: a 307 (a standby with forwarding off, or anything answering at Vault's address) is
   * never followed, on any call, so the token never goes to the host it names; it is a typed standby error.
   */
  @Test
  void aRedirectToAnotherHostIsNeverFollowedSoTheTokenStaysHome() throws IOException {
    try (MockWebServer other = new MockWebServer()) {
      other.start();
      for (int i = 0; i < 4; i++) {
        server.enqueue(new MockResponse.Builder().code(307).setHeader("Location", other.url("/v1/" + PATH))
            .body("{\"errors\":[]}").build());
      }
      List<Runnable> calls = List.of(this::read, () -> session.write("w", PATH, Map.of("a", "b")),
          () -> session.list("l", PATH), () -> session.delete("d", PATH));
      for (Runnable call : calls) {
        VaultUnavailableException e = catchThrowableOfType(VaultUnavailableException.class, call::run);
        assertThat(e.reason()).isEqualTo(VaultUnavailableException.Reason.STANDBY);
        assertThat(e).hasMessageContaining("HTTP 307");
        assertNoSecretIn(e);
      }
      assertThat(server.getRequestCount()).isEqualTo(4);
      assertThat(other.getRequestCount()).isZero();
    }
  }

  @Test
  void theCapFailsFastOnBadValues() {
    VaultConfig.Builder b = VaultConfig.builder(URI.create("http://vault:8200"));
    assertThat(catchThrowable(() -> b.maxResponseBytes(1023))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxResponseBytes must be at least 1024: 1023");
    VaultConfig c = b.auth(VaultAuth.token(VAULT_TOKEN)).build();
    assertThat(c.maxResponseBytes()).isEqualTo(VaultConfig.DEFAULT_MAX_RESPONSE_BYTES).isEqualTo(8L * 1024 * 1024);
    assertThat(c.toBuilder().maxResponseBytes(2048).build().maxResponseBytes()).isEqualTo(2048);
    assertThat(c.toBuilder().build().maxResponseBytes()).isEqualTo(c.maxResponseBytes());
  }

  private static void assertNoSecretIn(Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).doesNotContain(VAULT_TOKEN).doesNotContain("BoundsTestToken");
  }
}
