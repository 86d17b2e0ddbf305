package dev.astravault.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import dev.astravault.test.FakeAstra;
import org.junit.jupiter.api.Test;

/** The README's demo runs, prints one line per step, and shows no token except a redacted prefix. */
class QuickstartTest {

  @Test
  void againstAnEndpointItDiscoversTheOrgAcceptsARoleIdAndRevokesWhatItIssued() {
    try (FakeAstra astra = FakeAstra.create().start()) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      new Quickstart(new PrintStream(buffer, true, StandardCharsets.UTF_8)).runAgainst(
          astra.defaultOrg().rootToken(), astra.url().uri(), astra.roleId("API RO Svc Acct"));
      String out = buffer.toString(StandardCharsets.UTF_8);
      assertThat(out).contains("using org " + astra.defaultOrg().orgId(), "issued AstraCS:", "revoked lease");
      assertThat(out).doesNotContain(astra.defaultOrg().rootToken());
      assertThat(astra.liveTokens()).isEmpty();
      assertThat(astra.revokedTokens()).hasSize(1);
    }
  }

  @Test
  void theEmbeddedDemoRunsTheWholeLifecycle() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    new Quickstart(new PrintStream(buffer, true, StandardCharsets.UTF_8)).runEmbedded();
    String out = buffer.toString(StandardCharsets.UTF_8);

    assertThat(out).contains("configured org", "synced roles", "issued AstraCS:", "renewed to",
        "simulated time passed", "was revoked at expiry by the sweeper", "FakeAstra now holds 0 live token(s)");
    assertThat(out).containsPattern("issued AstraCS:[a-zA-Z]{5}… ");
    // No full token anywhere: AstraCS: followed by a whole client id and hex part.
    assertThat(Pattern.compile("AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}").matcher(out).find()).isFalse();
  }
}
