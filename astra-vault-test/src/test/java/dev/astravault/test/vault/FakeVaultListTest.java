package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.test.vault.RawVault.Reply;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A list, as Vault's http/logical.go {@code buildLogicalRequestNoAuth} reads it: {@code LIST} or
 * {@code GET ?list=<ParseBool true>}, the path given a trailing '/' if it has none, and an empty {@code ?list=} is
 * no list at all. The ACL then checks that slashed path as vault/acl.go {@code AllowOperation} does for a list.
 */
class FakeVaultListTest {
  private static final String DENIED = "1 error occurred:\n\t* permission denied\n\n";

  /** The four spellings of one list: the method or the query, with or without the trailing slash. */
  private static List<Function<RawVault, Reply>> spellings(String path) {
    return List.of(raw -> raw.list(path), raw -> raw.list(path + "/"), raw -> raw.get(path + "?list=true"),
        raw -> raw.get(path + "/?list=true"));
  }

  private static FakeVault vault(Policy... policies) {
    FakeVault.Builder b = FakeVault.builder().clock(TestClocks.clock()).strict();
    for (Policy p : policies) {
      b.policy(p);
    }
    return b.build();
  }

  private static RawVault as(FakeVault vault, String policy) {
    return new RawVault(vault, vault.createToken(TokenSpec.of(Duration.ofHours(1), policy)));
  }

  /** Pins behaviour that was already right: every spelling lists the same keys, on KV metadata and on the plugin. */
  @Test
  void theFourSpellingsListTheSameKeys() {
    try (FakeVault vault = vault()) {
      RawVault root = new RawVault(vault, vault.rootToken());
      root.post("secret/data/dir/a", "{\"data\":{\"x\":\"1\"}}");
      root.post("secret/data/dir/sub/b", "{\"data\":{\"x\":\"1\"}}");
      root.post("astra/role", "{\"org_id\":\"o\",\"role_name\":\"reader\",\"role_id\":\"r1\"}");
      for (Function<RawVault, Reply> list : spellings("secret/metadata/dir")) {
        assertThat(list.apply(root).keys()).containsExactly("a", "sub/");
      }
      for (Function<RawVault, Reply> list : spellings("astra/roles")) {
        assertThat(list.apply(root).keys()).containsExactly("reader");
      }
      assertThat(root.list("secret/metadata").keys()).containsExactly("dir/");
      assertThat(root.get("secret/metadata/?list=true").keys()).containsExactly("dir/");
      assertThat(vault.requests()).last().extracting(VaultRequest::path).isEqualTo("/v1/secret/metadata/");
    }
  }

  /**
   * Vault adds the slash before the ACL check, and for a list also tries an exact rule without it (acl.go, PR #5197,
   * Vault 0.11; before that, issue #4765, such a rule granted nothing). So {@code astra/roles}, {@code astra/roles/}
   * and {@code astra/roles/*} each grant every spelling; {@code astra/roles/x} does not. Pins what was right.
   */
  @Test
  void anExactRuleWithOrWithoutTheSlashOrAGlobGrantsEverySpelling() {
    for (String pattern : List.of("astra/roles", "astra/roles/", "astra/roles/*", "astra/rol*")) {
      try (FakeVault vault = vault(Policy.builder("p").path(pattern, Capability.LIST).build())) {
        new RawVault(vault, vault.rootToken())
            .post("astra/role", "{\"org_id\":\"o\",\"role_name\":\"reader\",\"role_id\":\"r1\"}");
        RawVault raw = as(vault, "p");
        for (Function<RawVault, Reply> list : spellings("astra/roles")) {
          assertThat(list.apply(raw).code()).as(pattern).isEqualTo(200);
        }
      }
    }
    try (FakeVault vault = vault(Policy.builder("p").path("astra/roles/x", Capability.LIST).build())) {
      RawVault raw = as(vault, "p");
      for (Function<RawVault, Reply> list : spellings("astra/roles")) {
        Reply r = list.apply(raw);
        assertThat(r.code()).isEqualTo(403);
        assertThat(r.errors()).containsExactly(DENIED);
      }
    }
  }

  /**
   * Since PR #23874 (late 2023, in 1.13-1.15 patch releases and later) a list first matches the wildcard rules
   * against the path without its slash, so {@code secret/metadata/+} grants a list of {@code secret/metadata/team/}
   * as {@code secret/metadata/team} does. The fake matched only the slashed path, whose extra empty segment a
   * {@code +} rule without a trailing {@code *} cannot cover: 403.
   */
  @Test
  void aPlusRuleGrantsAListOfThePathItNamesWithoutTheSlash() {
    try (FakeVault vault = vault(Policy.builder("p").path("secret/metadata/+", Capability.LIST)
        .path("+/roles", Capability.LIST).build())) {
      RawVault raw = as(vault, "p");
      for (Function<RawVault, Reply> list : spellings("secret/metadata/team")) {
        assertThat(list.apply(raw).code()).as("no keys, but allowed").isEqualTo(404);
      }
      for (Function<RawVault, Reply> list : spellings("astra/roles")) {
        assertThat(list.apply(raw).code()).as("the plugin's 500 for no roles, but allowed").isEqualTo(500);
      }
      assertThat(raw.list("secret/metadata/team/app").code()).isEqualTo(403);
    }
  }

