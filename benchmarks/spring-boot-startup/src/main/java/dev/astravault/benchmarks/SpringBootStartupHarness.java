package dev.astravault.benchmarks;

import dev.astravault.test.FakeAstra;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The startup time the astra-vault starter adds to a Spring Boot application: the same minimal application started
 * alternately with the starter's auto-configuration on (a startup token issued against an embedded FakeAstra, with
 * sync-roles, health and metrics beans) and off ({@code astra.vault.enabled=false}, as without the starter), in one
 * JVM after warm-up rounds. Reports the median and p90 of {@code SpringApplication.run} for each, and the difference
 * of the medians. Usage: {@code SpringBootStartupHarness [warmup rounds] [measured rounds]} (default 20 and 40).
 */
public final class SpringBootStartupHarness {

  /** The application: nothing but auto-configuration. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {}

  private SpringBootStartupHarness() {}

  public static void main(String[] args) {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    try (FakeAstra astra = FakeAstra.create().start()) {
      String[] on = {
          "astra.vault.orgs[0].id=" + astra.defaultOrg().orgId(),
          "astra.vault.orgs[0].root-token=" + astra.defaultOrg().rootToken(),
          "astra.vault.orgs[0].url=" + astra.url().uri(),
          "astra.vault.sync-roles=true",
          "astra.vault.token.role=api_ro_user",
          "astra.vault.token.logical-name=startup-harness",
          "astra.vault.health.enabled=true",
          "astra.vault.audit.slf4j=false",
          "spring.main.banner-mode=off",
          "logging.level.root=warn"};
      String[] off = {"astra.vault.enabled=false", "spring.main.banner-mode=off", "logging.level.root=warn"};
      for (int i = 0; i < warmup; i++) {
        start(on);
        start(off);
      }
      long[] with = new long[rounds];
      long[] without = new long[rounds];
      for (int i = 0; i < rounds; i++) {
        // Alternate, so drift on a shared machine hits both sides alike.
        with[i] = start(on);
        without[i] = start(off);
      }
      if (!astra.liveTokens().isEmpty()) {
        throw new IllegalStateException("tokens left live: " + astra.liveTokens().size());
      }
      report("with the starter", with);
      report("without (astra.vault.enabled=false)", without);
      System.out.printf("added startup time (median difference): %.1f ms%n",
          (median(with) - median(without)) / 1e6);
    }
  }

  /** Nanoseconds for {@code SpringApplication.run}; the context is closed (token revoked) outside the timing. */
  static long start(String[] properties) {
    long t0 = System.nanoTime();
    ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE).properties(properties).run();
    long elapsed = System.nanoTime() - t0;
    context.close();
    return elapsed;
  }

  static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  static void report(String what, long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    List<String> parts = new ArrayList<>();
    parts.add(String.format("median %.1f ms", sorted[sorted.length / 2] / 1e6));
    parts.add(String.format("p90 %.1f ms", sorted[(int) (sorted.length * 0.9)] / 1e6));
    parts.add(String.format("min %.1f ms", sorted[0] / 1e6));
    System.out.printf("%-40s %s (n=%d)%n", what + ":", String.join(", ", parts), values.length);
  }
}
