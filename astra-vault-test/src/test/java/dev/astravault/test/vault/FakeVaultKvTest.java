package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.RawVault.Reply;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** KV v1 and v2 over raw HTTP against vault-http-api.md §2.1–2.4. */
class FakeVaultKvTest {
  final MutableClock clock = TestClocks.clock();
  // Strict: these tests pin the 1.17+ envelope exactly (mount_type included); the older shape is checked in
  // FakeVaultAuthAndSysTest.olderVaultsAnswerWithoutMountTypeOrInvalidToken.
  @RegisterExtension final FakeVault vault = FakeVault.builder().clock(clock).strict().build();
  RawVault root() {
    return new RawVault(vault, vault.rootToken());
  }

  @Test
  void v2WriteAndReadUseTheExactEnvelope() {
    Reply w = root().post("secret/data/app", "{\"data\":{\"foo\":\"bar\",\"n\":5}}");
    assertThat(w.code()).isEqualTo(200);
    assertThat(w.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(w.headers().get("Cache-Control")).isEqualTo("no-store");
    assertThat(w.body()).endsWith("}\n");
    assertThat(w.json()).containsOnlyKeys("request_id", "lease_id", "renewable", "lease_duration", "data",
        "wrap_info", "warnings", "auth", "mount_type");
    assertThat(w.body()).contains("\"data\":{\"created_time\":\"2025-03-01T10:00:00Z\",\"custom_metadata\":null,"
        + "\"deletion_time\":\"\",\"destroyed\":false,\"version\":1}");

    Reply r = root().get("secret/data/app");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.body()).startsWith("{\"request_id\":\"").contains("\"lease_id\":\"\",\"renewable\":false,"
        + "\"lease_duration\":0,\"data\":{\"data\":{\"foo\":\"bar\",\"n\":5},\"metadata\":{\"created_time\":"
        + "\"2025-03-01T10:00:00Z\",\"custom_metadata\":null,\"deletion_time\":\"\",\"destroyed\":false,"
        + "\"version\":1}},\"wrap_info\":null,\"warnings\":null,\"auth\":null,\"mount_type\":\"kv\"}");
    assertThat(vault.kv("secret/app")).contains(Map.of("foo", "bar", "n", 5L));
  }

  @Test
  void v2MissingKeyAndMissingVersionAre404WithEmptyErrors() {
    assertThat(root().get("secret/data/nope").code()).isEqualTo(404);
    assertThat(root().get("secret/data/nope").body()).isEqualTo("{\"errors\":[]}\n");
    root().post("secret/data/app", "{\"data\":{\"a\":\"1\"}}");
    assertThat(root().get("secret/data/app?version=7").code()).isEqualTo(404);
  }

  @Test
  void v2CheckAndSet() {
    assertThat(root().post("secret/data/c", "{\"data\":{\"a\":\"1\"},\"options\":{\"cas\":0}}").code())
        .isEqualTo(200);
    Reply again = root().post("secret/data/c", "{\"data\":{\"a\":\"2\"},\"options\":{\"cas\":0}}");
    assertThat(again.code()).isEqualTo(400);
    assertThat(again.errors()).containsExactly("check-and-set parameter did not match the current version");
    assertThat(root().post("secret/data/c", "{\"data\":{\"a\":\"2\"},\"options\":{\"cas\":1}}").code())
        .isEqualTo(200);
    assertThat(root().post("secret/data/c", "{\"data\":{\"a\":\"3\"},\"options\":{\"cas\":1}}").code())
        .isEqualTo(400);
    root().post("secret/metadata/c", "{\"cas_required\":true}");
    assertThat(root().post("secret/data/c", "{\"data\":{\"a\":\"3\"}}").errors())
        .containsExactly("check-and-set parameter required for this call");
    assertThat(root().post("secret/data/c", "{\"options\":{}}").errors()).containsExactly("no data provided");
  }

