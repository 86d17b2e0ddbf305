package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RenewalSettingsTest {

  @Test
  void defaultsAreTwoThirdsWithJitterFiveMinuteOverlapAndAThirtySecondTenPercentHardMargin() {
    RenewalSettings s = RenewalSettings.defaults();
    assertThat(s.refreshFraction()).isEqualTo(2.0 / 3.0);
    assertThat(s.jitter()).isEqualTo(0.1);
    assertThat(s.rotationOverlap()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.hardMargin(Duration.ofMinutes(2))).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.hardMargin(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(6));
  }

  @Test
  void aSoftPointInsideTheHardMarginIsRejectedAtBuildTime() {
    assertThatThrownBy(() -> RenewalSettings.builder().refreshFraction(0.85).jitter(0.1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hard margin");
    assertThatThrownBy(() -> RenewalSettings.builder().hardMargin(Duration.ofSeconds(30), 0.3).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hardMarginFraction");
  }

  @Test
  void aSoftPointBeforeNowAndAnInvertedBackoffAreRejected() {
    assertThatThrownBy(() -> RenewalSettings.builder().refreshFraction(0.1).jitter(0.2).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before now");
    assertThatThrownBy(() -> RenewalSettings.builder().backoff(Duration.ofMinutes(10), Duration.ofMinutes(1))
        .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoffBase");
  }

  @Test
  void settersFailFastNamingTheField() {
    assertThatThrownBy(() -> RenewalSettings.builder().refreshFraction(1.0))
        .hasMessageContaining("refreshFraction");
    assertThatThrownBy(() -> RenewalSettings.builder().rotationOverlap(Duration.ofSeconds(-1)))
        .hasMessageContaining("rotationOverlap");
  }

  /** Pins what was already right: NaN and the infinities fail every range check, naming the field. */
  @Test
  void fractionsThatAreNotNumbersAreRejectedNamingTheField() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> RenewalSettings.builder().refreshFraction(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("refreshFraction must be in");
      assertThatThrownBy(() -> RenewalSettings.builder().jitter(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("jitter must be in");
      assertThatThrownBy(() -> RenewalSettings.builder().hardMargin(Duration.ofSeconds(1), bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("hardMarginFraction must be in");
    }
  }

  @Test
  void anOverlapThatDoesNotFitTheRoleIsRejected() {
    RenewalSettings s = RenewalSettings.defaults();
    assertThatThrownBy(() -> s.checkFits(Duration.ofMinutes(5), Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rotationOverlap");
    s.checkFits(Duration.ofHours(1), Duration.ofHours(1));
  }
}
