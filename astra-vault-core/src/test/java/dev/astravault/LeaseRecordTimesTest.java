package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.internal.support.Descriptions;
import java.time.Duration;
import java.time.Instant;
import dev.astravault.internal.PackedRecords;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a record keeps packed round-trips exactly: the instants it keeps as epoch nanoseconds (far ones included), the
 * values it keeps aside (state change, last error), the description it derives, and its state and style.
 */
class LeaseRecordTimesTest {
  private static final List<Instant> INSTANTS = List.of(Instant.EPOCH, Instant.parse("2026-12-05T10:00:00.123456789Z"),
      Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("1677-09-21T00:12:44Z"),
      Instant.parse("2262-04-11T23:47:16.854775807Z"), Instant.parse("2262-04-11T23:47:17Z"),
      Instant.parse("1677-09-21T00:12:43.145224191Z"), Instant.parse("1677-09-21T00:12:43.145224192Z"),
      Instant.parse("1677-09-21T00:12:43.145224193Z"), Instant.ofEpochSecond(-9_223_372_036L, 854_775_808),
      Instant.ofEpochSecond(-9_223_372_036L, 854_775_809), Instant.MIN, Instant.MAX,
      Instant.parse("+100000-01-01T00:00:00.000000001Z"));

  private static LeaseRecord.Builder record(Instant issued, Instant maxExpires) {
    return LeaseRecord.builder().leaseId("astra/o/r/1").orgId("o").roleName("r").roleId("id").logicalName("x")
        .state(LeaseState.ACTIVE).clientId("c").token("t").secret("s").description("d").ttl(Duration.ZERO)
        .issuedAt(issued).expiresAt(Instant.MIN).maxExpiresAt(maxExpires);
  }

  @Test
  void everyInstantRoundTripsExactly() {
    for (Instant a : INSTANTS) {
      for (Instant b : INSTANTS) {
        LeaseRecord r = record(a, b).generatedOn(b).lastRenewedAt(a).build();
        assertThat(r.issuedAt()).as("issuedAt %s", a).isEqualTo(a);
        assertThat(r.maxExpiresAt()).as("maxExpiresAt %s", b).isEqualTo(b);
        assertThat(r.generatedOn()).contains(b);
        assertThat(r.lastRenewedAt()).contains(a);
        assertThat(r.lease()).isEqualTo(new Lease("astra/o/r/1", a, Duration.ZERO, Instant.MIN, b, true, a));
        assertThat(r.toTokenInfo().generatedOn()).isEqualTo(b);
        LeaseRecord copy = r.next().build();
        assertThat(List.of(copy.issuedAt(), copy.maxExpiresAt(), copy.generatedOn().orElseThrow(),
            copy.lastRenewedAt().orElseThrow())).containsExactly(a, b, b, a);
      }
    }
  }

  @Test
  void theExpiryRoundTripsOrdersAndJudgesLivenessAsItsInstantWould() {
    for (Instant a : INSTANTS) {
      LeaseRecord ra = record(Instant.MIN, Instant.MAX).generatedOn(Instant.EPOCH).expiresAt(a).build();
      assertThat(ra.expiresAt()).isEqualTo(a);
      assertThat(ra.next().build().expiresAt()).isEqualTo(a);
      assertThat(ra.lease().expiresAt()).isEqualTo(a);
      for (Instant b : INSTANTS) {
        LeaseRecord rb = record(Instant.MIN, Instant.MAX).generatedOn(Instant.EPOCH).expiresAt(b).build();
        assertThat(Integer.signum(PackedRecords.compareExpiry(ra, rb))).as("%s against %s", a, b)
            .isEqualTo(Integer.signum(a.compareTo(b)));
        assertThat(ra.isLive(b)).as("live at %s until %s", b, a).isEqualTo(b.isBefore(a));
      }
    }
    assertThatThrownBy(() -> record(Instant.EPOCH, Instant.EPOCH).expiresAt(null).build())
        .isInstanceOf(NullPointerException.class).hasMessage("expiresAt");
  }

  @Test
  void revokeAttemptsReadBackThroughCopiesAndChanges() {
    LeaseRecord none = record(Instant.EPOCH, Instant.EPOCH).generatedOn(Instant.EPOCH).build();
    assertThat(none.revokeAttempts()).isZero();
    LeaseRecord three = none.next().revokeAttempts(3).lastError("HTTP 503").build();
    assertThat(three.revokeAttempts()).isEqualTo(3);
    assertThat(three.next().build().revokeAttempts()).isEqualTo(3);
    assertThat(three.next().lastError(null).build().revokeAttempts()).isEqualTo(3);
    assertThat(three.next().revokeAttempts(0).build().revokeAttempts()).isZero();
    assertThat(three.next().revokeAttempts(Integer.MAX_VALUE).build().revokeAttempts()).isEqualTo(Integer.MAX_VALUE);
    assertThat(none.revokeAttempts()).isZero();
  }

