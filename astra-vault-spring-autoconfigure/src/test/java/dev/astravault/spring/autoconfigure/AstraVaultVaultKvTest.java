package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.EncryptionKey;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.Org;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.VaultRequest;
import dev.astravault.vault.VaultKvLeaseStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Secrets from Vault KV, against FakeVault: the {@code vault-kv} lease store ({@code astra.vault.store.type}), its
 * encryption key ({@code astra.vault.store.key-vault-path}) and orgs with their root tokens
 * ({@code astra.vault.orgs-vault-path}), in direct and vault mode, and what each bad setting reports.
 */
class AstraVaultVaultKvTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  // A root token that cannot occur in messages by chance (the default is "root").
  @RegisterExtension static final FakeVault vault = FakeVault.builder().rootToken("hvs.fake-vault-root-4f1c9a7e")
      .build();

  static final String KEY_PATH = "astra-vault/store-key";

  final EncryptionKey key = EncryptionKey.generate();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  Logger ours;
  Level previous;

  /** Everything astra-vault logs, down to DEBUG, is captured (and not printed: the appender is ours only). */
  @BeforeEach
  void captureLogs() {
    ours = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.astravault");
    previous = ours.getLevel();
    ours.setLevel(Level.DEBUG);
    ours.setAdditive(false);
    logs.start();
    ours.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ours.detachAppender(logs);
    ours.setAdditive(true);
    ours.setLevel(previous);
  }

  private void assertNoLogContains(String secret) {
    List<String> lines = new ArrayList<>();
    logs.list.forEach(e -> {
      lines.add(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        lines.add(e.getThrowableProxy().getMessage());
      }
    });
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(secret));
  }

  private static String[] connection() {
    return new String[] {"astra.vault.vault.uri=" + vault.address(), "astra.vault.vault.token=" + vault.rootToken()};
  }

  /** FakeAstra's org, role and startup token, the Vault connection and the vault-kv store with its key in Vault. */
  private ApplicationContextRunner vaultKvStore() {
    vault.putKv("secret/" + KEY_PATH, Map.of("key", key.toBase64(), "key_id", key.id()));
    return FakeAstraContext.withFakeAstra(astra).withPropertyValues(connection()).withPropertyValues(
        "astra.vault.store.type=vault-kv", "astra.vault.store.vault-kv.path-prefix=svc/orders",
        "astra.vault.store.key-vault-path=" + KEY_PATH);
  }

  /** The one stored lease entry under {@code prefix}. */
  private static Map<String, Object> storedLease(String prefix) {
    List<String> keys = vault.kvKeys("secret/").stream().filter(k -> k.startsWith(prefix + "/leases/")).toList();
    assertThat(keys).hasSize(1);
    return vault.kv("secret/" + keys.get(0)).orElseThrow();
  }

  /** The analysis Boot would print, after checking that no message in the chain holds a secret. */
  private static FailureAnalysis analysis(AssertableApplicationContext context, String... more) {
    List<String> list = new ArrayList<>(List.of(more));
    list.add(astra.defaultOrg().rootToken());
    list.add(vault.rootToken());
    String[] secrets = list.toArray(String[]::new);
    assertThat(context).hasFailed();
    Throwable failure = context.getStartupFailure();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(secrets);
    }
    FailureAnalysis analysis = new AstraVaultFailureAnalyzer().analyze(failure);
    assertThat(analysis).as("analysis of %s", failure).isNotNull();
    assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain(secrets);
    return analysis;
  }

  // ------------------------------------------------------------------ the vault-kv store

  @Test
  void theStartupTokenIsLeasedInVaultKvEncryptedUnderTheKeyFromVault() {
    vaultKvStore().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(LeaseStore.class)).isInstanceOf(VaultKvLeaseStore.class);
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(astra.isLive(token.current())).isTrue();
      String secret = token.snapshot().astraToken().secret();

      Map<String, Object> stored = storedLease("svc/orders");
      assertThat(stored).containsEntry("lease_id", token.snapshot().leaseId());
      assertThat(String.valueOf(stored.get("secret_ct"))).startsWith("v1:" + key.id() + ":");
      assertThat(stored.toString()).doesNotContain(token.current(), secret);
      assertThat(vault.kvKeys("secret/")).contains("svc/orders/orgs/" + astra.defaultOrg().orgId());
      for (VaultRequest r : vault.requests()) {
        assertThat(r.body()).doesNotContain(token.current(), secret, astra.defaultOrg().rootToken(), key.toBase64());
      }
      assertNoLogContains(token.current());
    });
    assertThat(astra.liveTokens()).isEmpty();
    assertNoLogContains(key.toBase64());
  }

  @Test
  void aRestartedServiceAdoptsItsLeaseFromVaultKv() {
    String[] first = new String[1];
    vaultKvStore().withPropertyValues("astra.vault.revoke-on-shutdown=false").run(context -> {
      assertThat(context).hasNotFailed();
      first[0] = context.getBean(ManagedToken.class).current();
    });
    assertThat(astra.isLive(first[0])).isTrue();

    // A new process: nothing in memory, the store and its key are in Vault.
    vaultKvStore().run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(ManagedToken.class).current()).isEqualTo(first[0]);
      assertThat(astra.liveTokens()).hasSize(1);
    });
  }

  @Test
  void vaultModeCanKeepItsLeasesInVaultKvToo() {
    vaultKvStore().withPropertyValues("astra.vault.mode=vault").run(context -> {
      assertThat(context).hasNotFailed();
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(astra.isLive(token.current())).isTrue();
      assertThat(vault.leases()).isNotEmpty();
      assertThat(storedLease("svc/orders")).containsEntry("lease_id", token.snapshot().leaseId());
    });
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void theKeyMayComeFromTheEnvironmentOrAFileInstead() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("astra-vault-key", ".txt");
    try {
      java.nio.file.Files.writeString(file, key.toBase64() + "\n");
      FakeAstraContext.withFakeAstra(astra).withPropertyValues(connection()).withPropertyValues(
          "astra.vault.store.type=vault-kv", "astra.vault.store.key-file=" + file).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(String.valueOf(storedLease("astra-vault").get("secret_ct")))
                .startsWith("v1:" + key.id() + ":");
          });
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void theStoreKeyFromVaultAlsoEncryptsASqliteStore() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("astra-vault-sqlite");
    vault.putKv("secret/" + KEY_PATH, Map.of("key", key.toBase64()));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues(connection()).withPropertyValues(
        "astra.vault.store.type=sqlite", "astra.vault.store.sqlite-file=" + dir.resolve("leases.db"),
        "astra.vault.store.key-vault-path=" + KEY_PATH).run(context -> {
          assertThat(context).hasNotFailed();
          ManagedToken token = context.getBean(ManagedToken.class);
          // Read back through a store that has the key: the secret was sealed under it.
          assertThat(context.getBean(LeaseStore.class).get(token.snapshot().leaseId()).orElseThrow().secret())
              .contains(token.snapshot().astraToken().secret());
          assertThat(vault.requests()).anySatisfy(r -> assertThat(r.path()).endsWith("/" + KEY_PATH));
        });
  }

  /**
   * The key on a KV version 1 mount ({@code vault secrets enable -path=kv kv}) with {@code kv-version} unset: its
   * version is asked of Vault. Before, the key was read as KV v2 (the old default) and startup failed with "no
   * encryption key" for a key that was there. A mount that is not KV fails startup naming it.
   */
  @Test
  void theStoreKeyIsReadFromAKvVersion1MountWithoutSayingSo() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("astra-vault-sqlite");
    vault.putKv("kv/" + KEY_PATH, Map.of("key", key.toBase64()));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues(connection()).withPropertyValues(
        "astra.vault.store.type=sqlite", "astra.vault.store.sqlite-file=" + dir.resolve("leases.db"),
        "astra.vault.vault.kv-mount=kv", "astra.vault.store.key-vault-path=" + KEY_PATH).run(context -> {
          assertThat(context).hasNotFailed();
          ManagedToken token = context.getBean(ManagedToken.class);
          assertThat(context.getBean(LeaseStore.class).get(token.snapshot().leaseId()).orElseThrow().secret())
              .contains(token.snapshot().astraToken().secret());
          assertThat(vault.requests()).anySatisfy(r -> assertThat(r.path()).isEqualTo("/v1/kv/" + KEY_PATH));
        });
    String astraMount = vault.astraMount().replaceAll("/$", "");
    FakeAstraContext.withFakeAstra(astra).withPropertyValues(connection()).withPropertyValues(
        "astra.vault.store.type=sqlite", "astra.vault.store.sqlite-file=" + dir.resolve("other.db"),
        "astra.vault.vault.kv-mount=" + astraMount, "astra.vault.store.key-vault-path=" + KEY_PATH).run(context ->
            assertThat(analysis(context, key.toBase64()).getDescription())
                .contains("astra.vault.store.key-vault-path", "mount '" + astraMount + "'", "not KV"));
  }

  // ------------------------------------------------------------------ orgs from Vault

  /** FakeAstra's role and startup token, without any org property. */
  private static ApplicationContextRunner withoutOrgProperties() {
    return withoutOrgOrVaultProperties().withPropertyValues(connection());
  }

  private static ApplicationContextRunner withoutOrgOrVaultProperties() {
    List<String> properties = new ArrayList<>();
    for (String p : FakeAstraContext.properties(astra)) {
      if (!p.startsWith("astra.vault.orgs[")) {
        properties.add(p);
      }
    }
    return FakeAstraContext.runner().withUserConfiguration(FakeAstraContext.ManualTime.class)
        .withPropertyValues(properties.toArray(String[]::new));
  }

  private static Map<String, String> orgSecret(FakeOrg org, String logicalName) {
    return Map.of("org_id", org.orgId(), "root_token", org.rootToken(), "url", astra.url().uri().toString(),
        "logical_name", logicalName);
  }

  @Test
  void theOrgAndItsRootTokenComeFromVaultAndAreNeverShown() {
    FakeOrg org = astra.defaultOrg();
    vault.putKv("secret/astra/orgs/prod", orgSecret(org, "prod"));
    withoutOrgProperties().withPropertyValues("astra.vault.orgs-vault-path=astra/orgs/prod").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(TokenManager.class).orgs()).extracting(Org::logicalName).containsExactly("prod");
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(astra.isLive(token.current())).isTrue();
      assertThat(token.snapshot().info().orgId()).isEqualTo(org.orgId());
      assertThat(context.getBean(AstraVaultProperties.class).toString()).doesNotContain(org.rootToken());
      assertThat(context.getBean(AstraTokensEndpoint.class).leases().toString()).doesNotContain(org.rootToken());
    });
    assertThat(astra.liveTokens()).isEmpty();
    assertNoLogContains(org.rootToken());
  }

  @Test
  void aFolderOnAKvV1MountGivesEveryOrgInIt() {
    FakeOrg second = astra.addOrg();
    vault.putKv("kv/teams/orgs/a-prod", orgSecret(astra.defaultOrg(), "prod"));
    vault.putKv("kv/teams/orgs/b-staging", orgSecret(second, "staging"));
    withoutOrgProperties().withPropertyValues("astra.vault.vault.kv-mount=kv", "astra.vault.vault.kv-version=1",
        "astra.vault.orgs-vault-path=teams/orgs/", "astra.vault.token.org=prod", "astra.vault.roles[0].org=prod")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(TokenManager.class).orgs()).extracting(Org::logicalName)
              .containsExactlyInAnyOrder("prod", "staging");
          assertThat(astra.isLive(context.getBean(ManagedToken.class).current())).isTrue();
        });
  }

  /**
   * Orgs on a KV version 1 mount with {@code kv-version} unset: the version is asked of Vault, one secret or a folder.
   * Before, they were read as KV v2 (the default) and startup failed with "no org config" for an org that was there.
   * A mount that is not KV fails startup naming it.
   */
  @Test
  void orgsAreReadFromAKvVersion1MountWithoutSayingSo() {
    FakeOrg second = astra.addOrg();
    vault.putKv("kv/teams/v1/a-prod", orgSecret(astra.defaultOrg(), "prod"));
    vault.putKv("kv/teams/v1/b-staging", orgSecret(second, "staging"));
    withoutOrgProperties().withPropertyValues("astra.vault.vault.kv-mount=kv",
        "astra.vault.orgs-vault-path=teams/v1/a-prod").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(TokenManager.class).orgs()).extracting(Org::logicalName).containsExactly("prod");
        });
    withoutOrgProperties().withPropertyValues("astra.vault.vault.kv-mount=kv", "astra.vault.orgs-vault-path=teams/v1/",
        "astra.vault.token.org=prod", "astra.vault.roles[0].org=prod").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(TokenManager.class).orgs()).extracting(Org::logicalName)
              .containsExactlyInAnyOrder("prod", "staging");
        });
    assertThat(vault.requests()).anySatisfy(r -> assertThat(r.path()).startsWith("/v1/sys/internal/ui/mounts/kv/"));
    String astraMount = vault.astraMount().replaceAll("/$", "");
    withoutOrgProperties().withPropertyValues("astra.vault.vault.kv-mount=" + astraMount,
        "astra.vault.orgs-vault-path=teams/v1/a-prod").run(context ->
            assertThat(analysis(context).getDescription())
                .contains("astra.vault.orgs-vault-path", "mount '" + astraMount + "'", "not KV"));
  }

  // ------------------------------------------------------------------ bad settings

  @Test
  void theVaultKvStoreWithoutAVaultUriSaysWhichPropertyIsMissing() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.store.type=vault-kv").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.store.type=vault-kv needs astra.vault.vault.uri");
      assertThat(a.getAction()).contains("astra.vault.vault.uri");
    });
  }

  @Test
  void aMissingKeySecretNamesThePathAndSaysHowToWriteIt() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues(connection()).withPropertyValues(
        "astra.vault.store.type=vault-kv", "astra.vault.store.key-vault-path=astra-vault/none").run(context -> {
          FailureAnalysis a = analysis(context);
          assertThat(a.getDescription()).contains("astra.vault.store.key-vault-path", "secret/astra-vault/none");
          assertThat(a.getAction()).contains("vault kv put secret/astra-vault/none key=");
        });
  }

  @Test
  void aKeyWhoseIdDoesNotMatchFailsWithoutShowingTheKey() {
    EncryptionKey other = EncryptionKey.generate();
    vault.putKv("secret/" + KEY_PATH, Map.of("key", key.toBase64(), "key_id", other.id()));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues(connection()).withPropertyValues(
        "astra.vault.store.type=vault-kv", "astra.vault.store.key-vault-path=" + KEY_PATH).run(context -> {
          FailureAnalysis a = analysis(context, key.toBase64());
          assertThat(a.getDescription()).contains(KEY_PATH, other.id());
        });
  }

  @Test
  void aSealedVaultAtStartupIsReportedNamingTheProperty() {
    vault.putKv("secret/" + KEY_PATH, Map.of("key", key.toBase64()));
    vault.seal();
    try {
      vaultKvStore().run(context -> {
        FailureAnalysis a = analysis(context, key.toBase64());
        assertThat(a.getDescription()).contains("astra.vault.store.key-vault-path", "sealed");
      });
    } finally {
      vault.unseal();
    }
  }

  @Test
  void theVaultKvStoreNeedsKvVersion2AndKeepsSecrets() {
    vaultKvStore().withPropertyValues("astra.vault.vault.kv-version=1").run(context ->
        assertThat(analysis(context).getDescription()).contains("KV version 2", "kv-version is 1"));
    vaultKvStore().withPropertyValues("astra.vault.store.metadata-only=true").run(context ->
        assertThat(analysis(context).getAction()).contains("astra.vault.store.metadata-only"));
    vaultKvStore().withPropertyValues("astra.vault.vault.kv-version=3").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasRootCauseMessage(
          "astra.vault.vault.kv-version must be 1 or 2, was 3");
      BindException bind = null;
      for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
        bind = t instanceof BindException b ? b : bind;
      }
      assertThat(bind).isNotNull();
      assertThat(bind.getProperty().getName().toString()).isEqualTo("astra.vault.vault.kv-version");
    });
  }

  /**
   * A vault-kv store on a KV version 1 mount fails startup naming the mount and the version it needs, before anything
   * is written. Before, nothing asked: the startup token's first write failed with a store error that no analyzer
   * explained (and on a service without a startup token, every read found nothing until the first write).
   */
  @Test
  void aVaultKvStoreOnAKvVersion1MountFailsStartupNamingTheMountAndTheVersionItNeeds() {
    vault.putKv("kv/" + KEY_PATH, Map.of("key", key.toBase64()));   // the key may sit on KV v1 (looked up)
    FakeAstraContext.withFakeAstra(astra).withPropertyValues(connection()).withPropertyValues(
        "astra.vault.store.type=vault-kv", "astra.vault.vault.kv-mount=kv",
        "astra.vault.store.vault-kv.path-prefix=svc/on-v1", "astra.vault.store.key-vault-path=" + KEY_PATH)
        .run(context -> {
          FailureAnalysis a = analysis(context, key.toBase64());
          assertThat(a.getDescription()).contains("astra.vault.vault.kv-mount=kv",
              "mount 'kv' is a KV version 1 engine", "needs KV version 2");
          assertThat(a.getAction()).contains("vault kv enable-versioning kv");
        });
    assertThat(vault.kvKeys("kv")).noneMatch(k -> k.startsWith("svc/on-v1"));
  }

  @Test
  void aBadOrgSecretNamesThePathAndFieldButNeverTheRootToken() {
    String leaked = "AstraCS:leaked-value";
    vault.putKv("secret/astra/orgs/no-token", Map.of("org_id", "org-c"));
    vault.putKv("secret/astra/orgs/bad-token", Map.of("org_id", "org-d", "root_token", leaked));
    withoutOrgProperties().withPropertyValues("astra.vault.orgs-vault-path=astra/orgs/no-token").run(context -> {
      FailureAnalysis a = analysis(context);
      assertThat(a.getDescription()).contains("astra.vault.orgs-vault-path", "secret/astra/orgs/no-token",
          "root_token");
    });
    withoutOrgProperties().withPropertyValues("astra.vault.orgs-vault-path=astra/orgs/bad-token").run(context ->
        analysis(context, "leaked-value"));
    withoutOrgProperties().withPropertyValues("astra.vault.orgs-vault-path=astra/orgs/none").run(context ->
        assertThat(analysis(context).getAction()).contains("vault kv put secret/astra/orgs/none org_id="));
    withoutOrgProperties().withPropertyValues("astra.vault.orgs-vault-path=astra/empty/").run(context ->
        assertThat(analysis(context).getDescription()).contains("astra.vault.orgs-vault-path"));
  }

  @Test
  void orgsFromVaultWithoutAVaultUriSayWhichPropertyIsMissing() {
    withoutOrgOrVaultProperties().withPropertyValues("astra.vault.orgs-vault-path=astra/orgs/prod")
        .run(context -> assertThat(analysis(context).getDescription())
            .contains("astra.vault.orgs-vault-path needs astra.vault.vault.uri"));
  }
}
