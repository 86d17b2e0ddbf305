package dev.astravault.benchmarks;

import dev.astravault.AstraToken;
import dev.astravault.AuditSink;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.internal.astra.AstraClientSettings;
import dev.astravault.store.InMemoryLeaseStore;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Goal P2 of issue 15: {@code issue} through the library against a raw OkHttp POST of the same bytes, to the same
 * local server ({@link NoDelayAstraServer}), with TCP_NODELAY on both ends. The goal is
 * {@code issue / rawPost ≤ 1.10} in the same run.
 *
 * <ul>
 *   <li>{@code issue}: {@code TokenManager.issue} of a per-request token, direct mode (the library's own
 *       {@code OkHttpAstraDevOps}), the in-memory lease store and {@code AuditSink.noop()}. One POST per issue (the
 *       run checks it). The lease is not revoked: a revoke would add a second round trip that the raw side does not
 *       make. Instead the manager is fresh for each iteration, so the store holds only that iteration's leases
 *       (tens of thousands at most) and is dropped with it.</li>
 *   <li>{@code rawPost}: a plain {@code OkHttpClient} (same socket factory, nothing else configured) posting the
 *       body and headers the library sent on its first issue, and reading the whole response body.</li>
 *   <li>{@code rawPostWithDeadline}: the same, with the library's call deadline ({@code callTimeout}).</li>
 *   <li>{@code rawPostThenSpin}: the raw POST, then the calling thread spins for {@code nanos} before the next one: a
 *       stand-in for the work any caller does between calls. A diagnostic for the unpinned reading: it shows what a
 *       microsecond of work on the caller's thread costs there, whoever's code it is.</li>
 *   <li>{@code issueSteadyStore}: {@code issue}, with the store held at {@value #STEADY} leases (the oldest dropped
 *       from the store after each issue, inside the measured operation: a conservative stand-in for a fleet's
 *       steady state, where expired leases are reaped). A diagnostic: the goal is read on {@code issue}.</li>
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar IssueVsRawPostBenchmark -f 3 -wi 5 -i 5 -w 3s -r 2s -prof gc</pre>
 * (three forks: single forks differ more from each other than the two sides do)
 *
 * <p>The library side needs a long warm-up (its first iterations run several times slower while the JIT compiles
 * the issue path), hence five warm-up iterations of 3 s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IssueVsRawPostBenchmark {
  private static final String ORG = "bench";
  private static final String ROLE = "reader";
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int STEADY = 10_000;

  private NoDelayAstraServer server;
  private String orgId;
  private String roleId;
  private OkHttpClient libraryHttp;
  private TokenManager tokens;
  private LeaseStore store;
  private final ArrayDeque<String> kept = new ArrayDeque<>();
  private TokenRequest request;
  private OkHttpClient rawHttp;
  private OkHttpClient rawHttpWithDeadline;
  private Request rawRequest;
  private long postsAtIterationStart;
  private long connectionsAtIterationStart;
  private long opsInIteration;

  @Setup(Level.Trial)
  public void start() throws IOException {
    orgId = UUID.randomUUID().toString();
    roleId = UUID.randomUUID().toString();
    server = new NoDelayAstraServer(orgId);
    libraryHttp = new OkHttpClient.Builder().socketFactory(NoDelayAstraServer.noDelaySockets()).build();
    rawHttp = new OkHttpClient.Builder().socketFactory(NoDelayAstraServer.noDelaySockets()).build();
    rawHttpWithDeadline = rawHttp.newBuilder().callTimeout(AstraClientSettings.DEFAULT_CALL_TIMEOUT).build();
    request = TokenRequest.forRole(ROLE).org(ORG).perRequest().build();
    // One issue first, to capture the exact bytes the library posts.
    try (TokenManager first = manager()) {
      first.issue(request);
    }
    byte[] body = server.firstPostBody();
    Headers.Builder headers = new Headers.Builder();
    for (String line : server.firstPostHeaders().split("\r\n")) {
      String name = line.substring(0, line.indexOf(':')).trim();
      // OkHttp sets these itself from the body and the connection.
      if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Host")
          && !name.equalsIgnoreCase("Connection") && !name.equalsIgnoreCase("Accept-Encoding")
          && !name.equalsIgnoreCase("Content-Type")) {
        headers.add(line);
      }
    }
    rawRequest = new Request.Builder().url(server.url() + "/v2/clientIdSecrets").headers(headers.build())
        .post(RequestBody.create(body, JSON)).build();
  }

  @Setup(Level.Iteration)
  public void openManager() {
    tokens = manager();
    postsAtIterationStart = server.posts();
    connectionsAtIterationStart = server.connections();
    opsInIteration = 0;
  }

  @TearDown(Level.Iteration)
  public void closeManager() {
    tokens.close();
    long posts = server.posts() - postsAtIterationStart;
    if (posts != opsInIteration && opsInIteration > 0) {
      throw new IllegalStateException("expected one POST per operation, got " + posts + " for " + opsInIteration);
    }
    // Both sides must reuse their connection: a new TCP connection per operation would measure connects.
    long connections = server.connections() - connectionsAtIterationStart;
    if (connections > 2) {
      throw new IllegalStateException(connections + " new connections in an iteration of " + opsInIteration + " ops");
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    server.close();
    libraryHttp.connectionPool().evictAll();
    rawHttp.connectionPool().evictAll();
  }

  @Benchmark
  public AstraToken issue() {
    opsInIteration++;
    return tokens.issue(request);
  }

  @Benchmark
  public AstraToken issueSteadyStore() {
    opsInIteration++;
    AstraToken token = tokens.issue(request);
    kept.add(token.lease().leaseId());
    if (kept.size() > STEADY) {
      store.get(kept.poll()).ifPresent(store::delete);
    }
    return token;
  }

  @Benchmark
  public int rawPost() throws IOException {
    return post(rawHttp);
  }

  /**
   * The raw POST with the one setting every call of the library carries: a deadline for the whole call
   * ({@code callTimeout}, default 30 s), without which a server that sends a body slowly and never finishes it would
   * hold an issue forever (a read timeout is per read). OkHttp arms it on its watchdog thread for every call.
   */
  @Benchmark
  public int rawPostWithDeadline() throws IOException {
    return post(rawHttpWithDeadline);
  }

  /** How long {@link #rawPostThenSpin} spins after each POST. */
  @State(Scope.Thread)
  public static class CallerWork {
    @Param({"0", "2000", "4000", "6000"})
    public long nanos;
  }

  @Benchmark
  public int rawPostThenSpin(CallerWork work) throws IOException {
    int length = post(rawHttp);
    long end = System.nanoTime() + work.nanos;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
    return length;
  }

  private int post(OkHttpClient client) throws IOException {
    opsInIteration++;
    try (Response response = client.newCall(rawRequest).execute()) {
      if (response.code() != 200) {
        throw new IllegalStateException("HTTP " + response.code());
      }
      return response.body().bytes().length;
    }
  }

  private TokenManager manager() {
    store = new InMemoryLeaseStore();
    kept.clear();
    OrgConfig org = OrgConfig.builder().orgId(orgId)
        .rootToken("AstraCS:" + "A".repeat(24) + ":" + "0".repeat(64)).url(URI.create(server.url()))
        .logicalName(ORG).build();
    TokenManager manager = TokenManager.builder().clock(Clock.systemUTC()).httpClient(libraryHttp).org(org)
        .leaseStore(store)
        .auditSink(AuditSink.noop()).sweepInterval(Duration.ZERO).revokeManagedOnClose(false).build();
    manager.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(roleId)
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(24)).build());
    return manager;
  }
}