  @Test
  void v2SoftDeleteUndeleteDestroyAndVersions() {
    root().post("secret/data/v", "{\"data\":{\"a\":\"1\"}}");
    root().post("secret/data/v", "{\"data\":{\"a\":\"2\"}}");
    clock.advance(java.time.Duration.ofSeconds(5));
    assertThat(root().delete("secret/data/v").code()).isEqualTo(204);
    assertThat(root().delete("secret/data/missing").code()).isEqualTo(204);
    Reply deleted = root().get("secret/data/v");
    assertThat(deleted.code()).isEqualTo(404);
    assertThat(deleted.body()).contains("\"data\":{\"data\":null,\"metadata\":{\"created_time\":"
        + "\"2025-03-01T10:00:00Z\",\"custom_metadata\":null,\"deletion_time\":\"2025-03-01T10:00:05Z\","
        + "\"destroyed\":false,\"version\":2}}");
    assertThat(root().get("secret/data/v?version=1").data()).containsEntry("data", Map.of("a", "1"));

    assertThat(root().post("secret/undelete/v", "{\"versions\":[2]}").code()).isEqualTo(204);
    assertThat(root().get("secret/data/v").data()).containsEntry("data", Map.of("a", "2"));
    assertThat(root().send("PUT", "secret/destroy/v", "{\"versions\":[2]}").code()).isEqualTo(204);
    assertThat(root().get("secret/data/v").body()).contains("\"destroyed\":true");
    assertThat(root().post("secret/delete/v", "{\"versions\":[1]}").code()).isEqualTo(204);
    assertThat(root().get("secret/data/v?version=1").code()).isEqualTo(404);
    assertThat(root().post("secret/delete/v", "{}").errors()).containsExactly("no version number provided");

    Reply meta = root().get("secret/metadata/v");
    assertThat(meta.code()).isEqualTo(200);
    assertThat(meta.data()).containsEntry("current_version", 2.0).containsEntry("delete_version_after", "0s")
        .containsKeys("cas_required", "created_time", "custom_metadata", "max_versions", "oldest_version",
            "updated_time");
    @SuppressWarnings("unchecked")
    Map<String, Object> versions = (Map<String, Object>) meta.data().get("versions");
    assertThat(versions).containsOnlyKeys("1", "2");

    assertThat(root().delete("secret/metadata/v").code()).isEqualTo(204);
    assertThat(root().get("secret/metadata/v").code()).isEqualTo(404);
    assertThat(root().delete("secret/metadata/v").code()).isEqualTo(204);
  }

  @Test
  void v2MaxVersionsDropsTheOldest() {
    root().post("secret/metadata/m", "{\"max_versions\":2}");
    for (int i = 1; i <= 3; i++) {
      root().post("secret/data/m", "{\"data\":{\"i\":" + i + "}}");
    }
    assertThat(root().get("secret/data/m?version=1").code()).isEqualTo(404);
    assertThat(root().get("secret/metadata/m").data()).containsEntry("oldest_version", 2.0)
        .containsEntry("max_versions", 2.0);
  }

  @Test
  void v2ListWithListMethodOrQueryAndErrors() {
    root().post("secret/data/dir/a", "{\"data\":{\"x\":\"1\"}}");
    root().post("secret/data/dir/sub/b", "{\"data\":{\"x\":\"1\"}}");
    Reply list = root().list("secret/metadata/dir");
    assertThat(list.code()).isEqualTo(200);
    assertThat(list.keys()).containsExactly("a", "sub/");
    assertThat(root().get("secret/metadata/dir/?list=true").keys()).containsExactly("a", "sub/");
    assertThat(root().list("secret/metadata/empty").body()).isEqualTo("{\"errors\":[]}\n");
    assertThat(root().list("secret/metadata/empty").code()).isEqualTo(404);
    assertThat(root().list("secret/data/dir").code()).isEqualTo(405);
    assertThat(root().get("secret/metadata/dir?list=maybe").code()).isEqualTo(400);
    assertThat(root().get("secret/metadata/dir?list=maybe").body()).isEqualTo("{\"errors\":[]}\n");
    // Go's strconv.ParseBool: 1, t, T, TRUE, true, True (and the false forms); no other spelling.
    assertThat(root().get("secret/metadata/dir?list=T").keys()).containsExactly("a", "sub/");
    assertThat(root().get("secret/metadata/dir?list=TRUE").keys()).containsExactly("a", "sub/");
    assertThat(root().get("secret/metadata/dir?list=tRuE").code()).isEqualTo(400);
    assertThat(root().get("secret/metadata/dir?list=yes").code()).isEqualTo(400);
  }

