package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import dev.astravault.RoleSpec;
import dev.astravault.Scope;
import dev.astravault.StoreException;
import dev.astravault.TokenRequest;
import dev.astravault.event.IssueFailed;
import dev.astravault.store.InMemoryLeaseStore;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.FakeAstra;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A clock at or near the ends of {@link Instant}'s range: an issue or a renewal whose now + TTL (or max TTL, or the
 * token expiry's margin) passes {@link Instant#MAX} fails with an {@link AstraVaultException} that says the clock's
 * time is out of range, before anything is sent to Astra, and leaves no record behind (nor a changed one). A JDBC
 * store, whose time columns end in 2262, refuses a later time with a {@link StoreException} saying so.
 */
class ClockAtTheEdgesTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  /** The role's max TTL (EngineFixture's role). */
  private static final Duration MAX_TTL = Duration.ofHours(3);

  final LeaseStore store = new InMemoryLeaseStore();
  EngineFixture f;

  @AfterEach
  void tearDown() {
    f.close();
  }

  private Throwable issue(String logicalName) {
    return catchThrowable(() -> f.tokens.issue(TokenRequest.forRole(ROLE).org(ORG).logicalName(logicalName).build()));
  }

  private void assertClockRefused(Throwable t) {
    assertThat(t).isExactlyInstanceOf(AstraVaultException.class).hasMessageContaining("clock's time is out of range")
        .hasNoCause();
  }

  private void assertNothingLeft(int posts) {
    assertThat(store.list("")).isEmpty();
    assertThat(f.posts()).isEqualTo(posts);
    assertThat(astra.liveTokens()).isEmpty();
  }

  /** From Instant.MAX itself to an hour inside the max TTL: now + TTL or now + max TTL does not exist. */
  @ParameterizedTest
  @ValueSource(longs = {0, 1, 3_600, 3 * 3_600 - 1})
  void anIssueWhoseExpiryPassesTheLastInstantIsRefusedBeforeAnythingIsStoredOrSent(long secondsBeforeMax) {
    f = new EngineFixture(astra, b -> b.leaseStore(store));
    f.clock.set(Instant.MAX.minusSeconds(secondsBeforeMax));
    assertClockRefused(issue("edge"));
    assertNothingLeft(0);
    assertThat(f.events(IssueFailed.class)).singleElement()
        .satisfies(e -> assertThat(e.error()).isEqualTo(AstraVaultException.class.getName()));
  }

  /** The max expiry fits, but the expiry sent to Astra (max expiry + tokenExpiryMargin, 10 min) does not. */
  @Test
  void theTokenExpirySentToAstraPassingTheLastInstantLeavesNoPendingRecord() {
    f = new EngineFixture(astra, b -> b.leaseStore(store));
    f.clock.set(Instant.MAX.minus(MAX_TTL).minusSeconds(5 * 60));
    assertClockRefused(issue("edge"));
    assertNothingLeft(0);
  }

  /** Scoped: refused before the custom role is made, so no role is created in Astra or recorded. */
  @Test
  void aScopedIssueIsRefusedBeforeItsCustomRoleIsMade() {
    f = new EngineFixture(astra, b -> b.leaseStore(store));
    int rolePosts = astra.requestCount("POST", "/v2/organizations/roles");
    f.clock.set(Instant.MAX.minusSeconds(60));
    Throwable t = catchThrowable(() -> f.tokens.issue(TokenRequest.forRole(ROLE).org(ORG).logicalName("scoped")
        .scope(Scope.database("0d3c6a4e-5b7f-4c1d-9e2a-8f6b3d1c7a90").keyspace("orders").actions(Scope.Access.READ))
        .build()));
    assertClockRefused(t);
    assertNothingLeft(0);
    assertThat(astra.requestCount("POST", "/v2/organizations/roles")).isEqualTo(rolePosts);
    assertThat(store.roles(f.fakeOrg.orgId())).extracting(r -> r.name()).containsExactly(ROLE);
  }

  /**
   * A lease issued near the end, whose role's max TTL was raised since: issue time + the new max TTL does not exist.
   * The renewal is refused and the record is left as it was (ACTIVE, same expiry), for a later revoke. FakeAstra
   * cannot write a generatedOn that far off, so it keeps today's time.
   */
  @Test
  void aRenewalWhoseCapPassesTheLastInstantIsRefusedAndChangesNothing() {
    f = new EngineFixture(astra, b -> b.leaseStore(store).sendTokenExpiry(false));
    astra.useClock(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    f.clock.set(Instant.MAX.minus(MAX_TTL).minusSeconds(3_600));
    AstraToken token = f.tokens.issue(TokenRequest.forRole(ROLE).org(ORG).logicalName("edge").build());
    String leaseId = token.lease().leaseId();
    LeaseRecord before = store.get(leaseId).orElseThrow();
    f.tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofDays(1)).build());
    f.clock.advance(Duration.ofMinutes(30));

    assertClockRefused(catchThrowable(() -> f.tokens.renew(leaseId)));
    assertThat(store.get(leaseId)).contains(before);
    f.tokens.revoke(leaseId);
    assertThat(store.list("")).isEmpty();
    assertThat(astra.liveTokens()).isEmpty();
  }

  /** SQLite's time columns hold epoch nanoseconds (to 2262): a clock past them is refused, with nothing written. */
  @Test
  void aJdbcStoreRefusesAClockPastItsTimeColumns(@TempDir Path dir) {
    LeaseStore sqlite = JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KeyProvider.of(EncryptionKey.generate()));
    f = new EngineFixture(astra, b -> b.leaseStore(sqlite));
    f.clock.set(Instant.parse("+300000-01-01T00:00:00Z"));
    Throwable t = catchThrowable(() -> f.tokens.issue(TokenRequest.forRole(ROLE).org(ORG).logicalName("far")
        .build()));
    assertThat(t).isInstanceOf(StoreException.class).hasMessageContaining("+300000-01-01T00:00:00Z")
        .hasMessageContaining("outside what the store's time columns hold");
    assertThat(sqlite.list("")).isEmpty();
    assertThat(f.posts()).isZero();
    // The sweeper and recovery query with the same clock: their cutoffs saturate instead of failing.
    assertThat(sqlite.expiringBefore(Instant.MAX, 10)).isEmpty();
    assertThat(sqlite.pendingBefore(Instant.MIN, 10)).isEmpty();
  }
}
