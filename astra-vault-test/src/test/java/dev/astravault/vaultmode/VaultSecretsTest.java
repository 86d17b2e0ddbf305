package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.IssueStyle;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.VaultRequest;
import dev.astravault.vault.KvPath;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKeyException;
import dev.astravault.vault.VaultKeyProvider;
import dev.astravault.vault.VaultKvLeaseStore;
import dev.astravault.vault.VaultOrgConfigs;
import dev.astravault.vault.VaultUnavailableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Secrets from Vault KV: the lease store on KV v2 (encryption at rest, the driver's hard delete, a nested mount,
 * failures), the store's encryption key from Vault, and org root tokens from Vault for direct mode.
 */
class VaultSecretsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  @RegisterExtension static final FakeVault vault = FakeVault.builder().kvMount("secret", 2).kvMount("kv", 1)
      .kvMount("team/kv", 2).build();

  final MutableClock clock = MutableClock.at(T0);
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  Logger root;
  Level previous;
  VaultConfig config;

  @BeforeEach
  void setUp() {
    config = VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken()));
    root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    previous = root.getLevel();
    root.setLevel(Level.TRACE);
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    root.detachAppender(logs);
    root.setLevel(previous);
  }

  static LeaseRecord active(String leaseId, String name, String clientId) {
    return LeaseRecord.builder().leaseId(leaseId).orgId("org-1").roleName("reader").roleId("rid")
        .logicalName(name).style(IssueStyle.UNIQUE).state(LeaseState.ACTIVE).clientId(clientId)
        .token("AstraCS:" + clientId + ":" + "cd".repeat(32)).secret("the-secret-of-" + clientId)
        .generatedOn(T0).description("d").issuedAt(T0).ttl(Duration.ofMinutes(30))
        .expiresAt(T0.plusSeconds(1800)).maxExpiresAt(T0.plusSeconds(7200)).build();
  }

  VaultKvLeaseStore store(KeyProvider keys) {
    return VaultKvLeaseStore.builder(config).pathPrefix("astra-vault").keyProvider(keys).clock(clock).build();
  }

  List<String> logText() {
    List<String> out = new ArrayList<>();
    logs.list.forEach(e -> {
      out.add(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        out.add(e.getThrowableProxy().getMessage());
      }
    });
    return out;
  }

  // ------------------------------------------------------------------ VaultKvLeaseStore

  @Test
  void theStoreKeepsSecretsEncryptedInVaultAndTheirCiphertextBoundToTheLease() {
    VaultKvLeaseStore store = store(KeyProvider.of(EncryptionKey.generate()));
    LeaseRecord a = active("astra/org-1/reader/a", "orders", "ClientAAAAAAAAAAAAAAAAAA");
    store.insert(a);
    store.putOrg(OrgConfig.builder().orgId("org-1").rootToken("AstraCS:" + "r".repeat(24) + ":" + "ef".repeat(32))
        .url(URI.create("https://astra.example.com")).build());

    Map<String, Object> stored = vault.kv("secret/astra-vault/leases/astra~2Forg-1~2Freader~2Fa").orElseThrow();
    assertThat(stored).containsEntry("client_id", "ClientAAAAAAAAAAAAAAAAAA").containsKey("secret_ct");
    assertThat(stored.toString()).doesNotContain(a.token().orElseThrow(), a.secret().orElseThrow());
    for (VaultRequest r : vault.requests()) {
      assertThat(r.body()).doesNotContain(a.token().orElseThrow(), a.secret().orElseThrow(), "ef".repeat(32));
    }
    assertThat(store.get(a.leaseId()).orElseThrow().secret()).isEqualTo(a.secret());
    assertThat(store.org("org-1").orElseThrow().rootToken()).endsWith("ef".repeat(32));

    // A ciphertext copied onto another lease does not decrypt there (the lease id is the associated data).
    Map<String, Object> moved = new java.util.LinkedHashMap<>(stored);
    moved.put("lease_id", "astra/org-1/reader/b");
    vault.putKv("secret/astra-vault/leases/astra~2Forg-1~2Freader~2Fb", moved);
    assertThatThrownBy(() -> store.get("astra/org-1/reader/b"))
        .isInstanceOf(dev.astravault.SecretDecryptionException.class);
  }

  @Test
  void deleteHardDeletesTheMetadataThroughTheDriverAfterTheCasTombstone() throws Exception {
    VaultKvLeaseStore store = store(KeyProvider.of(EncryptionKey.generate()));
    LeaseRecord a = active("astra/org-1/reader/a", "orders", "ClientAAAAAAAAAAAAAAAAAA");
    store.insert(a);
    LeaseRecord renewed = a.next().lastRenewedAt(T0.plusSeconds(60)).build();
    assertThat(store.compareAndSet(a, renewed)).isTrue();
    String key = "astra-vault/leases/astra~2Forg-1~2Freader~2Fa";
    assertThat(metadataStatus(key)).isEqualTo(200);
    vault.clearRequests();

    assertThat(store.delete(renewed)).isTrue();

    // The driver's KV v2 delete() sends DELETE .../metadata/..: every version and the metadata are gone, not a
    // soft-deleted version that a LIST would still show.
    assertThat(vault.requests()).extracting(r -> r.method() + " " + r.path())
        .contains("DELETE /v1/secret/metadata/" + key)
        .doesNotContain("DELETE /v1/secret/data/" + key);
    assertThat(metadataStatus(key)).isEqualTo(404);
    assertThat(vault.kvKeys("secret/")).noneMatch(k -> k.contains("leases/"));
    assertThat(store.get(a.leaseId())).isEmpty();
    assertThat(store.findByClientId("ClientAAAAAAAAAAAAAAAAAA")).isEmpty();
    // The triple is free again.
    store.insert(active("astra/org-1/reader/b", "orders", "ClientBBBBBBBBBBBBBBBBBB"));
    assertThat(store.findByTriple("org-1", "reader", "orders").orElseThrow().leaseId())
        .isEqualTo("astra/org-1/reader/b");
  }

  private int metadataStatus(String key) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(vault.address() + "/v1/secret/metadata/" + key)).header("X-Vault-Token", vault.rootToken())
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode();
  }

  @Test
  void aClaimWhoseHolderIsGoneIsTakenOverWithCas() {
    VaultKvLeaseStore store = store(KeyProvider.of(EncryptionKey.generate()));
    // A manager crashed after deleting its lease but before freeing the claim.
    vault.putKv("secret/astra-vault/triples/org-1/reader/orders/primary", Map.of("lease_id", "astra/org-1/reader/x"));
    store.insert(active("astra/org-1/reader/a", "orders", "ClientAAAAAAAAAAAAAAAAAA"));
    assertThat(vault.kv("secret/astra-vault/triples/org-1/reader/orders/primary").orElseThrow())
        .containsEntry("lease_id", "astra/org-1/reader/a");
    assertThatThrownBy(() -> store.insert(active("astra/org-1/reader/b", "orders", "ClientBBBBBBBBBBBBBBBBBB")))
        .isInstanceOf(dev.astravault.TokenAlreadyExistsException.class);
    assertThat(store.get("astra/org-1/reader/b")).isEmpty();
  }

  @Test
  void aStoreOnANestedMountWorksAndVaultFailuresAreStoreExceptionsThatKeepTheCause() {
    VaultKvLeaseStore store = VaultKvLeaseStore.builder(config).mount("/team/kv/").pathPrefix("svc")
        .keyProvider(KeyProvider.of(EncryptionKey.generate())).build();
    LeaseRecord a = active("astra/org-1/reader/a", "orders", "ClientAAAAAAAAAAAAAAAAAA");
    store.insert(a);
    assertThat(vault.kvKeys("team/kv/")).contains("svc/leases/astra~2Forg-1~2Freader~2Fa");
    assertThat(store.list("astra/")).extracting(LeaseRecord::leaseId).containsExactly(a.leaseId());

    vault.seal();
    Throwable t = catchThrowable(() -> store.get(a.leaseId()));
    assertThat(t).isInstanceOf(StoreException.class).hasMessageContaining("sealed")
        .hasCauseInstanceOf(VaultUnavailableException.class);
    vault.unseal();
    assertThat(store.get(a.leaseId())).isPresent();
  }

  @Test
  void theBuilderNeedsAKeyProvider() {
    assertThatThrownBy(() -> VaultKvLeaseStore.builder(config).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("keyProvider");
  }

  // ------------------------------------------------------------------ VaultKeyProvider

  @Test
  void theStoreKeyComesFromVaultAndARotationInVaultIsPickedUp() {
    EncryptionKey k1 = EncryptionKey.generate();
    vault.putKv("secret/astra-vault/store-key", Map.of("key", k1.toBase64(), "key_id", k1.id()));
    VaultKeyProvider keys = VaultKeyProvider.of(config, KvPath.v2("secret", "astra-vault/store-key"), clock);
    assertThat(keys.currentKey()).isEqualTo(k1);
    assertThat(keys.toString()).contains(k1.id()).doesNotContain(k1.toBase64());

    VaultKvLeaseStore store = store(keys);
    LeaseRecord a = active("astra/org-1/reader/a", "orders", "ClientAAAAAAAAAAAAAAAAAA");
    store.insert(a);

    // An operator rotates in Vault; a second manager reads the new secret and writes under k2.
    EncryptionKey k2 = EncryptionKey.generate();
    vault.putKv("secret/astra-vault/store-key", Map.of("key", k2.toBase64(), "previous", k1.toBase64()));
    VaultKeyProvider fresh = VaultKeyProvider.of(config, KvPath.v2("secret", "astra-vault/store-key"), clock);
    VaultKvLeaseStore second = store(fresh);
    assertThat(second.get(a.leaseId()).orElseThrow().secret()).isEqualTo(a.secret());
    LeaseRecord b = active("astra/org-1/reader/b", "billing", "ClientBBBBBBBBBBBBBBBBBB");
    second.insert(b);
    assertThat(String.valueOf(vault.kv("secret/astra-vault/leases/astra~2Forg-1~2Freader~2Fb").orElseThrow()
        .get("secret_ct"))).startsWith("v1:" + k2.id() + ":");

    // The first manager meets k2's id: within the refresh interval it does not ask Vault again...
    assertThatThrownBy(() -> store.get(b.leaseId())).isInstanceOf(dev.astravault.SecretDecryptionException.class);
    // ...after it, it reads the secret again and decrypts.
    clock.advance(VaultKeyProvider.MIN_REFRESH_INTERVAL);
    assertThat(store.get(b.leaseId()).orElseThrow().secret()).isEqualTo(b.secret());
    assertThat(keys.currentKey()).isEqualTo(k2);
  }

  @Test
  void aBadKeySecretFailsNamingThePathButNeverTheKey() {
    EncryptionKey k1 = EncryptionKey.generate();
    EncryptionKey other = EncryptionKey.generate();
    vault.putKv("secret/keys/wrong-id", Map.of("key", k1.toBase64(), "key_id", other.id()));
    vault.putKv("kv/keys/short", Map.of("key", "c2hvcnQ="));
    vault.putKv("kv/keys/v1", Map.of("key", k1.toBase64()));

    Throwable wrongId = catchThrowable(() -> VaultKeyProvider.of(config, KvPath.v2("secret", "keys/wrong-id")));
    assertThat(wrongId).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret/keys/wrong-id")
        .hasMessageContaining(other.id()).hasMessageNotContaining(k1.toBase64());
    Throwable missing = catchThrowable(() -> VaultKeyProvider.of(config, KvPath.v2("secret", "keys/none")));
    assertThat(missing).isInstanceOf(StoreException.class).hasMessageContaining("secret/keys/none");
    Throwable malformed = catchThrowable(() -> VaultKeyProvider.of(config, KvPath.v1("kv", "keys/short")));
    assertThat(malformed).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("c2hvcnQ=");
    assertThat(VaultKeyProvider.of(config, KvPath.v1("kv", "keys/v1")).currentKey()).isEqualTo(k1);
  }

  /**
   * Why the keys could not be read is typed, so that a caller (the CLI) tells a wrong path from a Vault it could not
   * read without guessing from the cause. Before, all three were a bare StoreException.
   */
  @Test
  void aMissingKeyAndAnUnreadableVaultCarryTheirReason() {
    vault.putKv("secret/keys/no-key", Map.of("previous", EncryptionKey.generate().toBase64()));
    Throwable none = catchThrowable(() -> VaultKeyProvider.of(config, KvPath.v2("secret", "keys/none")));
    assertThat(none).isInstanceOf(VaultKeyException.class).hasMessageContaining("secret/keys/none").hasNoCause();
    assertThat(((VaultKeyException) none).reason()).isEqualTo(VaultKeyException.Reason.NO_SECRET);
    Throwable noKey = catchThrowable(() -> VaultKeyProvider.of(config, KvPath.v2("secret", "keys/no-key")));
    assertThat(((VaultKeyException) noKey).reason()).isEqualTo(VaultKeyException.Reason.NO_KEY);
    assertThat(noKey).hasMessageContaining("'key'");

    vault.seal();
    Throwable sealed = catchThrowable(() -> VaultKeyProvider.of(config, KvPath.v2("secret", "keys/none")));
    assertThat(sealed).isInstanceOf(VaultKeyException.class).hasMessageContaining("secret/keys/none")
        .hasCauseInstanceOf(VaultUnavailableException.class);
    assertThat(((VaultKeyException) sealed).reason()).isEqualTo(VaultKeyException.Reason.UNREADABLE);
  }

  // ------------------------------------------------------------------ org root tokens from Vault

  @Test
  void directModeTakesTheOrgAndItsRootTokenFromVaultAndNeverLogsIt() {
    astra.useClock(clock);
    FakeOrg fake = astra.defaultOrg();
    vault.putKv("secret/astra/orgs/prod", Map.of("org_id", fake.orgId(), "root_token", fake.rootToken(),
        "url", astra.url().toString(), "logical_name", "prod"));

    OrgConfig org = VaultOrgConfigs.read(config, KvPath.v2("secret", "astra/orgs/prod"));
    assertThat(org.orgId()).isEqualTo(fake.orgId());
    assertThat(org.logicalName()).isEqualTo("prod");

    ManualScheduler scheduler = new ManualScheduler(clock);
    List<String> events = new ArrayList<>();
    try (TokenManager tokens = TokenManager.builder().clock(clock).scheduler(scheduler).org(org)
        .auditSink(e -> events.add(e.toString())).build()) {
      tokens.writeRole(RoleSpec.builder().org("prod").name("reader").roleId(astra.roleId("API RO Svc Acct"))
          .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
      AstraToken token = tokens.request().org("prod").role("reader").logicalName("orders").issue();
      assertThat(astra.isLive(token.token())).isTrue();
      tokens.revoke(token.lease().leaseId());
      assertThat(astra.isLive(token.token())).isFalse();
    }
    List<String> texts = new ArrayList<>(logText());
    texts.addAll(events);
    texts.add(org.toString());
    assertThat(texts).isNotEmpty().allSatisfy(t -> assertThat(t).doesNotContain(fake.rootToken()));
  }

  @Test
  void allOrgsOfAFolderAreReadAndBadOnesAreNamedWithoutTheirToken() {
    String token = "AstraCS:" + "abcdefghijklmnopqrstuvwx" + ":" + "0123456789abcdef".repeat(4);
    vault.putKv("kv/astra/orgs/b", Map.of("orgId", "org-b", "rootToken", token));
    vault.putKv("kv/astra/orgs/a", Map.of("org_id", "org-a", "root_token", token, "logical_name", "alpha",
        "url", "https://astra.example.com"));
    vault.putKv("kv/astra/orgs/sub/ignored", Map.of("org_id", "x"));
    List<OrgConfig> orgs = VaultOrgConfigs.readAll(config, KvPath.v1("kv", "astra/orgs"));
    assertThat(orgs).extracting(OrgConfig::orgId).containsExactly("org-a", "org-b");
    assertThat(orgs.get(1).logicalName()).isEqualTo("org-b");
    assertThat(orgs.get(1).url()).isEqualTo(OrgConfig.DEFAULT_URL);

    vault.putKv("secret/astra/orgs/no-token", Map.of("org_id", "org-c"));
    vault.putKv("secret/astra/orgs/bad-token", Map.of("org_id", "org-d", "root_token", "AstraCS:leaked-value"));
    assertThatThrownBy(() -> VaultOrgConfigs.read(config, KvPath.v2("secret", "astra/orgs/no-token")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("root_token")
        .hasMessageContaining("secret/astra/orgs/no-token");
    assertThatThrownBy(() -> VaultOrgConfigs.read(config, KvPath.v2("secret", "astra/orgs/bad-token")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("leaked-value");
    assertThatThrownBy(() -> VaultOrgConfigs.read(config, KvPath.v2("secret", "astra/orgs/none")))
        .isInstanceOf(StoreException.class).hasMessageContaining("secret/astra/orgs/none");
  }

  @Test
  void aUrlThatDoesNotParseIsNamedWithoutQuotingIt() {
    String token = "AstraCS:" + "abcdefghijklmnopqrstuvwx" + ":" + "0123456789abcdef".repeat(4);
    // The root token in the url field (with the newline of the file it came from), and a password in user info.
    vault.putKv("secret/astra/orgs/swapped", Map.of("org_id", "org-e", "root_token", token, "url", token + "\n"));
    vault.putKv("secret/astra/orgs/user-info", Map.of("org_id", "org-f", "root_token", token,
        "url", "https://ops:hunter2 @gateway.example"));
    for (String name : List.of("swapped", "user-info")) {
      assertThatThrownBy(() -> VaultOrgConfigs.read(config, KvPath.v2("secret", "astra/orgs/" + name)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret/astra/orgs/" + name)
          .hasMessageContaining("url").hasMessageNotContaining("0123456789abcdef")
          .hasMessageNotContaining("hunter2");
    }
  }
}