  @Test
  void changingOneFarInstantLeavesTheOthersAndTheOriginalAlone() {
    LeaseRecord far = record(Instant.MIN, Instant.MAX).generatedOn(Instant.MAX).lastRenewedAt(Instant.MIN).build();
    Instant now = Instant.parse("2026-12-05T10:00:00.5Z");
    LeaseRecord near = far.next().issuedAt(now).lastRenewedAt(null).build();
    assertThat(near.issuedAt()).isEqualTo(now);
    assertThat(near.lastRenewedAt()).isEmpty();
    assertThat(near.maxExpiresAt()).isEqualTo(Instant.MAX);
    assertThat(near.generatedOn()).contains(Instant.MAX);
    assertThat(far.issuedAt()).isEqualTo(Instant.MIN);
    assertThat(far.lastRenewedAt()).contains(Instant.MIN);
    LeaseRecord.Builder builder = near.toBuilder();
    LeaseRecord first = builder.build();
    LeaseRecord second = builder.maxExpiresAt(now).generatedOn(null).state(LeaseState.PENDING).build();
    assertThat(first.maxExpiresAt()).isEqualTo(Instant.MAX);
    assertThat(first.generatedOn()).contains(Instant.MAX);
    assertThat(second.maxExpiresAt()).isEqualTo(now);
    assertThat(second.generatedOn()).isEmpty();
  }

  @Test
  void requiredInstantsAreStillRequired() {
    assertThatThrownBy(() -> record(Instant.EPOCH, Instant.EPOCH).issuedAt(null).build())
        .isInstanceOf(NullPointerException.class).hasMessage("issuedAt");
    assertThatThrownBy(() -> record(Instant.EPOCH, Instant.EPOCH).maxExpiresAt(null).build())
        .isInstanceOf(NullPointerException.class).hasMessage("maxExpiresAt");
    assertThatThrownBy(() -> record(Instant.EPOCH, Instant.EPOCH).generatedOn(null).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generatedOn");
  }

  @Test
  void theValuesKeptAsideAreSetChangedAndClearedLikeTheOthers() {
    Instant at = Instant.parse("2026-12-05T10:00:00.000000007Z");
    LeaseRecord plain = record(Instant.EPOCH, Instant.EPOCH).generatedOn(Instant.EPOCH).build();
    assertThat(plain.lastError()).isEmpty();
    assertThat(plain.stateChangedAt()).isEmpty();
    LeaseRecord failed = plain.next().state(LeaseState.REVOKE_FAILED).lastError("HTTP 503").stateChangedAt(at)
        .revokeAttempts(1).issuedAt(Instant.MIN).build();
    assertThat(failed.lastError()).contains("HTTP 503");
    assertThat(failed.stateChangedAt()).contains(at);
    assertThat(failed.issuedAt()).isEqualTo(Instant.MIN);
    LeaseRecord again = failed.next().lastError("HTTP 500").build();
    assertThat(again.lastError()).contains("HTTP 500");
    assertThat(again.stateChangedAt()).contains(at);
    assertThat(failed.lastError()).contains("HTTP 503");
    LeaseRecord cleared = again.next().state(LeaseState.ACTIVE).lastError(null).stateChangedAt(null)
        .issuedAt(at).build();
    assertThat(cleared.lastError()).isEmpty();
    assertThat(cleared.stateChangedAt()).isEmpty();
    assertThat(cleared.issuedAt()).isEqualTo(at);
    assertThat(plain.lastError()).isEmpty();
  }

  @Test
  void theDescriptionReadsBackAsWrittenWhetherItIsATagOrNot() {
    String leaseId = "astra/o/r/1";
    for (String description : List.of("my own words", Descriptions.tag("dep-1", leaseId, "x"),
        Descriptions.tag(leaseId, "x"), Descriptions.tag("dep-1", "astra/o/r/2", "x"))) {
      LeaseRecord r = record(Instant.EPOCH, Instant.EPOCH).generatedOn(Instant.EPOCH).description(description)
          .build();
      assertThat(r.description()).isEqualTo(description);
      assertThat(r.next().build().description()).isEqualTo(description);
    }
  }

  @Test
  void everyStateAndStyleReadsBack() {
    for (LeaseState state : LeaseState.values()) {
      for (IssueStyle style : IssueStyle.values()) {
        LeaseRecord r = record(Instant.EPOCH, Instant.EPOCH).generatedOn(Instant.EPOCH).state(state).style(style)
            .build();
        assertThat(r.state()).isEqualTo(state);
        assertThat(r.style()).isEqualTo(style);
        assertThat(r.next().build().state()).isEqualTo(state);
        assertThat(r.toBuilder().build()).isEqualTo(r);
        assertThat(r.isLive(Instant.MIN)).isFalse();  // expiresAt is Instant.MIN: never live
      }
    }
  }
}
