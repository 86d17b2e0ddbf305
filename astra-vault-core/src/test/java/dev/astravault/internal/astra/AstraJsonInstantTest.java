package dev.astravault.internal.astra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The formatter-free reading of Astra's timestamps agrees with {@link Instant#parse} and leaves the rest to it. */
class AstraJsonInstantTest {

  @ParameterizedTest
  @ValueSource(strings = {"2026-12-05T00:00:00Z", "2026-12-05T06:49:13.5Z", "2026-12-05T06:49:13.123Z",
      "2024-02-29T23:59:59.999999999Z", "1970-01-01T00:00:00.000001Z", "2025-12-31T12:30:45.12345Z",
      "0001-01-01T00:00:00Z"})
  void plainUtcReadsWhatInstantParseReads(String text) {
    assertThat(AstraJson.plainUtc(text)).isEqualTo(Instant.parse(text));
    assertThat(AstraJson.instant(text)).isEqualTo(Instant.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-12-05T06:49:13+01:00", "2026-12-05T06:49:13", "2026-02-30T00:00:00Z",
      "2026-12-05T24:00:00Z", "2026-12-05T23:59:60Z", "2026-13-05T00:00:00Z", "2026-12-05T06:49:13.Z",
      "2026-12-05T06:49:13.1234567890Z", "2026-12-05 06:49:13Z", "2026-1a-05T00:00:00Z", "2026-12-05T06:49:13,5Z"})
  void plainUtcLeavesEverythingElseToTheFormatters(String text) {
    assertThat(AstraJson.plainUtc(text)).isNull();
  }

  @Test
  void offsetsAndLocalTimesStillParse() {
    assertThat(AstraJson.instant("2026-12-05T07:49:13+01:00")).isEqualTo(Instant.parse("2026-12-05T06:49:13Z"));
    assertThat(AstraJson.instant("2026-12-05T06:49:13")).isEqualTo(Instant.parse("2026-12-05T06:49:13Z"));
    assertThat(AstraJson.instant("2026-02-30T00:00:00Z")).isNull();
    assertThat(AstraJson.instant("not a time")).isNull();
  }

  @Test
  void instantTextIsInstantToStringAndKeepsTheLastOne() {
    Instant whole = Instant.parse("2026-12-05T11:00:00Z");
    String first = AstraJson.instantText(whole);
    assertThat(first).isEqualTo("2026-12-05T11:00:00Z");
    assertThat(AstraJson.instantText(Instant.ofEpochSecond(whole.getEpochSecond()))).isSameAs(first);
    Instant fraction = whole.plusNanos(1_500);
    assertThat(AstraJson.instantText(fraction)).isEqualTo(fraction.toString()).isEqualTo("2026-12-05T11:00:00.000001500Z");
    assertThat(AstraJson.instantText(whole)).isEqualTo("2026-12-05T11:00:00Z");
  }
}
