package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A lookup's ttl as Vault's {@code leaseEntry.ttl()} computes it (vault/expiration.go). */
class WireTtlTest {
  static final Instant EXPIRY = Instant.parse("2025-03-01T11:00:00Z");

  @Test
  void nowIsRoundedToTheNearestSecondBeforeTheDifference() {
    assertThat(Wire.ttlSeconds(Instant.parse("2025-03-01T10:00:00.400Z"), EXPIRY)).isEqualTo(3600);
    assertThat(Wire.ttlSeconds(Instant.parse("2025-03-01T10:00:00.500Z"), EXPIRY)).isEqualTo(3599);
    assertThat(Wire.ttlSeconds(Instant.parse("2025-03-01T10:00:00.900Z"), EXPIRY)).isEqualTo(3599);
  }

  @Test
  void anExpiredLeaseHasANegativeTtlTruncatedTowardZero() {
    assertThat(Wire.ttlSeconds(EXPIRY, EXPIRY)).isZero();
    assertThat(Wire.ttlSeconds(Instant.parse("2025-03-01T11:01:30Z"), EXPIRY)).isEqualTo(-90);
    Instant halfPastExpiry = Instant.parse("2025-03-01T11:00:00.250Z");
    assertThat(Wire.ttlSeconds(halfPastExpiry, EXPIRY.plusMillis(300))).isZero();
    assertThat(Wire.ttlSeconds(halfPastExpiry, EXPIRY.minusMillis(300))).isZero();
    assertThat(Wire.ttlSeconds(halfPastExpiry, EXPIRY.minusMillis(1300))).isEqualTo(-1);
  }
}
