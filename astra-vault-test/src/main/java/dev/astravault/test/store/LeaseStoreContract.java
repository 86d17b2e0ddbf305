package dev.astravault.test.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.StoreException;
import dev.astravault.TokenAlreadyExistsException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link LeaseStore} contract as JUnit 5 tests. Extend it and return a new, empty store from
 * {@link #newStore()}:
 *
 * <pre>{@code
 * class MyStoreContractTest extends LeaseStoreContract {
 *   @Override protected LeaseStore newStore() { return new MyStore(...); }
 * }
 * }</pre>
 *
 * Besides the single-threaded semantics it runs the concurrency cases the manager relies on: of 50 threads inserting
 * one triple exactly one wins; of primary inserts racing a lone successor's promotion only the promotion wins; of
 * concurrent compare-and-sets from one version exactly one wins; no update is lost
 * under contention; exactly one of concurrent deletes and claims wins; the same for the conditional role writes
 * ({@link LeaseStore#compareAndSetRole}, {@link LeaseStore#deleteRole(Role)}). A store shared by processes should
 * also be tested with several store instances on one database: override {@link #secondStore()}.
 */
public abstract class LeaseStoreContract {
  /** The thread count of the concurrency cases. */
  protected static final int THREADS = 50;
  private static final Instant T0 = Instant.parse("2030-01-02T03:04:05.123456789Z");

  /** The store under test, from {@link #newStore()}. */
  protected LeaseStore store;
  private final List<LeaseStore> opened = new ArrayList<>();

  /**
   * {@return a new, empty store. Called once per test}
   *
   * @throws Exception if the store cannot be made
   */
  protected abstract LeaseStore newStore() throws Exception;

  /**
   * A second store instance on the same data as {@link #store} (another process's view), or the same instance for
   * stores that cannot be shared. The concurrency cases split their threads between the two.
   *
   * @return the second store, or the same instance
   * @throws Exception if the store cannot be made
   */
  protected LeaseStore secondStore() throws Exception {
    return store;
  }

  /**
   * A store on the same data as {@link #store} that seals secrets under a key {@link #store} does not hold (an
   * instance of a fleet given a key the others lack), for the check that rows a store cannot read are left out of
   * its finders; empty (the default) for a store that keeps no secrets at rest, which skips that check.
   *
   * @return the store with another key, or empty
   * @throws Exception if the store cannot be made
   */
  protected Optional<LeaseStore> storeWithAnotherKey() throws Exception {
    return Optional.empty();
  }

  /**
   * A store on the same data as {@link #store} under {@code keys}, for the key rotation case; empty (the default)
   * for a store that holds no keys, whose {@link LeaseStore#rotateKeys()} must then refuse.
   *
   * @param keys the keys the store seals and opens with
   * @return the store, or empty
   * @throws Exception if the store cannot be made
   */
  protected Optional<LeaseStore> storeWithKeys(KeyProvider keys) throws Exception {
    return Optional.empty();
  }

  /** {@return whether the store returns token secrets; false for metadata-only stores} */
  protected boolean keepsSecrets() {
    return true;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    opened.add(store);
  }

  @AfterEach
  void closeStores() {
    opened.forEach(LeaseStore::close);
  }

  /** {@link #storeWithAnotherKey()}, closed after the test; or the test skipped, saying {@code whySkipped}. */
  private LeaseStore storeWithAnotherKeyOrSkip(String whySkipped) throws Exception {
    Optional<LeaseStore> foreign = storeWithAnotherKey();
    assumeTrue(foreign.isPresent(), whySkipped);
    opened.add(foreign.get());
    return foreign.get();
  }

  private LeaseStore other() throws Exception {
    LeaseStore second = secondStore();
    if (second != store && !opened.contains(second)) {
      opened.add(second);
    }
    return second;
  }

  // ------------------------------------------------------------------ fixtures

  /**
   * A PENDING UNIQUE-style record of {@code org/role/name}.
   *
   * @param leaseId the lease id
   * @param logicalName the logical name
   * @return a builder holding the record
   */
  protected static LeaseRecord.Builder pending(String leaseId, String logicalName) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("role-id-1")
        .logicalName(logicalName).style(IssueStyle.UNIQUE).state(LeaseState.PENDING)
        .metadata(Map.of("owner", "team-a", "ünï", "cödé"))
        .description("astra-vault lease=" + leaseId + " name=" + logicalName)
        .issuedAt(T0).ttl(Duration.ofMinutes(30)).expiresAt(T0.plus(Duration.ofMinutes(30)))
        .maxExpiresAt(T0.plus(Duration.ofHours(24)));
  }

  /**
   * The ACTIVE successor of {@code pending}, with a token and a secret.
   *
   * @param pending the PENDING record
   * @param clientId the token's client id
   * @return the ACTIVE record
   */
  protected static LeaseRecord activate(LeaseRecord pending, String clientId) {
    return pending.next().state(LeaseState.ACTIVE).clientId(clientId)
        .token("AstraCS:" + clientId + ":" + "ab".repeat(32)).secret("s3cr3t+,.-_" + clientId)
        .generatedOn(T0.plusMillis(5)).build();
  }

  private LeaseRecord insertActive(String leaseId, String name, String clientId) {
    LeaseRecord p = pending(leaseId, name).build();
    store.insert(p);
    LeaseRecord a = activate(p, clientId);
    assertTrue(store.compareAndSet(p, a));
    return a;
  }

  private static OrgConfig org(String id, String name) {
    return OrgConfig.builder().orgId(id).logicalName(name).url(URI.create("https://astra.example.com"))
        .rootToken("AstraCS:" + "abcdefghijklmnopqrstuvwx" + ":" + "0123456789abcdef".repeat(4)).build();
  }

  // ------------------------------------------------------------------ leases

  @Test
  void insertThenGetReturnsEveryField() {
    LeaseRecord p = pending("astra/org-1/reader/a", "orders").build();
    store.insert(p);
    LeaseRecord read = store.get(p.leaseId()).orElseThrow();
    assertSameRecord(p, read, false);

    LeaseRecord a = activate(read, "ClientAAAAAAAAAAAAAAAAAA").next().lastRenewedAt(T0.plusSeconds(3))
        .lastError("boom").revokeAttempts(2).stateChangedAt(T0.plusNanos(7)).renewable(false).version(2).build();
    assertTrue(store.compareAndSet(read, a));
    assertSameRecord(a, store.get(p.leaseId()).orElseThrow(), keepsSecrets());
  }

  private static void assertSameRecord(LeaseRecord expected, LeaseRecord actual, boolean secrets) {
    assertEquals(expected.leaseId(), actual.leaseId());
    assertEquals(expected.orgId(), actual.orgId());
    assertEquals(expected.roleName(), actual.roleName());
    assertEquals(expected.roleId(), actual.roleId());
    assertEquals(expected.logicalName(), actual.logicalName());
    assertEquals(expected.style(), actual.style());
    assertEquals(expected.successor(), actual.successor());
    assertEquals(expected.state(), actual.state());
    assertEquals(expected.clientId(), actual.clientId());
    if (secrets) {
      assertEquals(expected.token(), actual.token());
      assertEquals(expected.secret(), actual.secret());
    }
    assertEquals(expected.generatedOn(), actual.generatedOn());
    assertEquals(expected.metadata(), actual.metadata());
    assertEquals(expected.description(), actual.description());
    assertEquals(expected.issuedAt(), actual.issuedAt());
    assertEquals(expected.ttl(), actual.ttl());
    assertEquals(expected.expiresAt(), actual.expiresAt());
    assertEquals(expected.maxExpiresAt(), actual.maxExpiresAt());
    assertEquals(expected.renewable(), actual.renewable());
    assertEquals(expected.lastRenewedAt(), actual.lastRenewedAt());
    assertEquals(expected.lastError(), actual.lastError());
    assertEquals(expected.revokeAttempts(), actual.revokeAttempts());
    assertEquals(expected.stateChangedAt(), actual.stateChangedAt());
    assertEquals(expected.version(), actual.version());
  }

  @Test
  void getOfUnknownLeaseIsEmpty() {
    assertEquals(Optional.empty(), store.get("astra/nope/none/x"));
  }

  @Test
  void insertOfAStoredLeaseIdThrowsIllegalState() {
    store.insert(pending("astra/org-1/reader/a", "orders").build());
    assertThrows(IllegalStateException.class, () ->
        store.insert(pending("astra/org-1/reader/a", "other").build()));
  }

  @Test
  void insertOfATakenTripleThrowsAndStoresNothing() {
    store.insert(pending("astra/org-1/reader/a", "orders").build());
    TokenAlreadyExistsException e = assertThrows(TokenAlreadyExistsException.class, () ->
        store.insert(pending("astra/org-1/reader/b", "orders").build()));
    assertEquals("orders", e.logicalName());
    assertEquals(Optional.empty(), store.get("astra/org-1/reader/b"));
  }

  @Test
  void aTripleHoldsOnePrimaryAndOneSuccessor() {
    store.insert(pending("astra/org-1/reader/a", "orders").build());
    store.insert(pending("astra/org-1/reader/b", "orders").successor(true).build());
    assertThrows(TokenAlreadyExistsException.class, () ->
        store.insert(pending("astra/org-1/reader/c", "orders").successor(true).build()));
    assertEquals("astra/org-1/reader/a",
        store.findByTriple("org-1", "reader", "orders").orElseThrow().leaseId());
  }

  @Test
  void aPrimaryIsRefusedWhileASuccessorHoldsTheTripleAndItsPromotionIsNot() throws Exception {
    // A rotation between its old primary's deletion and its successor's promotion: no primary, one successor.
    LeaseRecord old = insertActive("astra/org-1/reader/a", "orders", "client-a");
    LeaseRecord successor = pending("astra/org-1/reader/b", "orders").successor(true).build();
    store.insert(successor);
    LeaseRecord active = activate(successor, "client-b");
    assertTrue(store.compareAndSet(successor, active));
    assertTrue(store.delete(old));
    for (LeaseStore s : List.of(store, other())) {
      TokenAlreadyExistsException e = assertThrows(TokenAlreadyExistsException.class, () ->
          s.insert(pending("astra/org-1/reader/c", "orders").build()));
      assertEquals("orders", e.logicalName());
      assertEquals(Optional.empty(), store.get("astra/org-1/reader/c"));
      assertEquals(Optional.empty(), store.findByTriple("org-1", "reader", "orders"));
    }
    assertTrue(store.compareAndSet(active, active.next().successor(false).build()));
    assertEquals("astra/org-1/reader/b", store.findByTriple("org-1", "reader", "orders").orElseThrow().leaseId());
    assertEquals(List.of("astra/org-1/reader/b"), store.list("").stream().map(LeaseRecord::leaseId).toList());
  }

  @Test
  void deletingALoneSuccessorFreesTheTriple() {
    LeaseRecord successor = pending("astra/org-1/reader/a", "orders").successor(true).build();
    store.insert(successor);
    assertThrows(TokenAlreadyExistsException.class, () -> store.insert(pending("astra/org-1/reader/b", "orders")
        .build()));
    assertTrue(store.delete(successor));
    store.insert(pending("astra/org-1/reader/c", "orders").build());
    assertEquals("astra/org-1/reader/c", store.findByTriple("org-1", "reader", "orders").orElseThrow().leaseId());
  }

  @Test
  void theTripleIsScopedByOrgAndRole() {
    store.insert(pending("astra/org-1/reader/a", "orders").build());
    store.insert(pending("astra/org-2/reader/a", "orders").orgId("org-2").build());
    store.insert(pending("astra/org-1/writer/a", "orders").roleName("writer").build());
    assertEquals(3, store.list("").size());
  }

  @Test
  void perRequestRecordsHoldNoKey() {
    store.insert(pending("astra/org-1/reader/a", "orders").style(IssueStyle.PER_REQUEST).build());
    store.insert(pending("astra/org-1/reader/b", "orders").style(IssueStyle.PER_REQUEST).build());
    store.insert(pending("astra/org-1/reader/c", null).style(IssueStyle.PER_REQUEST).build());
    store.insert(pending("astra/org-1/reader/d", "orders").build());
    assertEquals(4, store.list("").size());
    assertEquals("astra/org-1/reader/d", store.findByTriple("org-1", "reader", "orders").orElseThrow().leaseId());
  }

  @Test
  void deleteFreesTheTriple() {
    LeaseRecord a = pending("astra/org-1/reader/a", "orders").build();
    store.insert(a);
    assertTrue(store.delete(a));
    store.insert(pending("astra/org-1/reader/b", "orders").build());
    assertEquals("astra/org-1/reader/b", store.findByTriple("org-1", "reader", "orders").orElseThrow().leaseId());
  }

  @Test
  void findByClientIdFindsCommittedRecords() {
    insertActive("astra/org-1/reader/a", "orders", "ClientAAAAAAAAAAAAAAAAAA");
    assertEquals("astra/org-1/reader/a",
        store.findByClientId("ClientAAAAAAAAAAAAAAAAAA").orElseThrow().leaseId());
    assertEquals(Optional.empty(), store.findByClientId("ClientBBBBBBBBBBBBBBBBBB"));
  }

  @Test
  void holdsRoleWhileAnyRecordOfTheOrgCarriesTheRoleIdInAnyState() throws Exception {
    assertFalse(store.holdsRole("org-1", "role-id-1"));
    LeaseRecord p = pending("astra/org-1/reader/a", "a").build();
    store.insert(p);
    assertTrue(store.holdsRole("org-1", "role-id-1"), "a PENDING record holds its role");
    assertTrue(other().holdsRole("org-1", "role-id-1"), "seen by every instance on the same data");
    assertFalse(store.holdsRole("org-1", "role-id-2"));
    assertFalse(store.holdsRole("org-2", "role-id-1"), "the same role id in another org");
    LeaseRecord a = activate(p, "ClientAAAAAAAAAAAAAAAAAA");
    assertTrue(store.compareAndSet(p, a));
    LeaseRecord b = pending("astra/org-1/reader/b", "b").build();
    store.insert(b);
    LeaseRecord c = pending("astra/org-1/reader/c", "c").roleId("role-id-2").build();
    store.insert(c);
    assertTrue(store.delete(a));
    assertTrue(store.holdsRole("org-1", "role-id-1"), "b still holds it");
    assertTrue(store.delete(b));
    assertFalse(store.holdsRole("org-1", "role-id-1"), "no record holds it any more");
    assertTrue(store.holdsRole("org-1", "role-id-2"));
  }

  @Test
  void listFiltersByPrefixInLeaseIdOrder() {
    store.insert(pending("astra/org-1/reader/b", "n1").build());
    store.insert(pending("astra/org-1/reader/a", "n2").build());
    store.insert(pending("astra/org-1/readers/c", "n3").build());
    store.insert(pending("astra/org-1/writer/d", "n4").roleName("writer").build());
    store.insert(pending("astra/org-1/re%der/e", "n5").build());
    store.insert(pending("astra/org-1/re_der/f", "n6").build());
    assertEquals(List.of("astra/org-1/reader/a", "astra/org-1/reader/b"), ids(store.list("astra/org-1/reader/")));
    assertEquals(List.of("astra/org-1/re%der/e"), ids(store.list("astra/org-1/re%")));
    assertEquals(List.of("astra/org-1/re_der/f"), ids(store.list("astra/org-1/re_")));
    assertEquals(List.of("astra/org-1/re%der/e", "astra/org-1/re_der/f", "astra/org-1/reader/a",
        "astra/org-1/reader/b", "astra/org-1/readers/c", "astra/org-1/writer/d"), ids(store.list("")));
    assertEquals(List.of(), store.list("astra/org-9/"));
  }

  @Test
  void expiringBeforeFindsActiveRecordsStrictlyBeforeSoonestFirst() {
    LeaseRecord a = insertActive("astra/org-1/reader/a", "a", "ClientAAAAAAAAAAAAAAAAAA");
    LeaseRecord b = insertActive("astra/org-1/reader/b", "b", "ClientBBBBBBBBBBBBBBBBBB");
    LeaseRecord c = insertActive("astra/org-1/reader/c", "c", "ClientCCCCCCCCCCCCCCCCCC");
    assertTrue(store.compareAndSet(a, a.next().expiresAt(T0.plusSeconds(30)).build()));
    assertTrue(store.compareAndSet(b, b.next().expiresAt(T0.plusSeconds(10)).build()));
    assertTrue(store.compareAndSet(c, c.next().expiresAt(T0.plusSeconds(20)).state(LeaseState.REVOKE_FAILED)
        .build()));
    store.insert(pending("astra/org-1/reader/p", "p").expiresAt(T0.plusSeconds(1)).build());
    assertEquals(List.of("astra/org-1/reader/b", "astra/org-1/reader/a"),
        ids(store.expiringBefore(T0.plusSeconds(31), 10)));
    assertEquals(List.of("astra/org-1/reader/b"), ids(store.expiringBefore(T0.plusSeconds(30), 10)));
    assertEquals(List.of("astra/org-1/reader/b"), ids(store.expiringBefore(T0.plusSeconds(31), 1)));
    assertEquals(List.of(), store.expiringBefore(T0.plusSeconds(10), 10));
  }

  @Test
  void pendingBeforeFindsPendingRecordsOldestFirst() {
    store.insert(pending("astra/org-1/reader/a", "a").issuedAt(T0.plusSeconds(2)).build());
    store.insert(pending("astra/org-1/reader/b", "b").issuedAt(T0.plusSeconds(1)).build());
    insertActive("astra/org-1/reader/c", "c", "ClientCCCCCCCCCCCCCCCCCC");
    // Issued a day past the cutoff: a store may read such a row (to report a rewritten one) but never returns it.
    store.insert(pending("astra/org-1/reader/d", "d").issuedAt(T0.plus(Duration.ofDays(1))).build());
    assertEquals(List.of("astra/org-1/reader/b", "astra/org-1/reader/a"),
        ids(store.pendingBefore(T0.plusSeconds(3), 10)));
    assertEquals(List.of("astra/org-1/reader/b"), ids(store.pendingBefore(T0.plusSeconds(2), 10)));
    assertEquals(List.of("astra/org-1/reader/b"), ids(store.pendingBefore(T0.plusSeconds(3), 1)));
  }

  @Test
  void changedBeforeFindsRecordsOfOneStateAbsentFirstThenOldest() {
    LeaseRecord a = insertActive("astra/org-1/reader/a", "a", "ClientAAAAAAAAAAAAAAAAAA");
    LeaseRecord b = insertActive("astra/org-1/reader/b", "b", "ClientBBBBBBBBBBBBBBBBBB");
    LeaseRecord c = insertActive("astra/org-1/reader/c", "c", "ClientCCCCCCCCCCCCCCCCCC");
    insertActive("astra/org-1/reader/d", "d", "ClientDDDDDDDDDDDDDDDDDD");
    assertTrue(store.compareAndSet(a, a.next().state(LeaseState.REVOKE_FAILED).stateChangedAt(T0.plusSeconds(5))
        .build()));
    assertTrue(store.compareAndSet(b, b.next().state(LeaseState.REVOKE_FAILED).stateChangedAt(T0.plusSeconds(1))
        .build()));
    assertTrue(store.compareAndSet(c, c.next().state(LeaseState.REVOKE_FAILED).build()));
    assertEquals(List.of("astra/org-1/reader/c", "astra/org-1/reader/b", "astra/org-1/reader/a"),
        ids(store.changedBefore(LeaseState.REVOKE_FAILED, T0.plusSeconds(6), 10)));
    assertEquals(List.of("astra/org-1/reader/c", "astra/org-1/reader/b"),
        ids(store.changedBefore(LeaseState.REVOKE_FAILED, T0.plusSeconds(5), 10)));
    assertEquals(List.of(), store.changedBefore(LeaseState.REVOKING, T0.plusSeconds(6), 10));
  }

  @Test
  void theFindersLeaveOutRowsTheStoreCannotReadWithoutCountingThemAndGetNamesThem() throws Exception {
    LeaseStore other = storeWithAnotherKeyOrSkip(
        "the store keeps no secrets at rest, so it can read every row it holds");
    // Of each kind, three rows this store cannot read sort first: more than the limits below.
    for (int i = 0; i < 3; i++) {
      String client = "ClientX" + i + "X".repeat(16);
      other.insert(activate(pending("astra/org-1/reader/xa" + i, "xa" + i).expiresAt(T0.plusSeconds(i)).build(),
          client.replace('X', 'A')));
      other.insert(activate(pending("astra/org-1/reader/xp" + i, "xp" + i).issuedAt(T0.minusSeconds(9 - i)).build(),
          client.replace('X', 'P')).toBuilder().state(LeaseState.PENDING).build());
      other.insert(activate(pending("astra/org-1/reader/xr" + i, "xr" + i).build(), client.replace('X', 'R'))
          .toBuilder().state(LeaseState.REVOKING).build());
    }
    insertActive("astra/org-1/reader/a1", "a1", "ClientGoodA1AAAAAAAAAAAA");
    LeaseRecord a2 = insertActive("astra/org-1/reader/a2", "a2", "ClientGoodA2AAAAAAAAAAAA");
    assertTrue(store.compareAndSet(a2, a2.next().expiresAt(T0.plusSeconds(3600)).build()));
    store.insert(pending("astra/org-1/reader/p", "p").build());
    LeaseRecord r = insertActive("astra/org-1/reader/r", "r", "ClientRRRRRRRRRRRRRRRRRR");
    assertTrue(store.compareAndSet(r, r.next().state(LeaseState.REVOKING).stateChangedAt(T0).build()));

    Instant later = T0.plus(Duration.ofDays(1));
    assertEquals(List.of("astra/org-1/reader/a1", "astra/org-1/reader/a2"), ids(store.expiringBefore(later, 2)));
    assertEquals(List.of("astra/org-1/reader/p"), ids(store.pendingBefore(later, 1)));
    assertEquals(List.of("astra/org-1/reader/r"), ids(store.changedBefore(LeaseState.REVOKING, later, 1)));
    // The same again: a row left out once is left out on every pass, not only the first.
    assertEquals(List.of("astra/org-1/reader/a1"), ids(store.expiringBefore(later, 1)));
    // Asked for by id, a row that cannot be read is an error naming it, never an absent record.
    StoreException e = assertThrows(StoreException.class, () -> store.get("astra/org-1/reader/xa0"));
    assertTrue(e.getMessage().contains("astra/org-1/reader/xa0"), e.getMessage());
    // A list stands for the whole store (absence there means "no record"): it throws rather than leave a row out.
    assertThrows(StoreException.class, () -> store.list(""));
    // Reconcile's list leaves each such row out and names it (its lease id), so that reconcile reports the row
    // instead of failing for the whole org; a store that keeps the interface's default throws, like list.
    Map<String, StoreException> left = new TreeMap<>();
    List<LeaseRecord> listed;
    try {
      listed = store.list("astra/org-1/", left::put);
    } catch (StoreException thrown) {
      listed = null;
    }
    if (listed != null) {
      assertEquals(List.of("astra/org-1/reader/a1", "astra/org-1/reader/a2", "astra/org-1/reader/p",
          "astra/org-1/reader/r"), ids(listed));
      assertEquals(List.of("astra/org-1/reader/xa0", "astra/org-1/reader/xa1", "astra/org-1/reader/xa2",
          "astra/org-1/reader/xp0", "astra/org-1/reader/xp1", "astra/org-1/reader/xp2", "astra/org-1/reader/xr0",
          "astra/org-1/reader/xr1", "astra/org-1/reader/xr2"), List.copyOf(left.keySet()));
    }
    // The other instance is the mirror image.
    assertEquals(List.of("astra/org-1/reader/xa0"), ids(other.expiringBefore(later, 1)));
  }

  /**
   * A record without a token (PENDING, or written {@link LeaseRecord#withoutSecret() without its secret}) reads back
   * whole in every state. In a store that seals at rest its fields are bound like a sealed secret's: a store that
   * does not hold the key it was written under cannot vouch for them, so it leaves such a row out of its finders and
   * refuses it by id, exactly as it does a row with a secret (else someone without the key could rewrite a PENDING
   * row's times to hide a crashed create from recovery).
   */
  @Test
  void recordsWithoutASecretReadBackInEveryStateAndAreBoundLikeSealedOnes() throws Exception {
    LeaseRecord p = pending("astra/org-1/reader/n", "n").build();
    store.insert(p);
    LeaseRecord read = store.get(p.leaseId()).orElseThrow();
    assertSameRecord(p, read, true);
    LeaseRecord claimed = read.next().stateChangedAt(T0.plusSeconds(1)).build();
    assertTrue(store.compareAndSet(read, claimed));
    LeaseRecord active = activate(claimed, "ClientNNNNNNNNNNNNNNNNNN").withoutSecret();
    assertTrue(store.compareAndSet(store.get(p.leaseId()).orElseThrow(), active));
    assertSameRecord(active, store.get(p.leaseId()).orElseThrow(), true);
    LeaseRecord failed = active.next().state(LeaseState.REVOKE_FAILED).lastError("refused").revokeAttempts(1)
        .stateChangedAt(T0.plusSeconds(2)).build();
    assertTrue(store.compareAndSet(active, failed));
    assertSameRecord(failed, store.get(p.leaseId()).orElseThrow(), true);

    LeaseStore other = storeWithAnotherKeyOrSkip(
        "the store keeps no secrets at rest: it binds nothing, and reads every row");
    other.insert(pending("astra/org-1/reader/xp", "xp").issuedAt(T0.minusSeconds(5)).build());
    other.insert(activate(pending("astra/org-1/reader/xa", "xa").build(), "ClientXAAAAAAAAAAAAAAAAA")
        .withoutSecret().toBuilder().expiresAt(T0.minusSeconds(5)).build());
    Instant later = T0.plus(Duration.ofDays(1));
    assertEquals(List.of(), ids(store.pendingBefore(later, 10)));
    assertEquals(List.of(), ids(store.expiringBefore(later, 10)));
    for (String id : List.of("astra/org-1/reader/xp", "astra/org-1/reader/xa")) {
      StoreException e = assertThrows(StoreException.class, () -> store.get(id));
      assertTrue(e.getMessage().contains(id), e.getMessage());
    }
    assertEquals(List.of("astra/org-1/reader/xp"), ids(other.pendingBefore(later, 10)));
  }

  @Test
  void compareAndSetNeedsTheStoredVersion() {
    LeaseRecord p = pending("astra/org-1/reader/a", "orders").build();
    store.insert(p);
    LeaseRecord a = activate(p, "ClientAAAAAAAAAAAAAAAAAA");
    assertTrue(store.compareAndSet(p, a));
    assertFalse(store.compareAndSet(p, activate(p, "ClientBBBBBBBBBBBBBBBBBB")), "stale version");
    assertEquals(Optional.of("ClientAAAAAAAAAAAAAAAAAA"), store.get(p.leaseId()).orElseThrow().clientId());
    assertEquals(2, store.get(p.leaseId()).orElseThrow().version());
  }

  @Test
  void compareAndSetOfAMissingRecordReturnsFalse() {
    LeaseRecord p = pending("astra/org-1/reader/a", "orders").build();
    assertFalse(store.compareAndSet(p, p.next().build()));
    assertEquals(Optional.empty(), store.get(p.leaseId()));
  }

  @Test
  void compareAndSetRejectsABadSuccessor() {
    LeaseRecord p = pending("astra/org-1/reader/a", "orders").build();
    store.insert(p);
    assertThrows(IllegalArgumentException.class, () -> store.compareAndSet(p, p.toBuilder().version(3).build()));
    assertThrows(IllegalArgumentException.class, () -> store.compareAndSet(p, p.toBuilder().version(1).build()));
    assertThrows(IllegalArgumentException.class, () ->
        store.compareAndSet(p, p.next().leaseId("astra/org-1/reader/other").build()));
  }

  @Test
  void compareAndSetIntoATakenTripleThrowsAndChangesNothing() {
    LeaseRecord a = pending("astra/org-1/reader/a", "orders").build();
    LeaseRecord b = pending("astra/org-1/reader/b", "orders").successor(true).build();
    store.insert(a);
    store.insert(b);
    assertThrows(TokenAlreadyExistsException.class, () -> store.compareAndSet(b, b.next().successor(false).build()));
    assertTrue(store.get(b.leaseId()).orElseThrow().successor());
    // Promotion works once the primary is gone (a rotation).
    assertTrue(store.delete(a));
    assertTrue(store.compareAndSet(b, b.next().successor(false).build()));
    assertEquals(b.leaseId(), store.findByTriple("org-1", "reader", "orders").orElseThrow().leaseId());
  }

  @Test
  void deleteNeedsTheStoredVersion() {
    LeaseRecord p = pending("astra/org-1/reader/a", "orders").build();
    store.insert(p);
    LeaseRecord a = activate(p, "ClientAAAAAAAAAAAAAAAAAA");
    assertTrue(store.compareAndSet(p, a));
    assertFalse(store.delete(p));
    assertTrue(store.get(p.leaseId()).isPresent());
    assertTrue(store.delete(a));
    assertFalse(store.delete(a));
    assertEquals(Optional.empty(), store.get(p.leaseId()));
    assertEquals(Optional.empty(), store.findByClientId("ClientAAAAAAAAAAAAAAAAAA"));
  }

  // ------------------------------------------------------------------ orgs and roles

  @Test
  void orgsArePutFoundListedAndDeleted() {
    store.putOrg(org("org-b", "beta"));
    store.putOrg(org("org-a", "alpha"));
    assertEquals("alpha", store.org("org-a").orElseThrow().logicalName());
    assertEquals(org("org-a", "alpha").rootToken(), store.org("org-a").orElseThrow().rootToken());
    assertEquals("org-b", store.orgByLogicalName("beta").orElseThrow().orgId());
    assertEquals(List.of("org-a", "org-b"), store.orgs().stream().map(OrgConfig::orgId).toList());
    store.putOrg(org("org-a", "alpha2"));
    assertEquals(Optional.empty(), store.orgByLogicalName("alpha"));
    assertEquals("org-a", store.orgByLogicalName("alpha2").orElseThrow().orgId());
    assertTrue(store.deleteOrg("org-a"));
    assertFalse(store.deleteOrg("org-a"));
    assertEquals(Optional.empty(), store.org("org-a"));
  }

  /**
   * One org config this store cannot read (written under another key) does not hide the others: {@code orgs()}
   * leaves it out, {@code storedOrgIds()} still lists it, a lookup by another org's logical name opens only that org,
   * and its own logical name stays taken.
   */
  @Test
  void orgsLeaveOutAConfigTheStoreCannotReadAndStoredOrgIdsListIt() throws Exception {
    LeaseStore other = storeWithAnotherKeyOrSkip(
        "the store keeps no secrets at rest, so it can read every org it holds");
    other.putOrg(org("org-a", "alpha"));
    store.putOrg(org("org-b", "beta"));
    assertEquals(List.of("org-b"), store.orgs().stream().map(OrgConfig::orgId).toList());
    assertEquals(List.of("org-a", "org-b"), store.storedOrgIds());
    assertEquals("org-b", store.orgByLogicalName("beta").orElseThrow().orgId());
    assertThrows(StoreException.class, () -> store.orgByLogicalName("alpha"));
    assertThrows(StoreException.class, () -> store.org("org-a"));
    assertThrows(IllegalArgumentException.class, () -> store.putOrg(org("org-c", "alpha")));
    assertEquals(Optional.of("org-a"), store.storedOrgId("alpha"));
  }

  /**
   * A role the store cannot read (tagged under a key it lacks) is refused by {@code role}, left out of {@code roles}
   * (the org's other roles stay listed), keeps its name taken for an insert-if-absent, and is deleted by name.
   */
  @Test
  void rolesLeaveOutARoleTheStoreCannotReadAndRoleNamesIt() throws Exception {
    LeaseStore other = storeWithAnotherKeyOrSkip("the store holds no key, so its roles carry no tag");
    Role unreadable = new Role("org-a", "reader", "rid-r", Duration.ofHours(1), Duration.ofHours(2));
    other.putRole(unreadable);
    store.putRole(new Role("org-a", "writer", "rid-w", Duration.ofHours(1), Duration.ofHours(2)));
    StoreException e = assertThrows(StoreException.class, () -> store.role("org-a", "reader"));
    assertTrue(e.getMessage().contains("role reader of org org-a"), e.getMessage());
    assertEquals(List.of("writer"), store.roles("org-a").stream().map(Role::name).toList());
    assertFalse(store.compareAndSetRole(null, unreadable), "its name stays taken");
    assertTrue(store.deleteRole("org-a", "reader"));
    assertTrue(store.compareAndSetRole(null, unreadable));
    assertEquals(Optional.of(unreadable), store.role("org-a", "reader"));
  }

  /**
   * {@link LeaseStore#rotateKeys()} reseals an ACTIVE lease's secret, a PENDING lease's tag, a root token and a role
   * tag written under an old key, counts them, then finds nothing left; a store without the old key then reads them
   * all unchanged. A store that holds no keys refuses with {@link IllegalStateException}.
   */
  @Test
  void rotateKeysResealsEveryValueUnderAnOldKeySoTheOldKeyCanBeDropped() throws Exception {
    EncryptionKey oldKey = EncryptionKey.generate();
    EncryptionKey newKey = EncryptionKey.generate();
    Optional<LeaseStore> underOldKey = storeWithKeys(KeyProvider.of(oldKey));
    if (underOldKey.isEmpty()) {
      assertThrows(IllegalStateException.class, store::rotateKeys);
      return;
    }
    LeaseStore old = underOldKey.get();
    opened.add(old);
    LeaseRecord p = pending("astra/org-1/reader/rot-a", "rot-a").build();
    old.insert(p);
    LeaseRecord active = activate(p, "ClientROTAAAAAAAAAAAAAAA");
    assertTrue(old.compareAndSet(p, active));
    LeaseRecord stillPending = pending("astra/org-1/reader/rot-b", "rot-b").build();
    old.insert(stillPending);
    OrgConfig org = org("org-1", "alpha");
    old.putOrg(org);
    Role role = new Role("org-1", "reader", "role-id-1", Duration.ofHours(1), Duration.ofHours(2));
    old.putRole(role);

    LeaseStore rotating = storeWithKeys(KeyProvider.of(newKey, oldKey)).orElseThrow();
    opened.add(rotating);
    assertEquals(4, rotating.rotateKeys());
    assertEquals(0, rotating.rotateKeys(), "nothing is left under the old key");

    LeaseStore newKeyOnly = storeWithKeys(KeyProvider.of(newKey)).orElseThrow();
    opened.add(newKeyOnly);
    LeaseRecord read = newKeyOnly.get(active.leaseId()).orElseThrow();
    assertEquals(active, read);
    assertEquals(active.secret(), read.secret());
    assertEquals(active.token(), read.token());
    assertEquals(Optional.of(stillPending), newKeyOnly.get(stillPending.leaseId()));
    assertEquals(Optional.of(org.rootToken()), newKeyOnly.org("org-1").map(OrgConfig::rootToken));
    assertEquals(Optional.of(role), newKeyOnly.role("org-1", "reader"));
    assertEquals(List.of(stillPending.leaseId()), newKeyOnly.pendingBefore(T0.plusSeconds(1), 10).stream()
        .map(LeaseRecord::leaseId).toList());
  }

  /** How {@code TokenManager.deleteOrg} finds a config that no longer loads: an id first, then a logical name. */
  @Test
  void storedOrgIdFindsAnOrgByIdThenByLogicalName() {
    store.putOrg(org("org-a", "alpha"));
    store.putOrg(org("org-c", "org-a"));   // a logical name that is another org's id
    assertEquals(Optional.of("org-a"), store.storedOrgId("org-a"));
    assertEquals(Optional.of("org-a"), store.storedOrgId("alpha"));
    assertEquals(Optional.of("org-c"), store.storedOrgId("org-c"));
    assertEquals(Optional.empty(), store.storedOrgId("nope"));
    assertTrue(store.deleteOrg("org-a"));
    assertEquals(Optional.of("org-c"), store.storedOrgId("org-a"));
    assertEquals(Optional.empty(), store.storedOrgId("alpha"));
  }

  @Test
  void anOrgCannotTakeAnotherOrgsLogicalName() {
    store.putOrg(org("org-a", "alpha"));
    assertThrows(IllegalArgumentException.class, () -> store.putOrg(org("org-b", "alpha")));
    assertEquals(Optional.empty(), store.org("org-b"));
  }

  @Test
  void rolesArePutFoundListedAndDeleted() {
    store.putRole(new Role("org-a", "writer", "rid-w", Duration.ofMinutes(5), Duration.ofHours(1)));
    store.putRole(new Role("org-a", "reader", "rid-r", Duration.ofMinutes(5), Duration.ofHours(1)));
    store.putRole(new Role("org-b", "reader", "rid-x", Duration.ofMinutes(5), Duration.ofHours(1)));
    assertEquals(List.of("reader", "writer"), store.roles("org-a").stream().map(Role::name).toList());
    store.putRole(new Role("org-a", "reader", "rid-r2", Duration.ofMinutes(7), Duration.ofHours(2)));
    Role r = store.role("org-a", "reader").orElseThrow();
    assertEquals("rid-r2", r.roleId());
    assertEquals(Duration.ofMinutes(7), r.ttl());
    assertEquals(Duration.ofHours(2), r.maxTtl());
    assertTrue(store.deleteRole("org-a", "reader"));
    assertFalse(store.deleteRole("org-a", "reader"));
    assertEquals(List.of("writer"), store.roles("org-a").stream().map(Role::name).toList());
    assertEquals(1, store.roles("org-b").size());
  }

  @Test
  void compareAndSetRoleStoresOnlyOverTheRoleAsRead() throws Exception {
    Role pendingRole = new Role("org-a", "custom", "pending", Duration.ofHours(24), Duration.ofHours(24));
    Role complete = new Role("org-a", "custom", "rid-1", Duration.ofHours(24), Duration.ofHours(24));
    assertTrue(store.compareAndSetRole(null, pendingRole), "null: insert when absent");
    assertFalse(other().compareAndSetRole(null, complete), "null: not over a stored role");
    assertEquals(Optional.of(pendingRole), store.role("org-a", "custom"));
    assertTrue(other().compareAndSetRole(pendingRole, complete));
    assertEquals(Optional.of(complete), store.role("org-a", "custom"), "seen by every instance on the same data");
    // The lost update: a writer that read the pending role loses to the one that completed it.
    Role stale = new Role("org-a", "custom", "deleting:pending", Duration.ofHours(24), Duration.ofHours(24));
    assertFalse(store.compareAndSetRole(pendingRole, stale));
    assertEquals(Optional.of(complete), store.role("org-a", "custom"));
    // Every component counts, not only the role id.
    Role otherTtl = new Role("org-a", "custom", "rid-1", Duration.ofHours(1), Duration.ofHours(24));
    assertFalse(store.compareAndSetRole(otherTtl, stale));
    assertFalse(store.compareAndSetRole(new Role("org-b", "custom", "rid-1", Duration.ofHours(24),
        Duration.ofHours(24)), new Role("org-b", "custom", "x", Duration.ofHours(24), Duration.ofHours(24))),
        "absent: nothing to compare with");
    assertEquals(Optional.empty(), store.role("org-b", "custom"));
    assertThrows(IllegalArgumentException.class, () -> store.compareAndSetRole(complete,
        new Role("org-a", "other", "rid-1", Duration.ofHours(24), Duration.ofHours(24))));
  }

  @Test
  void deleteRoleOfAnExpectedRoleDeletesOnlyThatRole() throws Exception {
    Role complete = new Role("org-a", "custom", "rid-1", Duration.ofHours(24), Duration.ofHours(24));
    Role mark = new Role("org-a", "custom", "deleting:7:rid-1", Duration.ofHours(24), Duration.ofHours(24));
    store.putRole(complete);
    assertTrue(store.compareAndSetRole(complete, mark));
    // The lost update: a deleter that read the complete role no longer deletes the marked one.
    assertFalse(other().deleteRole(complete));
    assertEquals(Optional.of(mark), store.role("org-a", "custom"));
    assertTrue(other().deleteRole(mark));
    assertFalse(store.deleteRole(mark), "already gone");
    assertEquals(Optional.empty(), store.role("org-a", "custom"));
    assertEquals(List.of(), store.roles("org-a"));
    // The name can be taken again at once, and an unconditional put works over whatever a delete left.
    assertTrue(store.compareAndSetRole(null, complete));
    assertEquals(Optional.of(complete), other().role("org-a", "custom"));
    assertTrue(store.deleteRole(complete));
    store.putRole(complete);
    assertEquals(List.of(complete), store.roles("org-a"));
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  void ofConcurrentInsertsOfOneTripleExactlyOneWins() throws Exception {
    LeaseStore second = other();
    AtomicInteger refused = new AtomicInteger();
    List<Boolean> won = race(THREADS, i -> {
      LeaseStore s = i % 2 == 0 ? store : second;
      try {
        s.insert(pending("astra/org-1/reader/t" + i, "contended").build());
        return true;
      } catch (TokenAlreadyExistsException e) {
        refused.incrementAndGet();
        return false;
      }
    });
    assertEquals(1, won.stream().filter(b -> b).count());
    assertEquals(THREADS - 1, refused.get());
    assertEquals(1, store.list("astra/org-1/reader/").size());
  }

  @Test
  void ofConcurrentPrimaryInsertsAndTheSuccessorsPromotionOnlyThePromotionWins() throws Exception {
    LeaseStore second = other();
    LeaseRecord successor = pending("astra/org-1/reader/s", "contended").successor(true).build();
    store.insert(successor);
    AtomicInteger refused = new AtomicInteger();
    List<Boolean> won = race(THREADS, i -> {
      LeaseStore s = i % 2 == 0 ? store : second;
      try {
        if (i == THREADS / 2) {
          return s.compareAndSet(successor, successor.next().successor(false).build());
        }
        s.insert(pending("astra/org-1/reader/t" + i, "contended").build());
        return true;
      } catch (TokenAlreadyExistsException e) {
        refused.incrementAndGet();
        return false;
      }
    });
    assertEquals(List.of(true), won.stream().filter(b -> b).toList());
    assertEquals(THREADS - 1, refused.get());
    assertEquals(List.of("astra/org-1/reader/s"), store.list("astra/org-1/reader/").stream()
        .map(LeaseRecord::leaseId).toList());
    assertFalse(store.get("astra/org-1/reader/s").orElseThrow().successor());
  }

  @Test
  void ofConcurrentCompareAndSetsFromOneVersionExactlyOneWins() throws Exception {
    LeaseStore second = other();
    LeaseRecord p = pending("astra/org-1/reader/a", "orders").build();
    store.insert(p);
    List<Boolean> won = race(THREADS, i -> (i % 2 == 0 ? store : second)
        .compareAndSet(p, activate(p, String.format("Client%018d", i).replace('0', 'Q'))));
    assertEquals(1, won.stream().filter(b -> b).count());
    assertEquals(2, store.get(p.leaseId()).orElseThrow().version());
  }

  @Test
  void concurrentRetryingUpdatesLoseNothing() throws Exception {
    LeaseStore second = other();
    LeaseRecord p = pending("astra/org-1/reader/a", "orders").build();
    store.insert(p);
    int threads = 8;
    int perThread = 10;
    race(threads, i -> {
      LeaseStore s = i % 2 == 0 ? store : second;
      for (int done = 0; done < perThread; ) {
        LeaseRecord current = s.get(p.leaseId()).orElseThrow();
        if (s.compareAndSet(current, current.next().revokeAttempts(current.revokeAttempts() + 1).build())) {
          done++;
        }
      }
      return true;
    });
    LeaseRecord last = store.get(p.leaseId()).orElseThrow();
    assertEquals(threads * perThread, last.revokeAttempts());
    assertEquals(1 + threads * perThread, last.version());
  }

  @Test
  void ofConcurrentClaimsAndDeletesExactlyOneWinsEach() throws Exception {
    LeaseStore second = other();
    LeaseRecord a = insertActive("astra/org-1/reader/a", "orders", "ClientAAAAAAAAAAAAAAAAAA");
    LeaseRecord claim = a.next().state(LeaseState.REVOKING).stateChangedAt(T0).build();
    List<Boolean> claimed = race(THREADS, i -> (i % 2 == 0 ? store : second).compareAndSet(a, claim));
    assertEquals(1, claimed.stream().filter(b -> b).count());
    List<Boolean> deleted = race(THREADS, i -> (i % 2 == 0 ? store : second).delete(claim));
    assertEquals(1, deleted.stream().filter(b -> b).count());
    assertEquals(Optional.empty(), store.get(a.leaseId()));
  }

  @Test
  void ofConcurrentRoleCompareAndSetsAndDeletesExactlyOneWinsEach() throws Exception {
    LeaseStore second = other();
    Role pendingRole = new Role("org-1", "custom", "pending", Duration.ofHours(24), Duration.ofHours(24));
    List<Boolean> inserted = race(THREADS, i -> (i % 2 == 0 ? store : second).compareAndSetRole(null, pendingRole));
    assertEquals(1, inserted.stream().filter(b -> b).count());
    List<Boolean> won = race(THREADS, i -> (i % 2 == 0 ? store : second).compareAndSetRole(pendingRole,
        new Role("org-1", "custom", "rid-" + i, Duration.ofHours(24), Duration.ofHours(24))));
    assertEquals(1, won.stream().filter(b -> b).count());
    Role stored = store.role("org-1", "custom").orElseThrow();
    assertEquals("rid-" + won.indexOf(true), stored.roleId());
    List<Boolean> deleted = race(THREADS, i -> (i % 2 == 0 ? store : second).deleteRole(stored));
    assertEquals(1, deleted.stream().filter(b -> b).count());
    assertEquals(Optional.empty(), store.role("org-1", "custom"));
  }

  /**
   * What frees an expired triple at once (docs/concepts.md): a store knows no clock, so an expired ACTIVE record
   * still holds its triple and is what {@link LeaseStore#findByTriple} proposes; racers that each claim it, delete
   * it and insert their own record end it exactly once and leave exactly one new record holding the triple.
   */
  @Test
  void anExpiredRecordHoldsItsTripleUntilOneRacerEndsItAndExactlyOneNewInsertWins() throws Exception {
    LeaseStore second = other();
    LeaseRecord expired = insertActive("astra/org-1/reader/old", "orders", "ClientOOOOOOOOOOOOOOOOOO");
    assertThrows(TokenAlreadyExistsException.class, () ->
        store.insert(pending("astra/org-1/reader/new", "orders").build()));
    AtomicInteger ended = new AtomicInteger();
    List<Boolean> won = race(THREADS, i -> {
      LeaseStore s = i % 2 == 0 ? store : second;
      Optional<LeaseRecord> holder = s.findByTriple("org-1", "reader", "orders");
      if (holder.isPresent() && holder.get().state() == LeaseState.ACTIVE) {
        LeaseRecord claim = holder.get().next().state(LeaseState.REVOKING).stateChangedAt(T0).build();
        if (s.compareAndSet(holder.get(), claim) && s.delete(claim)) {
          ended.incrementAndGet();
        }
      }
      try {
        s.insert(pending("astra/org-1/reader/n" + i, "orders").build());
        return true;
      } catch (TokenAlreadyExistsException e) {
        return false;
      }
    });
    assertEquals(1, ended.get());
    assertEquals(Optional.empty(), store.get(expired.leaseId()));
    // Every racer ran after the claim-and-delete or raced the winner: at most one insert won, and if the old record
    // was still there for a racer, it lost. Exactly one new record holds the triple.
    assertEquals(1, won.stream().filter(b -> b).count());
    assertEquals(1, store.list("astra/org-1/reader/").size());
    assertTrue(store.findByTriple("org-1", "reader", "orders").orElseThrow().leaseId().startsWith(
        "astra/org-1/reader/n"));
  }

  // ------------------------------------------------------------------ helpers

  /** A task of one racing thread. */
  @FunctionalInterface
  protected interface Racer<T> {
    /**
     * Runs the task on one thread.
     *
     * @param thread the thread's index, from 0
     * @return the thread's result
     * @throws Exception if the task fails
     */
    T run(int thread) throws Exception;
  }

  /**
   * Runs {@code task} on {@code threads} threads released together; returns their results in thread order.
   *
   * @param <T> the type of a thread's result
   * @param threads how many threads
   * @param task what each thread runs
   * @return the results, in thread order
   * @throws Exception if a thread fails
   */
  protected static <T> List<T> race(int threads, Racer<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int n = i;
        Callable<T> c = () -> {
          ready.countDown();
          go.await();
          return task.run(n);
        };
        futures.add(pool.submit(c));
      }
      ready.await();
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> ids(List<LeaseRecord> records) {
    return records.stream().map(LeaseRecord::leaseId).toList();
  }
}
