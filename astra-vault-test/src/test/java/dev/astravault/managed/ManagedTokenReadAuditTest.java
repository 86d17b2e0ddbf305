package dev.astravault.managed;

import static dev.astravault.managed.ManagedFixture.exact;
import static dev.astravault.managed.ManagedFixture.perRequest;
import static dev.astravault.managed.ManagedFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.ActorProvider;
import dev.astravault.AstraToken;
import dev.astravault.LeaseExpiredException;
import dev.astravault.ManagedToken;
import dev.astravault.audit.AuditHmac;
import dev.astravault.event.TokenRead;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The first {@code current()} of each token generation (the first token, each renewal, each rotation) is audited as
 * one {@code token.read} with the reading thread's actor; every later read of that generation is the lock-free fast
 * path and records nothing.
 */
class ManagedTokenReadAuditTest {
  // No injected 429/503: ManagedFixture's client has no retry (RetryPolicy.none(), so that scripted faults fail at
  // once) and these tests count Astra calls and events exactly. Shapes (204s, role keys, extra fields) still vary.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  static final byte[] KEY = "audit-key-for-the-managed-reads".getBytes(StandardCharsets.UTF_8);
  static final String APP = "billing-service";

  final ThreadLocal<String> principal = new ThreadLocal<>();
  ManagedFixture f;