  @Test
  void v1StylePathOnV2MountIs404WithWarning() {
    Reply r = root().get("secret/app");
    assertThat(r.code()).isEqualTo(404);
    assertThat(r.json()).containsEntry("data", null);
    assertThat(r.json().get("warnings").toString()).startsWith("[Invalid path for a versioned K/V secrets engine.")
        .contains("'vault kv get'");
  }

  @Test
  void kvV1() {
    assertThat(root().post("kv/my", "{\"foo\":\"bar\"}").code()).isEqualTo(204);
    Reply r = root().get("kv/my");
    assertThat(r.code()).isEqualTo(200);
    assertThat(r.body()).contains("\"lease_id\":\"\",\"renewable\":false,\"lease_duration\":2764800,"
        + "\"data\":{\"foo\":\"bar\"}");
    root().post("kv/ttl", "{\"foo\":\"bar\",\"ttl\":\"1h\"}");
    assertThat(root().get("kv/ttl").json()).containsEntry("lease_duration", 3600.0);
    assertThat(root().post("kv/empty", "").errors()).containsExactly("missing data fields");
    assertThat(root().get("kv/missing").code()).isEqualTo(404);
    root().post("kv/dir/x", "{\"a\":\"b\"}");
    assertThat(root().list("kv/").keys()).containsExactly("dir/", "my", "ttl");
    assertThat(root().delete("kv/my").code()).isEqualTo(204);
    assertThat(root().delete("kv/my").code()).isEqualTo(204);
    assertThat(root().get("kv/my").code()).isEqualTo(404);
    assertThat(vault.kvKeys("kv/")).containsExactly("dir/x", "ttl");
  }

  @Test
  void configurableMountsAndUnknownRoutes() {
    try (FakeVault custom = FakeVault.builder().clock(clock).kvMount("team/kv", 2).kvMount("old", 1).build()) {
      RawVault raw = new RawVault(custom, custom.rootToken());
      assertThat(raw.post("team/kv/data/x", "{\"data\":{\"a\":\"b\"}}").code()).isEqualTo(200);
      assertThat(raw.post("old/x", "{\"a\":\"b\"}").code()).isEqualTo(204);
      Reply unknown = raw.get("secret/data/x");
      assertThat(unknown.code()).isEqualTo(404);
      assertThat(unknown.errors()).containsExactly("no handler for route \"secret/data/x\". route entry not found.");
    }
  }

  @Test
  void invalidJsonAndUnknownMethods() {
    assertThat(root().post("kv/x", "{nope").errors()).containsExactly("error parsing JSON");
    Reply unknown = root().send("PURGE", "kv/x", null);
    assertThat(unknown.code()).isEqualTo(405);
    assertThat(unknown.body()).isEqualTo("{\"errors\":[]}\n");
  }

  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String UNSUPPORTED = "{\"errors\":[\"1 error occurred:\\n\\t* unsupported operation\\n\\n\"]}\n";

