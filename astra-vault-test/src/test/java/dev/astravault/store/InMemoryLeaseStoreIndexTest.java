package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store answers its expiry, pending and state-change scans from indexes; this drives random
 * inserts, renewals, state changes and deletes and checks every scan against a brute-force filter of all leases.
 */
class InMemoryLeaseStoreIndexTest {
  private static final Instant T0 = Instant.parse("2026-12-05T00:00:00Z");

  @Test
  void indexedScansMatchABruteForceScanThroughRandomChanges() {
    Random random = new Random(15);
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    List<String> ids = new ArrayList<>();
    for (int step = 0; step < 3_000; step++) {
      int op = random.nextInt(10);
      if (op < 4 || ids.isEmpty()) {
        String id = "astra/org-1/reader/" + step;
        Instant issued = T0.plusSeconds(random.nextInt(100));
        store.insert(LeaseRecord.builder().leaseId(id).orgId("org-1").roleName("reader").roleId("rid")
            .style(IssueStyle.PER_REQUEST).state(LeaseState.PENDING).metadata(Map.of()).description("d")
            .issuedAt(issued).ttl(Duration.ofSeconds(60)).expiresAt(issued.plusSeconds(60))
            .maxExpiresAt(issued.plusSeconds(3600)).build());
        ids.add(id);
      } else {
        String id = ids.get(random.nextInt(ids.size()));
        LeaseRecord r = store.get(id).orElseThrow();
        Instant at = T0.plusSeconds(random.nextInt(200));
        LeaseRecord updated = switch (random.nextInt(5)) {
          case 0 -> created(r, id).state(LeaseState.ACTIVE).stateChangedAt(at).build();
          case 1 -> r.state() == LeaseState.ACTIVE ? r.next().expiresAt(at.plusSeconds(60)).build() : null;
          case 2 -> created(r, id).state(LeaseState.REVOKING).stateChangedAt(random.nextBoolean() ? at : null)
              .build();
          case 3 -> created(r, id).state(LeaseState.REVOKE_FAILED).stateChangedAt(at).build();
          default -> null;
        };
        if (updated == null) {
          assertThat(store.delete(r)).isTrue();
          ids.remove(id);
        } else {
          assertThat(store.compareAndSet(r, updated)).isTrue();
          assertThat(store.compareAndSet(r, updated)).isFalse();
        }
      }
      if (step % 100 == 99) {
        checkScans(store, T0.plusSeconds(random.nextInt(300)), 1 + random.nextInt(50));
      }
    }
    checkScans(store, T0.plusSeconds(1_000), Integer.MAX_VALUE);
  }

  @Test
  void lockFreeReadersNeverMissALeaseWhileItIsRenewed() throws Exception {
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    String id = "astra/org-1/reader/renewed";
    LeaseRecord pending = LeaseRecord.builder().leaseId(id).orgId("org-1").roleName("reader").roleId("rid")
        .logicalName("svc").style(IssueStyle.UNIQUE).state(LeaseState.PENDING).metadata(Map.of()).description("d")
        .issuedAt(T0).ttl(Duration.ofSeconds(60)).expiresAt(T0.plusSeconds(60))
        .maxExpiresAt(T0.plusSeconds(3600)).build();
    store.insert(pending);
    LeaseRecord active = created(pending, id).state(LeaseState.ACTIVE).build();
    assertThat(store.compareAndSet(pending, active)).isTrue();
    String clientId = active.clientId().orElseThrow();
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger misses = new AtomicInteger();
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        if (store.findByClientId(clientId).isEmpty() || store.findByTriple("org-1", "reader", "svc").isEmpty()
            || store.expiringBefore(T0.plusSeconds(1_000_000), 10).size() != 1) {
          misses.incrementAndGet();
        }
      }
    });
    reader.start();
    LeaseRecord current = active;
    for (int i = 1; i <= 20_000; i++) {
      // Every third change keeps the expiry (a failed renewal noting its error): the index keeps its entry then.
      LeaseRecord renewed = i % 3 == 0
          ? current.next().lastError("renewal " + i + " failed").build()
          : current.next().expiresAt(T0.plusSeconds(60 + i)).lastError(null).build();
      assertThat(store.compareAndSet(current, renewed)).isTrue();
      current = renewed;
    }
    done.set(true);
    reader.join();
    assertThat(misses.get()).isZero();
    assertThat(store.expiringBefore(T0.plusSeconds(1_000_000), 10)).containsExactly(current);
  }

  private static LeaseRecord.Builder created(LeaseRecord r, String id) {
    return r.next().clientId("c-" + id).token("AstraCS:c-" + id + ":" + "ab".repeat(32)).secret("s")
        .generatedOn(T0);
  }

  private static void checkScans(LeaseStore store, Instant t, int limit) {
    List<LeaseRecord> all = store.list("");
    assertThat(store.expiringBefore(t, limit)).containsExactlyElementsOf(all.stream()
        .filter(r -> r.state() == LeaseState.ACTIVE && r.expiresAt().isBefore(t))
        .sorted(Comparator.comparing(LeaseRecord::expiresAt).thenComparing(LeaseRecord::leaseId))
        .limit(limit).toList());
    assertThat(store.pendingBefore(t, limit)).containsExactlyElementsOf(all.stream()
        .filter(r -> r.state() == LeaseState.PENDING && r.issuedAt().isBefore(t))
        .sorted(Comparator.comparing(LeaseRecord::issuedAt).thenComparing(LeaseRecord::leaseId))
        .limit(limit).toList());
    for (LeaseState state : LeaseState.values()) {
      assertThat(store.changedBefore(state, t, limit)).as(state.name()).containsExactlyElementsOf(all.stream()
          .filter(r -> r.state() == state && r.stateChangedAt().map(c -> c.isBefore(t)).orElse(true))
          .sorted(Comparator.comparing((LeaseRecord r) -> r.stateChangedAt().orElse(Instant.MIN))
              .thenComparing(LeaseRecord::leaseId))
          .limit(limit).toList());
    }
  }
}
