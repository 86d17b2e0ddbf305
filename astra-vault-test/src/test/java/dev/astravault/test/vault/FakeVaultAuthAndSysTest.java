package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.RawVault.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Token auth, ACLs, logins, health, seal and standby over raw HTTP (vault-http-api.md §2.1, 2.6–2.8). */
class FakeVaultAuthAndSysTest {
  final MutableClock clock = TestClocks.clock();
  // Strict: these tests pin the 1.17+ answers (the invalid-token text); the older generation has its own test below.
  @RegisterExtension final FakeVault vault = FakeVault.builder()
      .clock(clock)
      .strict()
      .policy(Policy.builder("app").path("secret/data/app/*", Capability.READ, Capability.CREATE).build())
      .token("s.app", TokenSpec.of(Duration.ofHours(1), "app").withExplicitMaxTtl(Duration.ofHours(2)))
      .appRole("my-role", "role-1", "secret-1", TokenSpec.of(Duration.ofMinutes(20), "app"))
      .kubernetesRole("web", "jwt-1", "web-sa", "prod", TokenSpec.of(Duration.ofMinutes(30), "app"))
      .build();

  RawVault as(String token) {
    return new RawVault(vault, token);
  }

  /** A varied fake emulates an older Vault or a 1.17+ one, chosen once from its seed (vault-http-api.md §2.1). */
  @Test
  void olderVaultsAnswerWithoutMountTypeOrInvalidToken() {
    long olderSeed = java.util.stream.LongStream.range(0, 64)
        .filter(seed -> FakeVault.builder().seed(seed).build().emulatesOlderVault()).findFirst().orElseThrow();
    long newerSeed = java.util.stream.LongStream.range(0, 64)
        .filter(seed -> !FakeVault.builder().seed(seed).build().emulatesOlderVault()).findFirst().orElseThrow();
    try (FakeVault older = FakeVault.builder().clock(clock).seed(olderSeed).build();
        FakeVault newer = FakeVault.builder().clock(clock).seed(newerSeed).build()) {
      assertThat(FakeVault.builder().seed(olderSeed).build().emulatesOlderVault()).as("same seed, same choice")
          .isTrue();
      assertThat(FakeVault.builder().strict().build().emulatesOlderVault()).isFalse();
      assertThat(older.toString()).contains("older Vault").contains("seed " + olderSeed);

      assertThat(new RawVault(older, "s.nope").get("secret/data/x").errors()).containsExactly("permission denied");
      assertThat(new RawVault(newer, "s.nope").get("secret/data/x").errors())
          .containsExactly("2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
      Reply olderWrite = new RawVault(older, older.rootToken()).post("secret/data/x", "{\"data\":{\"a\":\"b\"}}");
      assertThat(olderWrite.code()).isEqualTo(200);
      assertThat(olderWrite.json()).doesNotContainKey("mount_type").containsKeys("request_id", "data", "auth");
      assertThat(olderWrite.body()).endsWith("}\n");
      Reply newerWrite = new RawVault(newer, newer.rootToken()).post("secret/data/x", "{\"data\":{\"a\":\"b\"}}");
      assertThat(newerWrite.json()).containsEntry("mount_type", "kv");
    }
  }

  @Test
  void missingTokenAclDenialAndInvalidTokenAre403() {
    Reply none = as("").get("secret/data/app/x");
    assertThat(none.code()).isEqualTo(403);
    assertThat(none.body()).isEqualTo("{\"errors\":[\"permission denied\"]}\n");
    Reply denied = as("s.app").get("secret/data/other");
    assertThat(denied.code()).isEqualTo(403);
    assertThat(denied.errors()).containsExactly("1 error occurred:\n\t* permission denied\n\n");
    assertThat(as("s.nope").get("secret/data/app/x").errors())
        .containsExactly("2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
    // create but not update: the first write is allowed, the second is not
    assertThat(as("s.app").post("secret/data/app/x", "{\"data\":{\"a\":\"b\"}}").code()).isEqualTo(200);
    assertThat(as("s.app").post("secret/data/app/x", "{\"data\":{\"a\":\"c\"}}").code()).isEqualTo(403);
    assertThat(as("s.app").get("secret/data/app/x").code()).isEqualTo(200);
  }

  @Test
  void lookupSelfRenewSelfWithMaxTtlAndRevokeSelf() {
    Reply root = as("root").get("auth/token/lookup-self");
    assertThat(root.code()).isEqualTo(200);
    assertThat(root.data()).containsEntry("policies", java.util.List.of("root")).containsEntry("ttl", 0.0)
        .containsEntry("expire_time", null).containsEntry("path", "auth/token/root");

    Reply self = as("s.app").get("auth/token/lookup-self");
    assertThat(self.data()).containsEntry("ttl", 3600.0).containsEntry("creation_ttl", 3600.0)
        .containsEntry("explicit_max_ttl", 7200.0).containsEntry("policies", java.util.List.of("default", "app"))
        .containsKeys("accessor", "creation_time", "display_name", "entity_id", "id", "issue_time", "meta",
            "num_uses", "orphan", "renewable", "type");

    clock.advance(Duration.ofMinutes(50));
    Reply renew = as("s.app").post("auth/token/renew-self", "{\"increment\":\"2h\"}");
    assertThat(renew.code()).isEqualTo(200);
    assertThat(renew.json()).containsEntry("data", null).containsEntry("renewable", false);
    @SuppressWarnings("unchecked")
    Map<String, Object> auth = (Map<String, Object>) renew.json().get("auth");
    assertThat(auth).containsEntry("lease_duration", 4200.0).containsEntry("renewable", true)
        .containsKeys("client_token", "accessor", "policies", "token_policies", "metadata", "entity_id",
            "token_type", "orphan", "mfa_requirement", "num_uses");
    assertThat(renew.json().get("warnings").toString())
        .contains("TTL of \"2h0m0s\" exceeded the effective max_ttl of \"1h10m0s\"; TTL value is capped accordingly");

    clock.advance(Duration.ofMinutes(70));
    assertThat(as("s.app").get("auth/token/lookup-self").errors())
        .containsExactly("2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
    assertThat(vault.isTokenValid("s.app")).isFalse();

    String t = vault.createToken(TokenSpec.of(Duration.ofHours(1)));
    assertThat(as(t).post("auth/token/revoke-self", "").code()).isEqualTo(204);
    assertThat(as(t).get("auth/token/lookup-self").code()).isEqualTo(403);
    assertThat(as("root").post("auth/token/renew-self", "{}").errors()).containsExactly("invalid lease ID");
  }

  /**
   * The token comes from {@code X-Vault-Token}, or from {@code Authorization: Bearer} when that header is absent or
   * empty (vault-http-api.md §2.1; Vault's getTokenFromReq skips an empty X-Vault-Token).
   */
  @Test
  void theTokenMayComeAsABearer() throws IOException {
    for (Map.Entry<String, String> extra : Map.of("X-Vault-Token", "", "X-Other", "x").entrySet()) {
      Request request = new Request.Builder().url(vault.url("/v1/auth/token/lookup-self"))
          .header(extra.getKey(), extra.getValue()).header("Authorization", "Bearer s.app").build();
      try (Response r = RawVault.HTTP.newCall(request).execute()) {
        assertThat(r.code()).as("with %s", extra).isEqualTo(200);
      }
    }
  }

  @Test
  void appRoleLogin() {
    Reply login = as("").post("auth/approle/login", "{\"role_id\":\"role-1\",\"secret_id\":\"secret-1\"}");
    assertThat(login.code()).isEqualTo(200);
    assertThat(login.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(login.json()).containsEntry("renewable", false).containsEntry("data", null)
        .containsEntry("mount_type", "");  // a login answer names no mount (vault-http-api.md §2.7)
    @SuppressWarnings("unchecked")
    Map<String, Object> auth = (Map<String, Object>) login.json().get("auth");
    assertThat(auth).containsEntry("policies", java.util.List.of("default", "app"))
        .containsEntry("metadata", Map.of("role_name", "my-role")).containsEntry("lease_duration", 1200.0)
        .containsEntry("renewable", true).containsEntry("token_type", "service").containsEntry("orphan", true);
    assertThat(vault.isTokenValid((String) auth.get("client_token"))).isTrue();

    assertThat(as("").post("auth/approle/login", "{\"role_id\":\"role-1\",\"secret_id\":\"bad\"}").errors())
        .containsExactly("invalid role or secret ID");
    assertThat(as("").post("auth/approle/login", "{\"secret_id\":\"x\"}").errors()).containsExactly("missing role_id");
    assertThat(as("").post("auth/approle/login", "{\"role_id\":\"x\"}").errors()).containsExactly("missing secret_id");
  }

  @Test
  @SuppressWarnings("unchecked")
  void kubernetesLogin() {
    Reply login = as("").post("auth/kubernetes/login", "{\"role\":\"web\",\"jwt\":\"jwt-1\"}");
    assertThat(login.code()).isEqualTo(200);
    assertThat(login.json()).containsEntry("mount_type", "");
    @SuppressWarnings("unchecked")
    Map<String, Object> auth = (Map<String, Object>) login.json().get("auth");
    assertThat((Map<String, Object>) auth.get("metadata")).containsEntry("role", "web")
        .containsEntry("service_account_name", "web-sa").containsEntry("service_account_namespace", "prod")
        .containsKeys("service_account_secret_name", "service_account_uid");
    assertThat(as("").post("auth/kubernetes/login", "{\"role\":\"web\",\"jwt\":\"forged\"}").code()).isEqualTo(403);
    assertThat(as("").post("auth/kubernetes/login", "{\"role\":\"x\",\"jwt\":\"j\"}").errors())
        .containsExactly("invalid role name \"x\"");
    assertThat(as("").post("auth/kubernetes/login", "{\"jwt\":\"j\"}").errors()).containsExactly("missing role");
    assertThat(as("").post("auth/kubernetes/login", "{\"role\":\"web\"}").errors()).containsExactly("missing jwt");
  }

  /**
   * Vault picks the login handling by path alone (vault/request_handling.go: {@code c.router.LoginPath}), whatever
   * the method: no token is asked for, the request reaches the auth method, and its login path has only an update
   * handler, so any other operation is the framework's plain {@code ErrUnsupportedOperation}, 405 (a login returns
   * the routing error as it is, not wrapped by multierror). LIST appends a slash, and {@code login/} is not a login
   * path: that asks for a token as any other path does.
   */
  @Test
  void loginPathsReachTheAuthMethodWithoutATokenWhateverTheMethod() {
    for (String path : List.of("auth/approle/login", "auth/kubernetes/login")) {
      for (String token : List.of("", "root")) {
        for (String method : List.of("GET", "DELETE", "PATCH")) {
          Reply reply = as(token).send(method, path, method.equals("PATCH") ? "{}" : null,
              method.equals("PATCH") ? "application/merge-patch+json" : null);
          assertThat(reply.code()).as(method + " " + path + " token '" + token + "'").isEqualTo(405);
          assertThat(reply.body()).as(method + " " + path).isEqualTo("{\"errors\":[\"unsupported operation\"]}\n");
        }
        Reply head = as(token).head(path);
        assertThat(head.code()).as("HEAD " + path).isEqualTo(405);
        assertThat(head.body()).isEmpty();
      }
      assertThat(as("").list(path).code()).as("LIST " + path).isEqualTo(403);
      assertThat(as("").list(path).errors()).containsExactly("permission denied");
    }
    // A POST is still the login.
    assertThat(as("").post("auth/approle/login", "{\"role_id\":\"role-1\",\"secret_id\":\"secret-1\"}").code())
        .isEqualTo(200);
  }

  /**
   * Vault without HA storage reads the request before it looks at the seal: http/logical.go buildLogicalRequest
   * parses the body (400 "error parsing JSON"), the method and {@code ?list=}, then core.HandleRequest answers 503
   * "Vault is sealed" (handleRequestForwarding serves a node without HA as it is). A standby is an HA node: there
   * handleRequestForwarding answers before the handler parses anything, so a sealed standby answers 503 first.
   */
  @Test
  void aSealedVaultWithoutHaParsesTheRequestFirst() {
    vault.seal();
    Reply malformed = as("root").post("secret/data/x", "{\"data\":");
    assertThat(malformed.code()).isEqualTo(400);
    assertThat(malformed.body()).isEqualTo("{\"errors\":[\"error parsing JSON\"]}\n");
    assertThat(as("").post("auth/approle/login", "[1]").errors()).containsExactly("error parsing JSON");
    assertThat(as("root").get("secret/metadata/?list=maybe").code()).isEqualTo(400);
    assertThat(as("root").patch("secret/data/x", "{}", "application/json").code()).isEqualTo(415);
    Reply wellFormed = as("root").post("secret/data/x", "{\"data\":{}}");
    assertThat(wellFormed.code()).isEqualTo(503);
    assertThat(wellFormed.body()).isEqualTo("{\"errors\":[\"Vault is sealed\"]}\n");

    vault.standby(true);   // now an HA node: sealed is answered before the body is read
    Reply haSealed = as("root").post("secret/data/x", "{\"data\":");
    assertThat(haSealed.code()).isEqualTo(503);
    assertThat(haSealed.errors()).containsExactly("Vault is sealed");
    vault.unseal();
    vault.standbyWithoutActiveNode();
    // http/handler.go handleRequestForwarding: no active node's address is 500, answered before the body is read.
    Reply noActive = as("root").post("secret/data/x", "{\"data\":");
    assertThat(noActive.code()).isEqualTo(500);
    assertThat(noActive.body())
        .isEqualTo("{\"errors\":[\"local node not active but active cluster node not found\"]}\n");
    assertThat(as("").get("sys/health").code()).as("sys/health still answers").isEqualTo(429);
  }

  @Test
  void healthCodesPerState() {
    Reply active = as("").get("sys/health");
    assertThat(active.code()).isEqualTo(200);
    assertThat(active.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(active.json().keySet()).containsExactly("initialized", "sealed", "standby", "performance_standby",
        "replication_performance_mode", "replication_dr_mode", "server_time_utc", "version", "cluster_name",
        "cluster_id");
    assertThat(active.json()).containsEntry("server_time_utc", (double) TestClocks.START.getEpochSecond());

    vault.standby(true);
    assertThat(as("").get("sys/health").code()).isEqualTo(429);
    assertThat(as("").get("sys/health?standbyok=true").code()).isEqualTo(200);
    // perfstandbyok speaks for performance standbys only (sys_health.go): a plain standby still answers 429.
    assertThat(as("").get("sys/health?perfstandbyok=true").code()).isEqualTo(429);
    assertThat(as("").get("sys/health?standbycode=299").code()).isEqualTo(299);
    assertThat(as("root").get("auth/token/lookup-self").code()).isEqualTo(200);
    vault.standby(false);

    vault.seal();
    Reply sealed = as("").get("sys/health");
    assertThat(sealed.code()).isEqualTo(503);
    assertThat(sealed.json()).containsEntry("sealed", true).doesNotContainKeys("cluster_name", "cluster_id");
    assertThat(as("").send("HEAD", "sys/health", null).code()).isEqualTo(503);
    assertThat(as("").get("sys/health?sealedcode=200").code()).isEqualTo(200);
    assertThat(as("").get("sys/health?sealedcode=x").code()).isEqualTo(400);

    Reply status = as("").get("sys/seal-status");
    assertThat(status.code()).isEqualTo(200);
    assertThat(status.json()).containsEntry("sealed", true).containsEntry("t", 1.0).containsEntry("n", 1.0)
        .containsEntry("progress", 0.0).containsEntry("type", "shamir");

    Reply blocked = as("root").get("secret/data/x");
    assertThat(blocked.code()).isEqualTo(503);
    assertThat(blocked.body()).isEqualTo("{\"errors\":[\"Vault is sealed\"]}\n");
    vault.unseal();
    assertThat(as("root").get("auth/token/lookup-self").code()).isEqualTo(200);

    vault.initialized(false);
    assertThat(as("").get("sys/health").code()).isEqualTo(501);
    assertThat(as("").send("POST", "sys/health", "{}").code()).isEqualTo(405);
  }

  /** http/sys_seal.go handleSysSealStatus: any method but GET is 405 with no error text, sealed or not. */
  @Test
  void sealStatusIsGetOnly() {
    for (String method : List.of("POST", "PUT", "DELETE", "LIST", "PATCH")) {
      Reply reply = as("root").send(method, "sys/seal-status", method.startsWith("P") ? "{}" : null,
          method.equals("PATCH") ? "application/merge-patch+json" : null);
      assertThat(reply.code()).as(method).isEqualTo(405);
      assertThat(reply.body()).as(method).isEqualTo("{\"errors\":[]}\n");
    }
    Reply head = as("").head("sys/seal-status");
    assertThat(head.code()).isEqualTo(405);
    assertThat(head.body()).isEmpty();
    vault.seal();
    assertThat(as("").send("POST", "sys/seal-status", "{}").code()).isEqualTo(405);
    assertThat(as("").get("sys/seal-status").code()).isEqualTo(200);
  }

  @Test
  void resetRestoresConfiguredState() {
    String t = vault.createToken(TokenSpec.of(Duration.ofHours(1)));
    vault.putKv("secret/a", Map.of("k", "v"));
    vault.seal();
    vault.reset();
    assertThat(vault.isSealed()).isFalse();
    assertThat(vault.isTokenValid(t)).isFalse();
    assertThat(vault.isTokenValid("s.app")).isTrue();
    assertThat(vault.kv("secret/a")).isEmpty();
    assertThat(vault.requests()).isEmpty();
  }
}
