package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.MutableClock;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real, unmodified vault-java-driver 6.2.1 against FakeVault, and its quirks (vault-http-api.md §1). */
class FakeVaultDriverTest {
  final MutableClock clock = TestClocks.clock();
  @RegisterExtension final FakeAstra astra = FakeAstra.create();
  @RegisterExtension final FakeVault vault = FakeVault.builder()
      .clock(clock)
      .policy(Policy.builder("app").path("secret/data/app/*", Capability.READ).build())
      .appRole("my-role", "role-1", "secret-1", TokenSpec.of(Duration.ofMinutes(20), "app")
          .withExplicitMaxTtl(Duration.ofMinutes(30)))
      .build();

  Vault driver(String token, int kvVersion) throws VaultException {
    return Vault.create(new VaultConfig().address(vault.address()).token(token).build(), kvVersion);
  }

  @Test
  void kvV2ReadWriteListAndDeleteHitsMetadata() throws Exception {
    Vault v = driver(vault.rootToken(), 2);
    LogicalResponse w = v.logical().write("secret/app/db", Map.of("user", "u", "port", 5432));
    assertThat(w.getRestResponse().getStatus()).isEqualTo(200);
    assertThat(w.getData()).containsEntry("version", "1");   // quirk: writeV2 puts the version metadata in getData
    LogicalResponse r = v.logical().read("secret/app/db");
    assertThat(r.getData()).containsEntry("user", "u").containsEntry("port", "5432");
    assertThat(v.logical().list("secret/app").getListData()).containsExactly("db");
    assertThat(v.logical().list("secret/none").getListData()).isEmpty();   // a 404 list is an empty list

    v.logical().delete("secret/app/db");
    VaultRequest delete = vault.requests().get(vault.requests().size() - 1);
    assertThat(delete.method()).isEqualTo("DELETE");
    assertThat(delete.path()).isEqualTo("/v1/secret/metadata/app/db");   // quirk: hard-deletes every version
    assertThat(vault.kvKeys("secret/")).isEmpty();
  }

  @Test
  void kvV1AndWritesCarryNoContentType() throws Exception {
    Vault v = driver(vault.rootToken(), 1);
    v.logical().write("kv/app", Map.of("a", "b"));
    assertThat(vault.requests().get(0).contentType()).isNull();   // quirk: no Content-Type on JSON bodies
    assertThat(vault.requests().get(0).header("X-Vault-Request")).contains("true");
    LogicalResponse r = v.logical().read("kv/app");
    assertThat(r.getData()).containsEntry("a", "b");
    assertThat(v.logical().list("kv/").getListData()).containsExactly("app");
    v.logical().delete("kv/app");
    assertThat(vault.kv("kv/app")).isEmpty();
  }

  @Test
  void engineVersionMustBeSetExplicitly() throws Exception {
    // Vault.create(cfg) defaults to v2, so a write meant for the v1 mount kv/ lands at kv/data/app.
    Vault defaulted = Vault.create(new VaultConfig().address(vault.address()).token(vault.rootToken()).build());
    defaulted.logical().write("kv/app", Map.of("a", "b"));
    assertThat(vault.kvKeys("kv/")).containsExactly("data/app");
    // Mount detection in 6.2.x never matches "secret/" for "secret/x", so the fallback (1) wins even on v2.
    Vault detected = Vault.create(new VaultConfig().address(vault.address()).token(vault.rootToken()).build(),
        true, 1);
    LogicalResponse r = detected.logical().write("secret/x", Map.of("a", "b"));
    assertThat(r.getRestResponse().getStatus()).isEqualTo(404);   // v1-style path on a v2 mount
    assertThat(vault.requests()).anyMatch(q -> q.path().equals("/v1/sys/mounts"));
  }

