package dev.astravault.benchmarks;

import dev.astravault.ManagedToken;
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
 * {@link ManagedToken#current()} against the floor it is held to: a plain {@code volatile} read of a reference, in
 * the same run. Run with {@code -prof gc} to check that {@code current()} allocates nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ManagedTokenCurrentBenchmark {
  private TokenManager tokens;
  private ManagedToken managed;
  private volatile String plain;
  private Holder holder;

  /** What any token cache is to its caller: an object it holds a reference to, with a volatile field. */
  static final class Holder {
    volatile String value;
  }

  @Setup(Level.Trial)
  public void setUp() {
    tokens = Managers.local();
    managed = tokens.manage(Managers.request());
    plain = managed.current();
    holder = new Holder();
    holder.value = plain;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    tokens.close();
  }

  @Benchmark
  public String volatileRead() {
    return plain;
  }

  /** The like-for-like floor: one reference load, then one volatile load, as {@code current()} needs. */
  @Benchmark
  public String volatileReadThroughHolder() {
    return holder.value;
  }

  @Benchmark
  public String current() {
    return managed.current();
  }
}
