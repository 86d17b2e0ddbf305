package dev.astravault;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Instants as epoch nanoseconds, for values held per lease ({@link LeaseRecord}). A long holds every instant from
 * 1677 to 2262 exactly; an instant outside that range (a user's store may hold {@link Instant#MIN} or a far date) is
 * encoded as {@link #FAR} and kept as an {@link Instant} in a side array, so every instant round-trips exactly.
 */
final class Times {
  /** No instant (null). */
  static final long ABSENT = Long.MIN_VALUE;
  /** The instant is kept in the side array, at its slot. */
  static final long FAR = Long.MIN_VALUE + 1;

  // LeaseRecord's slots in its side array: the far instants, then two values that are not instants at all.
  static final int ISSUED_AT = 0;
  static final int MAX_EXPIRES_AT = 1;
  static final int GENERATED_ON = 2;
  static final int LAST_RENEWED_AT = 3;
  static final int STATE_CHANGED_AT = 4;
  static final int LAST_ERROR = 5;
  static final int EXPIRES_AT = 6;
  static final int REVOKE_ATTEMPTS = 7;
  static final int SLOTS = 8;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Times() {}

  /** {@return {@code v} in epoch nanoseconds; {@link #ABSENT} for null, {@link #FAR} when a long cannot hold it} */
  static long encode(@Nullable Instant v) {
    if (v == null) {
      return ABSENT;
    }
    long seconds = v.getEpochSecond();
    // Long.MIN_VALUE / 1e9 is -9223372036.854775808 s: keep a second of margin on both sides, then check exactly.
    if (seconds < -9_223_372_035L || seconds > 9_223_372_035L) {
      return FAR;
    }
    long nanos = seconds * NANOS_PER_SECOND + v.getNano();
    return nanos == ABSENT || nanos == FAR ? FAR : nanos;
  }

  /** {@return the instant {@link #encode} gave {@code packed} for, reading {@code far} at {@code slot} for FAR} */
  static @Nullable Instant decode(long packed, Object @Nullable [] far, int slot) {
    if (packed == ABSENT) {
      return null;
    }
    if (packed == FAR) {
      return (Instant) Objects.requireNonNull(far)[slot];
    }
    return Instant.ofEpochSecond(Math.floorDiv(packed, NANOS_PER_SECOND), Math.floorMod(packed, NANOS_PER_SECOND));
  }

  /** {@return {@code packed}, which a required instant must not be {@link #ABSENT}} */
  static long required(long packed, String name) {
    if (packed == ABSENT) {
      throw new NullPointerException(name);
    }
    return packed;
  }

  static boolean any(Object[] values) {
    for (Object v : values) {
      if (v != null) {
        return true;
      }
    }
    return false;
  }
}
