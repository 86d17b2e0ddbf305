package dev.astravault.benchmarks;

import dev.astravault.AstraToken;
import dev.astravault.TokenManager;
import java.util.concurrent.TimeUnit;
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
 * What {@code issue} costs on top of the network: one issue through {@link LocalBackend} (no I/O), with the in-memory
 * store and {@code AuditSink.noop()}: lease id, write-ahead record, compare-and-set to ACTIVE, audit event, token.
 * Run with {@code -prof gc} for the bytes per issue (goal of issue 15: at most 3 µs and 4 KB).
 * A fresh manager per iteration keeps the store from growing across the run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IssueNoIoBenchmark {
  private TokenManager tokens;

  @Setup(Level.Iteration)
  public void open() {
    tokens = Managers.local();
  }

  @TearDown(Level.Iteration)
  public void close() {
    tokens.close();
  }

  @Benchmark
  public AstraToken issue() {
    return tokens.issue(Managers.request());
  }
}
