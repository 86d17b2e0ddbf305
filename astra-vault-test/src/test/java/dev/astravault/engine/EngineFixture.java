package dev.astravault.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.AstraVaultException;
import dev.astravault.AuditSink;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.astra.RetryPolicy;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * One FakeAstra, a manual clock and scheduler, a recording audit sink and recorded back-off waits: a TokenManager
 * whose every effect a test can see, and whose time a test drives.
 */
final class EngineFixture implements AutoCloseable {
  static final String ORG = "acme";
  static final String ROLE = "api_ro_svc_acct";

  final FakeAstra astra;
  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  final FakeOrg fakeOrg;
  final OrgConfig org;
  final Backend backend;
  /** In the Vault backends: the Vault whose Astra plugin mints tokens on {@link #astra}. */
  final @Nullable FakeVault vault;
  TokenManager tokens;

  EngineFixture(FakeAstra astra) {
    this(astra, Backend.DIRECT, b -> {});
  }

  EngineFixture(FakeAstra astra, Backend backend) {
    this(astra, backend, b -> {});
  }

  EngineFixture(FakeAstra astra, Consumer<TokenManagerBuilder> customizer) {
    this(astra, Backend.DIRECT, customizer);
  }

  EngineFixture(FakeAstra astra, Backend backend, Consumer<TokenManagerBuilder> customizer) {
    this(astra, backend, customizer, null);
  }

  /**
   * @param astraHttp the HTTP client that calls FakeAstra: this library's in direct mode, the plugin's in Vault mode
   *     (where the library's own, for what the plugin does not offer, uses it too); null for the defaults
   */
  EngineFixture(FakeAstra astra, Backend backend, Consumer<TokenManagerBuilder> customizer,
      @Nullable OkHttpClient astraHttp) {
    this.astra = astra;
    this.backend = backend;
    astra.useClock(clock);
    this.fakeOrg = astra.defaultOrg();
    this.org = OrgConfig.builder().orgId(fakeOrg.orgId()).rootToken(fakeOrg.rootToken()).url(astra.url().uri())
        .logicalName(ORG).build();
    TokenManagerBuilder builder = TokenManager.builder().clock(clock).scheduler(scheduler).org(org)
        .sweepInterval(Duration.ofMinutes(1))
        .auditSink(events::add)
        .auditSink(AuditSink.slf4j())
        .callTimeout(Duration.ofSeconds(5))
        .astraClient(c -> {
          c.sleeper(sleeps::add).retryPolicy(RetryPolicy.of(4, Duration.ofMillis(100), Duration.ofSeconds(10)));
          if (astraHttp != null) {
            c.httpClient(astraHttp);
          }
        });
    PluginBehaviour plugin = backend.plugin;
    if (plugin != null) {
      // v2.0.0 accepts only 204 on delete (Astra's spec says 200): see Backend.VAULT_V2_0_0.
      astra.deleteStatus(plugin == PluginBehaviour.V2_0_0 ? 204 : 200);
      FakeVault.Builder vaultBuilder = FakeVault.builder().clock(clock).pluginBehaviour(plugin);
      if (astraHttp != null) {
        vaultBuilder.astraHttpClient(astraHttp);
      }
      vault = vaultBuilder.build().start();
      builder.vault(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken())));
    } else {
      vault = null;
    }
    customizer.accept(builder);
    this.tokens = builder.build();
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  <T extends AuditEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * Asserts that {@code e} is the type this backend documents for a failure at Astra (docs/vault.md, "Errors"), and
   * that its message names {@code cause}. Direct mode raises its own typed Astra exception ({@code directType}); in
   * Vault mode the plugin makes the Astra call and reports the failure as a 500 with text, which the library raises
   * as exactly {@link AstraVaultException} quoting that text.
   */
  void assertAstraFailure(Throwable e, Class<? extends AstraVaultException> directType, String cause) {
    if (backend == Backend.DIRECT) {
      assertThat(e).isInstanceOf(directType);
    } else {
      assertThat(e).isExactlyInstanceOf(AstraVaultException.class);
    }
    assertThat(e).hasMessageContaining(cause);
  }

  int posts() {
    return astra.requestCount("POST", "/v2/clientIdSecrets");
  }

  @Override
  public void close() {
    tokens.close();
    if (vault != null) {
      vault.close();
      astra.deleteStatus(200);
    }
  }
}