  /**
   * PATCH is Vault's patch operation (http/logical.go): on KV v2's data/ path a JSON merge patch (RFC 7386) of the
   * current version, written as the next version, answered as a write (vault-plugin-secrets-kv path_data.go).
   */
  @Test
  void v2PatchMergesIntoTheCurrentVersion() {
    root().post("secret/data/p", "{\"data\":{\"a\":\"1\",\"b\":{\"x\":1,\"y\":2},\"c\":\"3\"}}");
    clock.advance(java.time.Duration.ofSeconds(7));
    Reply p = root().patch("secret/data/p", "{\"data\":{\"a\":\"2\",\"b\":{\"y\":null,\"z\":3},\"c\":null}}",
        MERGE_PATCH);
    assertThat(p.code()).isEqualTo(200);
    assertThat(p.body()).contains("\"data\":{\"created_time\":\"2025-03-01T10:00:07Z\",\"custom_metadata\":null,"
        + "\"deletion_time\":\"\",\"destroyed\":false,\"version\":2}").endsWith("\"mount_type\":\"kv\"}\n");
    assertThat(root().get("secret/data/p").data()).extracting("data")
        .isEqualTo(Map.of("a", "2", "b", Map.of("x", 1.0, "z", 3.0)));
    assertThat(root().get("secret/data/p?version=1").data()).extracting("data")
        .isEqualTo(Map.of("a", "1", "b", Map.of("x", 1.0, "y", 2.0), "c", "3"));
    // mime.ParseMediaType: parameters allowed, the type compared in lower case.
    assertThat(root().patch("secret/data/p", "{\"data\":{\"d\":\"4\"}}", "Application/Merge-Patch+JSON; charset=utf-8")
        .code()).isEqualTo(200);
    assertThat(root().get("secret/data/p").data()).extracting("metadata").extracting("version").isEqualTo(3.0);
  }

  @Test
  void v2PatchRefusals() {
    Reply wrongType = root().patch("secret/data/p", "{\"data\":{}}", "application/json");
    assertThat(wrongType.code()).isEqualTo(415);
    assertThat(wrongType.errors())
        .containsExactly("PATCH requires Content-Type of application/merge-patch+json, provided application/json");
    Reply noType = root().patch("secret/data/p", "{\"data\":{}}", null);
    assertThat(noType.code()).isEqualTo(400);
    assertThat(noType.errors()).containsExactly("mime: no media type");
    assertThat(root().patch("secret/data/p", "{\"data\":{}}", "application json").errors())
        .containsExactly("mime: expected slash after first token");
    assertThat(root().patch("secret/data/p", "{\"data\":{}}", "text").errors())
        .containsExactly("PATCH requires Content-Type of application/merge-patch+json, provided text");
    assertThat(root().patch("secret/data/p", "{nope", MERGE_PATCH).errors()).containsExactly("error parsing JSON");

    Reply missing = root().patch("secret/data/p", "{\"data\":{\"a\":\"1\"}}", MERGE_PATCH);
    assertThat(missing.code()).isEqualTo(404);
    assertThat(missing.body()).isEmpty();
    assertThat(vault.kvKeys("secret/")).isEmpty();

    root().post("secret/data/p", "{\"data\":{\"a\":\"1\"}}");
    assertThat(root().patch("secret/data/p", "{\"options\":{}}", MERGE_PATCH).errors())
        .containsExactly("no data provided");
    assertThat(root().patch("secret/data/p", "{\"data\":{\"a\":\"2\"},\"options\":{\"cas\":0}}", MERGE_PATCH)
        .errors()).containsExactly("check-and-set parameter did not match the current version");
    assertThat(root().patch("secret/data/p", "{\"data\":{\"a\":\"2\"},\"options\":{\"cas\":1}}", MERGE_PATCH)
        .code()).isEqualTo(200);
    root().post("secret/metadata/p", "{\"cas_required\":true}");
    assertThat(root().patch("secret/data/p", "{\"data\":{\"a\":\"3\"}}", MERGE_PATCH).errors())
        .containsExactly("check-and-set parameter required for this call");

    root().delete("secret/data/p");
    Reply deleted = root().patch("secret/data/p", "{\"data\":{\"a\":\"3\"},\"options\":{\"cas\":2}}", MERGE_PATCH);
    assertThat(deleted.code()).isEqualTo(404);
    assertThat(deleted.data()).containsEntry("version", 2.0).containsEntry("destroyed", false)
        .containsEntry("deletion_time", "2025-03-01T10:00:00Z");
    assertThat(root().get("secret/metadata/p").data()).containsEntry("current_version", 2.0);
  }

