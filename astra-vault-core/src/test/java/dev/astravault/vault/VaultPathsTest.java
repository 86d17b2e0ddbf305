package dev.astravault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Mounts, KV paths, path prefixes and namespaces become the paths (and a header) of Vault requests: a dot segment
 * would take the request out of the mount (the HTTP client resolves {@code secret/data/../../sys/raw} to
 * {@code sys/raw}), and a line break would split the header or a log line. Each is refused at the builder, naming
 * the field, on one line. A Vault token goes in a header too, so it must be printable ASCII, and is never quoted.
 */
class VaultPathsTest {
  private static final VaultConfig CONFIG = VaultConfig.of(URI.create("https://vault:8200"), VaultAuth.token("t"));

  /** Every setter of a Vault path, by the field its refusal names. */
  private static Map<String, Consumer<String>> setters() {
    VaultConfig.Builder b = VaultConfig.builder(URI.create("https://vault:8200")).auth(VaultAuth.token("t"));
    Map<String, Consumer<String>> setters = new LinkedHashMap<>();
    setters.put("mount", b::mount);
    setters.put("namespace", b::namespace);
    setters.put("mount ", m -> KvPath.v2(m, "astra-vault/key"));
    setters.put("path", p -> KvPath.v1("secret", p));
    setters.put("mount  ", m -> VaultKvLeaseStore.builder(CONFIG).mount(m));
    setters.put("pathPrefix", p -> VaultKvLeaseStore.builder(CONFIG).pathPrefix(p));
    setters.put("mount   ", m -> VaultAuth.appRole(m, "role-id", "secret-id"));
    setters.put("mount    ", m -> VaultAuth.kubernetes(m, "role", Path.of("/var/run/token")));
    return setters;
  }

  @Test
  void aDotSegmentAnEmptySegmentOrALineBreakIsRefusedNamingTheField() {
    List<String> hostile = List.of("..", ".", "../sys", "a/../../sys/raw", "a/./b", "team/..", "a//b", "a\nb",
        "a\rX-Evil: 1", "a\u0085b", "a\u2028b", "a\u202Eb", "a\uD800b", "/");
    setters().forEach((field, setter) -> {
      for (String value : hostile) {
        assertThatThrownBy(() -> setter.accept(value)).as("%s(%s)", field, value)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(field.strip() + " must be a path such as")
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u0085", "\u2028", "\u202E",
                "\uD800"));
      }
    });
  }

  /** As before, except that an auth mount drops its surrounding slashes too (it was kept as given). */
  @Test
  void validPathsAreKeptWithoutTheirSurroundingSlashes() {
    assertThat(VaultConfig.builder(URI.create("https://vault:8200")).auth(VaultAuth.token("t")).mount("/astra/")
        .namespace("admin/team-a/").build()).satisfies(c -> {
          assertThat(c.mount()).isEqualTo("astra");
          assertThat(c.namespace()).contains("admin/team-a/");
        });
    assertThat(KvPath.v2("/team/kv/", "/astra-vault/.store..key/")).satisfies(p -> {
      assertThat(p.mount()).isEqualTo("team/kv");
      assertThat(p.path()).isEqualTo("astra-vault/.store..key/");
    });
    VaultKvLeaseStore.builder(CONFIG).mount("team/kv").pathPrefix("apps/astra-vault/");
    assertThat(((VaultAuth.AppRole) VaultAuth.appRole("/approle/", "role-id", "secret-id")).mount())
        .isEqualTo("approle");
  }

  /** The slashes are trimmed by a loop: the regex that did it backtracked quadratically (seconds at 60,000). */
  @Test
  void aLongRunOfSlashesIsRefusedInLinearTime() {
    String slashes = "a" + "/".repeat(60_000) + "b";
    assertTimeout(Duration.ofSeconds(2), () -> setters().forEach((field, setter) ->
        assertThatThrownBy(() -> setter.accept(slashes)).as(field).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(field.strip() + " must be a path such as")));
  }

  @Test
  void aVaultTokenMustBePrintableAsciiAndIsNeverQuoted() {
    for (String token : List.of("hvs.abc\nX-Evil: 1", "hvs.abc def", "hvs.abc\u00e9", "hvs.abc\u0000")) {
      assertThatThrownBy(() -> VaultAuth.token(token)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("token must be printable ASCII").hasMessageNotContaining("hvs.abc");
    }
    assertThat(VaultAuth.token("hvs.CAESIJlU4OQG2rmnkRz0mMXhp8vE")).isNotNull();
  }

  @Test
  void timeoutsTheHttpClientCannotHoldAreRefused() {
    VaultConfig.Builder b = VaultConfig.builder(URI.create("https://vault:8200")).auth(VaultAuth.token("t"));
    for (Duration d : List.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofMillis(Integer.MAX_VALUE + 1L))) {
      assertThatThrownBy(() -> b.openTimeout(d)).hasMessageStartingWith("openTimeout must be at most PT596H31M23.647S");
      assertThatThrownBy(() -> b.readTimeout(d)).hasMessageStartingWith("readTimeout must be at most PT596H31M23.647S");
    }
    b.openTimeout(Duration.ofMillis(Integer.MAX_VALUE)).readTimeout(Duration.ofMillis(Integer.MAX_VALUE)).build();
  }
}
