package dev.astravault.internal.support;

import java.math.BigDecimal;
import java.time.Duration;

/** Formats durations the way Go and Vault print them ({@code 24h0m0s}, {@code 1h30m0s}, {@code 45s}), for parity. */
public final class GoDurations {
  private GoDurations() {}

  public static String format(Duration d) {
    long seconds = d.getSeconds();
    if (seconds == 0 && d.getNano() == 0) {
      return "0s";
    }
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    String sec = d.getNano() == 0 ? Long.toString(s)
        : BigDecimal.valueOf(s).add(BigDecimal.valueOf(d.getNano(), 9))
            .stripTrailingZeros().toPlainString();
    if (h > 0) {
      return h + "h" + m + "m" + sec + "s";
    }
    if (m > 0) {
      return m + "m" + sec + "s";
    }
    return sec + "s";
  }
}
