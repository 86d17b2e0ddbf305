package dev.astravault.store;

import static dev.astravault.store.StoreFixture.ORG;
import static dev.astravault.store.StoreFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ReconcileReport;
import dev.astravault.internal.Recovery;
import dev.astravault.internal.astra.RetryPolicy;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A create's answer is lost, leaving a PENDING row and a live token for recovery to settle; then someone who can
 * write the store but holds no key rewrites the row. Before, a PENDING row carried no seal: an issued_at pushed
 * ahead hid the token from recovery (and reconcile, which leaves PENDING records to recovery, called the org clean)
 * until Astra's own expiry ended it, and a rewritten description or role was settled on. Now the row's tag fails:
 * recovery passes it by with a WARN naming the lease, and reconcile reports the live token whose record it cannot
 * read, for the operator.
 */
class RewrittenPendingRowTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension static final FakeVault vault = FakeVault.create();
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());

  @TempDir Path dir;
  final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  StoreFixture f;
  DurableStores stores;

  @BeforeEach
  void captureLogs() {
    logs.start();
    DurableStores.captureLogs(logs, true);
  }

  @AfterEach
  void tearDown() {
    DurableStores.captureLogs(logs, false);
    if (f != null) {
      f.close();
    }
  }

  LeaseStore open(String kind) {
    if (stores == null) {
      stores = new DurableStores(dir, vault, "pending");
    }
    return stores.open(kind, KEYS);
  }

  /** What someone without the key does: one field of the row set to {@code sqlValue} (JDBC) or {@code kvValue}. */
  void rewrite(String kind, String leaseId, String field, String sqlValue, String kvValue) throws Exception {
    if (kind.equals("vault-kv")) {
      stores.rewriteKvLease(Map.of(field, kvValue));
    } else {
      stores.sql(kind, "UPDATE av_lease SET " + field + " = " + sqlValue + " WHERE lease_id = '" + leaseId + "'");
    }
  }


  /**
   * An issued_at pushed ahead (to 2255, or by two hours) hides the row from the JDBC finder's {@code issued_at <
   * cutoff}; the finder reads PENDING rows issued over an hour past its cutoff as well, and the Vault KV store reads
   * every entry, so each store warns about it.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "sqlite|issued_at|9000000000000000000|2250-01-01T00:00:00Z",
      "sqlite|issued_at|1772330400000000000|2026-03-01T02:00:00Z",
      "sqlite|description|'astra-vault lease=astra/other'|astra-vault lease=astra/other",
      "sqlite|role_id|'rid-admin'|rid-admin",
      "postgres|issued_at|9000000000000000000|2250-01-01T00:00:00Z",
      "postgres|description|'astra-vault lease=astra/other'|astra-vault lease=astra/other",
      "vault-kv|issued_at|2250-01-01T00:00:00Z|2250-01-01T00:00:00Z",
      "vault-kv|description|astra-vault lease=astra/other|astra-vault lease=astra/other"})
  void recoveryPassesARewrittenPendingRowByWithAWarnAndReconcileReportsIt(String kind, String field,
      String sqlValue, String kvValue) throws Exception {
    f = new StoreFixture(astra, clock, () -> open(kind), b -> b.sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO).pendingSettleAfter(Duration.ofMinutes(5))
        .astraClient(c -> c.retryPolicy(RetryPolicy.of(4, Duration.ZERO, Duration.ZERO))));
    // The create's answer is lost and the settling list fails: a crash's leftover, as RecoveryAndReconcileTest.
    astra.fault(Endpoint.CREATE_TOKEN).succeedThenDropConnection();
    astra.fault(Endpoint.LIST_TOKENS).status(500);
    assertThatThrownBy(() -> f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue())
        .isInstanceOf(RuntimeException.class);
    assertThat(astra.liveTokens()).hasSize(1);
    String clientId = astra.liveTokens().get(0).clientId();
    LeaseRecord pending = f.store.pendingBefore(clock.instant().plusSeconds(1), 1).get(0);
    assertThat(pending.state()).isEqualTo(LeaseState.PENDING);
    rewrite(kind, pending.leaseId(), field, sqlValue, kvValue);
    clock.advance(Duration.ofMinutes(6));

    Recovery.Result result = f.engine().recover();

    // Not settled on rewritten fields: the token stays for the operator (and Astra's own expiry).
    assertThat(result.pendingSettled()).isZero();
    assertThat(astra.liveTokens()).hasSize(1);
    List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("cannot read")).toList();
    assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains(pending.leaseId())
        .contains("TAMPERED").doesNotContain("astra/other").doesNotContain("rid-admin"));
    f.engine().recover();
    assertThat(logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .filter(e -> e.getFormattedMessage().contains("cannot read"))).hasSize(1);

    ReconcileReport report = f.tokens.reconcile(ORG);
    assertThat(report.isClean()).isFalse();
    assertThat(report.unknownTokens()).isEmpty();
    assertThat(report.unreadableRecords()).containsExactly(
        new ReconcileReport.UnreadableRecord(pending.leaseId(), clientId, "TAMPERED"));
    assertThatThrownBy(() -> f.store.get(pending.leaseId())).hasMessageContaining(pending.leaseId());
  }
}
