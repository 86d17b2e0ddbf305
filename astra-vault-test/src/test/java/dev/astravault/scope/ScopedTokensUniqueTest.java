package dev.astravault.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.RenewalSettings;
import dev.astravault.Scope;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenRequest;
import dev.astravault.event.IssueFailed;
import dev.astravault.internal.CustomRoles;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.store.ParkingLeaseStore;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordedCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A UNIQUE-style scoped request whose (org, role, logical name) triple is taken is refused before its custom role is
 * made or taken: no role POST, no role record, no cancelled deletion. Two UNIQUE requests racing for one triple end
 * with one token and, once the loser's cleanup ran, no role that no lease holds. Against FakeAstra on a SQLite store,
 * set up as {@link ScopedTokensTest}.
 */
class ScopedTokensUniqueTest extends ScopedFixture {
  static final String ROLES_PATH = "/v2/organizations/roles";

  @TempDir Path dir;

  @Override
  LeaseStore openStore() {
    return JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS);
  }

  List<String> customRoleRecords() {
    return store.roles(org.orgId()).stream().map(r -> r.name()).filter(n -> n.startsWith(CustomRoles.PREFIX))
        .toList();
  }

  /** The role endpoints' calls after the first {@code from} requests the fake received. */
  List<RecordedCall> roleCallsSince(int from) {
    List<RecordedCall> all = astra.requests();
    return all.subList(from, all.size()).stream().filter(c -> c.path().startsWith(ROLES_PATH)).toList();
  }

  String roleName(Scope.Access access) {
    return CustomRoles.roleName(org.orgId(), DEPLOYMENT, orders(access).build());
  }

  @Test
  void aRefusedRequestWhoseTripleAnUnscopedTokenHoldsMakesNoRole() {
    AstraToken holder = tokens.request().org("acme").role("reader").logicalName("orders").issue();
    List<String> rolesBefore = astra.roleNames(org);
    int mark = astra.requests().size();

    assertThatThrownBy(() -> issue("orders", orders(Scope.Access.READ)))
        .isInstanceOf(TokenAlreadyExistsException.class);

    assertThat(roleCallsSince(mark)).as("no role was created, read or listed").isEmpty();
    assertThat(astra.roleNames(org)).isEqualTo(rolesBefore);
    assertThat(customRoleRecords()).as("no write-ahead role record").isEmpty();
    assertThat(store.list("")).singleElement().satisfies(r -> assertThat(r.leaseId())
        .isEqualTo(holder.lease().leaseId()));
    assertThat(events).filteredOn(IssueFailed.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((IssueFailed) e).error()).isEqualTo(TokenAlreadyExistsException.class
            .getName()));
    assertThat(astra.liveTokens()).singleElement().satisfies(t -> assertThat(t.clientId())
        .isEqualTo(holder.clientId()));
  }

  @Test
  void aRefusedRequestWhoseTripleAnotherScopeHoldsMakesNoRole() {
    issue("orders", orders(Scope.Access.READ));
    int posts = astra.requestCount("POST", ROLES_PATH);
    int mark = astra.requests().size();

    assertThatThrownBy(() -> issue("orders", orders(Scope.Access.SCHEMA)))
        .isInstanceOf(TokenAlreadyExistsException.class);

    assertThat(astra.requestCount("POST", ROLES_PATH)).isEqualTo(posts);
    assertThat(roleCallsSince(mark)).isEmpty();
    assertThat(customRoles()).containsExactly(roleName(Scope.Access.READ));
    assertThat(customRoleRecords()).containsExactly(roleName(Scope.Access.READ));

    // Nothing is left for recovery either: the org's roles stay as they were once time passed.
    scheduler.advance(GRACE.multipliedBy(3));
    assertThat(customRoles()).containsExactly(roleName(Scope.Access.READ));
  }

  @Test
  void aRefusedRequestDoesNotKeepAnUnusedRoleFromItsDeletion() {
    // The SCHEMA role is unused, its deletion scheduled; a refused request for it must not take it.
    AstraToken ended = issue("migrations", orders(Scope.Access.SCHEMA));
    tokens.revoke(ended.lease().leaseId());
    issue("orders", orders(Scope.Access.READ));
    scheduler.advance(Duration.ofMinutes(2));
    int mark = astra.requests().size();

    assertThatThrownBy(() -> issue("orders", orders(Scope.Access.SCHEMA)))
        .isInstanceOf(TokenAlreadyExistsException.class);
    assertThat(roleCallsSince(mark)).isEmpty();

    scheduler.advance(GRACE.minusMinutes(2).plusSeconds(1));   // the deletion was due a grace after the revoke
    assertThat(customRoles()).containsExactly(roleName(Scope.Access.READ));
    assertThat(customRoleRecords()).containsExactly(roleName(Scope.Access.READ));
  }

  @Test
  void aTripleHeldByAnExpiredLeaseIsFreedAndTheScopedRequestIssued() {
    AstraToken old = issue("orders", orders(Scope.Access.READ));
    clock.advance(Duration.ofHours(1).plusSeconds(1));   // past its expiry; the sweeper is off

    AstraToken fresh = issue("orders", orders(Scope.Access.SCHEMA));

    assertThat(astra.liveTokens()).extracting(t -> t.clientId()).containsExactly(fresh.clientId())
        .doesNotContain(old.clientId());
    assertThat(astra.check(fresh.token()).database(DB).keyspace("orders").action("db-table-create").allowed())
        .isTrue();
    scheduler.advance(GRACE.plusSeconds(1));
    assertThat(customRoles()).as("the expired lease's role went with it").containsExactly(
        roleName(Scope.Access.SCHEMA));
  }

  @Test
  void twoRacingUniqueRequestsEndWithOneTokenAndNoOrphanRoleOnceTheLosersCleanupRan() throws Exception {
    // The loser passes the triple check and makes its role, then parks before its lease insert. The winner takes
    // the triple meanwhile; the loser's insert is refused by the store. The pre-check cannot see this: the store's
    // insert-unique is the arbiter, and the loser's cleanup schedules its unused role's deletion.
    AstraToken winner = raceForTheTriple();

    assertThat(astra.liveTokens()).extracting(t -> t.clientId()).containsExactly(winner.clientId());
    assertThat(store.list("")).hasSize(1);
    scheduler.advance(GRACE.plusSeconds(1));
    assertThat(customRoles()).containsExactly(roleName(Scope.Access.READ));
    assertThat(customRoleRecords()).containsExactly(roleName(Scope.Access.READ));
    assertThat(astra.check(winner.token()).database(DB).keyspace("orders").allowed()).isTrue();
  }

  /**
   * Two UNIQUE requests of different scopes for one triple: the loser (SCHEMA) makes its role and parks before its
   * lease insert, the winner (READ) takes the triple meanwhile, then the loser's insert is refused.
   *
   * @return the winner's token
   */
  AstraToken raceForTheTriple() throws Exception {
    ParkingLeaseStore parking = new ParkingLeaseStore("insert");
    wrapStore = parking::wrap;
    start(false);
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      parking.arm();
      Future<AstraToken> loser = threads.submit(() -> issue("orders", orders(Scope.Access.SCHEMA)));
      assertThat(parking.awaitParked()).as("the loser reached its lease insert").isTrue();
      assertThat(customRoles()).as("the loser made its role first").containsExactly(roleName(Scope.Access.SCHEMA));
      AstraToken winner = issue("orders", orders(Scope.Access.READ));
      parking.release();
      assertThatThrownBy(() -> loser.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TokenAlreadyExistsException.class);
      return winner;
    } finally {
      parking.release();
      threads.shutdownNow();
    }
  }

  @Test
  void aRaceLoserThatDiesBeforeItsCleanupRanLeavesItsRoleToRecovery() throws Exception {
    raceForTheTriple();
    // The process dies: its scheduled deletion of the loser's role never runs. The next one's recovery deletes the
    // role on two passes a grace period apart, and keeps the winner's.
    wrapStore = UnaryOperator.identity();
    start(false);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(customRoles()).hasSize(2);
    scheduler.advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).containsExactly(roleName(Scope.Access.READ));
    assertThat(customRoleRecords()).containsExactly(roleName(Scope.Access.READ));
    assertThat(astra.liveTokens()).hasSize(1);
  }

  @Test
  void manageNeverAdoptsATripleTokenOfAnotherScope() {
    // A durable store holds the triple's token from an earlier run, unscoped (org-wide): handing it out would give a
    // scoped handle a broader token than asked.
    AstraToken stored = tokens.request().org("acme").role("reader").logicalName("orders").issue();
    TokenRequest request = TokenRequest.forRole("reader").org("acme").logicalName("orders")
        .scope(orders(Scope.Access.READ)).build();
    int mark = astra.requests().size();

    assertThatThrownBy(() -> tokens.manage(request, RenewalSettings.builder().jitter(0).build()))
        .isInstanceOf(TokenAlreadyExistsException.class)
        .hasMessageContaining("was made for another scope than this managed request")
        .hasMessageContaining(stored.lease().leaseId())
        .hasMessageNotContaining(stored.token()).hasMessageNotContaining(stored.secret());

    assertThat(roleCallsSince(mark)).isEmpty();
    assertThat(astra.liveTokens()).extracting(t -> t.clientId()).containsExactly(stored.clientId());
  }

  @Test
  void manageAdoptsATripleTokenOfTheSameScope() {
    AstraToken stored = issue("orders", orders(Scope.Access.READ));
    TokenRequest request = TokenRequest.forRole("reader").org("acme").logicalName("orders")
        .scope(orders(Scope.Access.READ)).build();

    try (ManagedToken managed = tokens.manage(request, RenewalSettings.builder().jitter(0).build())) {
      assertThat(managed.current()).isEqualTo(stored.token());
      assertThat(astra.check(managed.current()).database(DB).keyspace("billing").status()).isEqualTo(403);
    }
  }

  @Test
  void manageStillAdoptsAnUnscopedTripleTokenForAnUnscopedRequest() {
    AstraToken stored = tokens.request().org("acme").role("reader").logicalName("orders").issue();
    TokenRequest request = TokenRequest.forRole("reader").org("acme").logicalName("orders").build();

    try (ManagedToken managed = tokens.manage(request, RenewalSettings.builder().jitter(0).build())) {
      assertThat(managed.current()).isEqualTo(stored.token());
    }
  }

  @Test
  void manageNeverAdoptsAScopedTripleTokenForAnUnscopedRequest() {
    issue("orders", orders(Scope.Access.READ));
    TokenRequest request = TokenRequest.forRole("reader").org("acme").logicalName("orders").build();

    assertThatThrownBy(() -> tokens.manage(request, RenewalSettings.builder().jitter(0).build()))
        .isInstanceOf(TokenAlreadyExistsException.class)
        .hasMessageContaining("another scope than this managed request (none)");
  }
}
