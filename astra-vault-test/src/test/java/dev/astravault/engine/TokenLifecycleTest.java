package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.IssueStyle;
import dev.astravault.Lease;
import dev.astravault.LeaseExpiredException;
import dev.astravault.MaxTtlExceededException;
import dev.astravault.NotFoundException;
import dev.astravault.Renewal;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenInfo;
import dev.astravault.TokenRequest;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenIssued;
import dev.astravault.internal.crypto.Hashing;
import dev.astravault.test.FakeAstra;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Backend.class)
class TokenLifecycleTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter Backend backend;

  EngineFixture f;

  @BeforeEach
  void setUp() {
    f = new EngineFixture(astra, backend);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  AstraToken issue(String logicalName) {
    return f.tokens.request().org(ORG).role(ROLE).logicalName(logicalName).metadata("owner", "team-a")
        .metadata("purpose", "orders").issue();
  }

  /** The secret to look for in output; Vault mode has none (the plugin never returns it), so the token stands in. */
  static String secretOf(AstraToken token) {
    return token.secret().isEmpty() ? token.token() : token.secret();
  }

  @Test
  void issueReturnsAVerifiedTokenWithItsLease() {
    Instant now = f.clock.instant();
    AstraToken token = issue("Orders");

    assertThat(token.token()).matches("^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$");
    if (backend == Backend.DIRECT) {
      assertThat(token.token()).isEqualTo("AstraCS:" + token.clientId() + ":" + Hashing.sha256Hex(token.secret()));
    } else {
      // The plugin returns the token but never the client secret.
      assertThat(token.secret()).isEmpty();
      assertThat(token.token()).startsWith("AstraCS:" + token.clientId() + ":");
    }
    assertThat(token.orgId()).isEqualTo(f.fakeOrg.orgId());
    assertThat(token.roleName()).isEqualTo(ROLE);
    assertThat(token.logicalName()).contains("orders");
    assertThat(token.metadata()).containsEntry("owner", "team-a").containsEntry("purpose", "orders");
    Lease lease = token.lease();
    assertThat(lease.issuedAt()).isEqualTo(now);
    assertThat(lease.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(lease.expiresAt()).isEqualTo(now.plus(Duration.ofHours(1)));
    assertThat(lease.maxExpiresAt()).isEqualTo(now.plus(Duration.ofHours(3)));
    assertThat(lease.renewable()).isTrue();
    assertThat(astra.isLive(token.token())).isTrue();
    assertThat(token.toString()).doesNotContain(secretOf(token)).doesNotContain(token.token())
        .contains(token.clientId());
  }

  @Test
  void readByClientIdAndByTriple() {
    AstraToken token = issue("orders");
    assertThat(f.tokens.token(token.clientId())).hasValueSatisfying(t -> assertThat(t.token()).isEqualTo(
        token.token()));
    assertThat(f.tokens.token(ORG, ROLE.toUpperCase(), "ORDERS")).hasValueSatisfying(t ->
        assertThat(t.secret()).isEqualTo(token.secret()));
    assertThat(f.tokens.token(f.fakeOrg.orgId(), ROLE, "other")).isEmpty();
    assertThat(f.tokens.token("nope")).isEmpty();
  }

  @Test
  void listsTokensWithoutSecretsAndLeasesByPrefix() {
    AstraToken a = issue("a");
    AstraToken b = issue("b");
    assertThat(f.tokens.tokens()).extracting(TokenInfo::clientId).containsExactlyInAnyOrder(a.clientId(),
        b.clientId());
    assertThat(f.tokens.tokens(ORG)).hasSize(2);
    assertThat(f.tokens.tokens().toString()).doesNotContain(secretOf(a)).doesNotContain(a.token());
    assertThat(f.tokens.leases("astra/" + f.fakeOrg.orgId() + "/" + ROLE)).hasSize(2);
    assertThat(f.tokens.leases("astra/other")).isEmpty();
    assertThat(f.tokens.lease(a.lease().leaseId())).contains(a.lease());
  }

  @Test
  void theTripleIsUniqueAndPerRequestStyleIsNot() {
    issue("orders");
    assertThatThrownBy(() -> issue("ORDERS")).isInstanceOf(TokenAlreadyExistsException.class)
        .hasMessageContaining("orders");
    TokenRequest sidecar = TokenRequest.forRole(ROLE).org(ORG).perRequest().build();
    AstraToken one = f.tokens.issue(sidecar);
    AstraToken two = f.tokens.issue(sidecar);
    assertThat(one.clientId()).isNotEqualTo(two.clientId());
    assertThat(one.info().style()).isEqualTo(IssueStyle.PER_REQUEST);
    assertThat(f.posts()).isEqualTo(3);
  }

  @Test
  void renewUsesTheRoleTtlOrTheIncrementAndNeverCallsAstra() {
    AstraToken token = issue("orders");
    int before = astra.requests().size();
    f.clock.advance(Duration.ofMinutes(30));
    Renewal renewal = f.tokens.renew(token.lease().leaseId());
    assertThat(renewal.lease().expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofHours(1)));
    assertThat(renewal.lease().lastRenewal()).contains(f.clock.instant());
    assertThat(renewal.warnings()).isEmpty();

    Renewal shorter = f.tokens.renew(token.lease().leaseId(), Duration.ofMinutes(10));
    assertThat(shorter.lease().ttl()).isEqualTo(Duration.ofMinutes(10));
    assertThat(astra.requests()).hasSize(before);
  }

  @Test
  void renewIsCappedAtIssuePlusTheRolesCurrentMaxTtl() {
    AstraToken token = issue("orders");
    f.clock.advance(Duration.ofMinutes(50));
    Renewal capped = f.tokens.renew(token.lease().leaseId(), Duration.ofHours(5));
    assertThat(capped.lease().expiresAt()).isEqualTo(token.lease().issuedAt().plus(Duration.ofHours(3)));
    assertThat(capped.warnings()).containsExactly(
        "TTL of \"5h0m0s\" exceeded the effective max_ttl of \"2h10m0s\"; TTL value is capped accordingly");

    // The role's max_ttl is read as it is now: shrinking it shrinks the cap of existing leases.
    f.tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).maxTtl(Duration.ofHours(2)).build());
    f.clock.advance(Duration.ofMinutes(30));
    Renewal shrunk = f.tokens.renew(token.lease().leaseId());
    assertThat(shrunk.lease().expiresAt()).isEqualTo(token.lease().issuedAt().plus(Duration.ofHours(2)));

    // Still valid until issuedAt + 2h, but the role now allows only 1h from issue: no more renewals.
    f.tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).ttl(Duration.ofMinutes(30))
        .maxTtl(Duration.ofHours(1)).build());
    f.clock.advance(Duration.ofMinutes(10));
    assertThatThrownBy(() -> f.tokens.renew(token.lease().leaseId())).isInstanceOf(MaxTtlExceededException.class)
        .hasMessageContaining(token.lease().leaseId());
  }

  @Test
  void renewFailsClearlyForUnknownExpiredOrRoleLessLeases() {
    assertThatThrownBy(() -> f.tokens.renew("astra/nope")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("lease");
    AstraToken token = issue("orders");
    f.clock.advance(Duration.ofHours(1));
    assertThatThrownBy(() -> f.tokens.renew(token.lease().leaseId())).isInstanceOf(LeaseExpiredException.class);

    AstraToken other = issue("other");
    f.tokens.deleteRole(ORG, ROLE);
    assertThatThrownBy(() -> f.tokens.renew(other.lease().leaseId())).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("role");
    // ...but it can still be revoked.
    f.tokens.revoke(other.lease().leaseId());
    assertThat(astra.isLive(other.token())).isFalse();
  }

  @Test
  void revokeDeletesInAstraAndIsIdempotent() {
    AstraToken token = issue("orders");
    f.tokens.revoke(token.lease().leaseId());
    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(astra.wasRevoked(token.clientId())).isTrue();
    assertThat(f.tokens.lease(token.lease().leaseId())).isEmpty();
    f.tokens.revoke(token.lease().leaseId());
    assertThat(f.events(LeaseRevoked.class)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo(RevokeReason.EXPLICIT));
    // The triple is free again.
    assertThat(issue("orders").clientId()).isNotEqualTo(token.clientId());
  }

  @Test
  void deleteByClientId() {
    AstraToken token = issue("orders");
    f.tokens.deleteToken(token.clientId());
    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(f.tokens.tokens()).isEmpty();
    // The rule for unknown ids (docs/concepts.md): removing what is not there succeeds and changes nothing.
    int events = f.events.size();
    f.tokens.deleteToken(token.clientId());
    assertThat(f.events).hasSize(events);
  }

  @Test
  void theSweeperRevokesLeasesWhenTheyExpire() {
    AstraToken early = issue("early");
    f.tokens.request().org(ORG).role(ROLE).logicalName("late").ttl(Duration.ofMinutes(50)).issue();
    AstraToken late = f.tokens.token(ORG, ROLE, "late").orElseThrow();
    f.tokens.renew(early.lease().leaseId(), Duration.ofMinutes(20));

    f.scheduler.advance(Duration.ofMinutes(19));
    assertThat(astra.isLive(early.token())).isTrue();
    f.scheduler.advance(Duration.ofMinutes(2));
    assertThat(astra.isLive(early.token())).isFalse();
    assertThat(astra.isLive(late.token())).isTrue();
    f.scheduler.advance(Duration.ofMinutes(30));
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(f.events(LeaseRevoked.class)).extracting(LeaseRevoked::reason)
        .containsExactly(RevokeReason.EXPIRED, RevokeReason.EXPIRED);
    assertThat(f.tokens.leases("")).isEmpty();
  }

  @Test
  void aShorterTtlIsHonouredAndALongerOneRejected() {
    AstraToken token = f.tokens.request().org(ORG).role(ROLE).logicalName("short").ttl(Duration.ofMinutes(5))
        .issue();
    assertThat(token.lease().expiresAt()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(5)));
    assertThatThrownBy(() -> f.tokens.request().org(ORG).role(ROLE).logicalName("long").ttl(Duration.ofHours(2))
        .issue()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    assertThat(f.posts()).isEqualTo(1);
  }

  @Test
  void unknownOrgsAndRolesAreTypedErrorsAndNothingIsCreated() {
    assertThatThrownBy(() -> f.tokens.request().org("nope").role(ROLE).logicalName("x").issue())
        .isInstanceOf(NotFoundException.class).hasMessage("unknown org: nope");
    assertThatThrownBy(() -> f.tokens.request().org(ORG).role("nope").logicalName("x").issue())
        .isInstanceOf(NotFoundException.class).hasMessage("unknown role: nope");
    assertThat(f.posts()).isZero();
    assertThat(f.events(TokenIssued.class)).isEmpty();
  }
}
