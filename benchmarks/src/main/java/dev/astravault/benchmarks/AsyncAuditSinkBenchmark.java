package dev.astravault.benchmarks;

import dev.astravault.Actor;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.audit.AsyncAuditSink;
import dev.astravault.audit.FsyncPolicy;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.event.LeaseRenewed;
import dev.astravault.event.TokenRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The async audit sink in front of the keyed (HMAC-SHA256) chained JSON-lines file sink (fsync at most every
 * second).
 *
 * <ul>
 *   <li>{@code sustained}: events/s fully written to the file: 1,000 {@code record} calls, then {@code flush}.
 *   <li>{@code callerRecord}: what a caller pays per {@code record} (sample time; the queue drops rather than
 *       blocks, so the tail stays small).
 * </ul>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AsyncAuditSinkBenchmark {
  static final int BATCH = 1000;

  /**
   * {@code hmac}: the keyed chain; {@code sha256}: the same sink without a key (a plain-hash chain), for comparison.
   */
  @Param({"hmac", "sha256"})
  String chain;

  Path dir;
  AsyncAuditSink sink;
  LeaseRenewed event;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("audit-bench");
    JsonLinesAuditSink.Builder builder = JsonLinesAuditSink.builder(dir.resolve("audit.jsonl"))
        .fsync(FsyncPolicy.atMostEvery(Duration.ofSeconds(1))).maxFileSize(64L << 20);
    if (chain.equals("hmac")) {
      builder.keys(KeyProvider.of(EncryptionKey.generate()));
    }
    JsonLinesAuditSink file = builder.build();
    sink = AsyncAuditSink.builder(file).capacity(16_384).overflow(AsyncAuditSink.Overflow.DROP_OLDEST).build();
    TokenRef ref = new TokenRef("b3a9d1c2-0000-4000-8000-000000000001", "api_ro_svc_acct", "orders",
        "ZenclientIdXXXXXXXXXXXXX", "astra/b3a9d1c2/api_ro_svc_acct/01HX", Map.of("owner", "team-orders"),
        "ab".repeat(32));
    event = new LeaseRenewed(Instant.parse("2026-01-01T00:00:00Z"), new Actor("svc", "host", "pid:1", "app", null),
        ref, Duration.ofHours(1), Instant.parse("2026-01-01T01:00:00Z"), List.of());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    sink.close();
    System.out.println("\nasync audit sink: " + sink);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OperationsPerInvocation(BATCH)
  public void sustained() {
    for (int i = 0; i < BATCH; i++) {
      sink.record(event);
    }
    if (!sink.flush(Duration.ofSeconds(30))) {
      throw new IllegalStateException("flush timed out");
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void callerRecord() {
    sink.record(event);
  }
}
