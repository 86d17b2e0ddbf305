package dev.astravault.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} whose instant only moves when a test says so. Thread-safe: readers see every {@link #set} and
 * {@link #advance} at once. {@link #withZone} returns a view that shares this clock's instant.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * A UTC clock standing at {@code start}.
   *
   * @param start the first instant
   * @return the clock
   */
  public static MutableClock at(Instant start) {
    return new MutableClock(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /**
   * {@return a UTC clock standing at the current system time (useful when a fake server must accept "recent" instants)}
   */
  public static MutableClock ofNow() {
    return at(Instant.now());
  }

  /**
   * Moves the clock to {@code instant}; going backwards is allowed, to simulate clock skew.
   *
   * @param instant the new instant
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  /**
   * Moves the clock forward by {@code amount}.
   *
   * @param amount how far to move, not negative
   * @return the new instant
   * @throws IllegalArgumentException if {@code amount} is negative (use {@link #set} to go back)
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount < 0: " + amount);
    }
    return now.updateAndGet(i -> i.plus(amount));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public MutableClock withZone(ZoneId zone) {
    return new MutableClock(now, Objects.requireNonNull(zone, "zone"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MutableClock other && other.now == now && other.zone.equals(zone);
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(now) * 31 + zone.hashCode();
  }

  @Override
  public String toString() {
    return "MutableClock[" + now.get() + ", " + zone + "]";
  }
}
