package dev.astravault.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.AstraToken;
import dev.astravault.LeaseStore;
import dev.astravault.Role;
import dev.astravault.Scope;
import dev.astravault.event.TokenIssued;
import dev.astravault.internal.CustomRoles;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.store.ParkingLeaseStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Scoped tokens end to end on a SQLite store (a real file): the store scenarios of {@link ScopedTokensScenarios}, and
 * those that do not depend on the store, which run here only (PostgreSQL would repeat them, not test more): what the
 * token reaches and its audit event (FakeAstra's enforcement), the role requests against the OpenAPI file, the
 * per-request style (its records are plain leases; the style decides nothing about roles), and that one role's
 * deletion does not hold up an issue that needs another (CustomRoles' per-role locks; the store only parks the
 * deletion, before any SQL runs).
 */
class ScopedTokensTest extends ScopedTokensScenarios {
  @TempDir Path dir;

  @Override
  LeaseStore openStore() {
    return JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS);
  }

  @Test
  void deletingOneCustomRoleDoesNotHoldUpAnIssueThatNeedsAnother() throws Exception {
    // Role B's deletion parks inside its holders check, where it holds whatever CustomRoles holds while it decides
    // and calls Astra; an issue that needs another custom role (A) must not wait for it.
    ParkingLeaseStore parking = new ParkingLeaseStore("holdsRole");
    wrapStore = parking::wrap;
    recoveryInterval = Duration.ofHours(1);   // only the deletion runs while time moves
    crashAndRestart();
    AstraToken b = issue("b", orders(Scope.Access.READ));
    tokens.revoke(b.lease().leaseId());          // B's role is now unused: its deletion falls due after the grace
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      parking.arm();
      Future<?> deletion = threads.submit(() -> advance(GRACE.plusMinutes(1)));
      assertThat(parking.awaitParked()).as("the deletion reached its holders check").isTrue();

      AstraToken a = threads.submit(() -> issue("a", Scope.database(OTHER_DB).keyspace("orders")
          .actions(Scope.Access.READ))).get(10, TimeUnit.SECONDS);
      assertThat(astra.check(a.token()).database(OTHER_DB).keyspace("orders").allowed()).isTrue();
      assertThat(deletion).as("still parked").isNotDone();

      parking.release();
      deletion.get(10, TimeUnit.SECONDS);
      assertThat(customRoles()).as("B's role deleted, A's kept").hasSize(1);
    } finally {
      parking.release();
      threads.shutdownNow();
    }
  }

  @Test
  void aScopedTokenReachesItsKeyspaceAndNotANeighbour() {
    AstraToken token = issue("orders-reader", orders(Scope.Access.READ));

    assertThat(astra.check(token.token()).database(DB).keyspace("orders").status()).isEqualTo(200);
    assertThat(astra.check(token.token()).database(DB).keyspace("orders").action("db-table-select").allowed())
        .isTrue();
    assertThat(astra.check(token.token()).database(DB).keyspace("billing").status()).isEqualTo(403);
    assertThat(astra.check(token.token()).database(OTHER_DB).keyspace("orders").status()).isEqualTo(403);
    assertThat(astra.check(token.token()).database(DB).keyspace("orders").action("db-table-modify").status())
        .as("READ does not modify").isEqualTo(403);

    // One role, named after the fingerprint, tagged with this deployment; the token holds only it.
    assertThat(customRoles()).singleElement().satisfies(n -> assertThat(n).matches("astra-vault-[0-9a-f]{32}"));
    String name = customRoles().get(0);
    assertThat(astra.rolePolicyDescription(org, name)).contains("astra-vault deployment=" + DEPLOYMENT
        + " role=" + name);
    assertThat(astra.token(token.clientId()).orElseThrow().roles()).containsExactly(astra.roleId(org, name));

    // The audit event carries the scope, and no secret.
    TokenIssued issued = events.stream().filter(TokenIssued.class::isInstance).map(TokenIssued.class::cast)
        .reduce((a, b) -> b).orElseThrow();
    assertThat(issued.token().metadata()).containsEntry(CustomRoles.ROLE_KEY, name)
        .containsEntry(CustomRoles.SCOPE_KEY, "db=" + DB + " keyspace=orders tables=* access=READ");
    assertThat(issued.toString()).doesNotContain(token.secret()).doesNotContain(token.token());
  }

  @Test
  void theClientsRoleRequestsMatchTheSpec() {
    AstraToken a = issue("orders", orders(Scope.Access.SCHEMA));
    tokens.revoke(a.lease().leaseId());
    advance(GRACE.plusSeconds(1));
    assertThat(customRoles()).isEmpty();
    List<dev.astravault.test.RecordedCall> roleCalls = astra.requests().stream()
        .filter(c -> c.path().startsWith("/v2/organizations/roles")).toList();
    assertThat(roleCalls).extracting(dev.astravault.test.RecordedCall::method).contains("POST", "GET", "DELETE");
    var contract = dev.astravault.test.contract.OpenApiContract.astraDevOps();
    // The requests only: this fake varies its answers on purpose (unknown fields, as the real service adds); the
    // answers are held to the spec by OpenApiContractTest on a strict fake.
    roleCalls.forEach(contract::assertRequestValid);
  }

  @Test
  void perRequestTokensAreScopedToo() {
    AstraToken a = tokens.request().org("acme").role("reader").perRequest().scope(orders(Scope.Access.SCHEMA))
        .issue();
    AstraToken b = tokens.request().org("acme").role("reader").perRequest().scope(orders(Scope.Access.SCHEMA))
        .issue();
    assertThat(customRoles()).hasSize(1);
    assertThat(astra.check(a.token()).database(DB).keyspace("orders").action("db-table-create").allowed()).isTrue();
    assertThat(astra.check(b.token()).database(DB).keyspace("other").allowed()).isFalse();
  }

  @Test
  void theFleetRaceProtocolLogsAndThrowsNoSecret() throws Exception {
    List<String> secrets = new ArrayList<>(List.of(org.rootToken()));
    List<String> texts = logsEventsAndErrorsOf(thrown -> {
      ExecutorService threads = Executors.newCachedThreadPool();
      ParkingLeaseStore parking = new ParkingLeaseStore("insert");
      try {
        // An issue backs off: its role was deleted by another manager between its take and its lease.
        recoveryInterval = Duration.ofHours(1);
        crashAndRestart();
        var deleter = scheduler;
        AstraToken a = issue("service-a", orders(Scope.Access.READ));
        secrets.add(a.token());
        tokens.revoke(a.lease().leaseId());
        wrapStore = parking::wrap;
        start(false);
        parking.arm();
        Future<AstraToken> b = threads.submit(() -> issue("service-b", orders(Scope.Access.READ)));
        assertThat(parking.awaitParked()).isTrue();
        deleter.advance(GRACE.plusMinutes(1));
        parking.release();
        AstraToken held = b.get(10, TimeUnit.SECONDS);
        secrets.add(held.token());
        secrets.add(held.secret());

        // An issue refused: a deletion mark over a role that a lease holds.
        String name = customRoles().get(0);
        Role complete = store.role(org.orgId(), name).orElseThrow();
        store.compareAndSetRole(complete, new Role(org.orgId(), name, CustomRoles.DELETING_PREFIX
            + "dead:" + complete.roleId(), complete.ttl(), complete.maxTtl()));
        thrown.add(catchThrowable(() -> issue("service-c", orders(Scope.Access.READ))));
      } finally {
        parking.release();
        threads.shutdownNow();
      }
    });
    assertThat(texts).as("both paths ran").anyMatch(t -> t.contains("issuing again"))
        .anyMatch(t -> t.contains("is being deleted by another manager"));
    for (String text : texts) {
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  @Test
  void pendingCreateMarksLogAndThrowNoSecret() throws Exception {
    List<String> secrets = new ArrayList<>(List.of(org.rootToken()));
    List<String> texts = logsEventsAndErrorsOf(thrown -> {
      // A held role whose record became a pending-create mark: an issue is refused, recovery undoes the mark.
      AstraToken held = issue("held", orders(Scope.Access.READ));
      secrets.add(held.token());
      secrets.add(held.secret());
      String name = customRoles().get(0);
      Role complete = store.role(org.orgId(), name).orElseThrow();
      store.compareAndSetRole(complete, new Role(org.orgId(), name,
          CustomRoles.DELETING_PREFIX + "dead:pending-create", complete.ttl(), complete.maxTtl()));
      // Two unused ones: a role found by name and tag (deleted), one of the name without the tag (left alone).
      Scope write = orders(Scope.Access.READ_WRITE).build();
      String found = CustomRoles.roleName(org.orgId(), DEPLOYMENT, write);
      var policy = CustomRoles.policy(org.orgId(), DEPLOYMENT, write);
      astra.addRole(org, found, policy.description(), policy.resources(), policy.actions());
      store.compareAndSetRole(null, new Role(org.orgId(), found, CustomRoles.DELETING_PREFIX
          + "dead:pending-create", Role.DEFAULT_TTL, Role.DEFAULT_TTL));
      Scope schema = orders(Scope.Access.SCHEMA).build();
      String edited = CustomRoles.roleName(org.orgId(), DEPLOYMENT, schema);
      astra.addRole(org, edited, "edited by hand", List.of("drn:astra:org:" + org.orgId()), List.of("db-cql"));
      store.compareAndSetRole(null, new Role(org.orgId(), edited, CustomRoles.DELETING_PREFIX
          + "dead:pending-create", Role.DEFAULT_TTL, Role.DEFAULT_TTL));
      crashAndRestart();

      thrown.add(catchThrowable(() -> issue("other", orders(Scope.Access.READ))));
      advance(Duration.ofMinutes(1));
      advance(GRACE.plusMinutes(1));
      assertThat(store.role(org.orgId(), name)).contains(complete);
      assertThat(customRoles()).containsExactlyInAnyOrder(name, edited);
    });
    assertThat(texts).as("every path ran").anyMatch(t -> t.contains("is being deleted by another manager"))
        .anyMatch(t -> t.contains("Deleted custom role"))
        .anyMatch(t -> t.contains("does not carry this deployment's tag"));
    for (String text : texts) {
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  /** A scenario that may record what callers caught. */
  private interface Scenario {
    void run(List<Throwable> thrown) throws Exception;
  }

  /**
   * Runs {@code scenario} with every logger at DEBUG into a list, and returns what an operator or a caller could see:
   * each log line and its exception's message, each audit event, and each exception the scenario caught.
   */
  private List<String> logsEventsAndErrorsOf(Scenario scenario) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Level previous = root.getLevel();
    root.setLevel(Level.DEBUG);
    logs.start();
    root.addAppender(logs);
    List<Throwable> thrown = new ArrayList<>();
    try {
      scenario.run(thrown);
    } finally {
      root.detachAppender(logs);
      root.setLevel(previous);
    }
    List<String> texts = new ArrayList<>();
    thrown.forEach(t -> texts.add(String.valueOf(t)));
    logs.list.forEach(e -> {
      texts.add(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        texts.add(e.getThrowableProxy().getMessage());
      }
    });
    events.forEach(e -> texts.add(e.toString()));
    return texts;
  }
}
