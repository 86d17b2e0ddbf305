package dev.astravault.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.test.FakeAstra;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The README's demo runs, prints one line per step, shows no token except a redacted prefix, and reads cleanly: one
 * duration notation, no warning on the happy path (neither printed nor logged), a renew line that explains itself.
 */
class QuickstartTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void captureLogs() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    root.detachAppender(logs);
  }

  /** ASTRA_ROLE as the Astra console shows it, as role sync names it locally, and as its role id. */
  @ParameterizedTest
  @ValueSource(strings = {"R/W User", "r_w_user", "ROLE_ID"})
  void againstAnEndpointItTakesTheRoleAsAstraShowsItAndRevokesWhatItIssued(String role) {
    try (FakeAstra astra = FakeAstra.create().start()) {
      String astraRole = role.equals("ROLE_ID") ? astra.roleId("R/W User") : role;
      String out = run(Map.of("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken(),
          "ASTRA_DEVOPS_URL", astra.url().toString(), "ASTRA_ROLE", astraRole));

      assertThat(out).contains("using org " + astra.defaultOrg().orgId(), "role '" + astraRole + "' is r_w_user",
          "issued AstraCS:", "role=r_w_user", "renewed: a renewal grants the role's ttl (1h) counted from now",
          "revoked lease");
      assertThat(out).doesNotContain(astra.defaultOrg().rootToken());
      assertThat(astra.revokedTokens()).singleElement().satisfies(t ->
          assertThat(t.roles()).containsExactly(astra.roleId("R/W User")));
      assertThat(astra.liveTokens()).isEmpty();
      assertReadsCleanly(out);
    }
  }

  @Test
  void theEmbeddedDemoRunsTheWholeLifecycle() {
    String out = run(Map.of());

    assertThat(out).contains("configured org", "synced roles", "role 'API RO Svc Acct' is api_ro_svc_acct",
        "issued AstraCS:", "40m pass (simulated time): 20m left on the lease",
        "renewed: a renewal grants the role's ttl (1h) counted from now", "3h pass (simulated time)",
        "was revoked at expiry by the sweeper", "FakeAstra now holds 0 live token(s)");
    assertThat(out).containsPattern("issued AstraCS:[a-zA-Z]{5}… ");
    // No full token anywhere: AstraCS: followed by a whole client id and hex part.
    assertThat(Pattern.compile("AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}").matcher(out).find()).isFalse();
    assertReadsCleanly(out);
  }

  @Test
  void theRenewLineShowsTheNewExpiryLaterThanTheOldOne() {
    String out = run(Map.of("ASTRA_ROLE", "api_ro_svc_acct"));
    Matcher m = Pattern.compile("now expires at (\\S+) instead of (\\S+);").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Instant.parse(m.group(1))).isAfter(Instant.parse(m.group(2)));
  }

  private String run(Map<String, String> env) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Quickstart.run(env, new PrintStream(buffer, true, StandardCharsets.UTF_8));
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private void assertReadsCleanly(String out) {
    assertThat(out).doesNotContainIgnoringCase("warning");
    // One duration notation: no ISO-8601 durations (PT1H) next to the 1h/40m notation.
    assertThat(out).doesNotContainPattern("\\bPT\\d");
    assertThat(out).doesNotContain("h0m0s");
    List<ILoggingEvent> warnings = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
        .toList();
    assertThat(warnings).as("library warnings logged on the happy path").isEmpty();
  }
}
