package dev.astravault.benchmarks;

import dev.astravault.AstraToken;
import dev.astravault.AuditSink;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * P2's gap without the network: {@code issue} against the same raw OkHttp call as {@link IssueVsRawPostBenchmark},
 * with both clients answered in process by one interceptor (Astra's create response, a fresh client id and
 * {@code sha256(secret)} per call, so both sides pay the same for it). What is left between the two is the library's
 * own CPU per issue (its request and response handling and the engine), measured without the loopback round trip
 * whose run-to-run spread hides it in {@link IssueVsRawPostBenchmark}. {@code rawCallWithDeadline} isolates what
 * OkHttp's call deadline ({@code callTimeout}, which every library call carries) costs per call.
 *
 * <p>A diagnostic, not a goal's measure: the issue side varies several-fold between iterations of one fork (the
 * store grows by a hundred thousand leases or more per iteration); {@code issueAndRevoke}, whose store stays nearly
 * empty, does not (docs/benchmarks-history.md).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar IssueOffWireBenchmark -f 3 -wi 5 -i 5 -w 2s -r 2s -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IssueOffWireBenchmark {
  private static final String ORG = "bench";
  private static final String ROLE = "reader";
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final String ROOT_TOKEN = "AstraCS:" + "A".repeat(24) + ":" + "0".repeat(64);

  private String orgId;
  private String roleId;
  private OkHttpClient http;
  private OkHttpClient httpWithDeadline;
  private TokenManager tokens;
  private TokenRequest request;
  private Request rawRequest;

  /** Answers every call as Astra answers a create, without a socket. Not thread-safe: one benchmark thread. */
  static final class AstraCreateAnswer implements Interceptor {
    private final String orgId;
    private final MessageDigest sha256;
    private long counter;

    AstraCreateAnswer(String orgId) throws NoSuchAlgorithmException {
      this.orgId = orgId;
      this.sha256 = MessageDigest.getInstance("SHA-256");
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      RequestBody body = request.body();
      if (body != null) {
        body.writeTo(new Buffer());   // a server reads the request: both sides pay for writing it
      }
      long n = ++counter;
      char[] id = new char[24];
      for (int i = 0; i < 24; i++, n /= 26) {
        id[i] = (char) ('a' + (n % 26));
      }
      String clientId = new String(id);
      String secret = "bench-secret-" + clientId + "-" + Long.toHexString(counter);
      String hex = HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.US_ASCII)));
      String json = "{\"clientId\":\"" + clientId + "\",\"roles\":[],\"orgId\":\"" + orgId + "\",\"token\":\"AstraCS:"
          + clientId + ":" + hex + "\",\"secret\":\"" + secret + "\",\"generatedOn\":\"2026-12-05T00:00:00.000Z\"}";
      return new Response.Builder().request(request).protocol(Protocol.HTTP_1_1).code(200).message("OK")
          // Bytes, not ResponseBody.create(String): Okio's writeUtf8 stayed interpreted for seconds in some forks and
          // made this fake, not the library, the hot spot of the issue side.
          .body(ResponseBody.create(json.getBytes(StandardCharsets.UTF_8), JSON)).build();
    }
  }

  @Setup(Level.Trial)
  public void start() throws NoSuchAlgorithmException {
    orgId = UUID.randomUUID().toString();
    roleId = UUID.randomUUID().toString();
    http = new OkHttpClient.Builder().addInterceptor(new AstraCreateAnswer(orgId)).build();
    httpWithDeadline = http.newBuilder().callTimeout(Duration.ofSeconds(30)).build();
    request = TokenRequest.forRole(ROLE).org(ORG).perRequest().build();
    rawRequest = new Request.Builder().url("http://127.0.0.1:9/v2/clientIdSecrets")
        .header("Authorization", "Bearer " + ROOT_TOKEN)
        .post(RequestBody.create(("{\"roles\":[\"" + roleId + "\"],\"description\":\"astra-vault:0123456789ab:astra/"
            + orgId + "/" + ROLE + "/abcdefghijklmnopqrstuvwx\",\"tokenExpiry\":\"2026-12-06T00:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8), JSON))
        .build();
  }

  @Setup(Level.Iteration)
  public void openManager() {
    OrgConfig org = OrgConfig.builder().orgId(orgId).rootToken(ROOT_TOKEN).url(URI.create("http://127.0.0.1:9"))
        .logicalName(ORG).build();
    tokens = TokenManager.builder().clock(Clock.systemUTC()).httpClient(http).org(org)
        .auditSink(AuditSink.noop()).sweepInterval(Duration.ZERO).revokeManagedOnClose(false).build();
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(roleId)
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(24)).build());
  }

  @TearDown(Level.Iteration)
  public void closeManager() {
    tokens.close();
  }

  @Benchmark
  public AstraToken issue() {
    return tokens.issue(request);
  }

  /** An issue and its revoke: two calls, and a store that stays nearly empty, unlike {@link #issue}'s. */
  @Benchmark
  public AstraToken issueAndRevoke() {
    AstraToken t = tokens.issue(request);
    tokens.revoke(t.lease().leaseId());
    return t;
  }

  @Benchmark
  public int rawCall() throws IOException {
    return call(http);
  }

  @Benchmark
  public int rawCallWithDeadline() throws IOException {
    return call(httpWithDeadline);
  }

  private int call(OkHttpClient client) throws IOException {
    try (Response response = client.newCall(rawRequest).execute()) {
      if (response.code() != 200) {
        throw new IllegalStateException("HTTP " + response.code());
      }
      return response.body().bytes().length;
    }
  }
}
