package dev.astravault.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraApiException;
import dev.astravault.AstraToken;
import dev.astravault.ConflictException;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.RenewalSettings;
import dev.astravault.Role;
import dev.astravault.Scope;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.RoleDeleted;
import dev.astravault.internal.CustomRoles;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.internal.astra.RolePolicy;
import dev.astravault.store.HookedLeaseStore;
import dev.astravault.store.ParkingLeaseStore;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Scoped tokens (issue 17) end to end against FakeAstra, the scenarios that turn on the lease store: the custom role's
 * write-ahead record, its holders (LeaseStore.holdsRole), recovery, the orphan sweep and reconcile. Each durable store
 * runs them in a subclass ({@link ScopedTokensTest} on SQLite, {@link ScopedTokensPostgresTest} on PostgreSQL), since
 * every store keeps these records and answers that query in its own SQL.
 *
 * <p>The custom role is made before the token, shared per policy, deleted a grace period after its last lease, and
 * crash leftovers are cleaned by recovery. A "crash" drops a manager without closing it (its scheduler is never
 * advanced again) and builds a new one on a fresh store instance over the same data, as a restarted process would.
 */
abstract class ScopedTokensScenarios extends ScopedFixture {
  static final String OTHER_DB = "9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";

  @Test
  void twoServicesWithTheSameScopeShareOneRole() {
    AstraToken a = issue("service-a", orders(Scope.Access.READ_WRITE));
    AstraToken b = issue("service-b", orders(Scope.Access.READ_WRITE));
    assertThat(customRoles()).hasSize(1);
    assertThat(astra.requestCount("POST", "/v2/organizations/roles")).isEqualTo(1);
    assertThat(astra.token(a.clientId()).orElseThrow().roles()).isEqualTo(astra.token(b.clientId()).orElseThrow()
        .roles());
    assertThat(astra.check(b.token()).database(DB).keyspace("orders").action("db-table-modify").allowed()).isTrue();

    issue("service-c", orders(Scope.Access.READ));
    assertThat(customRoles()).as("another policy, another role").hasSize(2);
  }

  @Test
  void theRoleDisappearsAfterTheLastRevokeAndItsGracePeriod() {
    AstraToken a = issue("service-a", orders(Scope.Access.READ));
    AstraToken b = issue("service-b", orders(Scope.Access.READ));
    tokens.revoke(a.lease().leaseId());
    advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).as("b still holds it").hasSize(1);
    assertThat(astra.check(b.token()).database(DB).keyspace("orders").allowed()).isTrue();

