package dev.astravault.test.vault;

import dev.astravault.test.MutableClock;
import java.time.Instant;

final class TestClocks {
  static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

  private TestClocks() {}

  static MutableClock clock() {
    return MutableClock.at(START);
  }
}
