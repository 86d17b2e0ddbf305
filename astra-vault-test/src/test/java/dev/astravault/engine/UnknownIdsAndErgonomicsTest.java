package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.ConflictException;
import dev.astravault.Lease;
import dev.astravault.NotFoundException;
import dev.astravault.Renewal;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13: the one rule for unknown ids (the table in docs/concepts.md), row by row, and the ergonomics a newcomer
 * reaches for: leases(org) by id or logical name, renew(id, ZERO) as the role's TTL, RoleSpec.org().
 */
@ParameterizedClass
@EnumSource(Backend.class)
class UnknownIdsAndErgonomicsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter Backend backend;

  EngineFixture f;
  TokenManager t;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra, backend);
    t = f.tokens;
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  AstraToken issue(String logicalName) {
    return t.request().org(ORG).role(ROLE).logicalName(logicalName).issue();
  }

  /** Lookups that return an Optional: empty, and nothing else happens. */
  @Test
  void lookupsOfUnknownIdsAreEmpty() {
    int events = f.events.size();
    assertThat(t.org("nope")).isEmpty();
    assertThat(t.role("nope", ROLE)).isEmpty();
    assertThat(t.role(ORG, "nope")).isEmpty();
    assertThat(t.token("nope")).isEmpty();
    assertThat(t.token("nope", ROLE, "x")).isEmpty();
    assertThat(t.token(ORG, "nope", "x")).isEmpty();
    assertThat(t.token(ORG, ROLE, "nope")).isEmpty();
    assertThat(t.lease("astra/nope/r/x")).isEmpty();
    assertThat(f.events).hasSize(events);
  }

  /** Removals of what is not there succeed, change nothing and audit nothing, as Vault's revoke does. */
  @Test
  void removalsOfUnknownIdsSucceedAndChangeNothing() {
    AstraToken kept = issue("kept");
    int events = f.events.size();
    int calls = astra.requests().size();

    t.revoke("astra/nope/r/x");
    t.deleteToken("nope");
    t.deleteRole(ORG, "nope");
    t.deleteRole("nope", ROLE);
    t.deleteOrg("nope");

    assertThat(f.events).hasSize(events);
    assertThat(astra.requests()).hasSize(calls);
    assertThat(t.role(ORG, ROLE)).isPresent();
    assertThat(t.tokens()).extracting(i -> i.clientId()).containsExactly(kept.clientId());
    // An ended lease is just as unknown: revoking or deleting it again is a no-op too.
    t.revoke(kept.lease().leaseId());
    t.revoke(kept.lease().leaseId());
    t.deleteToken(kept.clientId());
  }

  /** Everything else that needs what it names throws NotFoundException naming kind and key. */
  @Test
  void operationsThatNeedWhatTheyNameThrowNotFound() {
    notFound(() -> t.request().org("nope").role(ROLE).logicalName("x").issue(), NotFoundException.Kind.ORG, "nope");
    notFound(() -> t.request().org(ORG).role("nope").logicalName("x").issue(), NotFoundException.Kind.ROLE, "nope");
    notFound(() -> t.manage(TokenRequest.forRole("nope").org(ORG).logicalName("x").build()),
        NotFoundException.Kind.ROLE, "nope");
    notFound(() -> t.writeRole(RoleSpec.builder().org("nope").name("r").roleId("id").build()),
        NotFoundException.Kind.ORG, "nope");
    notFound(() -> t.roles("nope"), NotFoundException.Kind.ORG, "nope");
    notFound(() -> t.syncRoles("nope"), NotFoundException.Kind.ORG, "nope");
    notFound(() -> t.resolveRoleId(ORG, "nope"), NotFoundException.Kind.ROLE, "nope");
    notFound(() -> t.resolveRoleId("nope", ROLE), NotFoundException.Kind.ORG, "nope");
    notFound(() -> t.tokens("nope"), NotFoundException.Kind.ORG, "nope");
    notFound(() -> t.tokens("nope", dev.astravault.LeaseState.values()), NotFoundException.Kind.ORG, "nope");
    notFound(() -> t.leases("nope"), NotFoundException.Kind.ORG, "nope");
    notFound(() -> t.renew("astra/nope/r/x"), NotFoundException.Kind.LEASE, "astra/nope/r/x");
    notFound(() -> t.renew("astra/nope/r/x", Duration.ZERO), NotFoundException.Kind.LEASE, "astra/nope/r/x");
    notFound(() -> t.reconcile("nope"), NotFoundException.Kind.ORG, "nope");
    assertThat(f.posts()).isZero();
  }

  private static void notFound(ThrowingCallable call, NotFoundException.Kind kind, String key) {
    assertThatThrownBy(call).isInstanceOfSatisfying(NotFoundException.class, (Consumer<NotFoundException>) e -> {
      assertThat(e.kind()).isEqualTo(kind);
      assertThat(e.key()).isEqualTo(key);
    });
  }

  @Test
  void deletingAnOrgWithLeasesIsAConflictAndAnAstraVaultException() {
    AstraToken token = issue("orders");
    assertThatThrownBy(() -> t.deleteOrg(ORG)).isInstanceOf(ConflictException.class)
        .isInstanceOf(AstraVaultException.class).hasMessageContaining("1 lease");
    assertThat(t.org(ORG)).isPresent();
    t.revoke(token.lease().leaseId());
    t.deleteOrg(ORG);
    assertThat(t.org(ORG)).isEmpty();
  }

  @Test
  void leasesOfAnOrgByIdOrLogicalName() {
    AstraToken a = issue("a");
    AstraToken b = issue("b");
    assertThat(t.leases(ORG)).extracting(Lease::leaseId)
        .containsExactlyInAnyOrder(a.lease().leaseId(), b.lease().leaseId());
    assertThat(t.leases(f.fakeOrg.orgId())).isEqualTo(t.leases(ORG));
    assertThat(t.leases()).isEqualTo(t.leases(ORG));
  }

  @Test
  @SuppressWarnings("deprecation")
  void theOldPrefixFormOfLeasesStillWorks() {
    AstraToken a = issue("a");
    assertThat(t.leases("")).extracting(Lease::leaseId).containsExactly(a.lease().leaseId());
    assertThat(t.leases("astra/" + f.fakeOrg.orgId() + "/" + ROLE + "/")).hasSize(1);
    assertThat(t.leases("astra/other/")).isEmpty();
  }

  @Test
  void renewWithAZeroIncrementMeansTheRolesTtl() {
    AstraToken token = issue("orders");
    f.clock.advance(Duration.ofMinutes(20));
    Renewal renewal = t.renew(token.lease().leaseId(), Duration.ZERO);
    assertThat(renewal.lease().ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(renewal.lease().expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofHours(1)));
    assertThatThrownBy(() -> t.renew(token.lease().leaseId(), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("increment");
  }

  @Test
  @SuppressWarnings("deprecation")
  void roleSpecSaysItHoldsAnOrgReferenceAndTheOldNameStillAnswers() {
    RoleSpec spec = RoleSpec.builder().org(ORG).name("r").roleId("id").build();
    assertThat(spec.org()).isEqualTo(ORG);
    assertThat(spec.orgId()).isEqualTo(spec.org());
    assertThat(t.writeRole(spec).role().orgId()).isEqualTo(f.fakeOrg.orgId());
  }
}
