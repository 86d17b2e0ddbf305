package dev.astravault;

import dev.astravault.internal.support.Validation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When and how a {@link ManagedToken} renews and rotates. Immutable; {@link Builder#build()} rejects windows that
 * contradict each other, and {@link TokenManager#manage(TokenRequest, RenewalSettings)} rejects settings that leave
 * no room in the role's TTLs.
 *
 * <p>Two windows (see {@code docs/rotation.md}):
 * <ul>
 *   <li><b>Soft point.</b> A refresh (renew, or rotate when renewal cannot extend the token) is started at
 *       {@link #refreshFraction()} of the time left, plus or minus {@link #jitter()} of it, drawn per instance and
 *       per schedule. Default ⅔ ± 0.1.</li>
 *   <li><b>Hard margin.</b> {@code max(minHardMargin, hardMarginFraction × ttl)} before expiry (default
 *       {@code max(30s, 10%)}). Below it {@link ManagedToken#current()} leaves its lock-free path and waits, at most
 *       {@link #maxWait()}, for a refresh that is under way.</li>
 * </ul>
 * A rotation keeps the old token valid for {@link #rotationOverlap()} (default 5 min) after the swap, then revokes it.
 * Failures are retried with capped exponential back-off ({@link #backoffBase()} doubling up to
 * {@link #backoffCap()}, "equal jitter": a wait in {@code [d/2, d]}), bounded by the validity left.
 */
public final class RenewalSettings {
  private static final RenewalSettings DEFAULTS = builder().build();

  private final double refreshFraction;
  private final double jitter;
  private final double hardMarginFraction;
  private final Duration minHardMargin;
  private final Duration rotationOverlap;
  private final Duration backoffBase;
  private final Duration backoffCap;
  private final Duration maxWait;
  private final Duration closeTimeout;
  private final int startupAttempts;
  private final List<ManagedTokenListener> listeners;

  private RenewalSettings(Builder b) {
    this.refreshFraction = b.refreshFraction;
    this.jitter = b.jitter;
    this.hardMarginFraction = b.hardMarginFraction;
    this.minHardMargin = b.minHardMargin;
    this.rotationOverlap = b.rotationOverlap;
    this.backoffBase = b.backoffBase;
    this.backoffCap = b.backoffCap;
    this.maxWait = b.maxWait;
    this.closeTimeout = b.closeTimeout;
    this.startupAttempts = b.startupAttempts;
    this.listeners = List.copyOf(b.listeners);
  }

  /**
   * ⅔ ± 0.1 refresh-ahead, hard margin {@code max(30s, 10%)}, 5 min overlap, back-off 1 s doubling to 5 min.
   *
   * @return the default settings
   */
  public static RenewalSettings defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder holding these settings, to derive changed ones} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.refreshFraction = refreshFraction;
    b.jitter = jitter;
    b.hardMarginFraction = hardMarginFraction;
    b.minHardMargin = minHardMargin;
    b.rotationOverlap = rotationOverlap;
    b.backoffBase = backoffBase;
    b.backoffCap = backoffCap;
    b.maxWait = maxWait;
    b.closeTimeout = closeTimeout;
    b.startupAttempts = startupAttempts;
    b.listeners.addAll(listeners);
    return b;
  }

  /** {@return the soft refresh point, as a fraction of the time left} */
  public double refreshFraction() {
    return refreshFraction;
  }

  /** {@return the random spread around the soft point, as a fraction of the time left} */
  public double jitter() {
    return jitter;
  }

  /** {@return the hard margin as a fraction of the last granted TTL} */
  public double hardMarginFraction() {
    return hardMarginFraction;
  }

  /** {@return the smallest hard margin} */
  public Duration minHardMargin() {
    return minHardMargin;
  }

  /**
   * The hard margin of a token whose last granted TTL is {@code ttl}.
   *
   * @param ttl the last granted TTL
   * @return {@code max(minHardMargin, hardMarginFraction × ttl)}
   */
  public Duration hardMargin(Duration ttl) {
    Duration byFraction = Duration.ofNanos((long) (saturatedNanos(ttl) * hardMarginFraction));
    return byFraction.compareTo(minHardMargin) > 0 ? byFraction : minHardMargin;
  }

  /** {@return how long the old token stays valid after a rotation's swap} */
  public Duration rotationOverlap() {
    return rotationOverlap;
  }

  /** {@return the first retry's wait} */
  public Duration backoffBase() {
    return backoffBase;
  }

  /** {@return the longest retry wait} */
  public Duration backoffCap() {
    return backoffCap;
  }

  /** {@return how long {@link ManagedToken#current()} waits below the hard margin for a refresh under way} */
  public Duration maxWait() {
    return maxWait;
  }

  /** {@return how long {@link ManagedToken#close()} waits for the revokes of its tokens} */
  public Duration closeTimeout() {
    return closeTimeout;
  }

  /**
   * How many attempts {@link TokenManager#manage(TokenRequest, RenewalSettings)} makes at the first token before it
   * throws {@link ManagedTokenStartException}; default 3. Only transient failures (unreachable, timeout, 5xx, 429)
   * are retried, with the same back-off as the handle's ({@link #backoffBase()} doubling up to {@link #backoffCap()},
   * equal jitter, at least a {@code Retry-After}), waited on the manager's {@link Scheduler}.
   *
   * @return the number of attempts at the first token
   */
  public int startupAttempts() {
    return startupAttempts;
  }

  /** {@return the listeners that see every event of the handle, from the {@code Issued} event of its first token on} */
  public List<ManagedTokenListener> listeners() {
    return listeners;
  }

  /**
   * Checks these settings against a role's TTLs.
   *
   * @param ttl the role's TTL
   * @param maxTtl the role's max TTL
   * @throws IllegalArgumentException if the overlap and the hard margin do not fit in {@code maxTtl}
   */
  public void checkFits(Duration ttl, Duration maxTtl) {
    Duration needed = rotationOverlap.plus(hardMargin(ttl));
    if (needed.compareTo(maxTtl) >= 0) {
      throw new IllegalArgumentException("rotationOverlap (" + rotationOverlap + ") plus the hard margin ("
          + hardMargin(ttl) + ") must be shorter than the role's maxTtl (" + maxTtl + ")");
    }
    if (hardMargin(ttl).compareTo(ttl) >= 0) {
      throw new IllegalArgumentException("the hard margin (" + hardMargin(ttl) + ") must be shorter than the ttl ("
          + ttl + "); lower minHardMargin");
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "RenewalSettings[refreshFraction=" + refreshFraction + ", jitter=" + jitter + ", hardMargin=max("
        + minHardMargin + ", " + hardMarginFraction + "), rotationOverlap=" + rotationOverlap + ", backoff="
        + backoffBase + ".." + backoffCap + ", maxWait=" + maxWait + ", closeTimeout=" + closeTimeout
        + ", startupAttempts=" + startupAttempts + ", listeners=" + listeners.size() + "]";
  }

  /** Builds {@link RenewalSettings}; setters check their own value, {@link #build()} checks them together. */
  public static final class Builder {
    private double refreshFraction = 2.0 / 3.0;
    private double jitter = 0.1;
    private double hardMarginFraction = 0.1;
    private Duration minHardMargin = Duration.ofSeconds(30);
    private Duration rotationOverlap = Duration.ofMinutes(5);
    private Duration backoffBase = Duration.ofSeconds(1);
    private Duration backoffCap = Duration.ofMinutes(5);
    private Duration maxWait = Duration.ofSeconds(5);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private int startupAttempts = 3;
    private final List<ManagedTokenListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * The soft point, as a fraction of the time left (exclusive 0..1); default ⅔.
     *
     * @param fraction the fraction
     * @return this builder
     */
    public Builder refreshFraction(double fraction) {
      if (!(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException("refreshFraction must be in (0, 1): " + fraction);
      }
      this.refreshFraction = fraction;
      return this;
    }

    /**
     * Plus or minus this fraction of the time left around the soft point ({@code [0, 0.5)}); default 0.1.
     *
     * @param jitter the fraction
     * @return this builder
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter < 0.5)) {
        throw new IllegalArgumentException("jitter must be in [0, 0.5): " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * The hard margin: {@code max(min, fraction × ttl)} before expiry; default {@code max(30s, 0.1)}.
     *
     * @param min the smallest margin
     * @param fraction the margin as a fraction of the last granted TTL
     * @return this builder
     */
    public Builder hardMargin(Duration min, double fraction) {
      this.minHardMargin = Validation.requireNonNegative("minHardMargin", min);
      if (!(fraction >= 0 && fraction < 1)) {
        throw new IllegalArgumentException("hardMarginFraction must be in [0, 1): " + fraction);
      }
      this.hardMarginFraction = fraction;
      return this;
    }

    /**
     * How long the old token stays valid after a rotation's swap; default 5 min.
     *
     * @param overlap the overlap
     * @return this builder
     */
    public Builder rotationOverlap(Duration overlap) {
      this.rotationOverlap = Validation.requireNonNegative("rotationOverlap", overlap);
      return this;
    }

    /**
     * The first retry waits about {@code base}, doubling each failure up to {@code cap}; default 1 s .. 5 min.
     *
     * @param base the first wait
     * @param cap the longest wait
     * @return this builder
     */
    public Builder backoff(Duration base, Duration cap) {
      this.backoffBase = Validation.requirePositive("backoffBase", base);
      this.backoffCap = Validation.requirePositive("backoffCap", cap);
      return this;
    }

    /**
     * How long {@link ManagedToken#current()} may wait below the hard margin; default 5 s.
     *
     * @param maxWait the longest wait
     * @return this builder
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Validation.requireNonNegative("maxWait", maxWait);
      return this;
    }

    /**
     * How long {@link ManagedToken#close()} waits for its revokes; default 10 s.
     *
     * @param timeout the longest wait
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = Validation.requireNonNegative("closeTimeout", timeout);
      return this;
    }

    /**
     * How many attempts {@code manage()} makes at the first token (at least 1; 1 = fail at once); default 3.
     *
     * @param attempts the number of attempts
     * @return this builder
     */
    public Builder startupAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("startupAttempts must be at least 1: " + attempts);
      }
      this.startupAttempts = attempts;
      return this;
    }

    /**
     * Adds a listener that sees every event, including the first {@code Issued}.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(ManagedTokenListener listener) {
      this.listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Checks the settings together and builds them.
     *
     * @return the settings
     * @throws IllegalArgumentException if the windows contradict each other: the latest soft point
     *     ({@code refreshFraction + jitter}) must come before the hard margin ({@code 1 - hardMarginFraction}), the
     *     earliest ({@code refreshFraction - jitter}) after now, and the back-off base must not exceed its cap
     */
    public RenewalSettings build() {
      if (refreshFraction + jitter >= 1 - hardMarginFraction) {
        throw new IllegalArgumentException("refreshFraction + jitter (" + (refreshFraction + jitter)
            + ") must be below 1 - hardMarginFraction (" + (1 - hardMarginFraction)
            + "): the soft point would fall inside the hard margin");
      }
      if (refreshFraction - jitter <= 0) {
        throw new IllegalArgumentException("refreshFraction - jitter (" + (refreshFraction - jitter)
            + ") must be above 0: the soft point would fall before now");
      }
      if (backoffBase.compareTo(backoffCap) > 0) {
        throw new IllegalArgumentException("backoffBase (" + backoffBase + ") exceeds backoffCap (" + backoffCap
            + ")");
      }
      return new RenewalSettings(this);
    }
  }
}
