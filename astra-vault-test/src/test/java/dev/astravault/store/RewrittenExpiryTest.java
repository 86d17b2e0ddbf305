package dev.astravault.store;

import static dev.astravault.store.StoreFixture.ORG;
import static dev.astravault.store.StoreFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.ReconcileReport;
import dev.astravault.event.ReconcileFinding;
import dev.astravault.internal.store.JdbcLeaseCodec;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Someone who can write the store but holds no key pushes a live lease's expiry into the far future. Before, the
 * row read back as valid and the sweeper waited for the new expiry: a one-hour token became one that only Astra's
 * tokenExpiry (or nothing, with it off) would end, and reconcile called the org clean. Now the row fails
 * authentication; the sweeper cannot end it (its finder selects by the rewritten expiry, and cannot trust it
 * anyway), so reconcile reports the live token whose record it cannot read, and leaves it for the operator to end.
 */
class RewrittenExpiryTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension static final FakeVault vault = FakeVault.create();
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  private static final Instant FAR = Instant.parse("2250-01-01T00:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T00:00:00Z"));
  StoreFixture f;
  DurableStores stores;

  @AfterEach
  void tearDown() {
    if (f != null) {
      f.close();
    }
  }

  LeaseStore open(String kind) {
    if (stores == null) {
      stores = new DurableStores(dir, vault, "expiry");
    }
    return stores.open(kind, KEYS);
  }

  /** What an attacker without the key does: the row's expires_at (and max_expires_at) set far ahead. */
  void pushExpiry(String kind, String leaseId) throws Exception {
    if (kind.equals("vault-kv")) {
      stores.rewriteKvLease(Map.of("expires_at", FAR.toString(), "max_expires_at", FAR.toString()));
      return;
    }
    long nanos = JdbcLeaseCodec.nanos(FAR);
    stores.sql(kind, "UPDATE av_lease SET expires_at = " + nanos + ", max_expires_at = " + nanos
        + " WHERE lease_id = '" + leaseId + "'");
  }


  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres", "vault-kv"})
  void aLeaseWhoseExpiryWasPushedAheadIsReportedByReconcileAndNotDeletedWithoutTheOperator(String kind)
      throws Exception {
    f = new StoreFixture(astra, clock, () -> open(kind), b -> b.sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO));
    AstraToken token = f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
    String leaseId = token.lease().leaseId();
    pushExpiry(kind, leaseId);
    clock.advance(Duration.ofHours(2));

    // The sweeper does not end it: it cannot trust the row's times, and never reads a row whose expiry is ahead.
    f.tokens.reapExpired();
    assertThat(astra.isLive(token.token())).isTrue();

    // But it does not go unnoticed: reconcile sees the live token and that its record cannot be read.
    ReconcileReport report = f.tokens.reconcile(ORG);
    assertThat(report.isClean()).isFalse();
    assertThat(report.unknownTokens()).isEmpty();
    assertThat(report.unreadableRecords()).containsExactly(
        new ReconcileReport.UnreadableRecord(leaseId, token.clientId(), "TAMPERED"));
    assertThat(f.events(ReconcileFinding.class)).singleElement().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(ReconcileFinding.Kind.UNREADABLE_RECORD);
      assertThat(e.lease()).isEqualTo(leaseId);
      assertThat(e.client()).isEqualTo(token.clientId());
      assertThat(e.fixed()).isFalse();
    });

    // fix does not delete a live token on the word of a row it cannot read: ending it is the operator's call.
    ReconcileReport fixed = f.tokens.reconcile(ORG, true);
    assertThat(fixed.unreadableRecords()).singleElement().satisfies(u -> assertThat(u.leaseId()).isEqualTo(leaseId));
    assertThat(fixed.unknownTokens()).isEmpty();
    assertThat(astra.isLive(token.token())).isTrue();

    // Astra's tokenExpiry (sent by default: the lease's max expiry plus a margin) still ends it, whatever the row.
    clock.advance(Duration.ofHours(2));
    assertThat(astra.isLive(token.token())).isFalse();
  }

  /** The operator's choice, as docs/operations.md describes it: delete the row, and reconcile --fix ends the token. */
  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres"})
  void onceTheOperatorDeletesTheRowReconcileFixDeletesItsToken(String kind) throws Exception {
    f = new StoreFixture(astra, clock, () -> open(kind), b -> b.sweepInterval(Duration.ZERO)
        .recoveryInterval(Duration.ZERO));
    AstraToken token = f.tokens.request().org(ORG).role(ROLE).logicalName("orders").issue();
    String leaseId = token.lease().leaseId();
    pushExpiry(kind, leaseId);
    deleteRow(kind, leaseId);

    ReconcileReport report = f.tokens.reconcile(ORG, true);

    assertThat(report.unreadableRecords()).isEmpty();
    assertThat(report.unknownTokens()).singleElement().satisfies(u -> {
      assertThat(u.leaseId()).isEqualTo(leaseId);
      assertThat(u.fixed()).isTrue();
    });
    assertThat(astra.isLive(token.token())).isFalse();
  }

  void deleteRow(String kind, String leaseId) throws Exception {
    stores.sql(kind, "DELETE FROM av_lease WHERE lease_id = '" + leaseId + "'");
  }

}
