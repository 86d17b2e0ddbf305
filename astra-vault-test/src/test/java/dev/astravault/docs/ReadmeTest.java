package dev.astravault.docs;

import static dev.astravault.test.AstraAssertions.assertThatAstra;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.OrgConfig;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** README.md's first screen, as written: in a JVM of its own, since it reads the org from the environment. */
class ReadmeTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  public static void main(String[] args) {
    AstraToken token = readme();
    System.out.println("ttl " + token.lease().ttl() + ", metadata " + token.info().metadata());
    System.exit(0);
  }

  static AstraToken readme() {
    // docs:begin readme
    TokenManager tokens = TokenManager.builder().org(OrgConfig.fromEnv()).build();   // reads ASTRA_ORG_TOKEN
    String org = tokens.orgs().get(0).orgId();
    tokens.syncRoles(org);                                                          // Astra roles → local roles
    AstraToken token = tokens.request().org(org).role("api_ro_svc_acct").logicalName("orders")
        .metadata("owner", "team-orders").issue();           // leased (24h), audited, revoked at expiry
    // CQL: username "token", password token.token()
    // docs:end readme
    return token;
  }

  @Test
  void theFirstScreenIssuesADayLongToken() throws Exception {
    String out = Docs.runInOwnJvm(ReadmeTest.class, Map.of("ASTRA_ORG_TOKEN", astra.defaultOrg().rootToken(),
        "ASTRA_DEVOPS_URL", astra.url().toString()));
    assertThat(out).contains("ttl PT24H, metadata {owner=team-orders}");
    assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForLogicalName("orders", 1);
  }
}
