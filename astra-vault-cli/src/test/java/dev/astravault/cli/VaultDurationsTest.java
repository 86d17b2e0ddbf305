package dev.astravault.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class VaultDurationsTest {

  @Test
  void readsVaultStyleDurations() {
    assertThat(VaultDurations.parse("3600")).isEqualTo(Duration.ofHours(1));
    assertThat(VaultDurations.parse("3600s")).isEqualTo(Duration.ofHours(1));
    assertThat(VaultDurations.parse("90m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(VaultDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(VaultDurations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(VaultDurations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(VaultDurations.parse("1m30s500ms")).isEqualTo(Duration.ofMillis(90_500));
    assertThat(VaultDurations.parse("0")).isZero();
  }

  /** The refusal says what a duration looks like and never quotes the value (it may be a misplaced secret). */
  @ParameterizedTest
  @ValueSource(strings = {"", "-1h", "1x", "1h 30m", "h", "1.5d", "99999999999999999999h"})
  void refusesAnythingElse(String value) {
    assertThatThrownBy(() -> VaultDurations.parse(value)).isInstanceOf(TypeConversionException.class)
        .hasMessageStartingWith("expected a")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("'")
            .doesNotContain(value.length() < 2 ? "'" : value));
  }
}