    tokens.revoke(b.lease().leaseId());
    advance(GRACE.minusMinutes(1));
    assertThat(customRoles()).as("within the grace period").hasSize(1);
    // A quick re-issue reuses the role and cancels its deletion.
    AstraToken c = issue("service-c", orders(Scope.Access.READ));
    assertThat(astra.requestCount("POST", "/v2/organizations/roles")).isEqualTo(1);
    advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).hasSize(1);

    tokens.revoke(c.lease().leaseId());
    advance(GRACE.plusSeconds(1));
    assertThat(customRoles()).isEmpty();
    assertThat(store.roles(org.orgId())).noneMatch(r -> r.name().startsWith(CustomRoles.PREFIX));
  }

  @Test
  void aCrashBetweenRoleCreationAndTokenCreationLeavesNothingOnceRecoveryRan() {
    // The token POST never reaches Astra's logic (the connection drops) and the settling list fails: the process is
    // left with the role made, a PENDING lease and no token; then it dies.
    astra.fault(Endpoint.CREATE_TOKEN).dropConnection();
    astra.fault(Endpoint.LIST_TOKENS).status(500);
    assertThatThrownBy(() -> issue("orders", orders(Scope.Access.READ))).isInstanceOf(RuntimeException.class);
    assertThat(customRoles()).hasSize(1);
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(store.list("")).hasSize(1);

    crashAndRestart();
    advance(Duration.ofMinutes(3));   // the PENDING lease is settled; the role is first seen unused
    assertThat(store.list("")).isEmpty();
    assertThat(customRoles()).as("still within the grace period").hasSize(1);
    advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).isEmpty();
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(store.roles(org.orgId())).noneMatch(r -> r.name().startsWith(CustomRoles.PREFIX));
  }

  @Test
  void aCrashBetweenTheLastRevokeAndRoleDeletionLeavesNothingOnceRecoveryRan() {
    AstraToken a = issue("orders", orders(Scope.Access.READ));
    tokens.revoke(a.lease().leaseId());
    assertThat(customRoles()).hasSize(1);   // its deletion is scheduled in this process, which now dies

    crashAndRestart();
    advance(Duration.ofMinutes(1));
    assertThat(customRoles()).hasSize(1);
    advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).isEmpty();
    assertThat(store.roles(org.orgId())).noneMatch(r -> r.name().startsWith(CustomRoles.PREFIX));
  }

  @Test
  void aRoleCreateWithAnUnclearOutcomeIsFoundByItsTagAndDeletedByRecovery() {
    // The role POST succeeds but its answer is lost: the write-ahead record has no role id.
    astra.fault(Endpoint.CREATE_ROLE).succeedThenDropConnection();
    assertThatThrownBy(() -> issue("orders", orders(Scope.Access.READ))).isInstanceOf(RuntimeException.class);
    assertThat(customRoles()).hasSize(1);
    assertThat(astra.liveTokens()).as("no role known, no token").isEmpty();
    assertThat(store.list("")).isEmpty();

    crashAndRestart();
    advance(Duration.ofMinutes(1));
    advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).isEmpty();
    assertThat(store.roles(org.orgId())).noneMatch(r -> r.name().startsWith(CustomRoles.PREFIX));
  }

  @Test
  void a409IsAdoptedWhenTheExistingPolicyIsTheRequestedOne() {
    Scope scope = orders(Scope.Access.READ).build();
    RolePolicy policy = CustomRoles.policy(org.orgId(), DEPLOYMENT, scope);
    String name = CustomRoles.roleName(org.orgId(), DEPLOYMENT, scope);
    // Made by an earlier process of this deployment whose record was lost, say: same name, same policy.
    String existing = astra.addRole(org, name, policy.description(), policy.resources(), policy.actions());

    AstraToken token = tokens.request().org("acme").role("reader").logicalName("orders").scope(scope).issue();

    assertThat(astra.token(token.clientId()).orElseThrow().roles()).containsExactly(existing);
    assertThat(customRoles()).containsExactly(name);
    assertThat(astra.check(token.token()).database(DB).keyspace("orders").allowed()).isTrue();
  }

  @Test
  void a409WithAnotherPolicyIsRefusedAndNoTokenIsIssued() {
    Scope scope = orders(Scope.Access.READ).build();
    RolePolicy policy = CustomRoles.policy(org.orgId(), DEPLOYMENT, scope);
    String name = CustomRoles.roleName(org.orgId(), DEPLOYMENT, scope);
    // Someone edited the role in the console: it now also modifies. Adopting it would issue a broader token.
    String existing = astra.addRole(org, name, policy.description(), policy.resources(),
        List.of("db-cql", "db-keyspace-describe", "db-table-describe", "db-table-select", "db-table-modify"));

    assertThatThrownBy(() -> tokens.request().org("acme").role("reader").logicalName("orders").scope(scope).issue())
        .isInstanceOf(ConflictException.class).hasMessageContaining(name).hasMessageContaining("different policy");
    assertThat(events).filteredOn(dev.astravault.event.IssueFailed.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((dev.astravault.event.IssueFailed) e).metadata())
            .containsEntry(CustomRoles.SCOPE_KEY, scope.toString()));
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(store.list("")).isEmpty();
    assertThat(store.roles(org.orgId())).noneMatch(r -> r.name().startsWith(CustomRoles.PREFIX));

    // Left as it was: not adopted, not changed, not deleted by the refused issue. (It carries this deployment's tag
    // and has no record, so a later orphan sweep may delete it; see rolesOfOtherDeployments... for foreign roles.)
    assertThat(astra.roleId(org, name)).isEqualTo(existing);
  }

  @Test
  void whenAstraRefusesTheRoleNoTokenIsIssuedAndTheErrorSaysWhy() {
    astra.fault(Endpoint.CREATE_ROLE).status(403);
    assertThatThrownBy(() -> issue("orders", orders(Scope.Access.READ)))
        .isInstanceOf(AstraApiException.class).hasMessageContaining("Custom Role")
        .hasMessageContaining("limit of custom roles").hasMessageContaining("no token was issued");
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(store.list("")).isEmpty();
    assertThat(store.roles(org.orgId())).noneMatch(r -> r.name().startsWith(CustomRoles.PREFIX));
  }

  @Test
  void rolesOfOtherDeploymentsOrNotMadeByAstraVaultAreNeverTouched() {
    // The sweep looks at orgs where this process used scopes: use one.
    AstraToken used = issue("orders", orders(Scope.Access.READ));
    tokens.revoke(used.lease().leaseId());
    String foreign = astra.addRole(org, "astra-vault-" + "a".repeat(32), "astra-vault deployment=billing-svc role="
        + "astra-vault-" + "a".repeat(32), List.of("drn:astra:org:" + org.orgId()), List.of("db-cql"));
    String handmade = astra.addRole(org, "astra-vault-" + "b".repeat(32), "made by hand",
        List.of("drn:astra:org:" + org.orgId()), List.of("db-cql"));
    // An orphan of this deployment (tag matches, no record): swept.
    String orphanName = "astra-vault-" + "c".repeat(32);
    astra.addRole(org, orphanName, "astra-vault deployment=" + DEPLOYMENT + " role=" + orphanName,
        List.of("drn:astra:org:" + org.orgId()), List.of("db-cql"));

    for (int i = 0; i < 4; i++) {
      advance(Duration.ofMinutes(6));
    }
    ((RealTokenManager) tokens).recover();

    assertThat(astra.roleNames(org)).doesNotContain(orphanName);
    assertThat(customRoles()).containsExactlyInAnyOrder("astra-vault-" + "a".repeat(32), "astra-vault-" + "b".repeat(32));
    assertThat(astra.roleId(org, "astra-vault-" + "a".repeat(32))).isEqualTo(foreign);
    assertThat(astra.roleId(org, "astra-vault-" + "b".repeat(32))).isEqualTo(handmade);
  }

  @Test
  void reconcileReportsAndFixesCustomRolesOfThisDeploymentOnly() {
    AstraToken held = issue("held", orders(Scope.Access.READ));
    AstraToken ended = issue("ended", orders(Scope.Access.SCHEMA));
    tokens.revoke(ended.lease().leaseId());
    String orphan = "astra-vault-" + "c".repeat(32);
    astra.addRole(org, orphan, "astra-vault deployment=" + DEPLOYMENT + " role=" + orphan,
        List.of("drn:astra:org:" + org.orgId()), List.of("db-cql"));
    String foreign = "astra-vault-" + "a".repeat(32);
    astra.addRole(org, foreign, "astra-vault deployment=billing-svc role=" + foreign,
        List.of("drn:astra:org:" + org.orgId()), List.of("db-cql"));
    String unused = CustomRoles.roleName(org.orgId(), DEPLOYMENT, orders(Scope.Access.SCHEMA).build());

    var report = tokens.reconcile("acme");
    assertThat(report.isClean()).isFalse();
    assertThat(report.customRoles()).extracting(f -> f.name() + ":" + f.kind() + ":" + f.fixed())
        .containsExactlyInAnyOrder(unused + ":UNUSED:false", orphan + ":UNKNOWN:false");

    clock.advance(GRACE.plusSeconds(1));   // past the grace of the last issue, without running the scheduler
    var fixed = tokens.reconcile("acme", true);
    assertThat(fixed.customRoles()).allSatisfy(f -> assertThat(f.fixed()).isTrue()).hasSize(2);
    assertThat(customRoles()).containsExactlyInAnyOrder(foreign,
        CustomRoles.roleName(org.orgId(), DEPLOYMENT, orders(Scope.Access.READ).build()));
    assertThat(astra.check(held.token()).database(DB).keyspace("orders").allowed()).isTrue();
    assertThat(tokens.reconcile("acme").customRoles()).isEmpty();
  }

  @Test
  void aRoleThatLeasesStillHoldIsNeverSweptEvenWithoutItsRecord() {
    AstraToken held = issue("held", orders(Scope.Access.READ));
    String name = customRoles().get(0);
    store.deleteRole(org.orgId(), name);   // the record is lost (an operator's deleteRole, a restored backup)
    for (int i = 0; i < 4; i++) {
      advance(Duration.ofMinutes(6));
    }
    ((RealTokenManager) tokens).recover();
    assertThat(tokens.reconcile("acme", true).customRoles()).isEmpty();
    assertThat(customRoles()).containsExactly(name);
    assertThat(astra.check(held.token()).database(DB).keyspace("orders").allowed()).isTrue();
  }

  @Test
  void aManagedTokenKeepsItsScopeAcrossRotations() {
    TokenRequest request = TokenRequest.forRole("reader").org("acme").logicalName("orders")
        .scope(orders(Scope.Access.READ)).build();
    try (ManagedToken managed = tokens.manage(request, RenewalSettings.builder().jitter(0).build())) {
      String first = managed.current();
      managed.rotateNow();
      String second = managed.current();
      assertThat(second).isNotEqualTo(first);
      assertThat(astra.check(second).database(DB).keyspace("orders").allowed()).isTrue();
      assertThat(astra.check(second).database(DB).keyspace("billing").status()).isEqualTo(403);
      assertThat(customRoles()).hasSize(1);
    }
  }

  @Test
  void twoManagersOnOneStoreShareTheRoleAndCountEachOthersLeases() {
    // A fleet: two live managers (their own schedulers and store instances) over the same data.
    TokenManager first = tokens;
    ManualScheduler firstScheduler = scheduler;
    start(false);
    AstraToken a = first.request().org("acme").role("reader").logicalName("service-a").scope(orders(Scope.Access.READ))
        .issue();
    AstraToken b = issue("service-b", orders(Scope.Access.READ));
    assertThat(astra.requestCount("POST", "/v2/organizations/roles")).as("the second reuses the first's role")
        .isEqualTo(1);

    first.revoke(a.lease().leaseId());
    firstScheduler.advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).as("the other manager's lease holds it").hasSize(1);
    assertThat(astra.check(b.token()).database(DB).keyspace("orders").allowed()).isTrue();

    tokens.revoke(b.lease().leaseId());
    advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).isEmpty();
    assertThat(store.roles(org.orgId())).noneMatch(r -> r.name().startsWith(CustomRoles.PREFIX));
  }

  @Test
  void anIssueFromAnotherManagerDuringARoleDeletionGetsAWorkingToken() throws Exception {
    // The fleet race: manager P found the role unused and parks right after its holders check, before Astra's
    // DELETE; manager Q (same store data, its own process) issues a token of the same scope meanwhile.
    ParkingLeaseStore parking = new ParkingLeaseStore("org");
    wrapStore = parking::wrap;
    recoveryInterval = Duration.ofHours(1);   // only the deletion runs while P's time moves
    crashAndRestart();
    TokenManager p = tokens;
    ManualScheduler pScheduler = scheduler;
    AstraToken a = issue("service-a", orders(Scope.Access.READ));
    p.revoke(a.lease().leaseId());            // its role's deletion falls due after the grace period
    wrapStore = UnaryOperator.identity();
    start(false);                              // Q
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      parking.arm();
      Future<?> deletion = threads.submit(() -> pScheduler.advance(GRACE.plusMinutes(1)));
      assertThat(parking.awaitParked()).as("P's deletion is past its holders check").isTrue();

      AstraToken b = threads.submit(() -> issue("service-b", orders(Scope.Access.READ))).get(10, TimeUnit.SECONDS);

      parking.release();
      deletion.get(10, TimeUnit.SECONDS);
      assertThat(astra.check(b.token()).database(DB).keyspace("orders").status()).as("Q's token after P's deletion")
          .isEqualTo(200);
      assertThat(customRoles()).hasSize(1);
      String held = store.role(org.orgId(), customRoles().get(0)).orElseThrow().roleId();
      assertThat(astra.token(b.clientId()).orElseThrow().roles()).containsExactly(held);
      assertThat(events).as("one deletion, audited once").filteredOn(RoleDeleted.class::isInstance).hasSize(1);
    } finally {
      parking.release();
      threads.shutdownNow();
    }
  }

  @Test
  void anIssueWhoseRoleIsDeletedBeforeItsLeaseIsStoredBacksOffAndGetsAWorkingToken() throws Exception {
    // The reverse interleaving: Q took the complete role record and parks before storing its lease; P marks the
    // record, finds no holder and deletes the role. Q's re-read after its lease sees the record gone: Q drops its
    // lease and issues again, with a new role.
    recoveryInterval = Duration.ofHours(1);
    crashAndRestart();
    TokenManager p = tokens;
    ManualScheduler pScheduler = scheduler;
    AstraToken a = issue("service-a", orders(Scope.Access.READ));
    String name = customRoles().get(0);
    String first = store.role(org.orgId(), name).orElseThrow().roleId();
    p.revoke(a.lease().leaseId());
    ParkingLeaseStore parking = new ParkingLeaseStore("insert");
    wrapStore = parking::wrap;
    start(false);                              // Q
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      parking.arm();
      Future<AstraToken> b = threads.submit(() -> issue("service-b", orders(Scope.Access.READ)));
      assertThat(parking.awaitParked()).as("Q took the role and is about to store its lease").isTrue();
      pScheduler.advance(GRACE.plusMinutes(1));
      assertThat(customRoles()).as("P deleted the role: no lease held it").isEmpty();

      parking.release();
      AstraToken token = b.get(10, TimeUnit.SECONDS);
      assertThat(astra.check(token.token()).database(DB).keyspace("orders").status()).isEqualTo(200);
      assertThat(customRoles()).containsExactly(name);
      String second = store.role(org.orgId(), name).orElseThrow().roleId();
      assertThat(second).isNotEqualTo(first);
      assertThat(astra.token(token.clientId()).orElseThrow().roles()).containsExactly(second);
      assertThat(astra.requestCount("POST", "/v2/organizations/roles")).isEqualTo(2);
      assertThat(store.list("")).as("the backed-off write-ahead lease is gone").singleElement()
          .satisfies(r -> assertThat(r.roleId()).isEqualTo(second));
    } finally {
      parking.release();
      threads.shutdownNow();
    }
  }

  @Test
  void aDeletionMarkLeftByACrashIsFinishedByRecovery() {
    AstraToken a = issue("orders", orders(Scope.Access.READ));
    tokens.revoke(a.lease().leaseId());
    String name = customRoles().get(0);
    Role complete = store.role(org.orgId(), name).orElseThrow();
    // A deleter marked the record and died before it deleted anything.
    Role mark = markAs(complete, "dead", complete.roleId());

    crashAndRestart();
    advance(Duration.ofMinutes(1));
    assertThat(customRoles()).as("first seen; its deleter may still be at work").hasSize(1);
    advance(GRACE.plusMinutes(1));
    assertThat(customRoles()).isEmpty();
    assertThat(store.role(org.orgId(), name)).isEmpty();
    assertThat(events).filteredOn(RoleDeleted.class::isInstance).hasSize(1);
  }

  @Test
  void anIssueFinishesADeletionMarkOfAnUnusedRoleAndMakesTheRoleAgain() {
    AstraToken a = issue("service-a", orders(Scope.Access.READ));
    tokens.revoke(a.lease().leaseId());
    String name = customRoles().get(0);
    Role complete = store.role(org.orgId(), name).orElseThrow();
    Role mark = markAs(complete, "other", complete.roleId());

    AstraToken b = issue("service-b", orders(Scope.Access.READ));
    String made = store.role(org.orgId(), name).orElseThrow().roleId();
    assertThat(made).isNotEqualTo(complete.roleId());
    assertReachesOrdersWithRole(b, made);
    assertThat(customRoles()).containsExactly(name);
  }

  @Test
  void aDeletionMarkOverAHeldRoleRefusesNewIssuesUntilRecoveryUndoesIt() {
    AstraToken held = issue("held", orders(Scope.Access.READ));
    String name = customRoles().get(0);
    Role complete = store.role(org.orgId(), name).orElseThrow();
    // A deleter marked the record, found the holder, and died before it undid its mark.
    Role mark = markAs(complete, "dead", complete.roleId());
    crashAndRestart();

    assertThatThrownBy(() -> issue("other", orders(Scope.Access.READ))).isInstanceOf(ConflictException.class)
        .hasMessageContaining(name).hasMessageContaining("being deleted").hasMessageContaining("Retry")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(org.rootToken()).doesNotContain(held.token()));
    assertThat(store.role(org.orgId(), name)).as("the mark is left as it was").contains(mark);
    assertThat(astra.check(held.token()).database(DB).keyspace("orders").status()).isEqualTo(200);

    advance(GRACE.minusSeconds(30));          // recovery passes see the same mark, not yet for a grace period
    assertThat(store.role(org.orgId(), name)).contains(mark);
    assertThatThrownBy(() -> issue("other", orders(Scope.Access.READ))).as("a caller's retry")
        .isInstanceOf(ConflictException.class);
    advance(Duration.ofMinutes(1));           // a grace period after the first sighting; the retry does not delay it
    assertThat(store.role(org.orgId(), name)).as("recovery undid the stale mark").contains(complete);
    AstraToken other = issue("other", orders(Scope.Access.READ));
    assertThat(astra.token(other.clientId()).orElseThrow().roles()).containsExactly(complete.roleId());
    assertThat(astra.check(held.token()).database(DB).keyspace("orders").status()).isEqualTo(200);
    assertThat(astra.check(other.token()).database(DB).keyspace("orders").status()).isEqualTo(200);
  }

  @Test
  void anOrphanSweepThatMeetsAnIssueOfAnotherManagerLeavesItAWorkingToken() throws Exception {
    // The orphan sweep follows the same protocol: it marks the name (insert-if-absent) before it counts holders.
    // Manager S sweeps an orphan of this deployment and parks right after its mark; manager Q issues the orphan's
    // scope meanwhile: Q finishes S's deletion and makes the role anew.
    Scope scope = orders(Scope.Access.READ).build();
    RolePolicy policy = CustomRoles.policy(org.orgId(), DEPLOYMENT, scope);
    String name = CustomRoles.roleName(org.orgId(), DEPLOYMENT, scope);
    ParkingLeaseStore parking = ParkingLeaseStore.after("compareAndSetRole");
    wrapStore = parking::wrap;
    recoveryInterval = Duration.ofHours(1);
    crashAndRestart();
    RealTokenManager sweeper = (RealTokenManager) tokens;
    // S watches the org: a lease of another scope, held throughout.
    AstraToken watch = issue("watch", Scope.database(OTHER_DB).keyspace("orders").actions(Scope.Access.READ));
    String orphan = astra.addRole(org, name, policy.description(), policy.resources(), policy.actions());
    sweeper.recover();                         // first sighting
    clock.advance(GRACE.plusMinutes(1));
    wrapStore = UnaryOperator.identity();
    start(false);                              // Q
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      parking.arm();
      Future<?> sweep = threads.submit(sweeper::recover);
      assertThat(parking.awaitParked()).as("S marked the orphan's name").isTrue();

      AstraToken token = threads.submit(() -> issue("orders", orders(Scope.Access.READ))).get(10, TimeUnit.SECONDS);

      parking.release();
      sweep.get(10, TimeUnit.SECONDS);
      String made = store.role(org.orgId(), name).orElseThrow().roleId();
      assertThat(made).isNotEqualTo(orphan);
      assertThat(astra.roleId(org, name)).isEqualTo(made);
      assertReachesOrdersWithRole(token, made);
      assertThat(astra.check(watch.token()).database(OTHER_DB).keyspace("orders").status()).isEqualTo(200);
    } finally {
      parking.release();
      threads.shutdownNow();
    }
  }

  // ---- deletion marks over a record whose role POST never answered (deleting:<attempt>:pending-create)

  /** The token holds exactly {@code roleId} in Astra, and that role lets it into the orders keyspace. */
  private void assertReachesOrdersWithRole(AstraToken token, String roleId) {
    assertThat(astra.token(token.clientId()).orElseThrow().roles()).containsExactly(roleId);
    assertThat(astra.check(token.token()).database(DB).keyspace("orders").status()).isEqualTo(200);
  }

  /**
   * Replaces {@code complete} with the mark deletion attempt {@code attempt} writes (its record then names
   * {@code roleId}), as a deleter that died after its mark leaves it; returns the mark.
   */
  private Role markAs(Role complete, String attempt, String roleId) {
    Role mark = new Role(org.orgId(), complete.name(), CustomRoles.DELETING_PREFIX + attempt + ":" + roleId,
        complete.ttl(), complete.maxTtl());
    assertThat(store.compareAndSetRole(complete, mark)).isTrue();
    return mark;
  }

  /** The mark a deleter leaves when it marked a write-ahead record ({@code pending-create}) and died. */
  private Role pendingMark(String name) {
    return new Role(org.orgId(), name, CustomRoles.DELETING_PREFIX + "dead:pending-create", Role.DEFAULT_TTL,
        Role.DEFAULT_TTL);
  }

  /** The role ids Astra was asked to delete (FakeAstra's variation may answer a first DELETE 429: one id, once). */
  private List<String> roleDeletes() {
    String prefix = "/v2/organizations/roles/";
    return astra.requests().stream().filter(c -> c.method().equals("DELETE") && c.path().startsWith(prefix))
        .map(c -> c.path().substring(prefix.length())).distinct().toList();
  }

  @Test
  void aPendingCreateMarkLeftByACrashDeletesTheRoleFoundByItsNameAndTag() {
    Scope scope = orders(Scope.Access.READ).build();
    RolePolicy policy = CustomRoles.policy(org.orgId(), DEPLOYMENT, scope);
    String name = CustomRoles.roleName(org.orgId(), DEPLOYMENT, scope);
    // Neighbours that must stay: a role of this deployment that a lease holds, and another deployment's role.
    AstraToken other = issue("other", Scope.database(OTHER_DB).keyspace("orders").actions(Scope.Access.READ));
    String otherName = customRoles().get(0);
    String foreign = "astra-vault-" + "a".repeat(32);
    astra.addRole(org, foreign, "astra-vault deployment=billing-svc role=" + foreign,
        List.of("drn:astra:org:" + org.orgId()), List.of("db-cql"));
    // The role POST succeeded but its answer was lost; a deleter then marked the write-ahead record and died.
    String made = astra.addRole(org, name, policy.description(), policy.resources(), policy.actions());
    Role mark = pendingMark(name);
    assertThat(store.compareAndSetRole(null, mark)).isTrue();

    crashAndRestart();
    advance(Duration.ofMinutes(1));
    assertThat(store.role(org.orgId(), name)).as("first seen; its deleter may still be at work").contains(mark);
    advance(GRACE.minusMinutes(2));
    assertThat(store.role(org.orgId(), name)).as("not yet a grace period").contains(mark);
    assertThat(astra.roleNames(org)).contains(name);
    advance(Duration.ofMinutes(2));

    assertThat(astra.roleNames(org)).doesNotContain(name);
    assertThat(roleDeletes()).as("only the role found by name and tag").containsExactly(made);
    assertThat(store.role(org.orgId(), name)).isEmpty();
    assertThat(customRoles()).containsExactlyInAnyOrder(otherName, foreign);
    assertThat(astra.check(other.token()).database(OTHER_DB).keyspace("orders").status()).isEqualTo(200);
    advance(GRACE.plusMinutes(1));
    assertThat(events).as("audited once").filteredOn(RoleDeleted.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((RoleDeleted) e).role()).isEqualTo(name));
    assertThat(roleDeletes()).containsExactly(made);
  }

  @Test
  void aPendingCreateMarkWhoseRoleNeverReachedAstraIsRemovedAndNothingIsDeleted() {
    String name = CustomRoles.roleName(org.orgId(), DEPLOYMENT, orders(Scope.Access.READ).build());
    Role mark = pendingMark(name);
    assertThat(store.compareAndSetRole(null, mark)).isTrue();

    crashAndRestart();
    advance(Duration.ofMinutes(1));
    assertThat(store.role(org.orgId(), name)).contains(mark);
    advance(GRACE.plusMinutes(1));

    assertThat(store.role(org.orgId(), name)).isEmpty();
    assertThat(store.roles(org.orgId())).noneMatch(r -> r.name().startsWith(CustomRoles.PREFIX));
    assertThat(customRoles()).isEmpty();
    assertThat(roleDeletes()).isEmpty();
    assertThat(astra.requestCount("POST", "/v2/organizations/roles")).isZero();
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(store.list("")).isEmpty();
  }

  @Test
  void aPendingCreateMarkNeverDeletesARoleOfItsNameThatIsNotTaggedForThisDeployment() {
    Scope scope = orders(Scope.Access.READ).build();
    RolePolicy policy = CustomRoles.policy(org.orgId(), DEPLOYMENT, scope);
    String name = CustomRoles.roleName(org.orgId(), DEPLOYMENT, scope);
    // A role of the fingerprint name whose description someone changed in the console: not ours to delete.
    String edited = astra.addRole(org, name, "edited by hand", policy.resources(), policy.actions());
    assertThat(store.compareAndSetRole(null, pendingMark(name))).isTrue();

    crashAndRestart();
    advance(Duration.ofMinutes(1));
    advance(GRACE.plusMinutes(1));

    assertThat(store.role(org.orgId(), name)).as("the record is dropped").isEmpty();
    assertThat(astra.roleId(org, name)).as("the role is left alone").isEqualTo(edited);
    assertThat(roleDeletes()).isEmpty();
  }

  @Test
  void aPendingCreateMarkOverARoleThatALeaseHoldsIsUndoneAndTheScopeIssuesAgain() {
    AstraToken held = issue("held", orders(Scope.Access.READ));
    String name = customRoles().get(0);
    Role complete = store.role(org.orgId(), name).orElseThrow();
    // The record names no role id, yet a lease holds the role of its name in Astra; a deleter marked the record,
    // found the role by name and its holder, and died before it undid its mark.
    Role mark = markAs(complete, "dead", "pending-create");

    crashAndRestart();
    advance(Duration.ofMinutes(1));
    assertThat(store.role(org.orgId(), name)).contains(mark);
    advance(GRACE.plusMinutes(1));

    assertThat(astra.roleId(org, name)).as("kept").isEqualTo(complete.roleId());
    assertThat(roleDeletes()).isEmpty();
    assertThat(store.role(org.orgId(), name)).as("the mark is undone, to the role found in Astra")
        .contains(complete);
    assertThat(astra.check(held.token()).database(DB).keyspace("orders").status()).isEqualTo(200);

    AstraToken again = issue("again", orders(Scope.Access.READ));
    assertReachesOrdersWithRole(again, complete.roleId());
    assertThat(astra.check(again.token()).database(DB).keyspace("billing").status()).isEqualTo(403);
    assertThat(astra.requestCount("POST", "/v2/organizations/roles")).as("no role made anew").isEqualTo(1);

    advance(GRACE.multipliedBy(3));   // later passes leave a held, complete record alone
    assertThat(store.role(org.orgId(), name)).contains(complete);
    assertThat(events).filteredOn(RoleDeleted.class::isInstance).isEmpty();
  }

  @Test
  void anIssueThatMeetsAPendingCreateMarkDeletesTheRoleFoundByNameAndMakesItAgain() {
    Scope scope = orders(Scope.Access.READ).build();
    RolePolicy policy = CustomRoles.policy(org.orgId(), DEPLOYMENT, scope);
    String name = CustomRoles.roleName(org.orgId(), DEPLOYMENT, scope);
    String lost = astra.addRole(org, name, policy.description(), policy.resources(), policy.actions());
    assertThat(store.compareAndSetRole(null, pendingMark(name))).isTrue();
    crashAndRestart();

    AstraToken token = issue("orders", orders(Scope.Access.READ));   // before any recovery pass

    String made = store.role(org.orgId(), name).orElseThrow().roleId();
    assertThat(made).isNotEqualTo(lost).doesNotStartWith(CustomRoles.DELETING_PREFIX).isNotEqualTo("pending-create");
    assertReachesOrdersWithRole(token, made);
    assertThat(customRoles()).as("no orphan: the lost role was deleted").containsExactly(name);
    assertThat(astra.roleId(org, name)).isEqualTo(made);
    assertThat(roleDeletes()).containsExactly(lost);
    assertThat(events).filteredOn(RoleDeleted.class::isInstance).hasSize(1);
    advance(GRACE.multipliedBy(3));
    assertThat(customRoles()).as("the new lease holds it").containsExactly(name);
  }

  @Test
  void anIssueThatMeetsAPendingCreateMarkWhoseRoleNeverReachedAstraMakesIt() {
    String name = CustomRoles.roleName(org.orgId(), DEPLOYMENT, orders(Scope.Access.READ).build());
    assertThat(store.compareAndSetRole(null, pendingMark(name))).isTrue();
    crashAndRestart();

    AstraToken token = issue("orders", orders(Scope.Access.READ));

    String made = store.role(org.orgId(), name).orElseThrow().roleId();
    assertReachesOrdersWithRole(token, made);
    assertThat(customRoles()).containsExactly(name);
    assertThat(roleDeletes()).isEmpty();
  }

  @Test
  void anIssueThatMeetsAPendingCreateMarkOverAHeldRoleIsRefusedUntilRecoveryUndoesIt() {
    AstraToken held = issue("held", orders(Scope.Access.READ));
    String name = customRoles().get(0);
    Role complete = store.role(org.orgId(), name).orElseThrow();
    Role mark = markAs(complete, "dead", "pending-create");
    crashAndRestart();

    assertThatThrownBy(() -> issue("other", orders(Scope.Access.READ))).isInstanceOf(ConflictException.class)
        .hasMessageContaining(name).hasMessageContaining("being deleted").hasMessageContaining("Retry")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(org.rootToken()).doesNotContain(held.token()));
    assertThat(store.role(org.orgId(), name)).as("the mark is put back as it was").contains(mark);
    assertThat(astra.roleId(org, name)).isEqualTo(complete.roleId());
    assertThat(roleDeletes()).isEmpty();
    assertThat(astra.check(held.token()).database(DB).keyspace("orders").status()).isEqualTo(200);

    advance(Duration.ofMinutes(1));
    advance(GRACE.plusMinutes(1));
    AstraToken other = issue("other", orders(Scope.Access.READ));
    assertReachesOrdersWithRole(other, complete.roleId());
    assertThat(customRoles()).containsExactly(name);
  }

  // ---- a deleter's undo that meets a helper: P marks the role and finds a holder; between its holders check and its
  // undo, an issue H of another manager takes the deletion over (its own mark), finds the holder too, and puts P's
  // mark back just after P's undo failed. P follows its mark and undoes it once it is back.

  /** Where {@link #undoMeetsHelper} leaves the fleet: P's deletion done, its undo failed, H parked after its mark. */
  private record Interleaving(TokenManager p, ManualScheduler pScheduler, TokenManager q, String name, Role complete,
      Role pMark, AstraToken b, Future<AstraToken> helper, ParkingLeaseStore parking) {}

  /** compareAndSetRole from a plain record to a mark: a deleter marks. */
  private static boolean marking(Object[] a) {
    return a.length == 2 && a[0] instanceof Role e && !CustomRoles.isDeleting(e.roleId())
        && CustomRoles.isDeleting(((Role) a[1]).roleId());
  }

  /** compareAndSetRole from a mark to a plain record: a deleter undoes its mark. */
  private static boolean undoing(Object[] a) {
    return a.length == 2 && a[0] instanceof Role e && CustomRoles.isDeleting(e.roleId())
        && !CustomRoles.isDeleting(((Role) a[1]).roleId());
  }

  /** compareAndSetRole from a mark to a mark: a helper takes a deletion over, or puts back the mark it took over. */
  private static boolean puttingBack(Object[] a) {
    return a.length == 2 && a[0] instanceof Role e && CustomRoles.isDeleting(e.roleId())
        && CustomRoles.isDeleting(((Role) a[1]).roleId());
  }

  private static AstraToken issueOn(TokenManager manager, String name) {
    return manager.request().org("acme").role("reader").logicalName(name).scope(orders(Scope.Access.READ)).issue();
  }

  /** Another store instance over the test's data, for a step of a manager the test plays itself. */
  private LeaseStore other() {
    LeaseStore other = openStore();
    stores.add(other);
    return other;
  }

  /**
   * P issues and revokes service-a; when its deletion is due, Q issues service-b just before P's mark (so P's
   * holders check finds it), and, just before P's undo, {@code beforeUndo} runs with P's mark.
   */
  private Interleaving undoMeetsHelper(java.util.function.Consumer<Role> beforeUndo, ParkingLeaseStore parking,
      AtomicReference<Future<AstraToken>> helper) {
    HookedLeaseStore pHooks = new HookedLeaseStore();
    wrapStore = pHooks::wrap;
    recoveryInterval = Duration.ofHours(1);   // only the deletion and P's looks at its mark run while P's time moves
    crashAndRestart();
    TokenManager p = tokens;
    ManualScheduler pScheduler = scheduler;
    AstraToken a = issue("service-a", orders(Scope.Access.READ));
    String name = customRoles().get(0);
    Role complete = store.role(org.orgId(), name).orElseThrow();
    p.revoke(a.lease().leaseId());            // its deletion falls due a grace period later
    wrapStore = parking::wrap;
    recoveryInterval = Duration.ofMinutes(1);  // Q's recovery runs only when a test moves Q's scheduler
    start(false);                              // Q
    wrapStore = UnaryOperator.identity();
    TokenManager q = tokens;
    AtomicReference<AstraToken> b = new AtomicReference<>();
    AtomicReference<Role> pMark = new AtomicReference<>();
    pHooks.before("compareAndSetRole", ScopedTokensScenarios::marking, () -> b.set(issueOn(q, "service-b")));
    pHooks.before("compareAndSetRole", args -> {
      if (!undoing(args)) {
        return false;
      }
      pMark.set((Role) args[0]);
      return true;
    }, () -> beforeUndo.accept(pMark.get()));
    pScheduler.advance(GRACE);                 // P's deletion: mark, holders (service-b), undo
    assertThat(b.get()).as("Q issued between P's quick check and its mark").isNotNull();
    assertThat(pMark.get()).as("P found the holder and went to undo its mark").isNotNull();
    return new Interleaving(p, pScheduler, q, name, complete, pMark.get(), b.get(), helper.get(), parking);
  }

  /** Before P's undo, H (an issue of Q) takes P's deletion over and parks right after its mark. */
  private Interleaving undoMeetsALiveHelper(ExecutorService threads) {
    ParkingLeaseStore parking = ParkingLeaseStore.after("compareAndSetRole");
    AtomicReference<Future<AstraToken>> helper = new AtomicReference<>();
    return undoMeetsHelper(pMark -> {
      parking.arm();
      helper.set(threads.submit(() -> issueOn(managers.get(managers.size() - 1), "service-c")));
      try {
        assertThat(parking.awaitParked()).as("H took P's deletion over").isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, parking, helper);
  }

  @Test
  void aDeleterWhoseUndoMeetsAHelperUndoesItsMarkOnceTheHelperPutsItBack() throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    Interleaving it = null;
    try {
      it = undoMeetsALiveHelper(threads);
      Role now = store.role(org.orgId(), it.name()).orElseThrow();
      assertThat(CustomRoles.isDeleting(now.roleId()) && !now.equals(it.pMark())).as("H's mark: P's undo failed")
          .isTrue();
      it.parking().release();
      Future<AstraToken> helper = it.helper();
      assertThatThrownBy(() -> helper.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ConflictException.class);
      assertThat(store.role(org.orgId(), it.name())).as("H put P's mark back").contains(it.pMark());
      TokenManager q = it.q();
      assertThatThrownBy(() -> issueOn(q, "service-d")).as("refused while P's mark stays")
          .isInstanceOf(ConflictException.class);

      it.pScheduler().advance(CustomRoles.FOLLOW_FIRST_DELAY);   // P looks at its mark again
      assertThat(store.role(org.orgId(), it.name())).as("P undid its own mark").contains(it.complete());
      AstraToken d = issueOn(q, "service-d");
      assertReachesOrdersWithRole(d, it.complete().roleId());
      assertReachesOrdersWithRole(it.b(), it.complete().roleId());
      assertThat(events).as("nothing was deleted").noneMatch(RoleDeleted.class::isInstance);
      assertThat(roleDeletes()).isEmpty();
    } finally {
      if (it != null) {
        it.parking().release();
      }
      threads.shutdownNow();
    }
  }

  @Test
  void aDeleterFollowingItsMarkNeverBringsBackARoleTheHelperDeleted() throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    Interleaving it = null;
    try {
      it = undoMeetsALiveHelper(threads);
      it.p().revoke(it.b().lease().leaseId());   // the last holder ends while H is between its mark and its count
      it.parking().release();
      AstraToken c = it.helper().get(10, TimeUnit.SECONDS);
      String made = store.role(org.orgId(), it.name()).orElseThrow().roleId();
      assertThat(made).as("H deleted the unused role and made it anew").isNotEqualTo(it.complete().roleId());
      assertThat(roleDeletes()).containsExactly(it.complete().roleId());

      it.pScheduler().advance(Duration.ofMinutes(4));   // every look P would take (less than a grace period)
      assertThat(store.role(org.orgId(), it.name())).as("P's looks saw another record and stopped")
          .hasValueSatisfying(r -> assertThat(r.roleId()).isEqualTo(made));
      String old = it.complete().roleId();
      assertThat(store.list("")).noneMatch(r -> r.roleId().equals(old));
      assertThat(astra.roleId(org, it.name())).isEqualTo(made);
      assertReachesOrdersWithRole(c, made);
      assertThat(events).as("one deletion, audited once").filteredOn(RoleDeleted.class::isInstance).hasSize(1);
    } finally {
      if (it != null) {
        it.parking().release();
      }
      threads.shutdownNow();
    }
  }

  /** Before P's undo, a helper takes P's deletion over and dies: its mark stays; returns it. */
  private Interleaving undoMeetsADeadHelper(AtomicReference<Role> dead) {
    return undoMeetsHelper(pMark -> dead.set(markAs(pMark, "dead", pMark.roleId().substring(
        pMark.roleId().lastIndexOf(':') + 1))), ParkingLeaseStore.after("none"), new AtomicReference<>());
  }

  @Test
  void aDeleterStopsFollowingItsMarkOnceTheRecordIsSomethingElse() {
    // The helper died; before P looks again, another manager (its recovery, say) settles the helper's mark.
    AtomicReference<Role> dead = new AtomicReference<>();
    Interleaving it = undoMeetsADeadHelper(dead);
    assertThat(store.role(org.orgId(), it.name())).contains(dead.get());
    assertThat(it.pScheduler().advance(CustomRoles.FOLLOW_FIRST_DELAY)).as("P's first look: the helper's mark")
        .isEqualTo(1);
    assertThat(store.role(org.orgId(), it.name())).as("P never writes another manager's mark").contains(dead.get());
    assertThat(store.compareAndSetRole(dead.get(), it.complete())).isTrue();

    assertThat(it.pScheduler().advance(Duration.ofMinutes(4))).as("P looked once more and stopped").isEqualTo(1);
    assertThat(store.role(org.orgId(), it.name())).contains(it.complete());
    assertReachesOrdersWithRole(issueOn(it.q(), "service-d"), it.complete().roleId());
  }

  @Test
  void aDeleterFollowsAMarkThatStaysAnotherManagersABoundedNumberOfTimesAndRecoverySettlesIt() {
    AtomicReference<Role> dead = new AtomicReference<>();
    Interleaving it = undoMeetsADeadHelper(dead);
    assertThat(it.pScheduler().advance(Duration.ofMinutes(10))).as("P's looks, then none")
        .isEqualTo(CustomRoles.FOLLOW_ATTEMPTS);
    assertThat(store.role(org.orgId(), it.name())).as("left to recovery, untouched").contains(dead.get());
    assertThatThrownBy(() -> issueOn(it.q(), "service-d")).isInstanceOf(ConflictException.class);

    advance(Duration.ofMinutes(1));            // Q's recovery: first sighting of the helper's mark
    advance(GRACE.plusMinutes(1));             // the same mark a grace period later: undone (a lease holds the role)
    assertThat(store.role(org.orgId(), it.name())).contains(it.complete());
    assertReachesOrdersWithRole(issueOn(it.q(), "service-d"), it.complete().roleId());
  }

  @Test
  void aHelperWhosePutBackMeetsAnotherHelperPutsTheMarkBackOnceItIsItsOwnAgain() {
    // A deleter died after its mark over a held role. Issue H (of Q) takes the deletion over, finds the holder, and
    // goes to put the dead deleter's mark back; just before, another issue H2 takes the deletion over from H, and
    // puts H's mark back only after H's write failed. H follows its mark and puts the first mark back, so that
    // recovery sees the same mark on its passes and settles it.
    AstraToken held = issue("held", orders(Scope.Access.READ));
    String name = customRoles().get(0);
    Role complete = store.role(org.orgId(), name).orElseThrow();
    Role deadMark = markAs(complete, "dead", complete.roleId());
    LeaseStore other = other();
    AtomicReference<Role> hMark = new AtomicReference<>();
    Role h2Mark = new Role(org.orgId(), name, CustomRoles.DELETING_PREFIX + "h2:" + complete.roleId(),
        complete.ttl(), complete.maxTtl());
    HookedLeaseStore hooks = new HookedLeaseStore().before("compareAndSetRole", args -> {
      if (!puttingBack(args) || !deadMark.equals(args[1])) {
        return false;
      }
      hMark.set((Role) args[0]);
      return true;
    }, () -> assertThat(other.compareAndSetRole(hMark.get(), h2Mark)).isTrue());
    wrapStore = hooks::wrap;
    crashAndRestart();                         // Q

    assertThatThrownBy(() -> issue("other", orders(Scope.Access.READ))).isInstanceOf(ConflictException.class);
    assertThat(store.role(org.orgId(), name)).as("H2's mark: H's put-back failed").contains(h2Mark);
    assertThat(other.compareAndSetRole(h2Mark, hMark.get())).as("H2 puts H's mark back").isTrue();
    advance(CustomRoles.FOLLOW_FIRST_DELAY);   // H looks at its mark again
    assertThat(store.role(org.orgId(), name)).as("H put the dead deleter's mark back").contains(deadMark);

    advance(Duration.ofMinutes(1));            // recovery: the dead mark, seen since Q started
    advance(GRACE.plusMinutes(1));             // the same mark, a grace period later: undone
    assertThat(store.role(org.orgId(), name)).contains(complete);
    assertReachesOrdersWithRole(issue("other", orders(Scope.Access.READ)), complete.roleId());
    assertThat(astra.check(held.token()).database(DB).keyspace("orders").status()).isEqualTo(200);
  }

  @Test
  void aDeleterWhoseHoldersCheckFailsUndoesItsMarkRatherThanLeaveIt() {
    // The store fails once, on the holders check right after the deleter's mark: nothing is deleted yet, so the
    // deleter undoes its mark at once instead of leaving it to refuse issues until recovery.
    LeaseStore other = other();
    HookedLeaseStore hooks = new HookedLeaseStore().before("holdsRole",
        args -> other.roles(org.orgId()).stream().anyMatch(r -> CustomRoles.isDeleting(r.roleId())),
        () -> {
          throw new StoreException("the store went away for a moment");
        });
    wrapStore = hooks::wrap;
    recoveryInterval = Duration.ofHours(1);
    crashAndRestart();
    AstraToken a = issue("service-a", orders(Scope.Access.READ));
    String name = customRoles().get(0);
    Role complete = store.role(org.orgId(), name).orElseThrow();
    tokens.revoke(a.lease().leaseId());

    advance(GRACE);                            // the deletion: mark, holders check (fails), undo
    assertThat(store.role(org.orgId(), name)).as("the mark was undone").contains(complete);
    assertThat(roleDeletes()).isEmpty();
    assertReachesOrdersWithRole(issue("service-b", orders(Scope.Access.READ)), complete.roleId());
  }
}
