package dev.astravault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.audit.JsonLinesAuditSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Durations beyond Go's longest (about 292 years) are refused by every builder with an IllegalArgumentException
 * naming the field: further on they overflowed the engine's instant and nanosecond arithmetic into a raw
 * ArithmeticException (at issue, at manage, below the hard margin, at close, in the back-off). Up to it they work.
 */
class DurationBoundsTest {
  private static final Duration GO_MAX = Duration.ofNanos(Long.MAX_VALUE);
  private static final Duration TOO_LONG = GO_MAX.plusNanos(1);

  private static Map<String, Consumer<Duration>> setters() {
    Map<String, Consumer<Duration>> setters = new LinkedHashMap<>();
    setters.put("ttl", d -> TokenRequest.forRole("r").org("o").perRequest().ttl(d).build());
    setters.put("ttl ", d -> RoleSpec.builder().org("o").name("r").roleId("id").ttl(d).build());
    setters.put("maxTtl", d -> RoleSpec.builder().org("o").name("r").roleId("id").maxTtl(d).build());
    setters.put("minHardMargin", d -> RenewalSettings.builder().hardMargin(d, 0.1));
    setters.put("rotationOverlap", d -> RenewalSettings.builder().rotationOverlap(d));
    setters.put("backoffBase", d -> RenewalSettings.builder().backoff(d, d));
    setters.put("backoffCap", d -> RenewalSettings.builder().backoff(Duration.ofSeconds(1), d));
    setters.put("maxWait", d -> RenewalSettings.builder().maxWait(d));
    setters.put("closeTimeout", d -> RenewalSettings.builder().closeTimeout(d));
    setters.put("sweepInterval", d -> TokenManager.builder().sweepInterval(d));
    setters.put("callTimeout", d -> TokenManager.builder().callTimeout(d));
    setters.put("revokeRetryBackoff max", d -> TokenManager.builder().revokeRetryBackoff(Duration.ofSeconds(1), d));
    setters.put("maxFileAge", d -> JsonLinesAuditSink.builder(Path.of("audit.jsonl")).maxFileAge(d));
    setters.put("checkpointEvery", d -> JsonLinesAuditSink.builder(Path.of("audit.jsonl")).checkpointEvery(d));
    return setters;
  }

  @Test
  void aDurationBeyondGosLongestIsRefusedNamingTheField() {
    setters().forEach((field, setter) -> {
      for (Duration d : new Duration[] {TOO_LONG, Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)}) {
        assertThatThrownBy(() -> setter.accept(d)).as(field).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(field.strip() + " must be at most 2562047h47m16.854775807s");
      }
      setter.accept(GO_MAX);   // the longest is fine
    });
  }

  @Test
  void theLongestSettingsFitTheirArithmetic() {
    RenewalSettings longest = RenewalSettings.builder().rotationOverlap(GO_MAX).hardMargin(GO_MAX, 0)
        .backoff(GO_MAX, GO_MAX).maxWait(GO_MAX).closeTimeout(GO_MAX).build();
    assertThat(longest.hardMargin(GO_MAX)).isEqualTo(GO_MAX);
    // Overlap plus hard margin is longer than any role: a clear refusal, not an overflow.
    assertThatThrownBy(() -> longest.checkFits(GO_MAX, GO_MAX)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rotationOverlap");
  }
}