  @BeforeEach
  void setUp() {
    f = new ManagedFixture(astra, Duration.ofHours(1), Duration.ofHours(3), b -> {
      ManagedFixture.synchronous(b);
      b.auditHmacKey(KEY).actorProvider(ActorProvider.system(APP).withPrincipal(principal::get));
    });
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** Asserts the one read recorded since the last clear: of {@code token}, by {@code reader}. */
  void assertOneRead(AstraToken token, String reader) {
    List<TokenRead> reads = f.audit.events(TokenRead.class);
    assertThat(reads).hasSize(1);
    TokenRead read = reads.get(0);
    assertThat(read.actor().principalName()).contains(reader);
    assertThat(read.actor().applicationName()).contains(APP);
    assertThat(read.time()).isEqualTo(f.clock.instant());
    assertThat(read.token().tokenHmac()).isEqualTo(AuditHmac.of(KEY, token.token()));
    assertThat(read.token().clientId()).isEqualTo(token.clientId());
    assertThat(read.token().leaseId()).isEqualTo(token.lease().leaseId());
    assertThat(read.token().orgId()).isEqualTo(astra.defaultOrg().orgId());
    assertThat(read.token().roleName()).isEqualTo(ManagedFixture.ROLE);
    assertThat(read.token().logicalName()).isEqualTo(token.info().logicalName().orElse(null));
    assertThat(read.token().metadata()).isEqualTo(token.info().metadata());
    assertThat(read.toString()).doesNotContain(token.token()).doesNotContain(token.secret());
  }

  @Test
  void firstReadAfterManageIsAuditedOnceWithTheReadersActor() {
    principal.set("creator");
    ManagedToken handle = f.manage(unique("orders"), exact());
    AstraToken token = handle.snapshot().astraToken();
    f.audit.clear();

    principal.set("alice");
    assertThat(handle.current()).isEqualTo(token.token());
    assertOneRead(token, "alice");

    f.audit.clear();
    principal.set("bob");
    for (int i = 0; i < 100; i++) {
      assertThat(handle.current()).isEqualTo(token.token());
      assertThat(handle.get()).isEqualTo(token.token());
    }
    assertThat(f.audit.events()).isEmpty();
  }

  @Test
  void firstReadAfterEachRotationIsAuditedOnce() {
    // Per-request style: rotations do not wait for the overlap of the previous one to free a successor slot.
    ManagedToken handle = f.manage(perRequest(), exact());
    principal.set("alice");
    handle.current();
    for (int round = 0; round < 3; round++) {
      String old = handle.current();
      handle.rotateNow();
      AstraToken fresh = handle.snapshot().astraToken();
      assertThat(fresh.token()).isNotEqualTo(old);
      f.audit.clear();
      String reader = "reader-" + round;
      principal.set(reader);
      assertThat(handle.current()).isEqualTo(fresh.token());
      assertThat(handle.current()).isEqualTo(fresh.token());
      assertOneRead(fresh, reader);
    }
  }

  @Test
  void firstReadAfterABackgroundRotationAtMaxTtlIsAuditedOnce() {
    f.tokens.close();
    f = new ManagedFixture(astra, Duration.ofHours(1), Duration.ofHours(1), b -> {
      ManagedFixture.synchronous(b);
      b.auditHmacKey(KEY).actorProvider(ActorProvider.system(APP).withPrincipal(principal::get));
    });
    ManagedToken handle = f.manage(unique("orders"), exact());
    AstraToken old = handle.snapshot().astraToken();
    principal.set("alice");
    handle.current();
    f.advanceTo(Duration.ofMinutes(55).multipliedBy(2).dividedBy(3)); // rotation: 2/3 of (1 h - 5 min overlap)
    AstraToken fresh = handle.snapshot().astraToken();
    assertThat(fresh.clientId()).isNotEqualTo(old.clientId());
    f.audit.clear();

    principal.set("carol");
    assertThat(handle.current()).isEqualTo(fresh.token());
    assertThat(handle.current()).isEqualTo(fresh.token());
    assertOneRead(fresh, "carol");
  }

  @Test
  void aRenewalStartsANewGenerationWhoseFirstReadIsAudited() {
    ManagedToken handle = f.manage(unique("orders"), exact());
    principal.set("alice");
    handle.current();
    f.advanceTo(Duration.ofMinutes(40)); // 2/3 of the hour left: renewed, same token, new lease expiry
    AstraToken renewed = handle.snapshot().astraToken();
    assertThat(renewed.lease().expiresAt()).isEqualTo(f.at(Duration.ofMinutes(100)));
    f.audit.clear();

    principal.set("dave");
    assertThat(handle.current()).isEqualTo(renewed.token());
    assertThat(handle.current()).isEqualTo(renewed.token());
    assertOneRead(renewed, "dave");
  }

  @Test
  void readsOffTheFastPathAreAuditedOnceTooAndStateChangesDoNotRecordAgain() {
    ManagedToken handle = f.manage(unique("orders"), exact());
    AstraToken token = handle.snapshot().astraToken();
    handle.stop();   // STOPPED: every read takes the slow path and checks the clock
    f.audit.clear();

    principal.set("erin");
    assertThat(handle.current()).isEqualTo(token.token());
    assertThat(handle.current()).isEqualTo(token.token());
    assertOneRead(token, "erin");

    // Still stopped at expiry: no token, and no read recorded.
    f.audit.clear();
    f.clock.advance(Duration.ofHours(1));
    assertThatThrownBy(handle::current).isInstanceOf(LeaseExpiredException.class);
    assertThat(f.audit.events(TokenRead.class)).isEmpty();
  }

  @Test
  void aReadInsideTheHardMarginOfAnUnreadTokenIsAudited() {
    f.tokens.close();
    f = new ManagedFixture(astra, Duration.ofHours(1), Duration.ofHours(1), b -> {
      ManagedFixture.synchronous(b);
      b.auditHmacKey(KEY).actorProvider(ActorProvider.system(APP).withPrincipal(principal::get));
    });
    ManagedToken handle = f.manage(unique("orders"), exact());
    AstraToken token = handle.snapshot().astraToken();
    // Every rotation fails: at the hard margin (6 min before expiry) the handle becomes EXPIRING, still unread.
    astra.fault(Endpoint.CREATE_TOKEN).status(500).times(1000);
    f.advanceTo(Duration.ofMinutes(55));
    assertThat(handle.state()).isEqualTo(ManagedToken.State.EXPIRING);
    f.audit.clear();

    principal.set("grace");
    assertThat(handle.current()).isEqualTo(token.token());
    assertThat(handle.current()).isEqualTo(token.token());
    assertOneRead(token, "grace");
  }

  @Test
  void aClosedHandleServesNothingAndRecordsNoRead() {
    ManagedToken handle = f.manage(unique("orders"), exact());
    handle.close();
    f.audit.clear();
    assertThatThrownBy(handle::current).isInstanceOf(IllegalStateException.class);
    assertThat(f.audit.events(TokenRead.class)).isEmpty();
  }

  @Test
  void aSinkThatFailsTheReadNeverFailsTheRead() {
    ManagedToken handle = f.manage(unique("orders"), exact());   // fail-closed issue: TokenIssued is recorded
    AstraToken token = handle.snapshot().astraToken();
    f.audit.failWhen(e -> e instanceof TokenRead);
    principal.set("frank");
    assertThat(handle.current()).isEqualTo(token.token());
    assertThat(f.audit.refused()).isEqualTo(1);
    assertThat(handle.current()).isEqualTo(token.token());
    assertThat(f.audit.refused()).isEqualTo(1);   // recorded (or tried) once per generation, never per call
  }

  @Test
  void concurrentFirstReadsRecordExactlyOneEvent() throws Exception {
    int threads = 8;
    ManagedToken handle = f.manage(perRequest(), exact());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      String previous = "";
      for (int round = 0; round < 50; round++) {
        if (round > 0) {
          handle.rotateNow();
        }
        AstraToken token = handle.snapshot().astraToken();
        f.audit.clear();
        CyclicBarrier start = new CyclicBarrier(threads);
        Set<String> readers = ConcurrentHashMap.newKeySet();
        List<Future<String>> reads = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          String reader = "reader-" + i;
          reads.add(pool.submit(() -> {
            principal.set(reader);
            readers.add(reader);
            start.await(10, TimeUnit.SECONDS);
            String first = handle.current();
            assertThat(handle.current()).isEqualTo(first);
            return first;
          }));
        }
        for (Future<String> read : reads) {
          assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(token.token());
        }
        List<TokenRead> recorded = f.audit.events(TokenRead.class);
        assertThat(recorded).as("round %d", round).hasSize(1);
        assertThat(recorded.get(0).actor().principalName()).hasValueSatisfying(p -> assertThat(readers).contains(p));
        assertThat(recorded.get(0).token().tokenHmac()).isEqualTo(AuditHmac.of(KEY, token.token()));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
