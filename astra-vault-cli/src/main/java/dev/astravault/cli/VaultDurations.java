package dev.astravault.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;

/**
 * Durations the way Vault reads them ({@code parseutil.ParseDurationSecond}): plain seconds ({@code 3600}), a day
 * count ({@code 2d}), or a Go duration ({@code 3600s}, {@code 90m}, {@code 1h30m}, {@code 1.5h}). Negative values are
 * refused, as the current Vault SDK does.
 */
final class VaultDurations implements ITypeConverter<Duration> {
  private static final Pattern SECONDS = Pattern.compile("\\d+");
  private static final Pattern DAYS = Pattern.compile("(\\d+)d");
  private static final Pattern GO = Pattern.compile("(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|ms|s|m|h)");
  private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
  private static final Map<String, Long> NANOS_PER_UNIT = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L,
      "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  static Duration parse(String value) {
    String v = value.strip();
    try {
      if (SECONDS.matcher(v).matches()) {
        return Duration.ofSeconds(Long.parseLong(v));
      }
      Matcher days = DAYS.matcher(v);
      if (days.matches()) {
        return Duration.ofDays(Long.parseLong(days.group(1)));
      }
      if (!v.isEmpty() && GO.matcher(v).replaceAll("").isEmpty()) {
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher part = GO_PART.matcher(v);
        while (part.find()) {
          BigDecimal unit = BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(2)));
          nanos = nanos.add(new BigDecimal(part.group(1)).multiply(unit));
        }
        return Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact());
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new UsageErrors.Refused("expected a shorter duration: this one is too large to count");
    }
    // Not quoted: the value may be a secret typed into the wrong option.
    throw new UsageErrors.Refused("expected a duration such as 30m or 1h30m (seconds such as 3600, Go units from ns "
        + "to h, or days such as 2d)");
  }
}
