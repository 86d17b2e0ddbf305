package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.squareup.moshi.Moshi;
import dev.astravault.AstraVaultException;
import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.Role;
import dev.astravault.StoreException;
import dev.astravault.audit.AuditCheckpoint;
import dev.astravault.audit.AuditWitness;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Vault KV store on the engine shapes an operator may give it (vault-http-api.md §2.3–2.4): a mount with
 * {@code cas_required}, entries soft-deleted with {@code vault kv delete} (Vault keeps their metadata and version, so
 * a LIST still shows them and a check-and-set must name that version), a KV v1 mount, and keys it did not write.
 */
class VaultKvEngineShapesTest {
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  static final String PREFIX = "apps/orders/astra-vault";
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @RegisterExtension final FakeVault vault = FakeVault.create();

  VaultConfig config() {
    return VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken()));
  }

  VaultKvLeaseStore open(String mount) {
    return VaultKvLeaseStore.builder(config()).mount(mount).pathPrefix(PREFIX).keyProvider(KEYS).build();
  }

  int raw(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(vault.address() + "/v1/" + path))
        .header("X-Vault-Token", vault.rootToken());
    b.method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static LeaseRecord pending(String leaseId, String name) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("role-id-1")
        .logicalName(name).style(IssueStyle.UNIQUE).state(LeaseState.PENDING).description("lease " + leaseId)
        .issuedAt(T0).ttl(Duration.ofMinutes(30)).expiresAt(T0.plus(Duration.ofMinutes(30)))
        .maxExpiresAt(T0.plus(Duration.ofHours(24))).build();
  }

  static Role role(String id) {
    return new Role("org-1", "reader", id, Duration.ofHours(1), Duration.ofHours(2));
  }

  @Test
  void aMountThatRequiresCheckAndSetTakesEveryWrite() throws Exception {
    assertThat(raw("POST", "secret/config", "{\"cas_required\":true}")).isEqualTo(204);
    VaultKvLeaseStore store = open("secret");

    store.putOrg(EncryptionAtRestTest.org());
    store.putOrg(EncryptionAtRestTest.org());   // an update of an existing entry
    assertThat(store.org("org-1")).isPresent();
    store.putRole(role("rid-1"));
    store.putRole(role("rid-2"));
    assertThat(store.role("org-1", "reader")).contains(role("rid-2"));
    LeaseRecord active = EncryptionAtRestTest.active("astra/org-1/reader/a");
    store.insert(active);   // the client-id index is written too
    assertThat(store.findByClientId("ClientAAAAAAAAAAAAAAAAAA")).isPresent();

    AuditWitness witness = AuditWitness.vaultKv(config(), KvPath.v2("secret", "astra-vault/checkpoints"));
    witness.publish(new AuditCheckpoint("audit", 1, "ab".repeat(32), T0));
    witness.publish(new AuditCheckpoint("audit", 2, "cd".repeat(32), T0.plusSeconds(60)));
    assertThat(witness.latest("audit")).hasValueSatisfying(c -> assertThat(c.seq()).isEqualTo(2));
  }

  /**
   * On a {@code cas_required} mount a last-writer-wins write names the version it read; when another writer wins
   * every race it gives up after 16 tries with a typed error, instead of looping for as long as it keeps losing.
   */
  @Test
  void aCheckAndSetWriteThatKeepsLosingGivesUpInsteadOfLooping() throws Exception {
    AtomicInteger casWrites = new AtomicInteger();
    try (MockWebServer vault = new MockWebServer()) {
      vault.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest r) {
          String target = r.getTarget();
          if (target.contains("/auth/token/lookup-self")) {
            return answer(200, "{\"data\":{\"ttl\":0,\"renewable\":false,\"policies\":[\"root\"]}}");
          }
          if ("GET".equals(r.getMethod()) && target.contains("/secret/data/")) {
            return answer(200, "{\"data\":{\"data\":{\"x\":\"y\"},\"metadata\":{\"version\":"
                + (casWrites.get() + 1) + "}}}");
          }
          if (target.contains("/secret/data/") && r.getBody() != null) {
            boolean named = r.getBody().utf8().contains("\"cas\"");
            if (named) {
              casWrites.incrementAndGet();   // another writer got in first, every time
            }
            return answer(400, named ? "{\"errors\":[\"check-and-set parameter did not match the current version\"]}"
                : "{\"errors\":[\"check-and-set parameter required for this call\"]}");
          }
          return answer(404, "{\"errors\":[]}");
        }
      });
      vault.start();
      VaultKvLeaseStore store = VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.url("/").toString()),
          VaultAuth.token("hvs.CAESIEngineShapesTokenXq3vT9mKpL2wRz8Yd"))).mount("secret").pathPrefix(PREFIX)
          .keyProvider(KEYS).build();
      // Preemptive: a write that loops for as long as it loses would never return here.
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> store.putRole(role("rid-1")))
          .isInstanceOf(AstraVaultException.class).hasStackTraceContaining("16 check-and-set writes"));
      assertThat(casWrites.get()).isEqualTo(16);
    }
  }

  /**
   * A conditional role write that loses to a write leaving the role's fields as they were (a reseal by rotateKeys)
   * tries again on top of it, but not for ever: a Vault where that happens on every try gets "lost" after 16.
   */
  @Test
  void aConditionalWriteThatKeepsLosingToResealsGivesUpAsALostRace() throws Exception {
    VaultKvLeaseStore real = open("secret");
    real.putRole(role("rid-1"));
    String rolePath = "secret/" + PREFIX + "/roles/org-1/reader";
    String entry = new Moshi.Builder().build().adapter(Object.class).toJson(vault.kv(rolePath).orElseThrow());
    AtomicInteger casWrites = new AtomicInteger();
    try (MockWebServer stub = new MockWebServer()) {
      stub.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest r) {
          String target = r.getTarget();
          if (target.contains("/auth/token/lookup-self")) {
            return answer(200, "{\"data\":{\"ttl\":0,\"renewable\":false,\"policies\":[\"root\"]}}");
          }
          if ("GET".equals(r.getMethod()) && target.contains("/secret/data/" + PREFIX + "/roles/org-1/reader")) {
            // The same sealed role every time, at a newer version: what a reseal leaves.
            return answer(200, "{\"data\":{\"data\":" + entry + ",\"metadata\":{\"version\":"
                + (casWrites.get() + 1) + "}}}");
          }
          if (target.contains("/secret/data/") && r.getBody() != null && r.getBody().utf8().contains("\"cas\"")) {
            casWrites.incrementAndGet();
            return answer(400, "{\"errors\":[\"check-and-set parameter did not match the current version\"]}");
          }
          return answer(404, "{\"errors\":[]}");
        }
      });
      stub.start();
      VaultKvLeaseStore store = VaultKvLeaseStore.builder(VaultConfig.of(URI.create(stub.url("/").toString()),
          VaultAuth.token("hvs.CAESIEngineShapesTokenXq3vT9mKpL2wRz8Yd"))).mount("secret").pathPrefix(PREFIX)
          .keyProvider(KEYS).build();
      // Preemptive: a write that tries again for as long as it loses would never return here.
      assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> assertThat(store.compareAndSetRole(role("rid-1"), role("rid-2"))).isFalse());
      assertThat(casWrites.get()).isEqualTo(16);
    }
  }

  private static MockResponse answer(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }

  @Test
  void aRoleSoftDeletedByAnOperatorCanBeWrittenAgainConditionally() throws Exception {
    VaultKvLeaseStore store = open("secret");
    store.putRole(role("rid-1"));
    // vault kv delete: the latest version is soft-deleted, its metadata (current_version 1) stays.
    assertThat(raw("DELETE", "secret/data/" + PREFIX + "/roles/org-1/reader", "")).isEqualTo(204);
    assertThat(store.role("org-1", "reader")).isEmpty();
    assertThat(store.roles("org-1")).isEmpty();   // the LIST still names it

    assertThat(store.compareAndSetRole(null, role("rid-2"))).isTrue();
    assertThat(store.role("org-1", "reader")).contains(role("rid-2"));
    assertThat(raw("DELETE", "secret/data/" + PREFIX + "/roles/org-1/reader", "")).isEqualTo(204);
    assertThat(store.deleteRole("org-1", "reader")).isFalse();
    assertThat(vault.kvKeys("secret")).noneMatch(k -> k.contains("/roles/"));
  }

  @Test
  void aClaimSoftDeletedByAnOperatorIsFreeAndDoesNotSpin() throws Exception {
    VaultKvLeaseStore store = open("secret");
    LeaseRecord first = pending("astra/org-1/reader/a", "orders");
    store.insert(first);
    assertThat(store.delete(first)).isTrue();   // frees the claim (an entry with an empty holder)
    String claim = vault.kvKeys("secret").stream().filter(k -> k.contains("/triples/")).findFirst().orElseThrow();
    assertThat(raw("DELETE", "secret/data/" + claim, "")).isEqualTo(204);
    assertThat(vault.kv("secret/" + claim)).isEmpty();

    LeaseRecord second = pending("astra/org-1/reader/b", "orders");
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> store.insert(second));
    assertThat(store.findByTriple("org-1", "reader", "orders")).hasValueSatisfying(
        r -> assertThat(r.leaseId()).isEqualTo(second.leaseId()));
  }

  @Test
  void aKvVersion1MountIsRefusedBeforeItLosesCheckAndSet() {
    VaultKvLeaseStore store = open("kv");   // FakeVault's kv/ is KV v1: it would take a v2 write as plain data
    assertThatThrownBy(() -> store.insert(pending("astra/org-1/reader/a", "orders")))
        .isInstanceOf(StoreException.class).hasMessageContaining("'kv'").hasMessageContaining("KV version 2");
  }

  @Test
  void keysTheStoreDidNotWriteAreSkippedByListsAndFinders() throws Exception {
    VaultKvLeaseStore store = open("secret");
    LeaseRecord a = pending("astra/org-1/reader/a", "orders");
    store.insert(a);
    vault.putKv("secret/" + PREFIX + "/leases/not~ZZescaped", Map.of("x", "1"));
    vault.putKv("secret/" + PREFIX + "/leases/folder/inside", Map.of("x", "1"));

    assertThat(store.list("")).extracting(LeaseRecord::leaseId).containsExactly(a.leaseId());
    assertThat(store.pendingBefore(T0.plusSeconds(1), 10)).hasSize(1);
  }
}
