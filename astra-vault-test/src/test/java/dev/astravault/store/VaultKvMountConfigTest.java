package dev.astravault.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.StoreException;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.Capability;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The Vault KV store checks its mount's {@code delete_version_after} when it is first used: Vault would soft-delete
 * every lease record, claim and index that long after it was written, and the Astra tokens behind them would live on
 * with nothing that knows of them.
 */
class VaultKvMountConfigTest {
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final String STORE_ONLY = "hvs.store-only-token-0000000";

  final MutableClock clock = MutableClock.at(T0);
  @RegisterExtension final FakeVault vault = FakeVault.builder().clock(clock)
      .policy(Policy.builder("kv-store").path("secret/data/*", Capability.CREATE, Capability.READ,
          Capability.UPDATE).path("secret/metadata/*", Capability.READ, Capability.LIST, Capability.DELETE).build())
      .token(STORE_ONLY, TokenSpec.of(Duration.ofDays(30), "kv-store"))
      .build();

  VaultKvLeaseStore open(String token) {
    VaultConfig config = VaultConfig.of(URI.create(vault.address()), VaultAuth.token(token));
    return VaultKvLeaseStore.builder(config).mount("secret").pathPrefix("astra-vault").keyProvider(KEYS).clock(clock)
        .build();
  }

  int raw(String method, String path, String body) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(URI.create(vault.address() + "/v1/" + path))
        .header("X-Vault-Token", vault.rootToken()).method(method, HttpRequest.BodyPublishers.ofString(body)).build();
    return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static LeaseRecord lease(String leaseId) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("role-id-1")
        .logicalName("orders").style(IssueStyle.UNIQUE).state(LeaseState.PENDING).description("lease " + leaseId)
        .issuedAt(T0).ttl(Duration.ofDays(2)).expiresAt(T0.plus(Duration.ofDays(2)))
        .maxExpiresAt(T0.plus(Duration.ofDays(7))).build();
  }

  long configReads() {
    return vault.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().endsWith("secret/config")).count();
  }

  @Test
  void aMountThatDeletesVersionsByAgeIsRefusedNamingTheMountAndTheSetting() throws Exception {
    assertThat(raw("POST", "secret/config", "{\"delete_version_after\":\"3h\"}")).isEqualTo(204);
    VaultKvLeaseStore store = open(vault.rootToken());

    assertThatThrownBy(() -> store.insert(lease("lease-1"))).isInstanceOf(StoreException.class)
        .hasMessageContaining("mount 'secret'").hasMessageContaining("delete_version_after=3h0m0s");
    assertThatThrownBy(() -> store.get("lease-1")).isInstanceOf(StoreException.class)
        .hasMessageContaining("delete_version_after");
    assertThat(vault.kvKeys("secret")).as("nothing written to a mount that would delete it").isEmpty();

    // Fixed by the operator: the same store instance proceeds, and keeps its lease past the old setting.
    assertThat(raw("POST", "secret/config", "{\"delete_version_after\":\"0s\"}")).isEqualTo(204);
    store.insert(lease("lease-1"));
    clock.advance(Duration.ofHours(4));
    assertThat(store.get("lease-1")).isPresent();
    assertThat(store.findByTriple("org-1", "reader", "orders")).isPresent();
  }

  @Test
  void theMountIsCheckedOnceThenLeftAlone() {
    VaultKvLeaseStore store = open(vault.rootToken());
    store.insert(lease("lease-1"));
    store.get("lease-1");
    store.list("");
    assertThat(configReads()).isEqualTo(1);
  }

  @Test
  void aPolicyThatMayNotReadTheConfigProceedsWithOneWarningNamingTheCapability() {
    Logger log = (Logger) LoggerFactory.getLogger(VaultKvLeaseStore.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    log.addAppender(logs);
    try {
      VaultKvLeaseStore store = open(STORE_ONLY);
      store.insert(lease("lease-1"));
      assertThat(store.get("lease-1")).isPresent();
      assertThat(store.list("")).hasSize(1);
    } finally {
      log.detachAppender(logs);
    }
    List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(warnings).singleElement().asString().contains("'read' on secret/config")
        .contains("delete_version_after");
    // The insert's 403 did not count: no call had succeeded yet. The get's, after the insert succeeded, did.
    assertThat(configReads()).isEqualTo(2);
  }

  /**
   * An invalid token answers 403 on the config read too. A store first used with one must check the mount once the
   * token works, not give up on the check for its life with a WARN about a missing capability.
   */
  @Test
  void aStoreFirstUsedWithAnInvalidTokenChecksTheMountOnceTheTokenWorks() throws Exception {
    assertThat(raw("POST", "secret/config", "{\"delete_version_after\":\"3h\"}")).isEqualTo(204);
    AtomicReference<String> token = new AtomicReference<>("hvs.not-a-token-000000000000");
    VaultConfig config = VaultConfig.of(URI.create(vault.address()), VaultAuth.tokenSource(token::get));
    VaultKvLeaseStore store = VaultKvLeaseStore.builder(config).mount("secret").pathPrefix("astra-vault")
        .keyProvider(KEYS).clock(clock).build();
    Logger log = (Logger) LoggerFactory.getLogger(VaultKvLeaseStore.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    log.addAppender(logs);
    try {
      assertThatThrownBy(() -> store.insert(lease("lease-1"))).isInstanceOf(StoreException.class);
      assertThatThrownBy(() -> store.get("lease-1")).isInstanceOf(StoreException.class);

      token.set(vault.rootToken());
      assertThatThrownBy(() -> store.insert(lease("lease-1"))).isInstanceOf(StoreException.class)
          .hasMessageContaining("mount 'secret'").hasMessageContaining("delete_version_after=3h0m0s");
    } finally {
      log.detachAppender(logs);
    }
    assertThat(vault.kvKeys("secret")).as("nothing written to a mount that would delete it").isEmpty();
    assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.WARN);
  }
}
