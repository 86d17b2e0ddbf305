package dev.astravault.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.TokenSnapshot;
import dev.astravault.store.InMemoryLeaseStore;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A token backed by its store's record says exactly what the token it replaces says, and never its secret. */
class ViewsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00.123456789Z");
  private static final String TOKEN = "AstraCS:ZenclKrBpOoLhQxXnAnKaThR:" + "ab".repeat(32);
  private static final String SECRET = "s3cr3t,+.-_";

  private static LeaseRecord active(String leaseId) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("o").roleName("r").roleId("id").logicalName("x")
        .style(IssueStyle.UNIQUE).state(LeaseState.ACTIVE).clientId("ZenclKrBpOoLhQxXnAnKaThR").token(TOKEN)
        .secret(SECRET).generatedOn(NOW.minusMillis(5)).metadata(Map.of("owner", "team")).description("d")
        .issuedAt(NOW).ttl(Duration.ofHours(1)).expiresAt(NOW.plusSeconds(3600)).maxExpiresAt(NOW.plusSeconds(7200))
        .build();
  }

  @Test
  void aTokenBackedByTheStoresRecordEqualsTheTokenItReplaces() {
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    LeaseRecord record = active("astra/o/r/1");
    store.insert(record);
    AstraToken copy = new AstraToken(record.toTokenInfo(), TOKEN, SECRET);

    AstraToken view = Views.compact(store, copy);

    assertThat(view).isNotSameAs(copy).isEqualTo(copy).hasSameHashCodeAs(copy);
    assertThat(copy).isEqualTo(view);
    assertThat(view.info()).isEqualTo(copy.info());
    assertThat(view.lease()).isEqualTo(copy.lease());
    assertThat(view.token()).isSameAs(copy.token());
    assertThat(view.secret()).isEqualTo(SECRET);
    assertThat(view.clientId()).isEqualTo(copy.clientId());
    assertThat(view.orgId()).isEqualTo("o");
    assertThat(view.roleName()).isEqualTo("r");
    assertThat(view.logicalName()).contains("x");
    assertThat(view.generatedOn()).isEqualTo(NOW.minusMillis(5));
    assertThat(view.metadata()).isEqualTo(Map.of("owner", "team"));
    assertThat(view.toString()).isEqualTo(copy.toString()).doesNotContain(TOKEN).doesNotContain(SECRET)
        .contains("AstraCS:Zencl…");
  }

  @Test
  void aTokenStaysACopyWhenTheRecordSaysSomethingElseOrIsNotHeldInMemory() {
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    LeaseRecord record = active("astra/o/r/2");
    store.insert(record);
    AstraToken copy = new AstraToken(record.toTokenInfo(), TOKEN, SECRET);
    // The store moved on (renewed by someone else): the token keeps saying what it said.
    LeaseRecord renewed = record.next().expiresAt(NOW.plusSeconds(3700)).lastRenewedAt(NOW).build();
    assertThat(store.compareAndSet(record, renewed)).isTrue();
    assertThat(Views.compact(store, copy)).isSameAs(copy);
    // Another secret, or a lease the store does not hold.
    AstraToken otherSecret = new AstraToken(renewed.toTokenInfo(), TOKEN, "other");
    assertThat(Views.compact(store, otherSecret)).isSameAs(otherSecret);
    AstraToken unknown = new AstraToken(active("astra/o/r/3").toTokenInfo(), TOKEN, SECRET);
    assertThat(Views.compact(store, unknown)).isSameAs(unknown);
    // A store that is not in memory hands out copies: nothing is asked of it.
    LeaseStore elsewhere = (LeaseStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {LeaseStore.class}, (proxy, method, args) -> {
          throw new AssertionError("asked " + method.getName());
        });
    AstraToken fresh = new AstraToken(renewed.toTokenInfo(), TOKEN, SECRET);
    assertThat(Views.compact(elsewhere, fresh)).isSameAs(fresh);
  }

  @Test
  void onlyARecordWithItsTokenBacksAToken() {
    LeaseRecord metadataOnly = active("astra/o/r/4").withoutSecret();
    assertThatThrownBy(() -> Views.backedBy(metadataOnly)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("astra/o/r/4").hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> Views.install(r -> null)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aSnapshotOfAViewHoldsTheRecordAndKeysTheTokenGeneration() {
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    LeaseRecord record = active("astra/o/r/5");
    store.insert(record);
    AstraToken copy = new AstraToken(record.toTokenInfo(), TOKEN, SECRET);
    AstraToken view = Views.compact(store, copy);

    TokenSnapshot ofView = new TokenSnapshot(view, 1, ManagedToken.State.ACTIVE);
    TokenSnapshot ofCopy = new TokenSnapshot(copy, 1, ManagedToken.State.ACTIVE);

    assertThat(ofView.astraToken()).isEqualTo(copy).isEqualTo(ofCopy.astraToken());
    assertThat(ofView.info()).isEqualTo(ofCopy.info());
    assertThat(ofView.lease()).isEqualTo(ofCopy.lease());
    assertThat(ofView.leaseId()).isEqualTo("astra/o/r/5");
    assertThat(ofView.expiresAt()).isEqualTo(record.expiresAt());
    assertThat(ofView.token()).isSameAs(TOKEN);
    assertThat(ofView.toString()).isEqualTo(ofCopy.toString()).doesNotContain(TOKEN).doesNotContain(SECRET);
    // One key per token generation: the same across state changes, another for a renewal (a new record).
    assertThat(Views.key(ofView)).isSameAs(record);
    assertThat(Views.key(ofView.withState(ManagedToken.State.EXPIRING))).isSameAs(Views.key(ofView));
    assertThat(Views.key(ofCopy)).isSameAs(copy);
    LeaseRecord renewed = record.next().expiresAt(NOW.plusSeconds(3700)).lastRenewedAt(NOW).build();
    TokenSnapshot ofRenewal = new TokenSnapshot(Views.backedBy(renewed), 2, ManagedToken.State.ACTIVE);
    assertThat(Views.key(ofRenewal)).isNotSameAs(Views.key(ofView));
    assertThat(ofRenewal.expiresAt()).isEqualTo(NOW.plusSeconds(3700));
  }
}
