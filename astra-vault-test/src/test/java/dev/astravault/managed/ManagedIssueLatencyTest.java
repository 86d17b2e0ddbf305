package dev.astravault.managed;

import static dev.astravault.managed.ManagedFixture.exact;
import static dev.astravault.managed.ManagedFixture.perRequest;
import static dev.astravault.managed.ManagedFixture.unique;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.TokenInfo;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Issued} and {@code Rotated} carry how long the issue took, measured on the monotonic clock: the manual
 * clock stands still during the call, so a latency that covers FakeAstra's scripted delay can only come from there.
 */
class ManagedIssueLatencyTest {
  // No injected 429/503: ManagedFixture's client has no retry (RetryPolicy.none(), so that scripted faults fail at
  // once) and these tests count Astra calls and events exactly. Shapes (204s, role keys, extra fields) still vary.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  static final Duration DELAY = ofMillis(150);

  @Test
  void theFirstIssueAndEachRotationCarryTheirIssueLatency() {
    try (ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(1))) {
      astra.fault(Endpoint.CREATE_TOKEN).delay(DELAY);
      long before = System.nanoTime();
      ManagedToken token = f.manage(perRequest(), exact());
      Duration wall = Duration.ofNanos(System.nanoTime() - before);
      ManagedTokenEvent.Issued first = f.events(ManagedTokenEvent.Issued.class).get(0);
      assertThat(first.issueLatency()).isBetween(DELAY, wall);

      // The next create is late too; the rotation (2/3 of max ttl minus overlap) times it.
      astra.fault(Endpoint.CREATE_TOKEN).delay(DELAY);
      f.advanceTo(ofMinutes(55).multipliedBy(2).dividedBy(3));
      ManagedTokenEvent.Rotated rotated = f.events(ManagedTokenEvent.Rotated.class).get(0);
      assertThat(rotated.current().clientId()).isEqualTo(token.snapshot().info().clientId());
      assertThat(rotated.issueLatency()).isGreaterThanOrEqualTo(DELAY);
      ManagedTokenEvent.Issued second = f.events(ManagedTokenEvent.Issued.class).get(1);
      assertThat(second.leaseId()).isEqualTo(rotated.leaseId());
      assertThat(second.issueLatency()).isEqualTo(rotated.issueLatency());
    }
  }

  @Test
  void aRenewalIsNotAnIssueAndAnUndelayedIssueIsFast() {
    try (ManagedFixture f = new ManagedFixture(astra, ofHours(1), ofHours(3))) {
      f.manage(unique("orders"), exact());
      f.advanceTo(ofMinutes(40));
      assertThat(f.events(ManagedTokenEvent.Renewed.class)).hasSize(1);
      assertThat(f.events(ManagedTokenEvent.Issued.class)).singleElement()
          .satisfies(e -> assertThat(e.issueLatency()).isPositive().isLessThan(Duration.ofSeconds(5)));
    }
  }

  @Test
  void theLatencyIsValidatedAndOldConstructorsMeanZero() {
    TokenInfo info = new TokenInfo("client", "org", "role", null, dev.astravault.IssueStyle.PER_REQUEST,
        Instant.EPOCH, java.util.Map.of(), dev.astravault.Lease.issued("astra/org/role/x", Instant.EPOCH, ofHours(1), ofHours(2)),
        dev.astravault.LeaseState.ACTIVE);
    assertThat(new ManagedTokenEvent.Issued(Instant.EPOCH, "l", 1, info).issueLatency()).isZero();
    assertThat(new ManagedTokenEvent.Rotated(Instant.EPOCH, "l", 2, info, info).issueLatency()).isZero();
    assertThatThrownBy(() -> new ManagedTokenEvent.Issued(Instant.EPOCH, "l", 1, info, ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("issueLatency");
    assertThatThrownBy(() -> new ManagedTokenEvent.Rotated(Instant.EPOCH, "l", 1, info, info, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("issueLatency");
  }
}
