package dev.astravault.store;

import static dev.astravault.store.EncryptionAtRestTest.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.Org;
import dev.astravault.OrgConfig;
import dev.astravault.StoreException;
import dev.astravault.TokenManager;
import dev.astravault.store.UnreadableOrgDeletionTest.Damage;
import dev.astravault.store.UnreadableOrgDeletionTest.Kind;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * One org config a store cannot read (a rewritten or credentialed unparseable URL, a tampered root token, a key this
 * instance lacks) does not break the other orgs: a lookup by logical name opens only the org it finds, and the
 * listings ({@link LeaseStore#orgs}, {@link TokenManager#orgs}) leave the unreadable org out, warn once naming its
 * id (never a value), and {@link LeaseStore#storedOrgIds} still counts it.
 */
class UnreadableOrgListingTest {
  static final String PASSWORD = UnreadableOrgDeletionTest.PASSWORD;
  static final AtomicInteger PREFIXES = new AtomicInteger();

  @RegisterExtension static final FakeVault vault = FakeVault.create();

  @TempDir Path dir;
  final List<AutoCloseable> open = new ArrayList<>();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  final List<Logger> watched = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    watched.forEach(l -> l.detachAppender(logs));
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  Kind kind(String name) {
    return switch (name) {
      case "sqlite" -> {
        Path file = dir.resolve("leases.db");
        yield UnreadableOrgDeletionTest.jdbc("jdbc:sqlite:" + file, null, null,
            keys -> JdbcLeaseStore.sqlite(file, keys));
      }
      case "postgres" -> {
        String url = EmbeddedPg.newDatabase("orglisting");
        yield UnreadableOrgDeletionTest.jdbc(url, "postgres", "postgres", keys -> JdbcLeaseStore.builder()
            .jdbcUrl(url).credentials("postgres", "postgres").keyProvider(keys).build());
      }
      case "vault-kv" -> UnreadableOrgDeletionTest.vaultKv(vault, "apps/org-listing-" + PREFIXES.incrementAndGet());
      default -> throw new IllegalArgumentException(name);
    };
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String kind : List.of("sqlite", "postgres", "vault-kv")) {
      for (Damage damage : Damage.values()) {
        out.add(Arguments.of(kind, damage));
      }
    }
    return out.stream();
  }

  static OrgConfig org(String id, String logicalName) {
    return OrgConfig.builder().orgId(id).logicalName(logicalName).url(URI.create("https://astra.example.com"))
        .rootToken(ROOT).build();
  }

  /** org-1 (acme) damaged; org-0 (alpha) and org-2 (beta) written by the store that reads them. */
  LeaseStore damaged(Kind kind, Damage damage) throws Exception {
    KeyProvider keys = UnreadableOrgDeletionTest.KEYS;
    try (LeaseStore writer = kind.open(keys)) {
      writer.putOrg(EncryptionAtRestTest.org());
    }
    switch (damage) {
      case URL_REWRITTEN -> kind.rewriteOrg("url", "https://collector.example.net");
      case URL_UNPARSEABLE_WITH_CREDENTIALS -> kind.rewriteOrg("url", "https://ops:" + PASSWORD + "@astra example.com");
      case ROOT_TOKEN_TAMPERED -> kind.rewriteOrg("root_token_ct", "v1:" + keys.currentKey().id() + ":AAAAAAAAAAAA");
      case KEY_LOST -> keys = UnreadableOrgDeletionTest.OTHER_KEYS;
      default -> throw new IllegalStateException();
    }
    LeaseStore store = kind.open(keys);
    open.add(store);
    Logger log = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(store.getClass().getName());
    log.addAppender(logs);
    watched.add(log);
    logs.start();
    store.putOrg(org("org-0", "alpha"));
    store.putOrg(org("org-2", "beta"));
    return store;
  }

  TokenManager manager(LeaseStore store) {
    MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    TokenManager tokens = TokenManager.builder().leaseStore(store).clock(clock).scheduler(new ManualScheduler(clock))
        .sweepInterval(Duration.ZERO).recoveryInterval(Duration.ZERO).build();
    open.add(0, tokens);
    return tokens;
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("cases")
  void oneUnreadableOrgLeavesTheOthersReadable(String kindName, Damage damage) throws Exception {
    LeaseStore store = damaged(kind(kindName), damage);
    TokenManager tokens = manager(store);

    assertThat(store.orgByLogicalName("beta")).map(OrgConfig::orgId).contains("org-2");
    assertThat(store.orgByLogicalName("nope")).isEmpty();
    assertThat(tokens.org("beta")).map(Org::orgId).contains("org-2");
    assertThat(tokens.org("alpha")).map(Org::orgId).contains("org-0");
    assertThat(store.orgs()).map(OrgConfig::orgId).containsExactly("org-0", "org-2");
    assertThat(tokens.orgs()).map(Org::orgId).containsExactly("org-0", "org-2");
    assertThat(store.storedOrgIds()).as("the unreadable org is still counted").containsExactly("org-0", "org-1",
        "org-2");
    // The damaged org itself still fails, by id and by logical name: absence would be a lie.
    assertThatThrownBy(() -> tokens.org("org-1")).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> tokens.org("acme")).isInstanceOf(StoreException.class)
        .hasMessageNotContaining(ROOT).hasMessageNotContaining(PASSWORD);
    // A new org can be written next to it, and the damaged org's logical name stays taken.
    store.putOrg(org("org-3", "gamma"));
    assertThatThrownBy(() -> store.putOrg(org("org-4", "acme"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("acme");
    assertThat(tokens.orgs()).map(Org::orgId).containsExactly("org-0", "org-2", "org-3");

    List<String> warnings = logs.list.stream().filter(e -> e.getLevel().toString().equals("WARN"))
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("org-1")).toList();
    assertThat(warnings).as("one WARN naming the org, however often it is listed").hasSize(1);
    assertThat(warnings.get(0)).doesNotContain(ROOT).doesNotContain(PASSWORD).doesNotContain("collector");
    assertThat(logs.list).map(ILoggingEvent::getFormattedMessage)
        .allSatisfy(m -> assertThat(m).doesNotContain(ROOT).doesNotContain(PASSWORD));
  }
}
