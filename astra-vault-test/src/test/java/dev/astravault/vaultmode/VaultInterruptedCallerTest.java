package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.FaultProxy;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.vault.CallerMode;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import dev.astravault.vault.VaultUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A caller interrupted before it calls Vault (the Vault-mode version of the engine's InterruptedCallerTest). The JDK
 * client under vault-java-driver sees the interrupt at once and the driver wraps it: the caller gets a typed
 * {@link VaultUnavailableException}, keeps its interrupt status, and nothing is sent, so no lease, token or PENDING
 * record is left, with an in-memory store or with the lease store in Vault KV.
 */
class VaultInterruptedCallerTest {
  static final String ROLE = "reader";
  static final String ROLE_ID = "approle-role-id";
  static final String SECRET_ID = "approle-secret-id";

  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final List<TokenManager> managers = new ArrayList<>();
  FakeVault vault;
  FakeOrg org;

  @BeforeEach
  void setUp() {
    astra.useClock(clock);
    org = astra.defaultOrg();
    vault = FakeVault.builder().clock(clock).appRole("orders", ROLE_ID, SECRET_ID,
        TokenSpec.of(Duration.ofMinutes(30), "root")).build().start();
    TokenManager operator = manager(VaultAuth.token(vault.rootToken()), LeaseStore.inMemory());
    operator.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
        .logicalName("acme").build());
    operator.writeRole(RoleSpec.builder().org("acme").name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  @AfterEach
  void tearDown() {
    Thread.interrupted();
    managers.forEach(TokenManager::close);
    vault.close();
  }

  TokenManager manager(VaultAuth auth, LeaseStore store) {
    return manager(auth, store, URI.create(vault.address()));
  }

  TokenManager manager(VaultAuth auth, LeaseStore store, URI address) {
    TokenManager m = TokenManager.builder().clock(clock).scheduler(scheduler).leaseStore(store)
        .sweepInterval(Duration.ZERO)
        .vault(VaultConfig.builder(address).auth(auth).callerMode(CallerMode.STANDARD).build())
        .build();
    managers.add(m);
    return m;
  }

  LeaseStore kvStore() {
    return VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken())))
        .mount("secret").pathPrefix("interrupted").keyProvider(KeyProvider.of(EncryptionKey.generate())).build();
  }

  private void assertInterruptedIssueLeavesNothing(TokenManager app, LeaseStore store) {
    Thread.currentThread().interrupt();
    Throwable thrown = catchThrowable(() -> app.request().org("acme").role(ROLE).logicalName("orders").issue());
    boolean interrupted = Thread.interrupted();

    // With the store in Vault KV, its own first read is what is refused: a StoreException over the same cause.
    assertThat(thrown instanceof VaultUnavailableException ? thrown : thrown.getCause())
        .isInstanceOf(VaultUnavailableException.class)
        .hasMessageContaining("interrupted before the request was sent; nothing was sent");
    assertThat(interrupted).as("the interrupt status is kept").isTrue();
    assertThat(store.list("")).as("no PENDING record left behind").noneMatch(r -> r.state() == LeaseState.PENDING);
    assertThat(vault.leases()).as("no lease in Vault").isEmpty();
    assertThat(astra.liveTokens()).as("no token in Astra").isEmpty();
    // The same manager works once the interrupt is dealt with.
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    assertThat(astra.isLive(token.token())).isTrue();
  }

  @Test
  void anInterruptedAppRoleLoginIsATypedErrorThatKeepsTheInterrupt() {
    LeaseStore store = LeaseStore.inMemory();
    assertInterruptedIssueLeavesNothing(manager(VaultAuth.appRole(ROLE_ID, SECRET_ID), store), store);
  }

  @Test
  void anInterruptedIssueIsATypedErrorThatKeepsTheInterrupt() {
    LeaseStore store = LeaseStore.inMemory();
    assertInterruptedIssueLeavesNothing(manager(VaultAuth.tokenSource(vault::rootToken), store), store);
  }

  @Test
  void anInterruptedIssueWithTheStoreInVaultKvLeavesNoPendingRecord() {
    LeaseStore store = kvStore();
    assertInterruptedIssueLeavesNothing(manager(VaultAuth.tokenSource(vault::rootToken), store), kvStore());
  }

  /**
   * Interrupted while Vault's answer is on its way (Vault leased the token; the proxy holds the answer): the exchange
   * is aborted as after a timeout, and the write-ahead record in Vault KV is still deleted although the thread is
   * interrupted again by then, which used to refuse that delete and leave the record PENDING.
   */
  @Test
  @Timeout(60)
  void anIssueInterruptedWhileWaitingLeavesNoPendingRecordInVaultKv() throws InterruptedException {
    LeaseStore store = kvStore();
    try (FaultProxy proxy = FaultProxy.to(HttpUrl.get(vault.address()))) {
      proxy.on(null, "/v1/astra/org/token").forwardThen(FaultProxy.Answer.stall());
      TokenManager app = manager(VaultAuth.tokenSource(vault::rootToken), store, proxy.uri());
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicBoolean interrupted = new AtomicBoolean();
      Thread caller = new Thread(() -> {
        thrown.set(catchThrowable(() -> app.request().org("acme").role(ROLE).logicalName("orders").issue()));
        interrupted.set(Thread.currentThread().isInterrupted());
      });
      caller.start();
      while (vault.leases().isEmpty()) {   // Vault did the work; its answer is held by the proxy
        Thread.onSpinWait();
      }
      caller.interrupt();
      caller.join();

      assertThat(thrown.get()).isInstanceOf(VaultUnavailableException.class)
          .hasMessageContaining("interrupted while it waited for Vault's answer; the request may have taken effect");
      assertThat(interrupted).as("the interrupt status is kept").isTrue();
      assertThat(kvStore().list("")).as("no PENDING record left behind").isEmpty();
    }
  }
}
