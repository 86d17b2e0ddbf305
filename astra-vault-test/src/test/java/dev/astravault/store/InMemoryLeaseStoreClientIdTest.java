package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store indexes a client id by the characters the record's token carries when it carries them, and by
 * the client id itself otherwise: a lookup finds either, exactly, through every change of the record.
 */
class InMemoryLeaseStoreClientIdTest {
  private static final Instant T0 = Instant.parse("2026-12-05T00:00:00Z");
  private static final String HEX = "0123456789abcdef".repeat(4);

  private static LeaseRecord active(String leaseId, String clientId, String token) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("rid")
        .style(IssueStyle.PER_REQUEST).state(LeaseState.ACTIVE).metadata(Map.of()).description("d")
        .clientId(clientId).token(token).secret("s").generatedOn(T0).issuedAt(T0).ttl(Duration.ofSeconds(60))
        .expiresAt(T0.plusSeconds(60)).maxExpiresAt(T0.plusSeconds(3600)).build();
  }

  @Test
  void aClientIdIsFoundWhetherTheTokenCarriesItOrNot() {
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    String carried = "AbCdEfGhIjKlMnOpQrStUvWx";
    store.insert(active("astra/org-1/reader/a", carried, "AstraCS:" + carried + ":" + HEX));
    store.insert(active("astra/org-1/reader/b", "plainClientId", "AstraCS:fake"));
    // Same characters, one the prefix of the other: neither key may answer for the other.
    store.insert(active("astra/org-1/reader/c", "AbCdEfGhIjKlMnOpQrStUvW", "AstraCS:AbCdEfGhIjKlMnOpQrStUvW:" + HEX));

    assertThat(store.findByClientId(carried)).hasValueSatisfying(r -> assertThat(r.leaseId()).endsWith("/a"));
    assertThat(store.findByClientId("plainClientId")).hasValueSatisfying(r -> assertThat(r.leaseId()).endsWith("/b"));
    assertThat(store.findByClientId("AbCdEfGhIjKlMnOpQrStUvW"))
        .hasValueSatisfying(r -> assertThat(r.leaseId()).endsWith("/c"));
    assertThat(store.findByClientId("AstraCS:" + carried)).isEmpty();
    assertThat(store.findByClientId("fake")).isEmpty();
    assertThat(store.findByClientId("AbCdEfGhIjKlMnOpQrStUvWxY")).isEmpty();
  }

  @Test
  void aLookupFollowsTheRecordThroughRenewalsTokenChangesAndDelete() {
    InMemoryLeaseStore store = new InMemoryLeaseStore();
    String clientId = "AbCdEfGhIjKlMnOpQrStUvWx";
    LeaseRecord r = active("astra/org-1/reader/a", clientId, "AstraCS:" + clientId + ":" + HEX);
    store.insert(r);

    LeaseRecord renewed = r.next().expiresAt(T0.plusSeconds(120)).renewable(true).build();
    assertThat(store.compareAndSet(r, renewed)).isTrue();
    assertThat(store.findByClientId(clientId)).contains(renewed);

    // A metadata-only copy (no token): the client id is kept on its own and still found.
    LeaseRecord stripped = renewed.next().token(null).secret(null).build();
    assertThat(store.compareAndSet(renewed, stripped)).isTrue();
    assertThat(store.findByClientId(clientId)).contains(stripped);

    // A new client id moves the mapping: the old one answers nothing.
    LeaseRecord moved = stripped.next().clientId("Zz" + clientId.substring(2)).build();
    assertThat(store.compareAndSet(stripped, moved)).isTrue();
    assertThat(store.findByClientId(clientId)).isEmpty();
    assertThat(store.findByClientId("Zz" + clientId.substring(2))).contains(moved);

    assertThat(store.delete(moved)).isTrue();
    assertThat(store.findByClientId("Zz" + clientId.substring(2))).isEmpty();
  }
}
