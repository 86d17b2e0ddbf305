package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordedCall;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Direct mode only: the exact create request this library sends to Astra. In Vault mode the plugin builds that
 * request (no description, no tokenExpiry), so these describe our HTTP client, not issuing behaviour.
 */
class DirectCreateRequestTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  AstraToken issue(String logicalName) {
    return f.tokens.request().org(ORG).role(ROLE).logicalName(logicalName).metadata("owner", "team-a")
        .metadata("purpose", "orders").issue();
  }

  @Test
  void createCarriesTheRoleTheOrgAServerSideExpiryAndADescriptionTag() {
    AstraToken token = issue("orders");
    RecordedCall post = astra.requests().stream().filter(c -> c.method().equals("POST")).findFirst().orElseThrow();
    assertThat(post.body()).contains("\"roles\":[\"" + astra.roleId("API RO Svc Acct") + "\"]")
        .contains("\"orgId\":\"" + f.fakeOrg.orgId() + "\"")
        .containsPattern("\"description\":\"astra-vault deployment=[a-z0-9]{20} lease="
            + java.util.regex.Pattern.quote(token.lease().leaseId()) + " name=orders\"")
        .contains("\"tokenExpiry\":\"" + token.lease().maxExpiresAt().plus(Duration.ofMinutes(10)) + "\"");
    assertThat(post.header("Authorization")).contains("Bearer " + f.fakeOrg.rootToken());
    assertThat(post.header("User-Agent")).hasValueSatisfying(ua -> assertThat(ua).startsWith("astra-vault/"));
    assertThat(astra.token(token.clientId()).orElseThrow().expiry())
        .contains(token.lease().maxExpiresAt().plus(Duration.ofMinutes(10)));
  }

  @Test
  void theServerSideExpiryIsAWholeSecondRoundedUp() {
    f.clock.advance(Duration.ofMillis(1_250).plusNanos(7));
    AstraToken token = issue("orders");
    java.time.Instant exact = token.lease().maxExpiresAt().plus(Duration.ofMinutes(10));
    java.time.Instant sent = java.time.Instant.ofEpochSecond(exact.getEpochSecond() + 1);
    RecordedCall post = astra.requests().stream().filter(c -> c.method().equals("POST")).findFirst().orElseThrow();
    assertThat(post.body()).contains("\"tokenExpiry\":\"" + sent + "\"").doesNotContain(exact.toString());
    assertThat(sent.toString()).doesNotContain(".");
    assertThat(astra.token(token.clientId()).orElseThrow().expiry()).contains(sent);
  }

  @Test
  void serverSideExpiryAndDescriptionCanBeSwitchedOff() {
    f.close();
    f = new EngineFixture(astra, b -> b.sendTokenExpiry(false).sendDescription(false));
    issue("orders");
    RecordedCall post = astra.requests().stream().filter(c -> c.method().equals("POST")).findFirst().orElseThrow();
    assertThat(post.body()).doesNotContain("tokenExpiry").doesNotContain("description");
  }
}
