package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordedCall;
import dev.astravault.test.vault.RawVault.Reply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Astra plugin mount against FakeAstra (vault-plugin-behaviour.md §2–§4, §6). */
class FakeVaultAstraPluginTest {
  final MutableClock clock = TestClocks.clock();
  // No injected 429/503: the plugin (like v2.0.0) sends each Astra call once, and these tests pin its exact exchanges
  // with Astra. Shapes still vary; tests that depend on the DELETE status pin it.
  @RegisterExtension final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  FakeVault vault(PluginBehaviour behaviour) {
    astra.useClock(clock);
    return FakeVault.builder().clock(clock).pluginBehaviour(behaviour).build();
  }

  String astraUrl() {
    String u = astra.url("/").toString();
    return u.substring(0, u.length() - 1);
  }

  static void configure(RawVault raw, FakeOrg org, String url, String mode) {
    assertThat(raw.post("astra/config", "{\"org_id\":\"" + org.orgId() + "\",\"astra_token\":\"" + org.rootToken()
        + "\",\"url\":\"" + url + "\",\"logical_name\":\"main\",\"caller_mode\":\"" + mode + "\"}").code())
        .isEqualTo(204);
  }

  String role(RawVault raw, FakeOrg org, String ttl, String maxTtl) {
    String roleId = astra.roleId(org, "R/W User");
    assertThat(raw.post("astra/role", "{\"org_id\":\"" + org.orgId() + "\",\"role_name\":\"RW\",\"role_id\":\""
        + roleId + "\",\"ttl\":\"" + ttl + "\",\"max_ttl\":\"" + maxTtl + "\"}").code()).isEqualTo(204);
    return roleId;
  }

  static String tokenBody(FakeOrg org, String logicalName) {
    return "{\"org_id\":\"" + org.orgId() + "\",\"role_name\":\"rw\",\"logical_name\":\"" + logicalName
        + "\",\"metadata\":{\"team\":\"a\"}}";
  }