  /**
   * The path without the slash is tried first and wins when any wildcard matches it, even where a higher-priority
   * rule would match the slashed path: {@code secret/metadata/t*} (deny) decides a list of {@code team/}, not
   * {@code secret/metadata/team/*}. The fake took the longest prefix of the slashed path and let the list through.
   */
  @Test
  void theSlashlessMatchDecidesBeforeTheSlashedOne() {
    try (FakeVault vault = vault(Policy.builder("p").path("secret/metadata/t*", Capability.DENY)
        .path("secret/metadata/team/*", Capability.LIST).build())) {
      RawVault raw = as(vault, "p");
      for (Function<RawVault, Reply> list : spellings("secret/metadata/team")) {
        assertThat(list.apply(raw).code()).isEqualTo(403);
      }
      assertThat(raw.list("secret/metadata/team/app").code()).as("under it the longer glob wins").isEqualTo(404);
    }
  }

  /**
   * The {@code +} matches any one segment, the empty one after a list's slash included, as acl.go's segment loop has
   * no check for emptiness: {@code secret/metadata/+} grants a list of the mount's root. Pins what was right.
   */
  @Test
  void aPlusMatchesTheEmptySegmentAfterAListsSlash() {
    try (FakeVault vault = vault(Policy.builder("p").path("secret/metadata/+", Capability.LIST).build())) {
      RawVault raw = as(vault, "p");
      assertThat(raw.list("secret/metadata").code()).isEqualTo(404);
      assertThat(raw.list("secret/metadata/").code()).isEqualTo(404);
      assertThat(raw.get("secret/metadata?list=true").code()).isEqualTo(404);
    }
    try (FakeVault vault = vault(Policy.builder("p").path("secret/data/team/+", Capability.READ).build())) {
      assertThat(as(vault, "p").get("secret/data/team/").code()).as("a read with a trailing slash").isEqualTo(404);
      assertThat(as(vault, "p").get("secret/data/team").code()).isEqualTo(403);
    }
  }

  /**
   * An empty segment never reaches Vault's ACL inside a path: Vault serves {@code /v1/} through Go's ServeMux, which
   * answers any path that {@code path.Clean} changes with a 301 to the clean one (net/http {@code cleanPath},
   * {@code Redirect}). So {@code secret/data/+/app} never sees {@code secret/data//app}, and a client that follows
   * the redirect reaches {@code secret/data/app}, which the {@code +} does not match. The fake served the path as
   * sent and let the {@code +} match the empty segment (404 past the ACL).
   */
  @Test
  void aPathWithAnEmptySegmentIsRedirectedToItsCleanSpelling() {
    try (FakeVault vault = vault(Policy.builder("p").path("secret/data/+/app", Capability.READ).build())) {
      RawVault raw = as(vault, "p");
      Reply r = raw.noRedirects().get("secret/data//app?version=1&x=<");
      assertThat(r.code()).isEqualTo(301);
      assertThat(r.headers().get("Location")).isEqualTo("/v1/secret/data/app?version=1&x=%3C");
      assertThat(r.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
      assertThat(r.body()).isEqualTo("<a href=\"/v1/secret/data/app?version=1&amp;x=%3C\">Moved Permanently</a>.\n\n");
      Reply list = raw.noRedirects().list("secret//metadata/");
      assertThat(list.code()).isEqualTo(301);
      assertThat(list.headers().get("Location")).as("the trailing slash kept").isEqualTo("/v1/secret/metadata/");
      assertThat(list.headers().get("Content-Type")).isNull();
      assertThat(list.body()).isEmpty();
      assertThat(raw.get("secret/data//app").code()).as("followed: secret/data/app").isEqualTo(403);
    }
  }

  /**
   * Go's {@code url.Values.Get("list")} is "" for {@code ?list=} and {@code ?list}, and Vault parses the value only
   * when it is not empty: a plain read, not the 400 of an unparseable value. The fake answered 400.
   */
  @Test
  void anEmptyListParameterIsAPlainRead() {
    try (FakeVault vault = vault()) {
      RawVault root = new RawVault(vault, vault.rootToken());
      root.post("secret/data/dir", "{\"data\":{\"x\":\"1\"}}");
      root.post("secret/data/dir/a", "{\"data\":{\"x\":\"1\"}}");
      for (String query : List.of("?list=", "?list")) {
        Reply read = root.get("secret/metadata/dir" + query);
        assertThat(read.code()).as(query).isEqualTo(200);
        assertThat(read.data()).as(query).containsKey("current_version");
      }
      assertThat(root.get("secret/metadata/dir?list=false").data()).containsKey("current_version");
      assertThat(root.get("secret/metadata/dir?list=maybe").code()).isEqualTo(400);
    }
  }

  /**
   * One list operation is one ACL decision: the sudo that {@code LIST sys/leases/lookup/<prefix>} also needs comes
   * from the same rule as its list capability (acl.go computes both from one permissions entry). The fake checked
   * sudo as if for a read, so an exact rule without the slash granted list but not sudo.
   */
  @Test
  void aListsSudoComesFromTheSameRuleAsItsList() {
    try (FakeVault vault = vault(Policy.builder("p")
        .path("sys/leases/lookup/astra/org/token", Capability.LIST, Capability.SUDO).build())) {
      Reply r = as(vault, "p").list("sys/leases/lookup/astra/org/token");
      assertThat(r.code()).as(r.body()).isNotEqualTo(403);
    }
  }
}