  /** KV v2's metadata/ path patches the key's settings (path_metadata.go pathMetadataPatch); a missing key is 404. */
  @Test
  void v2MetadataPatch() {
    Reply missing = root().patch("secret/metadata/m", "{\"max_versions\":3}", MERGE_PATCH);
    assertThat(missing.code()).isEqualTo(404);
    assertThat(missing.body()).isEmpty();
    root().post("secret/data/m", "{\"data\":{\"a\":\"1\"}}");
    root().post("secret/metadata/m", "{\"custom_metadata\":{\"owner\":\"ann\",\"team\":\"x\"}}");
    assertThat(root().patch("secret/metadata/m",
        "{\"max_versions\":3,\"custom_metadata\":{\"team\":null,\"env\":\"prod\"}}", MERGE_PATCH).code())
        .isEqualTo(204);
    Map<String, Object> meta = root().get("secret/metadata/m").data();
    assertThat(meta).containsEntry("max_versions", 3.0).containsEntry("cas_required", false)
        .containsEntry("custom_metadata", Map.of("owner", "ann", "env", "prod"));
  }

  /** No KV v1 path, and no KV v2 path but data/ and metadata/, has a patch handler: 405, unsupported operation. */
  @Test
  void patchElsewhereIsAnUnsupportedOperation() {
    root().post("kv/x", "{\"a\":\"b\"}");
    Reply v1 = root().patch("kv/x", "{\"a\":\"c\"}", MERGE_PATCH);
    assertThat(v1.code()).isEqualTo(405);
    assertThat(v1.body()).isEqualTo(UNSUPPORTED);
    assertThat(root().get("kv/x").data()).isEqualTo(Map.of("a", "b"));
    root().post("secret/data/v", "{\"data\":{\"a\":\"1\"}}");
    assertThat(root().patch("secret/delete/v", "{\"versions\":[1]}", MERGE_PATCH).body()).isEqualTo(UNSUPPORTED);
    assertThat(root().patch("secret/config", "{\"max_versions\":1}", MERGE_PATCH).body()).isEqualTo(UNSUPPORTED);
    assertThat(root().patch("sys/leases/lookup", "{\"lease_id\":\"x\"}", MERGE_PATCH).body())
        .isEqualTo(UNSUPPORTED);
    assertThat(root().patch("auth/token/lookup-self", "{}", MERGE_PATCH).body()).isEqualTo(UNSUPPORTED);
  }

  /** The ACL asks for the patch capability; without it the request is refused before anything is read. */
  @Test
  void patchNeedsThePatchCapability() {
    try (FakeVault custom = FakeVault.builder().clock(clock).strict()
        .policy(Policy.builder("writer").path("secret/data/*", Capability.READ, Capability.UPDATE).build())
        .policy(Policy.builder("patcher").path("secret/data/*", Capability.PATCH).build())
        .token("s.writer", TokenSpec.of(java.time.Duration.ofHours(1), "writer"))
        .token("s.patcher", TokenSpec.of(java.time.Duration.ofHours(1), "patcher"))
        .build()) {
      new RawVault(custom, custom.rootToken()).post("secret/data/a", "{\"data\":{\"a\":\"1\"}}");
      Reply denied = new RawVault(custom, "s.writer").patch("secret/data/a", "{\"data\":{\"b\":\"2\"}}", MERGE_PATCH);
      assertThat(denied.code()).isEqualTo(403);
      assertThat(denied.errors()).containsExactly("1 error occurred:\n\t* permission denied\n\n");
      assertThat(new RawVault(custom, "s.patcher").patch("secret/data/a", "{\"data\":{\"b\":\"2\"}}", MERGE_PATCH)
          .code()).isEqualTo(200);
      assertThat(custom.kv("secret/a")).contains(Map.of("a", "1", "b", "2"));
    }
  }

