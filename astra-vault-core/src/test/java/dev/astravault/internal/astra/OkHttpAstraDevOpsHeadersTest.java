package dev.astravault.internal.astra;

import static dev.astravault.internal.astra.Fixtures.CLIENT_ID;
import static dev.astravault.internal.astra.Fixtures.ORG_ID;
import static dev.astravault.internal.astra.Fixtures.OTHER_ROOT_TOKEN;
import static dev.astravault.internal.astra.Fixtures.ROLE_ID;
import static dev.astravault.internal.astra.Fixtures.ROOT_TOKEN;
import static dev.astravault.internal.astra.Fixtures.TOKEN;
import static dev.astravault.internal.astra.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OkHttpAstraDevOpsHeadersTest {
  private static final String ORG = "{\"id\":\"" + ORG_ID + "\"}";

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyRequestCarriesBearerAcceptAndUserAgent() throws Exception {
    AstraDevOps astra = OkHttpAstraDevOps.create(Fixtures.settings(server, new Fixtures.RecordingSleeper())
        .userAgentPrefix("orders-service/2.3").build());
    server.enqueue(json(200, Fixtures.createResponse()));
    server.enqueue(json(200, "{\"clients\":[]}"));
    server.enqueue(Fixtures.status(204));
    server.enqueue(json(200, "[]"));

    astra.createToken(new CreateTokenRequest(List.of(ROLE_ID), null, null, null));
    astra.listTokens();
    astra.deleteToken(CLIENT_ID);
    astra.listRoles();

    for (int i = 0; i < 4; i++) {
      RecordedRequest request = server.takeRequest();
      assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + ROOT_TOKEN);
      assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
      assertThat(request.getHeaders().get("User-Agent"))
          .isEqualTo("orders-service/2.3 " + AstraClientSettings.defaultUserAgent())
          .matches("orders-service/2\\.3 astra-vault/\\S+");
    }
  }

  @Test
  void userAgentCarriesTheFilteredVersion() {
    // The test classpath holds the Maven-filtered resource, so the placeholder must be gone.
    assertThat(AstraClientSettings.defaultUserAgent()).startsWith("astra-vault/").doesNotContain("${");
  }

  @Test
  void currentOrgIdWithATokenUsesThatTokenOnly() throws Exception {
    AstraDevOps astra = OkHttpAstraDevOps.create(Fixtures.settings(server, new Fixtures.RecordingSleeper()).build());
    server.enqueue(json(200, ORG));
    server.enqueue(json(200, ORG));

    assertThat(astra.currentOrgId("  " + TOKEN + "\n")).isEqualTo(ORG_ID);
    assertThat(astra.currentOrgId()).isEqualTo(ORG_ID);

    assertThat(server.takeRequest().getHeaders().values("Authorization")).containsExactly("Bearer " + TOKEN);
    assertThat(server.takeRequest().getHeaders().values("Authorization")).containsExactly("Bearer " + ROOT_TOKEN);
    assertThatThrownBy(() -> astra.currentOrgId(" ")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachOrgSendsItsOwnCredentialsOverTheSharedPool() throws Exception {
    OkHttpClient shared = new OkHttpClient();
    AstraClientSettings template = AstraClientSettings.builder()
        .baseUrl(server.url("/").toString()).rootToken(ROOT_TOKEN).httpClient(shared)
        .sleeper(new Fixtures.RecordingSleeper()).build();
    OkHttpAstraDevOps orgA = OkHttpAstraDevOps.create(template);
    OkHttpAstraDevOps orgB = OkHttpAstraDevOps.create(template.withRootToken(OTHER_ROOT_TOKEN));
    for (int i = 0; i < 4; i++) {
      server.enqueue(json(200, ORG));
    }

    orgA.currentOrgId();
    orgB.currentOrgId();
    orgA.currentOrgId();
    orgB.currentOrgId();

    assertThat(List.of(header(), header(), header(), header())).containsExactly(
        "Bearer " + ROOT_TOKEN, "Bearer " + OTHER_ROOT_TOKEN, "Bearer " + ROOT_TOKEN, "Bearer " + OTHER_ROOT_TOKEN);
    assertThat(orgA.httpClient().connectionPool()).isSameAs(shared.connectionPool())
        .isSameAs(orgB.httpClient().connectionPool());
    assertThat(orgA.httpClient().dispatcher()).isSameAs(shared.dispatcher());
    assertThat(shared.interceptors()).isEmpty();
  }

  private String header() throws InterruptedException {
    return server.takeRequest().getHeaders().get("Authorization");
  }

  @Test
  void baseUrlWorksWithOrWithoutTrailingSlashAndV2() throws Exception {
    String root = server.url("/").toString();
    String noSlash = root.substring(0, root.length() - 1);
    for (String base : List.of(root, noSlash, noSlash + "/v2", noSlash + "/v2/")) {
      server.enqueue(json(200, ORG));
      OkHttpAstraDevOps.create(AstraClientSettings.builder().baseUrl(base).rootToken(ROOT_TOKEN).build())
          .currentOrgId();
      assertThat(server.takeRequest().getTarget()).as(base).isEqualTo("/v2/currentOrg");
    }
    server.enqueue(json(200, ORG));
    OkHttpAstraDevOps.create(AstraClientSettings.builder().baseUrl(noSlash + "/gateway/astra")
        .rootToken(ROOT_TOKEN).build()).currentOrgId();
    assertThat(server.takeRequest().getTarget()).isEqualTo("/gateway/astra/v2/currentOrg");
  }
}
