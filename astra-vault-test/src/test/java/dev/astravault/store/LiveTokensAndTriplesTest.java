package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenInfo;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenIssued;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.IssuedToken;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13, "live means live" and "an expired triple is free at once", through the public API on every store
 * (memory, SQLite, PostgreSQL, Vault KV) in both modes (direct, and Vault mode with the fixed plugin). The sweeper
 * is off, so an expired lease stays in the store until something ends it.
 */
@ParameterizedClass(name = "{0} store, {1} mode")
@MethodSource("combinations")
class LiveTokensAndTriplesTest {
  enum Store { MEMORY, SQLITE, POSTGRES, VAULT_KV }

  enum Mode { DIRECT, VAULT }

  static final String ORG = "acme";
  static final String ROLE = "reader";
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  static Stream<Arguments> combinations() {
    return Stream.of(Store.values()).flatMap(s -> Stream.of(Mode.values()).map(m -> Arguments.of(s, m)));
  }

  @Parameter(0) Store storeKind;
  @Parameter(1) Mode mode;
  @TempDir Path dir;

  final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T00:00:00Z"));
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  @Nullable FakeVault vault;
  LeaseStore store;
  TokenManager tokens;

  @BeforeEach
  void setUp() {
    astra.useClock(clock);
    if (mode == Mode.VAULT || storeKind == Store.VAULT_KV) {
      vault = FakeVault.builder().clock(clock).pluginBehaviour(PluginBehaviour.FIXED).build().start();
    }
    store = switch (storeKind) {
      case MEMORY -> LeaseStore.inMemory();
      case SQLITE -> JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS);
      case POSTGRES -> JdbcLeaseStore.builder().jdbcUrl(EmbeddedPg.newDatabase("live"))
          .credentials("postgres", "postgres").keyProvider(KEYS).build();
      case VAULT_KV -> VaultKvLeaseStore.builder(vaultConfig()).mount("secret").pathPrefix("apps/live/astra-vault")
          .keyProvider(KEYS).build();
    };
    FakeOrg fakeOrg = astra.defaultOrg();
    OrgConfig org = OrgConfig.builder().orgId(fakeOrg.orgId()).rootToken(fakeOrg.rootToken())
        .url(astra.url().uri()).logicalName(ORG).build();
    TokenManagerBuilder b = TokenManager.builder().clock(clock).scheduler(new ManualScheduler(clock))
        .leaseStore(store).org(org).auditSink(events::add).sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO).callTimeout(Duration.ofSeconds(5))
        .astraClient(c -> c.sleeper(d -> { }));   // the fakes shed now and then (docs/testing.md): retried, unslept
    if (mode == Mode.VAULT) {
      b.vault(vaultConfig());
    }
    tokens = b.build();
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  private VaultConfig vaultConfig() {
    return VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken()));
  }

  @AfterEach
  void tearDown() {
    tokens.close();
    store.close();
    if (vault != null) {
      vault.close();
    }
  }

  AstraToken issue(String logicalName) {
    return tokens.request().org(ORG).role(ROLE).logicalName(logicalName).issue();
  }

  List<LeaseRecord> records() {
    return ((RealTokenManager) tokens).store().list("");
  }

  @Test
  void tokensListsOnlyLiveTokensAndTheStateViewShowsTheRest() {
    AstraToken old = issue("old");
    clock.advance(Duration.ofMinutes(30));
    AstraToken fresh = issue("fresh");
    AstraToken failing = issue("failing");
    astra.fault(Endpoint.DELETE_TOKEN).status(500).times(10);
    assertThat(catchThrowable(() -> tokens.revoke(failing.lease().leaseId()))).isNotNull();
    clock.advance(Duration.ofMinutes(31));   // "old" is past its expiry; nothing swept it

    assertThat(records()).extracting(LeaseRecord::leaseId).contains(old.lease().leaseId());
    assertThat(tokens.tokens()).extracting(TokenInfo::clientId).containsExactly(fresh.clientId());
    assertThat(tokens.tokens(ORG)).extracting(TokenInfo::clientId).containsExactly(fresh.clientId());
    assertThat(tokens.tokens(ORG)).allSatisfy(t -> assertThat(t.isLive(clock.instant())).isTrue());
    assertThat(tokens.token(old.clientId())).isEmpty();
    assertThat(tokens.token(failing.clientId())).isEmpty();

    List<TokenInfo> all = tokens.tokens(ORG, LeaseState.values());
    assertThat(all).extracting(TokenInfo::clientId, TokenInfo::state, t -> t.isLive(clock.instant()))
        .containsExactlyInAnyOrder(
            tuple(old.clientId(), LeaseState.ACTIVE, false),
            tuple(fresh.clientId(), LeaseState.ACTIVE, true),
            tuple(failing.clientId(), LeaseState.REVOKE_FAILED, false));
    TokenInfo expired = all.stream().filter(t -> t.clientId().equals(old.clientId())).findFirst().orElseThrow();
    assertThat(expired.expiresAt()).isEqualTo(old.lease().expiresAt()).isBefore(clock.instant());
    assertThat(tokens.tokens(ORG, LeaseState.REVOKE_FAILED)).extracting(TokenInfo::clientId)
        .containsExactly(failing.clientId());
    assertThat(tokens.tokens(ORG, LeaseState.PENDING)).isEmpty();
  }

  @Test
  void anExpiredTripleIsFreeAtOnceTheOldLeaseEndsAsExpiredBeforeTheNewIssue() {
    AstraToken first = issue("orders");
    clock.advance(Duration.ofMinutes(59));
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(TokenAlreadyExistsException.class);
    clock.advance(Duration.ofMinutes(1));   // exactly at expiry: no longer live

    AstraToken second = issue("orders");

    assertThat(second.clientId()).isNotEqualTo(first.clientId());
    assertThat(records()).extracting(LeaseRecord::leaseId).containsExactly(second.lease().leaseId());
    assertThat(astra.liveTokens()).extracting(IssuedToken::clientId).containsExactly(second.clientId());
    assertThat(tokens.tokens()).extracting(TokenInfo::clientId).containsExactly(second.clientId());
    assertThat(tokens.token(ORG, ROLE, "orders")).hasValueSatisfying(t ->
        assertThat(t.clientId()).isEqualTo(second.clientId()));
    List<LeaseRevoked> revoked = events(LeaseRevoked.class);
    assertThat(revoked).singleElement().satisfies(r -> {
      assertThat(r.token().leaseId()).isEqualTo(first.lease().leaseId());
      assertThat(r.reason()).isEqualTo(RevokeReason.EXPIRED);
    });
    // The old lease ended before the new token was issued.
    int revokedAt = events.indexOf(revoked.get(0));
    int issuedAt = events.indexOf(events(TokenIssued.class).get(1));
    assertThat(revokedAt).isLessThan(issuedAt);
    if (vault != null && mode == Mode.VAULT) {
      assertThat(vault.leases()).singleElement().satisfies(l ->
          assertThat(l.clientId()).isEqualTo(second.clientId()));
    }
  }

  @Test
  void concurrentIssuesForAnExpiredTripleEndItOnceAndIssueOnce() throws Exception {
    AstraToken first = issue("orders");
    clock.advance(Duration.ofHours(2));
    int callers = 4;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<AstraToken>> results = new ArrayList<>();
    try {
      for (int i = 0; i < callers; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return issue("orders");
        }));
      }
      go.countDown();
      List<AstraToken> issued = new ArrayList<>();
      int refused = 0;
      for (Future<AstraToken> r : results) {
        try {
          issued.add(r.get(60, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(TokenAlreadyExistsException.class);
          refused++;
        }
      }
      assertThat(issued).hasSize(1);
      assertThat(refused).isEqualTo(callers - 1);
      assertThat(events(LeaseRevoked.class)).singleElement().satisfies(r -> {
        assertThat(r.token().leaseId()).isEqualTo(first.lease().leaseId());
        assertThat(r.reason()).isEqualTo(RevokeReason.EXPIRED);
      });
      assertThat(records()).extracting(LeaseRecord::leaseId).containsExactly(issued.get(0).lease().leaseId());
      assertThat(astra.liveTokens()).extracting(IssuedToken::clientId).containsExactly(issued.get(0).clientId());
    } finally {
      pool.shutdownNow();
    }
  }

  <T extends AuditEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