  /**
   * HEAD is Vault's header operation (http/logical.go): no ACL capability grants it, so any token but root is
   * refused, and none of these paths has a header handler, so root gets 405. Go sends no body with a HEAD answer.
   */
  @Test
  void headIsRefusedOrUnsupported() {
    root().post("secret/data/h", "{\"data\":{\"a\":\"1\"}}");
    root().post("kv/h", "{\"a\":\"1\"}");
    for (String path : List.of("secret/data/h", "secret/metadata/h", "kv/h", "sys/mounts", "auth/token/lookup-self")) {
      Reply head = root().head(path);
      assertThat(head.code()).as(path).isEqualTo(405);
      assertThat(head.body()).as(path).isEmpty();
    }
    assertThat(root().head("nowhere/x").code()).isEqualTo(404);
    assertThat(new RawVault(vault, "").head("secret/data/h").code()).isEqualTo(403);
    Capability[] allButDeny = java.util.EnumSet.complementOf(java.util.EnumSet.of(Capability.DENY))
        .toArray(new Capability[0]);
    try (FakeVault custom = FakeVault.builder().clock(clock).strict()
        .policy(Policy.builder("all").path("*", allButDeny).build())
        .token("s.all", TokenSpec.of(java.time.Duration.ofHours(1), "all"))
        .build()) {
      new RawVault(custom, custom.rootToken()).post("secret/data/h", "{\"data\":{\"a\":\"1\"}}");
      Reply denied = new RawVault(custom, "s.all").head("secret/data/h");
      assertThat(denied.code()).isEqualTo(403);
      assertThat(denied.body()).isEmpty();
      assertThat(new RawVault(custom, "s.all").get("secret/data/h").code()).isEqualTo(200);
    }
  }

  /**
   * Go's net/http keeps the method as sent and Vault's buildLogicalRequestNoAuth matches it case-sensitively
   * ({@code "GET"}, {@code "LIST"}, ...), so a lower-case method is no operation at all: 405 with no error text,
   * before the token is looked at, and nothing is read or written. sys/health switches on the method the same way.
   */
  @Test
  void lowerCaseMethodsAreNotRouted() {
    root().post("secret/data/x", "{\"data\":{\"a\":\"b\"}}");
    for (String method : List.of("get", "list", "delete", "post", "put", "Get")) {
      Reply reply = root().send(method, "secret/data/x", method.startsWith("p") ? "{\"data\":{\"a\":\"c\"}}" : null);
      assertThat(reply.code()).as(method).isEqualTo(405);
      assertThat(reply.body()).as(method).isEqualTo("{\"errors\":[]}\n");
    }
    assertThat(new RawVault(vault, "").send("get", "secret/data/x", null).code()).isEqualTo(405);
    assertThat(new RawVault(vault, "").send("get", "sys/health", null).code()).isEqualTo(405);
    assertThat(root().get("secret/data/x").data()).extracting("data").isEqualTo(Map.of("a", "b"));
    assertThat(root().get("secret/data/x").data()).extracting("metadata").extracting("version").isEqualTo(1.0);
  }

  @Test
  void requestLogRecordsMethodPathHeadersAndBody() {
    new RawVault(vault, vault.rootToken()).list("secret/metadata/");
    root().post("kv/x", "{\"a\":\"b\"}");
    List<VaultRequest> log = vault.requests();
    assertThat(log).hasSize(2);
    assertThat(log.get(0).method()).isEqualTo("LIST");
    assertThat(log.get(1).path()).isEqualTo("/v1/kv/x");
    assertThat(log.get(1).body()).isEqualTo("{\"a\":\"b\"}");
    assertThat(log.get(1).token()).contains("root");
    assertThat(log.get(1).toString()).doesNotContain("root").doesNotContain("\"a\"");
  }

