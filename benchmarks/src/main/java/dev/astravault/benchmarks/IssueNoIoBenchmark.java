package dev.astravault.benchmarks;

import dev.astravault.AstraToken;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.internal.astra.CreatedToken;
import dev.astravault.store.InMemoryLeaseStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What {@code issue} costs on top of the network: one issue through {@link LocalBackend} (no I/O), with the in-memory
 * store and {@code AuditSink.noop()}: lease id, write-ahead record, compare-and-set to ACTIVE, audit event, token.
 * Run with {@code -prof gc} for the bytes per issue (goal of issue 15: at most 3 µs and 4 KB on top of the backend,
 * which {@code backendOnly} measures alone).
 * A fresh manager per iteration keeps the store from growing across the run.
 *
 * <p>{@code issue} keeps every lease it issues, so its store grows by some hundred thousand leases an iteration and
 * the collector copies each of them (P3's bytes) at a rate no fleet issues at. {@code issueSteadyStore} holds the
 * store at {@value #STEADY} leases instead, the oldest dropped from the store after each issue inside the measured
 * operation (a fleet's steady state, where the sweeper reaps expired leases; the drop is paid, not hidden).
 *
 * <p>Each fork runs on a fixed heap that the JVM touches at start ({@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}), as a
 * long-running service's heap is. On a fresh JVM's default heap, every page the young generation first grows into
 * costs the kernel a page fault while the issue writes into it: the first ~8 s of every fork then ran at 7–12.5 µs a
 * call and then settled at 2–3 µs, which no warm-up length hid reliably (docs/benchmarks-history.md, eighth round). A
 * {@code -jvmArgsAppend} on the command line replaces these.
 */
@State(Scope.Benchmark)
@Fork(jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IssueNoIoBenchmark {
  private static final String DESCRIPTION = "astra-vault deployment=bench lease=astra/org/reader/id";
  private final Clock clock = Clock.systemUTC();
  private final LocalBackend backend = new LocalBackend(clock);
  private final OrgConfig org = OrgConfig.builder().orgId(UUID.randomUUID().toString())
      .rootToken("AstraCS:" + "A".repeat(24) + ":" + "0".repeat(64)).url(URI.create("http://127.0.0.1:1"))
      .logicalName(Managers.ORG).build();
  private final Role role = new Role(org.orgId(), Managers.ROLE, UUID.randomUUID().toString(), Duration.ofHours(1),
      Duration.ofHours(24));
  private static final int STEADY = 10_000;
  private final ArrayDeque<String> kept = new ArrayDeque<>();
  private final TokenRequest request = Managers.request();
  private LeaseStore store;
  private TokenManager tokens;

  @Setup(Level.Iteration)
  public void open() {
    store = new InMemoryLeaseStore();
    kept.clear();
    tokens = Managers.local(Duration.ZERO, store);
  }

  @TearDown(Level.Iteration)
  public void close() {
    tokens.close();
  }

  @Benchmark
  public AstraToken issue() {
    return tokens.issue(Managers.request());
  }

  /** {@code issue} with the store held at {@value #STEADY} leases: the oldest is dropped inside the operation. */
  @Benchmark
  public AstraToken issueSteadyStore() {
    AstraToken token = tokens.issue(request);
    kept.add(token.lease().leaseId());
    if (kept.size() > STEADY) {
      store.get(kept.poll()).ifPresent(store::delete);
    }
    return token;
  }

  /** The backend's own create, as {@code issue} calls it: the floor that {@code issue} is measured over. */
  @Benchmark
  public CreatedToken backendOnly() {
    return backend.create(org, role, DESCRIPTION, null);
  }
}
