package dev.astravault.benchmarks;

import dev.astravault.Actor;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.audit.FsyncPolicy;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.event.LeaseRenewed;
import dev.astravault.event.TokenRef;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU time the file sink's writer spends per event (the work {@code AsyncAuditSink}'s one thread does), measured
 * with the thread's CPU clock: unlike wall-clock throughput, it hardly moves when other processes share the cores, so
 * it compares chains on a loaded machine. Events/s per core = 1 / CPU time per event.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.astravault.benchmarks.AuditChainCpuHarness hmac|sha256 [events]</pre>
 */
public final class AuditChainCpuHarness {
  private AuditChainCpuHarness() {}

  public static void main(String[] args) throws IOException {
    String chain = args.length > 0 ? args[0] : "hmac";
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
    TokenRef ref = new TokenRef("b3a9d1c2-0000-4000-8000-000000000001", "api_ro_svc_acct", "orders",
        "ZenclientIdXXXXXXXXXXXXX", "astra/b3a9d1c2/api_ro_svc_acct/01HX", Map.of("owner", "team-orders"),
        "ab".repeat(32));
    LeaseRenewed event = new LeaseRenewed(Instant.parse("2026-01-01T00:00:00Z"),
        new Actor("svc", "host", "pid:1", "app", null), ref, Duration.ofHours(1),
        Instant.parse("2026-01-01T01:00:00Z"), List.of());
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    Path dir = Files.createTempDirectory("audit-cpu");
    try {
      for (int round = 0; round < 3; round++) { // round 0 warms up
        Path file = dir.resolve("audit-" + round + ".jsonl");
        JsonLinesAuditSink.Builder b = JsonLinesAuditSink.builder(file)
            .fsync(FsyncPolicy.atMostEvery(Duration.ofSeconds(1))).maxFileSize(64L << 20);
        if (chain.equals("hmac")) {
          b.keys(KeyProvider.of(EncryptionKey.generate()));
        }
        try (JsonLinesAuditSink sink = b.build()) {
          long cpu0 = cpu.getCurrentThreadCpuTime();
          long wall0 = System.nanoTime();
          for (int i = 0; i < events; i++) {
            sink.record(event);
          }
          long cpuNanos = cpu.getCurrentThreadCpuTime() - cpu0;
          long wallNanos = System.nanoTime() - wall0;
          if (round > 0) {
            System.out.printf("%s round %d: %.2f us CPU/event (%,.0f events per CPU-second); wall %,.0f events/s%n",
                chain, round, cpuNanos / 1e3 / events, events * 1e9 / cpuNanos, events * 1e9 / wallNanos);
          }
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