  /**
   * {@code sys/internal/ui/mounts/<path>}, as {@code vault kv get} asks it: the mount serving the path, its type and
   * KV version; 403 with the preflight text when no mount serves it or the token may do nothing under the mount.
   */
  @Test
  void theUiMountsLookupNamesTheMountAndItsVersion() {
    Reply v1 = root().get("sys/internal/ui/mounts/kv/app/key");
    assertThat(v1.code()).isEqualTo(200);
    assertThat(v1.data()).containsEntry("path", "kv/").containsEntry("type", "kv")
        .containsEntry("options", Map.of("version", "1"));
    assertThat(root().get("sys/internal/ui/mounts/secret/app").data()).containsEntry("path", "secret/")
        .containsEntry("options", Map.of("version", "2"));
    assertThat(root().get("sys/internal/ui/mounts/" + vault.astraMount() + "config").data())
        .containsEntry("path", vault.astraMount()).containsEntry("options", null);

    Reply none = root().get("sys/internal/ui/mounts/nope/app");
    assertThat(none.code()).isEqualTo(403);
    assertThat(none.errors()).containsExactly("preflight capability check returned 403, please ensure client's "
        + "policies grant access to path \"nope/app/\"");
    String token = vault.createToken(TokenSpec.of(java.time.Duration.ofHours(1)));   // default policy only
    assertThat(new RawVault(vault, token).get("sys/internal/ui/mounts/kv/app").code()).isEqualTo(403);
  }

  /**
   * {@link MountLookup#ABSENT}: a Vault older than 0.10, where the path was not yet exempt from the ACL check: 404
   * "unsupported path" to a token that may read it (root), the ACL's 403 to any other. {@link MountLookup#DENIED}: the
   * preflight 403 to every token, root included. Other paths are untouched, and reset() restores the answer.
   */
  @Test
  void theUiMountsLookupCanBeMadeAbsentOrDenied() {
    try (FakeVault custom = FakeVault.builder().clock(clock).kvMount("kv", 1)
        .policy(Policy.builder("kv-app").path("kv/app/*", Capability.READ).build()).build()) {
      RawVault root = new RawVault(custom, custom.rootToken());
      RawVault app = new RawVault(custom, custom.createToken(TokenSpec.of(java.time.Duration.ofHours(1), "kv-app")));
      assertThat(app.get("sys/internal/ui/mounts/kv/app/key").code()).isEqualTo(200);

      custom.mountLookup(MountLookup.ABSENT);
      Reply absent = root.get("sys/internal/ui/mounts/kv/app/key");
      assertThat(absent.code()).isEqualTo(404);
      assertThat(absent.errors()).containsExactly("1 error occurred:\n\t* unsupported path\n\n");
      Reply aclDenied = app.get("sys/internal/ui/mounts/kv/app/key");
      assertThat(aclDenied.code()).isEqualTo(403);
      assertThat(aclDenied.errors()).containsExactly("1 error occurred:\n\t* permission denied\n\n");

      custom.mountLookup(MountLookup.DENIED);
      for (RawVault who : List.of(root, app)) {
        Reply denied = who.get("sys/internal/ui/mounts/kv/app/key");
        assertThat(denied.code()).isEqualTo(403);
        assertThat(denied.errors()).containsExactly("preflight capability check returned 403, please ensure "
            + "client's policies grant access to path \"kv/app/key/\"");
      }
      assertThat(root.get("sys/mounts").code()).as("other paths are untouched").isEqualTo(200);

      custom.reset();
      assertThat(root.get("sys/internal/ui/mounts/kv/app/key").code()).isEqualTo(200);
    }
  }

  /**
   * Vault merges a token's policies into one ACL before hasMountAccess walks it: a pattern that one policy grants and
   * another denies is denied, so it gives no access to the mount. Before, each policy was walked alone.
   */
  @Test
  void aPatternGrantedByOnePolicyAndDeniedByAnotherGivesNoMountAccess() {
    try (FakeVault custom = FakeVault.builder().clock(clock).kvMount("kv", 1)
        .policy(Policy.builder("grants").path("kv/app/*", Capability.READ).build())
        .policy(Policy.builder("denies").path("kv/app/*", Capability.DENY).build()).build()) {
      String both = custom.createToken(TokenSpec.of(java.time.Duration.ofHours(1), "grants", "denies"));
      String grants = custom.createToken(TokenSpec.of(java.time.Duration.ofHours(1), "grants"));
      assertThat(new RawVault(custom, grants).get("sys/internal/ui/mounts/kv/app").code()).isEqualTo(200);
      assertThat(new RawVault(custom, both).get("sys/internal/ui/mounts/kv/app").code()).isEqualTo(403);
    }
  }
}
