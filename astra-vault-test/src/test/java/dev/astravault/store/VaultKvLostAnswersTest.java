package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.LeaseRecord;
import dev.astravault.StoreException;
import dev.astravault.test.FaultProxy;
import dev.astravault.test.FaultProxy.Answer;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.time.Duration;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A check-and-set write Vault applied but whose answer was lost (a reset or timeout after the request left, a
 * gateway's 502 or 504 without Vault's error envelope), through a {@link FaultProxy} in front of FakeVault. The store
 * reads the entry back and finds its own write, so the insert, compare-and-set or delete succeeds instead of
 * failing with a record stored (a retry would then see "already stored" or a lost race for ever) or a tombstone
 * whose claim and index entries nobody frees.
 */
class VaultKvLostAnswersTest {
  private static final String DATA = "/v1/secret/data/" + VaultKvEngineShapesTest.PREFIX + "/";

  @RegisterExtension final FakeVault vault = FakeVault.create();
  private FaultProxy proxy;
  private VaultKvLeaseStore store;

  @BeforeEach
  void setUp() {
    proxy = FaultProxy.to(HttpUrl.get(vault.address()));
    store = VaultKvLeaseStore.builder(VaultConfig.of(proxy.uri(), VaultAuth.token(vault.rootToken())))
        .mount("secret").pathPrefix(VaultKvEngineShapesTest.PREFIX).keyProvider(VaultKvEngineShapesTest.KEYS)
        .build();
    store.checkMount();
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  private static LeaseRecord record(String name) {
    return VaultKvEngineShapesTest.pending("astra/org-1/reader/" + name, name);
  }

  private static LeaseRecord successor(String name) {
    return VaultKvEngineShapesTest.pending("astra/org-1/reader/" + name + "-next", name).toBuilder()
        .successor(true).build();
  }

  @Test
  void anInsertWhoseAnswerIsLostFindsItsRecordAndTakesItsClaim() {
    LeaseRecord a = record("a");
    proxy.on("POST", DATA + "leases/").forwardThen(Answer.reset());
    store.insert(a);
    assertThat(proxy.injected()).hasSize(1);
    assertThat(store.get(a.leaseId())).contains(a);
    assertThat(store.findByTriple("org-1", "reader", "a")).contains(a);
  }

  @Test
  void aClaimWhoseAnswerIsLostIsKeptNotTakenBack() {
    LeaseRecord a = record("a");
    proxy.on("POST", DATA + "triples/").forwardThen(Answer.status(504));
    store.insert(a);
    assertThat(store.findByTriple("org-1", "reader", "a")).contains(a);
  }

  @Test
  void aCompareAndSetWhoseAnswerIsLostReportsItsOwnWrite() {
    LeaseRecord a = record("a");
    store.insert(a);
    LeaseRecord active = a.next().expiresAt(a.expiresAt().plus(Duration.ofMinutes(1))).build();
    proxy.on("POST", DATA + "leases/").forwardThen(Answer.status(502));
    assertThat(store.compareAndSet(a, active)).isTrue();
    assertThat(store.get(a.leaseId())).contains(active);
    LeaseRecord renewed = active.next().expiresAt(active.expiresAt().plus(Duration.ofMinutes(5))).build();
    proxy.on("POST", DATA + "leases/").forwardThen(Answer.reset());
    assertThat(store.compareAndSet(active, renewed)).isTrue();
    assertThat(store.compareAndSet(active, renewed)).as("a race lost to a real change is still lost").isFalse();
  }

  @Test
  void aDeleteWhoseAnswerIsLostFinishesAndFreesItsTriple() {
    LeaseRecord a = record("a");
    store.insert(a);
    proxy.on("POST", DATA + "leases/").forwardThen(Answer.reset());
    assertThat(store.delete(a)).isTrue();
    assertThat(store.get(a.leaseId())).isEmpty();
    assertThat(vault.kvKeys("secret")).noneMatch(k -> k.contains("/leases/"));
    LeaseRecord b = VaultKvEngineShapesTest.pending("astra/org-1/reader/b", "a");
    store.insert(b);
    assertThat(store.findByTriple("org-1", "reader", "a")).contains(b);
  }

  /**
   * Both the answer and the read after it lost: the outcome is unknown, so the insert throws (the contract's "read
   * again"). A second insert of that lease id is refused as the contract says; the record left without its claim is
   * PENDING, so recovery settles it (pendingBefore), and the triple stays free for the next lease id meanwhile.
   */
  @Test
  void anInsertWhoseAnswerAndReadBackAreLostLeavesAPendingRecordForRecovery() {
    LeaseRecord a = record("a");
    proxy.on("GET", DATA + "leases/").forwardThen(Answer.pass());   // the insert's own read
    proxy.on("POST", DATA + "leases/").forwardThen(Answer.reset());
    // The read back, and the JDK client's own retry of a GET that met a reset.
    proxy.on("GET", DATA + "leases/").always().instead(Answer.reset());
    assertThatThrownBy(() -> store.insert(a)).isInstanceOf(StoreException.class);
    proxy.clear();
    assertThatThrownBy(() -> store.insert(a)).isInstanceOf(IllegalStateException.class);
    assertThat(store.pendingBefore(a.issuedAt().plusSeconds(1), 10)).containsExactly(a);
    LeaseRecord b = VaultKvEngineShapesTest.pending("astra/org-1/reader/b", "a");
    store.insert(b);
    assertThat(store.findByTriple("org-1", "reader", "a")).contains(b);
    assertThat(store.delete(a)).isTrue();
    assertThat(store.findByTriple("org-1", "reader", "a")).contains(b);
  }

  /**
   * A promotion whose record was stored but whose successor claim could not be freed: the compare-and-set is true
   * (it happened), and the claim left naming the promoted lease does not refuse the triple's next successor.
   */
  @Test
  void aPromotedSuccessorsLeftoverClaimDoesNotBlockTheNextSuccessor() {
    LeaseRecord next = successor("a");
    store.insert(next);
    proxy.on("POST", DATA + "triples/org-1/reader/a/successor").times(2).instead(Answer.reset());
    assertThat(store.compareAndSet(next, next.next().successor(false).build())).isTrue();
    assertThat(store.findByTriple("org-1", "reader", "a")).isPresent();
    proxy.clear();
    LeaseRecord newer = VaultKvEngineShapesTest.pending("astra/org-1/reader/a-newer", "a").toBuilder()
        .successor(true).build();
    store.insert(newer);
    assertThat(store.get(newer.leaseId())).contains(newer);
  }
}
