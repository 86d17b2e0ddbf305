package dev.astravault.store;

import static dev.astravault.store.EncryptionAtRestTest.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.ConflictException;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.Role;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.OrgConfigDeleted;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An org whose stored config no longer loads (a rewritten or credentialed unparseable URL, a tampered root token, a
 * root token sealed under a key this instance lacks) is deleted through {@link TokenManager#deleteOrg}, by id or
 * logical name, in every durable store; as for a readable org, a lease still refuses the deletion and the org's roles
 * are kept. The audit event carries the org id only.
 */
class UnreadableOrgDeletionTest {
  static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  static final KeyProvider OTHER_KEYS = KeyProvider.of(EncryptionKey.generate());
  static final String PASSWORD = "hunter2-in-a-url";
  static final AtomicInteger PREFIXES = new AtomicInteger();

  @RegisterExtension static final FakeVault vault = FakeVault.create();

  @TempDir Path dir;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** A durable store kind: how to open it on the same data, and how to rewrite a field of its org-1 row. */
  interface Kind {
    LeaseStore open(KeyProvider keys);

    void rewriteOrg(String field, String value) throws Exception;
  }

  Kind sqlite() {
    Path file = dir.resolve("leases.db");
    return jdbc("jdbc:sqlite:" + file, null, null, keys -> JdbcLeaseStore.sqlite(file, keys));
  }

  Kind postgres() {
    String url = EmbeddedPg.newDatabase("unreadable");
    return jdbc(url, "postgres", "postgres", keys -> JdbcLeaseStore.builder().jdbcUrl(url)
        .credentials("postgres", "postgres").keyProvider(keys).build());
  }

  static Kind jdbc(String url, String user, String password, Function<KeyProvider, LeaseStore> opener) {
    return new Kind() {
      @Override
      public LeaseStore open(KeyProvider keys) {
        return opener.apply(keys);
      }

      @Override
      public void rewriteOrg(String field, String value) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
          s.executeUpdate("UPDATE av_org SET " + field + " = '" + value + "' WHERE org_id = 'org-1'");
        }
      }
    };
  }

  /** A Vault KV store under {@code prefix} of {@code vault}'s {@code secret} mount. */
  static Kind vaultKv(FakeVault vault, String prefix) {
    return new Kind() {
      @Override
      public LeaseStore open(KeyProvider keys) {
        return VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()),
            VaultAuth.token(vault.rootToken()))).mount("secret").pathPrefix(prefix).keyProvider(keys).build();
      }

      @Override
      public void rewriteOrg(String field, String value) {
        String path = "secret/" + prefix + "/orgs/org-1";
        Map<String, Object> data = new LinkedHashMap<>(vault.kv(path).orElseThrow());
        data.put(field, value);
        vault.putKv(path, data);
      }
    };
  }

  Kind kind(String name) {
    return switch (name) {
      case "sqlite" -> sqlite();
      case "postgres" -> postgres();
      case "vault-kv" -> vaultKv(vault, "apps/unreadable-" + PREFIXES.incrementAndGet());
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** The damage done to org-1's stored config. */
  enum Damage { URL_REWRITTEN, URL_UNPARSEABLE_WITH_CREDENTIALS, ROOT_TOKEN_TAMPERED, KEY_LOST }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String kind : List.of("sqlite", "postgres", "vault-kv")) {
      for (Damage damage : Damage.values()) {
        out.add(Arguments.of(kind, damage, damage.ordinal() % 2 == 0 ? "org-1" : "acme"));
      }
    }
    return out.stream();
  }

  static final Role ROLE = new Role("org-1", "reader", "rid", Duration.ofHours(1), Duration.ofHours(2));

  /** Writes org-1 and its role with the store key, damages the row, and opens a manager on the damaged store. */
  TokenManager damaged(Kind kind, Damage damage, List<AuditEvent> events, boolean withLease) throws Exception {
    try (LeaseStore writer = kind.open(KEYS)) {
      writer.putOrg(EncryptionAtRestTest.org());
      writer.putRole(ROLE);
      if (withLease) {
        writer.insert(EncryptionAtRestTest.active("astra/org-1/reader/a"));
      }
    }
    switch (damage) {
      case URL_REWRITTEN -> kind.rewriteOrg("url", "https://collector.example.net");
      case URL_UNPARSEABLE_WITH_CREDENTIALS -> kind.rewriteOrg("url", "https://ops:" + PASSWORD + "@astra example.com");
      case ROOT_TOKEN_TAMPERED -> kind.rewriteOrg("root_token_ct", "v1:" + KEYS.currentKey().id() + ":AAAAAAAAAAAA");
      case KEY_LOST -> { }
      default -> throw new IllegalStateException();
    }
    LeaseStore store = kind.open(damage == Damage.KEY_LOST ? OTHER_KEYS : KEYS);
    open.add(store);
    MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    TokenManager tokens = TokenManager.builder().leaseStore(store).clock(clock).scheduler(new ManualScheduler(clock))
        .auditSink(events::add).sweepInterval(Duration.ZERO).recoveryInterval(Duration.ZERO).build();
    open.add(0, tokens);
    assertThatThrownBy(() -> tokens.org("org-1")).as("the row no longer loads").isInstanceOf(StoreException.class)
        .hasMessageNotContaining(ROOT).hasMessageNotContaining(PASSWORD);
    return tokens;
  }

  @ParameterizedTest(name = "{0}, {1}, deleted by {2}")
  @MethodSource("cases")
  void anOrgWhoseRowNoLongerLoadsIsDeletedByIdOrLogicalName(String kindName, Damage damage, String deleteBy)
      throws Exception {
    Kind kind = kind(kindName);
    List<AuditEvent> events = new ArrayList<>();
    TokenManager tokens = damaged(kind, damage, events, false);
    LeaseStore store = (LeaseStore) open.get(open.size() - 1);

    tokens.deleteOrg(deleteBy);

    assertThat(store.storedOrgId("org-1")).isEmpty();
    assertThat(store.storedOrgId("acme")).isEmpty();
    assertThat(tokens.org("org-1")).isEmpty();
    assertThat(tokens.orgs()).isEmpty();
    // Read with the key that tagged them: with another key (KEY_LOST) a role is as unreadable as the org was.
    try (LeaseStore keyHolder = kind.open(KEYS)) {
      assertThat(keyHolder.roles("org-1")).as("roles are kept, as when a readable org is deleted")
          .containsExactly(ROLE);
    }
    assertThat(events).filteredOn(OrgConfigDeleted.class::isInstance).singleElement()
        .satisfies(e -> assertThat(((OrgConfigDeleted) e).org()).isEqualTo("org-1"));
    assertThat(events.toString()).doesNotContain(ROOT).doesNotContain(PASSWORD).doesNotContain("collector");
    tokens.deleteOrg("org-1");   // gone: the rule for unknown ids, a silent success
    assertThat(events).filteredOn(OrgConfigDeleted.class::isInstance).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgres", "vault-kv"})
  void aLeaseStillRefusesTheDeletion(String kindName) throws Exception {
    Kind kind = kind(kindName);
    List<AuditEvent> events = new ArrayList<>();
    TokenManager tokens = damaged(kind, Damage.URL_REWRITTEN, events, true);
    LeaseStore store = (LeaseStore) open.get(open.size() - 1);

    assertThatThrownBy(() -> tokens.deleteOrg("acme")).isInstanceOf(ConflictException.class)
        .hasMessageContaining("org-1").hasMessageContaining("1 lease");
    assertThat(store.storedOrgId("org-1")).contains("org-1");
    assertThat(events).noneMatch(OrgConfigDeleted.class::isInstance);

    assertThat(store.delete(store.get("astra/org-1/reader/a").orElseThrow())).isTrue();
    tokens.deleteOrg("org-1");
    assertThat(store.storedOrgId("org-1")).isEmpty();
  }
}
