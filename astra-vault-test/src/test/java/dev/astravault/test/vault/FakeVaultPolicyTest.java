package dev.astravault.test.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.test.vault.RawVault.Reply;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Vault's ACL path matching (vault/policy.go, vault/acl.go; the "Priority matching" section of Vault's policy docs):
 * {@code +} segments, the trailing {@code *}, policies merged before one rule is chosen, and that rule chosen by the
 * documented priority order. Over HTTP a read of a missing key is 404 when the ACL lets it through and 403 when not;
 * the priority cases also ask the merged ACL which rule's capabilities won.
 */
class FakeVaultPolicyTest {
  private static final String DENIED = "1 error occurred:\n\t* permission denied\n\n";

  /** Reads {@code path} with a token holding only {@code policies}: 403 if the ACL refuses, else 404 (no key). */
  private static int readAs(String path, Policy... policies) {
    FakeVault.Builder builder = FakeVault.builder().clock(TestClocks.clock()).strict();
    Arrays.stream(policies).forEach(builder::policy);
    try (FakeVault vault = builder.build()) {
      String[] names = Arrays.stream(policies).map(Policy::name).toArray(String[]::new);
      String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), names));
      Reply r = new RawVault(vault, token).get(path);
      if (r.code() == 403) {
        assertThat(r.errors()).containsExactly(DENIED);
      }
      return r.code();
    }
  }

  private static Policy rule(String name, String pattern, Capability... caps) {
    return Policy.builder(name).path(pattern, caps).build();
  }

  /** The capabilities of the rule that wins for {@code path} once {@code policies} are merged. */
  private static Set<Capability> winner(String path, Policy... policies) {
    return new Acl(List.of(policies)).capabilities(path, false);
  }

  // ------------------------------------------------------------------ matching

  @Test
  void aPlusIsExactlyOneSegmentNeverZeroNorTwo() {
    Policy p = rule("p", "secret/data/+/app", Capability.READ);
    assertThat(readAs("secret/data/team/app", p)).isEqualTo(404);
    assertThat(readAs("secret/data/app", p)).as("zero segments").isEqualTo(403);
    assertThat(readAs("secret/data/a/b/app", p)).as("two segments").isEqualTo(403);
    assertThat(readAs("secret/data/team/app/more", p)).as("no trailing *, so nothing after").isEqualTo(403);
    assertThat(readAs("secret/data/team/apps", p)).as("the last segment is exact").isEqualTo(403);
    assertThat(readAs("secret/data/team", rule("lead", "+/data/team", Capability.READ))).isEqualTo(404);
  }

  @Test
  void aPlusBeforeATrailingStarMatchesOneSegmentThenAnyRest() {
    Policy p = rule("p", "secret/data/+/astra-vault/*", Capability.READ);
    assertThat(readAs("secret/data/team/astra-vault/store-key", p)).isEqualTo(404);
    assertThat(readAs("secret/data/team/astra-vault/a/b", p)).isEqualTo(404);
    assertThat(readAs("secret/data/astra-vault/store-key", p)).as("zero segments").isEqualTo(403);
    assertThat(readAs("secret/data/a/b/astra-vault/store-key", p)).as("two segments").isEqualTo(403);
    assertThat(readAs("secret/data/team/astra-vaults/key", p)).isEqualTo(403);
    Policy partial = rule("partial", "secret/+/team/ap*", Capability.READ);
    assertThat(readAs("secret/data/team/apple", partial)).as("the * ends a segment's prefix").isEqualTo(404);
    assertThat(readAs("secret/data/team/apple/core", partial)).isEqualTo(404);
    assertThat(readAs("secret/data/team/bpple", partial)).isEqualTo(403);
  }

  /** {@code +} inside a segment and {@code *} anywhere but the end are literal characters, as in Vault. */
  @Test
  void aPlusInsideASegmentAndAStarInTheMiddleAreLiteral() {
    assertThat(readAs("secret/data/a+b", rule("p", "secret/data/a+b", Capability.READ))).isEqualTo(404);
    assertThat(readAs("secret/data/axb", rule("p", "secret/data/a+b", Capability.READ))).isEqualTo(403);
    assertThat(readAs("secret/data/xb", rule("p", "secret/data/+b", Capability.READ))).isEqualTo(403);
    assertThat(winner("secret/data/+b", rule("p", "secret/data/+b", Capability.READ))).containsOnly(Capability.READ);
    assertThat(readAs("secret/data/app", rule("p", "secret/*/app", Capability.READ))).isEqualTo(403);
    assertThat(winner("secret/*/app", rule("p", "secret/*/app", Capability.READ))).containsOnly(Capability.READ);
  }

  /** Vault refuses {@code +*} when the policy is written; templated paths the fake cannot fill in. Both fail loudly. */
  @Test
  void patternsVaultRefusesOrTheFakeCannotFollowFailNamingTheRule() {
    assertThatThrownBy(() -> Policy.builder("p").path("secret/data/+*", Capability.READ))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path \"secret/data/+*\": invalid use of wildcards ('+*' is forbidden)");
    assertThatThrownBy(() -> Policy.builder("p").path("secret/data/{{identity.entity.id}}/*", Capability.READ))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret/data/{{identity.entity.id}}/*").hasMessageContaining("templated");
  }

  // ------------------------------------------------------------------ priority (Vault's docs, in order)

  @Test
  void anExactRuleBeatsEveryWildcard() {
    assertThat(winner("secret/data/team/app", rule("a", "secret/data/team/app", Capability.CREATE),
        rule("b", "secret/data/+/app", Capability.READ), rule("c", "secret/data/team/*", Capability.LIST)))
        .containsOnly(Capability.CREATE);
  }

  /** Rule 1: the wildcard that comes later wins, even a glob over a {@code +}. */
  @Test
  void priority1TheLaterFirstWildcardWins() {
    assertThat(winner("secret/data/team/app", rule("plus", "secret/data/+/app", Capability.READ),
        rule("glob", "secret/data/team/*", Capability.LIST))).containsOnly(Capability.LIST);
    assertThat(winner("secret/data/team/app", rule("early", "secret/+/team/app", Capability.READ),
        rule("late", "secret/data/+/app", Capability.LIST))).containsOnly(Capability.LIST);
  }

  /** Rule 2: with the first wildcard at the same place, no trailing {@code *} wins. */
  @Test
  void priority2NoTrailingStarWins() {
    assertThat(winner("secret/data/team", rule("plus", "secret/data/+", Capability.READ),
        rule("glob", "secret/data/*", Capability.LIST))).containsOnly(Capability.READ);
    assertThat(winner("secret/data/team/app", rule("exact-tail", "secret/data/+/app", Capability.READ),
        rule("glob-tail", "secret/data/+/ap*", Capability.LIST))).containsOnly(Capability.READ);
  }

  /** Rule 3: then fewer {@code +} segments win (the docs' own example: {@code secret/*} over the other). */
  @Test
  void priority3FewerPlusSegmentsWin() {
    assertThat(winner("secret/a/b/foo/x", rule("glob", "secret/*", Capability.READ),
        rule("plus", "secret/+/+/foo/*", Capability.LIST))).containsOnly(Capability.READ);
    assertThat(winner("secret/data/team/app", rule("one", "secret/+/team/app", Capability.READ),
        rule("two", "secret/+/+/app", Capability.LIST))).containsOnly(Capability.READ);
  }

  /** Rule 4: then the longer pattern wins. */
  @Test
  void priority4TheLongerPatternWins() {
    assertThat(winner("secret/data/team/apple", rule("short", "secret/+/team/a*", Capability.READ),
        rule("long", "secret/+/team/ap*", Capability.LIST))).containsOnly(Capability.LIST);
  }

  /** Rule 5: last, the lexically greater pattern wins ('x' sorts after '+'). */
  @Test
  void priority5TheLexicallyGreaterPatternWins() {
    assertThat(winner("secret/a/x/y", rule("plus-y", "secret/+/+/y", Capability.READ),
        rule("x-plus", "secret/+/x/+", Capability.LIST))).containsOnly(Capability.LIST);
    assertThat(winner("secret/a/x/y", rule("x-plus", "secret/+/x/+", Capability.LIST),
        rule("plus-y", "secret/+/+/y", Capability.READ))).as("whatever the order").containsOnly(Capability.LIST);
  }

  /**
   * Vault merges the policies first and then takes only the highest-priority rule: a lower-priority rule in another
   * policy adds nothing. (The fake used to unite each policy's own best rule.)
   */
  @Test
  void onlyTheWinningRuleCountsAcrossPolicies() {
    Policy readsAnyTeam = rule("reads", "secret/data/+/app", Capability.READ);
    Policy listsTeam = rule("lists", "secret/data/team/*", Capability.LIST);
    assertThat(readAs("secret/data/team/app", readsAnyTeam)).isEqualTo(404);
    assertThat(readAs("secret/data/team/app", readsAnyTeam, listsTeam)).isEqualTo(403);
    assertThat(readAs("secret/data/other/app", readsAnyTeam, listsTeam)).isEqualTo(404);
  }

  // ------------------------------------------------------------------ deny

  @Test
  void denyOnTheSamePatternInAnyPolicyWins() {
    assertThat(readAs("secret/data/team/app", rule("grants", "secret/data/+/app", Capability.READ),
        rule("denies", "secret/data/+/app", Capability.DENY))).isEqualTo(403);
    assertThat(readAs("secret/data/team/app", Policy.builder("both").path("secret/data/+/app", Capability.READ)
        .path("secret/data/+/app", Capability.DENY).build())).isEqualTo(403);
  }

  /** A deny on the winning rule refuses; on a lower-priority rule it takes nothing away, as in Vault. */
  @Test
  void denyDecidesOnlyWhereItsRuleWins() {
    assertThat(readAs("secret/data/team/app", rule("deny-plus", "secret/data/+/app", Capability.DENY),
        rule("grant-glob", "secret/data/*", Capability.READ))).isEqualTo(403);
    assertThat(readAs("secret/data/team/app", rule("grant-plus", "secret/data/+/app", Capability.READ),
        rule("deny-glob", "secret/data/*", Capability.DENY))).isEqualTo(404);
    assertThat(readAs("secret/data/team/other", rule("grant-plus", "secret/data/+/app", Capability.READ),
        rule("deny-glob", "secret/data/*", Capability.DENY))).isEqualTo(403);
  }

  // ------------------------------------------------------------------ mount access

  /** hasMountAccess counts a {@code +} rule whose leading segments match the mount's, as Vault's bare-mount check. */
  @Test
  void aPlusRuleGivesMountAccessWhereItsSegmentsReachTheMount() {
    assertThat(mountLookupAs(rule("lead", "+/data/team/*", Capability.READ))).isEqualTo(200);
    assertThat(mountLookupAs(rule("inner", "secret/data/+/app", Capability.READ))).isEqualTo(200);
    assertThat(mountLookupAs(rule("elsewhere", "kv/+/app", Capability.READ))).isEqualTo(403);
    assertThat(mountLookupAs(rule("denied", "+/data/team/*", Capability.DENY))).isEqualTo(403);
  }

  private static int mountLookupAs(Policy policy) {
    try (FakeVault vault = FakeVault.builder().clock(TestClocks.clock()).strict().policy(policy).build()) {
      String token = vault.createToken(TokenSpec.of(Duration.ofHours(1), policy.name()));
      return new RawVault(vault, token).get("sys/internal/ui/mounts/secret/data/team/app").code();
    }
  }

  /** The rules a policy was built with are kept as written, {@code +} and {@code *} included. */
  @Test
  void rulesKeepThePatternsAsWritten() {
    Policy p = Policy.builder("p").path("astra/+/token", Capability.UPDATE)
        .path("secret/data/+/astra-vault/*", Capability.READ).build();
    assertThat(p.rules()).containsOnlyKeys("astra/+/token", "secret/data/+/astra-vault/*");
    assertThat(p.rules().get("astra/+/token")).isEqualTo(EnumSet.of(Capability.UPDATE));
  }
}