  @ParameterizedTest
  @EnumSource(PluginBehaviour.class)
  void configReadListAndErrors(PluginBehaviour behaviour) {
    try (FakeVault vault = vault(behaviour)) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      FakeOrg org = astra.defaultOrg();
      assertThat(raw.list("astra/configs").code()).isEqualTo(behaviour == PluginBehaviour.FIXED ? 404 : 500);
      configure(raw, org, astraUrl(), "standard");
      Reply read = raw.get("astra/config?org_id=" + org.orgId());
      assertThat(read.code()).isEqualTo(200);
      assertThat(read.data()).containsEntry("caller_mode", "standard").containsEntry("logical_name", "main");
      assertThat(raw.get("astra/config?logical_name=main").data()).containsEntry("org_id", org.orgId());
      Reply list = raw.list("astra/configs");
      assertThat(list.keys()).containsExactly(org.orgId());
      if (behaviour == PluginBehaviour.V2_0_0) {
        assertThat(read.data()).containsEntry("astra_token", org.rootToken());
        assertThat(list.body()).contains(org.rootToken());
        Reply missing = raw.get("astra/config?org_id=nope");
        assertThat(missing.code()).isEqualTo(500);
        assertThat(missing.errors()).containsExactly("1 error occurred:\n\t* unable to find config for org ID nope\n\n");
      } else {
        assertThat(read.data()).doesNotContainKey("astra_token");
        assertThat(list.body()).doesNotContain(org.rootToken());
        assertThat(raw.get("astra/config?org_id=nope").code()).isEqualTo(404);
      }
      assertThat(raw.get("astra/config").errors()).containsExactly("please provide an org_id or a logical_name argument");
      assertThat(raw.post("astra/config", "{\"url\":\"x\"}").errors()).containsExactly("please provide an org_id argument");
      assertThat(raw.post("astra/config", "{\"org_id\":\"\"}").errors())
          .containsExactly("1 error occurred:\n\t* org ID is an empty string\n\n");
      assertThat(raw.post("astra/config", "{\"org_id\":\"o2\",\"url\":\"x\"}").errors())
          .containsExactly("please provide an astra_token argument");
      assertThat(raw.post("astra/config", "{\"org_id\":\"o2\",\"astra_token\":\"x\",\"caller_mode\":\"weird\"}")
          .code()).isEqualTo(400);
      assertThat(raw.delete("astra/config?org_id=" + org.orgId()).code()).isEqualTo(204);
      assertThat(vault.astraConfigOrgIds()).isEmpty();
    }
  }

  @Test
  void roleDefaultsClampAndList() {
    try (FakeVault vault = vault(PluginBehaviour.V2_0_0)) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      String org = astra.defaultOrg().orgId();
      assertThat(raw.post("astra/role", "{\"org_id\":\"" + org + "\",\"role_name\":\"Reader\",\"role_id\":\"r1\","
          + "\"ttl\":\"48h\"}").code()).isEqualTo(204);
      Reply read = raw.get("astra/role?org_id=" + org + "&role_name=reader");
      assertThat(read.data()).containsEntry("ttl", "24h0m0s").containsEntry("max_ttl", "24h0m0s")
          .containsEntry("role_name", "reader");
      assertThat(vault.astraLog()).contains(
          "[WARN] The ttl value provided is greater than max_ttl (24h0m0s); setting ttl to 24h0m0s");
      assertThat(raw.list("astra/roles").keys()).containsExactly("reader");
      assertThat(raw.get("astra/role?org_id=" + org + "&role_name=nope").code()).isEqualTo(404);
      assertThat(raw.get("astra/role?org_id=" + org).errors())
          .containsExactly("1 error occurred:\n\t* role name is an empty string\n\n");
      assertThat(raw.post("astra/role", "{\"org_id\":\"" + org + "\",\"role_name\":\"x\",\"ttl\":{}}").code())
          .isEqualTo(400);
    }
  }

  @Test
  void standardWriteCallsAstraLeasesRenewsAndRevokes() {
    astra.deleteStatus(204);
    try (FakeVault vault = vault(PluginBehaviour.V2_0_0)) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      FakeOrg org = astra.defaultOrg();
      configure(raw, org, astraUrl(), "standard");
      String roleId = role(raw, org, "1h", "3h");

      Reply issued = raw.post("astra/org/token", tokenBody(org, "Orders"));
      assertThat(issued.code()).isEqualTo(200);
      assertThat(issued.json()).containsEntry("renewable", true).containsEntry("lease_duration", 3600.0);
      String leaseId = (String) issued.json().get("lease_id");
      assertThat(leaseId).startsWith("astra/org/token/");
      assertThat(issued.data().keySet()).containsExactly("clientId", "generatedOn", "logicalName", "metadata",
          "orgId", "roleName", "token");
      assertThat(issued.data()).containsEntry("logicalName", "orders").containsEntry("roleName", "rw")
          .containsEntry("metadata", Map.of("team", "a"));
      String clientId = (String) issued.data().get("clientId");

      RecordedCall post = astra.requests().stream().filter(c -> c.method().equals("POST")).findFirst().orElseThrow();
      assertThat(post.path()).isEqualTo("/v2/clientIdSecrets");
      assertThat(post.body()).isEqualTo("{\"roles\": [\"" + roleId + "\"]}");
      assertThat(post.header("Authorization")).contains("Bearer " + org.rootToken());
      assertThat(post.header("User-Agent")).contains("Vault-Plugin v2.0.0");
      assertThat(post.header("Content-Type")).contains("application/json");

      Reply again = raw.post("astra/org/token", tokenBody(org, "orders"));
      assertThat(again.errors()).containsExactly("1 error occurred:\n\t* token already exists for org ID "
          + org.orgId() + ", role rw, with logical name orders\n\n");
      assertThat(raw.get("astra/org/token?org_id=" + org.orgId() + "&role_name=rw&logical_name=orders").data())
          .containsEntry("clientId", clientId);
      assertThat(raw.get("astra/org/token?org_id=" + org.orgId() + "&client_id=" + clientId).data())
          .containsEntry("clientId", clientId);
      assertThat(raw.get("astra/org/token?org_id=" + org.orgId() + "&role_name=rw&logical_name=x").errors())
          .containsExactly("1 error occurred:\n\t* unable to find token for org ID" + org.orgId()
              + ", role rw, with logical name x\n\n");
      Reply tokens = raw.list("astra/org/tokens");
      assertThat(tokens.keys()).containsExactly(clientId);
      assertThat(tokens.body()).contains((String) issued.data().get("token"));

      Reply lookup = raw.post("sys/leases/lookup", "{\"lease_id\":\"" + leaseId + "\"}");
      assertThat(lookup.data()).containsEntry("id", leaseId).containsEntry("ttl", 3600.0)
          .containsEntry("last_renewal", null).containsEntry("renewable", true)
          .containsEntry("issue_time", "2025-03-01T10:00:00Z").containsEntry("expire_time", "2025-03-01T11:00:00Z");
      assertThat(raw.list("sys/leases/lookup/astra/org/token").keys()).hasSize(1);
      assertThat(raw.post("sys/leases/lookup", "{\"lease_id\":\"x\"}").errors()).containsExactly("invalid lease");

      clock.advance(Duration.ofMinutes(50));
      assertThat(raw.post("sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\"}").json())
          .containsEntry("lease_duration", 3600.0).containsEntry("warnings", null);
      clock.advance(Duration.ofMinutes(55));
      assertThat(raw.post("sys/leases/renew/" + leaseId, "{\"increment\":\"1h\"}").code()).isEqualTo(200);
      clock.advance(Duration.ofMinutes(45));
      Reply renew = raw.post("sys/leases/renew/" + leaseId, "{\"increment\":3600}");
      assertThat(renew.code()).isEqualTo(200);
      assertThat(renew.json()).containsEntry("lease_id", leaseId).containsEntry("lease_duration", 1800.0)
          .containsEntry("data", null);
      assertThat(renew.json().get("warnings").toString())
          .contains("TTL of \"1h0m0s\" exceeded the effective max_ttl of \"30m0s\"; TTL value is capped accordingly");
      assertThat(raw.post("sys/leases/renew", "{\"lease_id\":\"nope\"}").errors()).containsExactly("lease not found");

      assertThat(raw.post("sys/leases/revoke", "{\"lease_id\":\"" + leaseId + "\"}").code()).isEqualTo(204);
      assertThat(vault.leases()).isEmpty();
      assertThat(vault.astraTokenClientIds()).isEmpty();
      assertThat(astra.liveTokens()).noneMatch(t -> t.clientId().equals(clientId));
      RecordedCall delete = astra.requests().stream().filter(c -> c.method().equals("DELETE")).findFirst()
          .orElseThrow();
      assertThat(delete.path()).isEqualTo("/v2/clientIdSecrets/" + clientId);
      assertThat(raw.post("sys/leases/revoke", "{\"lease_id\":\"" + leaseId + "\",\"sync\":false}").code())
          .isEqualTo(202);
    }
  }

  @ParameterizedTest
  @EnumSource(PluginBehaviour.class)
  void expiryRevokesAndA200DeleteOnlyWorksWhenFixed(PluginBehaviour behaviour) {
    astra.deleteStatus(200);
    try (FakeVault vault = vault(behaviour)) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      FakeOrg org = astra.defaultOrg();
      configure(raw, org, astraUrl(), "standard");
      role(raw, org, "10m", "1h");
      Reply issued = raw.post("astra/org/token", tokenBody(org, "a"));
      String leaseId = (String) issued.json().get("lease_id");
      clock.advance(Duration.ofMinutes(10));
      if (behaviour == PluginBehaviour.FIXED) {
        assertThat(vault.expireDue()).isEqualTo(1);
        assertThat(vault.leases()).isEmpty();
        return;
      }
      assertThat(vault.expireDue()).isZero();
      // Expired, its revoke failed, still listed: Vault's lookup says not renewable, with a negative ttl.
      clock.advance(Duration.ofSeconds(90));
      Reply expired = raw.post("sys/leases/lookup", "{\"lease_id\":\"" + leaseId + "\"}");
      assertThat(expired.data()).containsEntry("renewable", false).containsEntry("ttl", -90.0);
      assertThat(raw.post("sys/leases/renew", "{\"lease_id\":\"" + leaseId + "\"}").errors())
          .containsExactly("lease expired");
      for (int i = 1; i < FakeVault.MAX_REVOKE_ATTEMPTS; i++) {
        vault.expireDue();
      }
      LeaseInfo stuck = vault.lease(leaseId).orElseThrow();
      assertThat(stuck.irrevocable()).isTrue();
      assertThat(stuck.revokeAttempts()).isEqualTo(FakeVault.MAX_REVOKE_ATTEMPTS);
      assertThat(vault.astraTokenClientIds()).hasSize(1);
      // The first attempt did delete it in Astra (answering 200), so every later attempt meets a 404.
      assertThat(raw.post("sys/leases/revoke/" + leaseId, "").errors().get(0)).startsWith(
          "failed to revoke entry: resp: (*logical.Response)(nil) err: error revoking user token: unable to delete "
              + "token in astra; 404");
      assertThat(astra.requests().stream().filter(c -> c.method().equals("DELETE"))
          .map(c -> c.response().orElseThrow().status()).toList()).startsWith(200, 404);
      assertThat(raw.post("sys/leases/revoke-force/astra/org/token", "").code()).isEqualTo(204);
      assertThat(vault.leases()).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(PluginBehaviour.class)
  void crossOrgClientCacheAndOrgIdTypo(PluginBehaviour behaviour) {
    try (FakeVault vault = vault(behaviour)) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      FakeOrg a = astra.defaultOrg();
      FakeOrg b = astra.addOrg();
      configure(raw, a, astraUrl(), "standard");
      configure(raw, b, astraUrl(), "standard");
      role(raw, a, "1h", "1h");
      role(raw, b, "1h", "1h");
      raw.post("astra/org/token", tokenBody(a, "x"));
      Reply forB = raw.post("astra/org/token", tokenBody(b, "x"));
      RecordedCall lastPost = astra.requests().stream().filter(c -> c.method().equals("POST"))
          .reduce((x, y) -> y).orElseThrow();
      if (behaviour == PluginBehaviour.V2_0_0) {
        // B's request went out with A's root token, and Astra refused B's role id in org A.
        assertThat(lastPost.header("Authorization")).contains("Bearer " + a.rootToken());
        assertThat(lastPost.response().orElseThrow().status()).isGreaterThanOrEqualTo(400);
        assertThat(forB.code()).isEqualTo(500);
        assertThat(forB.errors().get(0)).startsWith("1 error occurred:\n\t* error creating Astra token: ");
      } else {
        assertThat(lastPost.header("Authorization")).contains("Bearer " + b.rootToken());
        String clientId = (String) forB.data().get("clientId");
        assertThat(astra.token(clientId).orElseThrow().orgId()).isEqualTo(b.orgId());
      }
      Reply noConfig = raw.post("astra/org/token", "{\"org_id\":\"zzz\"}");
      if (behaviour == PluginBehaviour.V2_0_0) {
        assertThat(noConfig.errors()).containsExactly("1 error occurred:\n\t* unable to find config for org IDzzz\n\n");
      } else {
        assertThat(noConfig.code()).isEqualTo(404);
      }
    }
  }

  @Test
  void sidecarModeIssuesOnEveryReadAndWrite() {
    try (FakeVault vault = vault(PluginBehaviour.V2_0_0)) {
      RawVault raw = new RawVault(vault, vault.rootToken());
      FakeOrg org = astra.defaultOrg();
      configure(raw, org, astraUrl(), "sidecar");
      role(raw, org, "1h", "1h");
      Reply r1 = raw.get("astra/org/token?org_id=" + org.orgId() + "&role_name=rw");
      Reply r2 = raw.post("astra/org/token", tokenBody(org, "ignored"));
      assertThat(r1.json().get("lease_id")).isNotEqualTo("");
      assertThat(r2.data()).containsEntry("logicalName", "");
      assertThat(vault.leases()).hasSize(2);
      assertThat(astra.requests().stream().filter(c -> c.endpoint().equals(java.util.Optional.of(Endpoint.CREATE_TOKEN))))
          .hasSize(2);
    }
  }

  @ParameterizedTest
  @EnumSource(PluginBehaviour.class)
  void postStatusAndUniquenessRace(PluginBehaviour behaviour) throws Exception {
    // A stub Astra that, while answering the first POST, makes a second identical write to Vault.
    AtomicReference<FakeVault> vaultRef = new AtomicReference<>();
    AtomicReference<Reply> nested = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean failNext = new java.util.concurrent.atomic.AtomicBoolean();
    FakeOrg org = astra.defaultOrg();
    try (MockWebServer stub = new MockWebServer(); FakeVault vault = vault(behaviour)) {
      vaultRef.set(vault);
      int[] n = {0};
      stub.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          int i;
          synchronized (n) {
            i = ++n[0];
          }
          if (i == 1) {
            nested.set(new RawVault(vaultRef.get(), "root").post("astra/org/token", tokenBody(org, "race")));
          }
          if (failNext.get()) {
            return new MockResponse.Builder().code(401).body("{\"errors\":[{\"message\":\"no\"}]}").build();
          }
          return new MockResponse.Builder().code(200).body("{\"clientId\":\"c" + i + "\",\"secret\":\"s\","
              + "\"orgId\":\"o\",\"roles\":[\"r\"],\"token\":\"AstraCS:t" + i + "\",\"generatedOn\":\"g\"}").build();
        }
      });
      stub.start();
      RawVault raw = new RawVault(vault, vault.rootToken());
      String url = stub.url("/").toString();
      configure(raw, org, url.substring(0, url.length() - 1), "standard");
      role(raw, org, "1h", "1h");
      Reply first = raw.post("astra/org/token", tokenBody(org, "race"));
      assertThat(first.code()).isEqualTo(200);
      if (behaviour == PluginBehaviour.V2_0_0) {
        assertThat(nested.get().code()).isEqualTo(200);
        assertThat(vault.leases()).hasSize(2);
        assertThat(vault.astraTokenClientIds()).containsExactly("c1");
      } else {
        assertThat(nested.get().code()).isEqualTo(500);
        assertThat(vault.leases()).hasSize(1);
      }
      failNext.set(true);
      Reply rejected = raw.post("astra/org/token", tokenBody(org, "other"));
      if (behaviour == PluginBehaviour.V2_0_0) {
        assertThat(rejected.code()).isEqualTo(200);
        assertThat(rejected.data()).containsEntry("token", "").containsEntry("clientId", "");
      } else {
        assertThat(rejected.code()).isEqualTo(500);
      }
    }
  }
}
