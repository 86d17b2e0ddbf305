package dev.astravault.test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * How a fake ({@link FakeAstra}, {@code FakeVault}) varies its answers the way the real service is known to vary,
 * so that a client that only works with one shape fails in tests rather than in production. Every choice is derived
 * from one {@link #seed()}, the dimension being chosen and a per-fake sequence number, so a run with the same seed
 * makes the same choices in the same order (and, for a fake registered as a JUnit extension, the same choices in each
 * test whatever tests ran before).
 *
 * <p>The seed comes, in order of precedence, from the fake's builder, from the system property
 * {@value #SEED_PROPERTY}, or is drawn once per JVM. It is printed when a test that uses a fake registered as an
 * extension fails, it is in every fake's {@code toString()}, and {@link SeedReporter} prints it for fakes built by
 * hand. A strict fake ({@link #strict()}, or the system property {@value #STRICT_PROPERTY}{@code =true}) always
 * answers in one uniform shape: the spec's. See {@code docs/testing.md}.
 *
 * <p>Immutable and thread-safe.
 */
public final class Variation {
  /** The system property that fixes the seed of every fake built without an explicit one. */
  public static final String SEED_PROPERTY = "astra.fakes.seed";
  /** The system property that, when {@code true}, makes every fake built without an explicit choice strict. */
  public static final String STRICT_PROPERTY = "astra.fakes.strict";

  private static final long JVM_SEED = initialSeed();

  private final long seed;
  private final boolean strict;

  private Variation(long seed, boolean strict) {
    this.seed = seed;
    this.strict = strict;
  }

  /**
   * Varied answers from {@code seed}.
   *
   * @param seed the seed every choice derives from
   * @return the variation
   */
  public static Variation seeded(long seed) {
    return new Variation(seed, false);
  }

  /**
   * Uniform answers in the spec's shape: no variation at all.
   *
   * @return the strict variation
   */
  public static Variation strict() {
    return new Variation(JVM_SEED, true);
  }

  /**
   * What the system properties ask for: strict if {@value #STRICT_PROPERTY} is {@code true}, else varied from
   * {@value #SEED_PROPERTY}, or from the seed drawn once for this JVM.
   *
   * @return the variation the system properties ask for
   */
  public static Variation fromSystemProperties() {
    return Boolean.parseBoolean(System.getProperty(STRICT_PROPERTY)) ? strict() : new Variation(JVM_SEED, false);
  }

  /**
   * The seed this JVM's fakes use unless told otherwise ({@value #SEED_PROPERTY}, else drawn at random).
   *
   * @return the default seed
   */
  public static long defaultSeed() {
    return JVM_SEED;
  }

  /**
   * The seed every choice derives from.
   *
   * @return the seed
   */
  public long seed() {
    return seed;
  }

  /**
   * Whether the answers are uniform (no variation).
   *
   * @return whether the answers are uniform
   */
  public boolean isStrict() {
    return strict;
  }

  /**
   * A number in {@code [0, bound)} for the {@code n}-th choice of {@code dimension} (a name such as
   * {@code "delete-status"}); always 0 when strict. The same seed, dimension and {@code n} give the same number.
   *
   * @param dimension the name of the choice
   * @param n which choice of that dimension
   * @param bound the exclusive upper bound, positive
   * @return the number
   */
  public int pick(String dimension, long n, int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound < 1: " + bound);
    }
    if (strict) {
      return 0;
    }
    long h = mix(seed ^ mix(fnv(dimension) + n * 0x9E3779B97F4A7C15L));
    return (int) Long.remainderUnsigned(h, bound);
  }

  /**
   * True with probability {@code percent}/100 for the {@code n}-th choice of {@code dimension}; never when strict.
   *
   * @param dimension the name of the choice
   * @param n which choice of that dimension
   * @param percent the probability in percent, 0 to 100
   * @return whether the choice is taken
   */
  public boolean chance(String dimension, long n, int percent) {
    return !strict && pick(dimension, n, 100) < percent;
  }

  /**
   * How to rerun with the same choices, or how this fake was made uniform.
   *
   * @return the hint, for a failure message
   */
  public String reproduceHint() {
    return strict
        ? "strict (uniform answers)"
        : "seed " + seed + " (rerun with -D" + SEED_PROPERTY + "=" + seed + "; -D" + STRICT_PROPERTY
            + "=true turns variation off)";
  }

  @Override
  public String toString() {
    return "Variation[" + (strict ? "strict" : "seed=" + seed) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Variation v && v.seed == seed && v.strict == strict;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seed) * 31 + (strict ? 1 : 0);
  }

  private static long initialSeed() {
    String property = System.getProperty(SEED_PROPERTY);
    if (property != null && !property.isBlank()) {
      try {
        return Long.parseLong(property.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(SEED_PROPERTY + " is not a long: " + property, e);
      }
    }
    return new SecureRandom().nextLong() >>> 1;
  }

  // SplitMix64's finaliser: a good 64-bit mixer, cheap and stable across JVMs.
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long fnv(String s) {
    long h = 0xCBF29CE484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
    }
    return h;
  }
}