  @Test
  void fourXxFromReadWriteListIsReturnedNotThrown() throws Exception {
    String app = vault.createToken(TokenSpec.of(Duration.ofHours(1), "app"));
    Vault v = driver(app, 2);
    LogicalResponse denied = v.logical().read("secret/other");
    assertThat(denied.getRestResponse().getStatus()).isEqualTo(403);
    assertThat(new String(denied.getRestResponse().getBody(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("permission denied");
    assertThat(v.logical().write("secret/other", Map.of("a", "b")).getRestResponse().getStatus()).isEqualTo(403);
    assertThat(v.logical().read("secret/app/missing").getRestResponse().getStatus()).isEqualTo(404);
    assertThatThrownBy(() -> v.logical().delete("secret/app/x")).isInstanceOf(VaultException.class);
  }

  @Test
  void appRoleLoginAndRenewSelfNeedExactJson() throws Exception {
    Vault anonymous = Vault.create(new VaultConfig().address(vault.address()).build(), 2);
    AuthResponse login = anonymous.auth().loginByAppRole("role-1", "secret-1");
    assertThat(login.getAuthPolicies()).containsExactly("default", "app");
    assertThat(login.getAuthLeaseDuration()).isEqualTo(1200);
    assertThat(login.isAuthRenewable()).isTrue();
    assertThat(vault.requests().get(0).token()).isEmpty();
    assertThatThrownBy(() -> anonymous.auth().loginByAppRole("role-1", "wrong"))
        .isInstanceOf(VaultException.class)
        .satisfies(e -> assertThat(((VaultException) e).getHttpStatusCode()).isEqualTo(400));

    Vault v = driver(login.getAuthClientToken(), 2);
    assertThat(v.auth().lookupSelf().getPolicies()).contains("app");
    clock.advance(Duration.ofMinutes(15));
    AuthResponse renewed = v.auth().renewSelf(3600);
    assertThat(renewed.getAuthLeaseDuration()).isEqualTo(900);   // capped by the explicit max TTL from issue
    assertThat(vault.requests().get(vault.requests().size() - 1).body()).isEqualTo("{\"increment\":3600}");
  }

  @Test
  void exactApplicationJsonIsRequired() throws Exception {
    // FakeVault answers with exactly application/json; a charset suffix (as some fakes send) breaks the driver.
    try (MockWebServer charset = new MockWebServer()) {
      charset.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json; charset=utf-8")
          .body("{\"data\":{\"policies\":[\"root\"]}}").build());
      charset.start();
      String url = charset.url("/").toString();
      Vault v = Vault.create(new VaultConfig().address(url.substring(0, url.length() - 1)).token("t").build(), 2);
      assertThatThrownBy(() -> v.auth().lookupSelf()).isInstanceOf(VaultException.class)
          .hasMessageContaining("MIME type");
    }
    assertThat(driver(vault.rootToken(), 2).auth().lookupSelf().getPolicies()).containsExactly("root");
  }

  @Test
  void writeAstraOrgToken() throws Exception {
    astra.deleteStatus(204);
    FakeOrg org = astra.defaultOrg();
    // With engine version 2 the driver rewrites every path as KV v2 (astra/data/config → 404), so plugin paths
    // need a client with engine version 1.
    assertThat(driver(vault.rootToken(), 2).logical().write("astra/config", Map.of("org_id", "x"))
        .getRestResponse().getStatus()).isEqualTo(404);
    Vault v = driver(vault.rootToken(), 1);
    String url = astra.url("/").toString();
    Map<String, Object> config = new HashMap<>();
    config.put("org_id", org.orgId());
    config.put("astra_token", org.rootToken());
    config.put("url", url.substring(0, url.length() - 1));
    assertThat(v.logical().write("astra/config", config).getRestResponse().getStatus()).isEqualTo(204);
    assertThat(v.logical().write("astra/role", Map.of("org_id", org.orgId(), "role_name", "rw",
        "role_id", astra.roleId(org, "R/W User"), "ttl", "1h")).getRestResponse().getStatus()).isEqualTo(204);
    LogicalResponse token = v.logical().write("astra/org/token",
        Map.of("org_id", org.orgId(), "role_name", "rw", "logical_name", "orders"));
    assertThat(token.getRestResponse().getStatus()).isEqualTo(200);
    assertThat(token.getLeaseId()).startsWith("astra/org/token/");
    assertThat(token.getRenewable()).isTrue();
    assertThat(token.getLeaseDuration()).isEqualTo(3600L);
    assertThat(token.getData().get("token")).startsWith("AstraCS:");
    assertThat(astra.liveTokens()).anyMatch(t -> t.clientId().equals(token.getData().get("clientId")));

    v.leases().revoke(token.getLeaseId());
    assertThat(vault.leases()).isEmpty();
  }
}
