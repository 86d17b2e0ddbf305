package dev.astravault.internal.vault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Pins the Vault KV lease store's layout: entries written by an earlier version must be found where they are, so a
 * path or its escaping never changes.
 */
class KvPathsTest {
  private final KvPaths paths = new KvPaths("astra-vault/orders");

  @Test
  void everyKindOfEntryHasItsPlace() {
    assertThat(paths.leases()).isEqualTo("astra-vault/orders/leases");
    assertThat(paths.lease("astra/org-1/reader/a")).isEqualTo("astra-vault/orders/leases/astra~2Forg-1~2Freader~2Fa");
    assertThat(paths.claim("org-1", "reader", "orders", false))
        .isEqualTo("astra-vault/orders/triples/org-1/reader/orders/primary");
    assertThat(paths.claim("org-1", "reader", "orders", true))
        .isEqualTo("astra-vault/orders/triples/org-1/reader/orders/successor");
    assertThat(paths.client("c.1")).isEqualTo("astra-vault/orders/clients/c~2E1");
    assertThat(paths.holders("org-1", "r1")).isEqualTo("astra-vault/orders/holders/org-1/r1");
    assertThat(paths.holder("org-1", "r1", "l/1")).isEqualTo("astra-vault/orders/holders/org-1/r1/l~2F1");
    assertThat(paths.orgs()).isEqualTo("astra-vault/orders/orgs");
    assertThat(paths.org("org 1")).isEqualTo("astra-vault/orders/orgs/org~201");
    assertThat(paths.roles()).isEqualTo("astra-vault/orders/roles");
    assertThat(paths.roles("org-1")).isEqualTo("astra-vault/orders/roles/org-1");
    assertThat(paths.role("org-1", "read_er")).isEqualTo("astra-vault/orders/roles/org-1/read_er");
  }

  @Test
  void escapingKeepsOnlyLettersDigitsUnderscoreAndHyphenAndRoundTrips() {
    assertThat(KvPaths.escape("a-Z_9")).isEqualTo("a-Z_9");
    assertThat(KvPaths.escape("..")).isEqualTo("~2E~2E");
    assertThat(KvPaths.escape("~")).isEqualTo("~7E");
    assertThat(KvPaths.escape("é")).isEqualTo("~C3~A9");
    assertThat(KvPaths.unescape(KvPaths.escape(""))).isEmpty();
    for (String s : new String[] {"a/b", "..", "~7E", "é ü", "x~"}) {
      assertThat(KvPaths.unescape(KvPaths.escape(s))).as(s).isEqualTo(s);
      assertThat(KvPaths.written(KvPaths.escape(s))).as(s).isTrue();
    }
  }

  @Test
  void keysTheStoreCannotHaveWrittenAreNotTakenForItsOwn() {
    assertThat(KvPaths.written("folder/")).isFalse();
    // No entry has an empty segment (ids and names are never empty): "" is what a plain key beside the per-org
    // folders under roles/ leaves once its "/" is cut, and must not read as an org named "".
    assertThat(KvPaths.written("")).isFalse();
    assertThat(KvPaths.written("not~ZZescaped")).isFalse();
    assertThat(KvPaths.written("a.b")).isFalse();
    assertThat(KvPaths.written("~2f")).isFalse();   // lower-case hex: escape never writes it
  }
}
