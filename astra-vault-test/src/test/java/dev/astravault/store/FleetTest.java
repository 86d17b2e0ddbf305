package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraVaultException;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.TokenIssued;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.IssuedToken;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Four managers, each with its own store instance and connection pool, share one PostgreSQL database and run 500
 * mixed operations each at once (issue unique and per-request tokens, renew, revoke, reap, recover, move time).
 * Invariants: each token is revoked exactly once (one LeaseRevoked per lease, one successful DELETE per token), and
 * the store and FakeAstra agree.
 */
class FleetTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  private static final int MANAGERS = 4;
  private static final int OPS = 500;

  @Test
  void fourManagersShareOnePostgresAndRevokeEachTokenExactlyOnce() throws Exception {
    String url = EmbeddedPg.newDatabase("fleet");
    KeyProvider keys = KeyProvider.of(EncryptionKey.generate());
    MutableClock clock = MutableClock.at(Instant.now());
    astra.useClock(clock);
    OrgConfig org = OrgConfig.builder().orgId(astra.defaultOrg().orgId()).rootToken(astra.defaultOrg().rootToken())
        .url(astra.url().uri()).logicalName("acme").build();
    ConcurrentLinkedQueue<AuditEvent> events = new ConcurrentLinkedQueue<>();
    List<TokenManager> fleet = new ArrayList<>();
    List<JdbcLeaseStore> stores = new ArrayList<>();
    for (int i = 0; i < MANAGERS; i++) {
      JdbcLeaseStore store = JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres")
          .keyProvider(keys).maxConnections(4).build();
      stores.add(store);
      fleet.add(TokenManager.builder().org(org).leaseStore(store).clock(clock).scheduler(new ManualScheduler(clock))
          .auditSink(events::add).sweepInterval(Duration.ZERO).recoveryInterval(Duration.ZERO)
          .callTimeout(Duration.ofSeconds(10)).build());
    }
    fleet.get(0).writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofMinutes(30)).maxTtl(Duration.ofHours(2)).build());

    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (int m = 0; m < MANAGERS; m++) {
      TokenManager tokens = fleet.get(m);
      JdbcLeaseStore store = stores.get(m);
      Random random = new Random(1000 + m);
      threads.add(new Thread(() -> {
        for (int op = 0; op < OPS; op++) {
          int dice = random.nextInt(100);
          try {
            if (dice < 35) {
              tokens.request().org("acme").role("reader").logicalName("svc" + random.nextInt(20)).issue();
            } else if (dice < 55) {
              tokens.request().org("acme").role("reader").perRequest().issue();
            } else if (dice < 70) {
              List<LeaseRecord> live = store.list("");
              if (!live.isEmpty()) {
                tokens.renew(live.get(random.nextInt(live.size())).leaseId());
              }
            } else if (dice < 90) {
              List<LeaseRecord> live = store.list("");
              if (!live.isEmpty()) {
                tokens.revoke(live.get(random.nextInt(live.size())).leaseId());
              }
            } else if (dice < 95) {
              ((RealTokenManager) tokens).recover();
            } else {
              clock.advance(Duration.ofMinutes(2));
              tokens.reapExpired();
            }
          } catch (AstraVaultException | IllegalStateException expected) {
            // Contention: the triple is taken, the lease ended or expired meanwhile, it is being issued.
          } catch (RuntimeException e) {
            failures.add(e.toString());
          }
        }
      }, "fleet-" + m));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertThat(failures).as("unexpected failures").isEmpty();

    // The store and Astra agree while leases are live.
    for (TokenManager tokens : fleet) {
      ((RealTokenManager) tokens).recover();
    }
    List<LeaseRecord> records = stores.get(0).list("");
    assertThat(records).allSatisfy(r -> assertThat(r.state()).isEqualTo(LeaseState.ACTIVE));
    assertThat(records.stream().map(r -> r.clientId().orElseThrow()).collect(Collectors.toSet()))
        .isEqualTo(astra.liveTokens().stream().map(IssuedToken::clientId).collect(Collectors.toSet()));

    // End everything, from all managers at once, and count.
    List<Thread> enders = new ArrayList<>();
    for (TokenManager tokens : fleet) {
      enders.add(new Thread(() -> records.forEach(r -> {
        try {
          tokens.revoke(r.leaseId());
        } catch (AstraVaultException ignored) {
          // Another manager is revoking it.
        }
      })));
    }
    enders.forEach(Thread::start);
    for (Thread t : enders) {
      t.join();
    }
    for (TokenManager tokens : fleet) {
      ((RealTokenManager) tokens).recover();
    }

    assertThat(stores.get(0).list("")).isEmpty();
    assertThat(astra.liveTokens()).isEmpty();
    List<TokenIssued> issued = events.stream().filter(TokenIssued.class::isInstance).map(TokenIssued.class::cast)
        .toList();
    List<LeaseRevoked> revoked = events.stream().filter(LeaseRevoked.class::isInstance).map(LeaseRevoked.class::cast)
        .toList();
    Map<String, Long> revokesPerLease = revoked.stream()
        .collect(Collectors.groupingBy(e -> e.token().leaseId(), Collectors.counting()));
    assertThat(revokesPerLease.values()).as("LeaseRevoked per lease").allMatch(n -> n == 1);
    Set<String> issuedLeases = issued.stream().map(e -> e.token().leaseId()).collect(Collectors.toSet());
    assertThat(revokesPerLease.keySet()).as("every issued lease was revoked").containsAll(issuedLeases);
    Map<String, Long> okDeletes = astra.requests().stream()
        .filter(c -> c.method().equals("DELETE")
            && c.response().map(r -> r.status() == 200 || r.status() == 204).orElse(false))
        .collect(Collectors.groupingBy(c -> c.path(), Collectors.counting()));
    assertThat(okDeletes.values()).as("successful DELETEs per token").allMatch(n -> n == 1);
    // A revoke finds its token already gone only when recovery took it over: the threads move the shared clock minutes
    // at a time, so a claim whose DELETE is being retried (FakeAstra answers some with 429) can go stale. The first
    // DELETE then still succeeded, and only the taker's LeaseRevoked is emitted: the token was deleted exactly once.
    assertThat(revoked).filteredOn(LeaseRevoked::alreadyGone).as("a revoke that found its token gone")
        .allSatisfy(e -> assertThat(okDeletes).containsEntry("/v2/clientIdSecrets/" + e.token().clientId(), 1L));
    assertThat(astra.revokedTokens()).hasSize(okDeletes.size());
    assertThat(issued.size()).as("tokens issued").isGreaterThan(300);

    fleet.forEach(TokenManager::close);
    stores.forEach(JdbcLeaseStore::close);
  }
}
