package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.internal.vault.VaultSession;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.FaultProxy;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.CallerMode;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Times from Vault at the edge of what Go or {@link Instant} can hold: the TTL that lookup-self gives for a fixed
 * Vault token is clamped to Go's longest duration, and a lease's {@code expire_time} that no Vault could grant is
 * refused with a typed error naming the field; none ends in a raw ArithmeticException or DateTimeException, and
 * none reaches the cached record.
 */
class VaultExtremeValuesTest {
  @org.junit.jupiter.api.extension.RegisterExtension
  static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private static MockResponse json(String body) {
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build();
  }

  private MockWebServer server() throws IOException {
    MockWebServer server = new MockWebServer();
    server.start();
    closing.add(server);
    return server;
  }

  /** vault-java-driver reads a login's or renew-self's lease_duration as an int; lookup-self's ttl as a long. */
  @ParameterizedTest
  @ValueSource(longs = {Long.MAX_VALUE, 31_556_889_864_403_199L})
  void aFixedTokenWhoseLookupSelfTtlOverflowsIsClamped(long seconds) throws IOException {
    MockWebServer server = server();
    server.enqueue(json("{\"data\":{\"ttl\":" + seconds + ",\"renewable\":true,\"policies\":[\"default\"]}}"));
    server.enqueue(json("{\"data\":{\"value\":\"a\"}}"));
    VaultSession session = new VaultSession(VaultConfig.builder(URI.create(server.url("/").toString()))
        .auth(VaultAuth.token("hvs.CAESIExtremeValuesTokenXq3vT9mKpL2wRz8YdF0")).build(), clock, scheduler);
    assertThat(session.read("reading", "secret/app").status()).isEqualTo(200);
  }

  /** A lookup whose expire_time no Vault could grant (past Go's longest lease) is refused and not cached. */
  @ParameterizedTest
  @ValueSource(strings = {"+1000000000-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59Z",
      "-1000000000-01-01T00:00:00Z"})
  void aLeaseLookupWithAnExpireTimeNoVaultCanGrantIsATypedErrorAndNotCached(String expireTime) {
    FakeVault vault = FakeVault.builder().clock(clock).build().start();
    closing.add(vault);
    FaultProxy proxy = FaultProxy.to(HttpUrl.get(vault.address()));
    closing.add(proxy);
    LeaseStore store = LeaseStore.inMemory();
    TokenManager app = TokenManager.builder().clock(clock).scheduler(scheduler).leaseStore(store)
        .sweepInterval(Duration.ZERO)
        .vault(VaultConfig.builder(proxy.uri()).auth(VaultAuth.token(vault.rootToken()))
            .callerMode(CallerMode.STANDARD).build())
        .build();
    closing.add(app);
    FakeOrg org = astra.defaultOrg();
    app.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
        .logicalName("acme").build());
    app.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    AstraToken token = app.request().org("acme").role("reader").logicalName("far").issue();
    LeaseRecord before = store.get(token.lease().leaseId()).orElseThrow();

    proxy.on(null, "/v1/sys/leases/lookup").forwardThen(FaultProxy.Answer.rewrittenBody(
        b -> b.replaceFirst("\"expire_time\":\"[^\"]*\"", "\"expire_time\":\"" + expireTime + "\"")));
    assertThatThrownBy(() -> app.lease(token.lease().leaseId())).isExactlyInstanceOf(AstraVaultException.class)
        .hasMessageContaining("expire_time");
    assertThat(proxy.injected()).hasSize(1);
    assertThat(store.get(token.lease().leaseId()).orElseThrow().expiresAt()).isEqualTo(before.expiresAt());
    // An honest lookup still works.
    assertThat(app.lease(token.lease().leaseId())).hasValueSatisfying(l ->
        assertThat(l.expiresAt()).isEqualTo(before.expiresAt()));
  }

  /**
   * A role read from Vault whose ttl or max_ttl no Vault can hold (the plugin prints Go durations, at most about 292
   * years; a bare number is seconds): a typed error naming the field, never a raw overflow or a role with a bogus TTL.
   */
  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775807", "99999999999999999999", "-1h0m0s", "1e9h", "3000000h0m0s"})
  void aRoleTtlNoVaultCanHoldIsATypedErrorNamingTheField(String maxTtl) {
    FakeVault vault = FakeVault.builder().clock(clock).build().start();
    closing.add(vault);
    FaultProxy proxy = FaultProxy.to(HttpUrl.get(vault.address()));
    closing.add(proxy);
    TokenManager operator = manager(URI.create(vault.address()), vault);
    FakeOrg org = astra.defaultOrg();
    operator.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
        .logicalName("acme").build());
    operator.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());

    TokenManager app = manager(proxy.uri(), vault);   // its own store: it reads the role from Vault
    proxy.on("GET", "/v1/astra/role").forwardThen(FaultProxy.Answer.rewrittenBody(
        b -> b.replaceFirst("\"max_ttl\":\"[^\"]*\"", "\"max_ttl\":\"" + maxTtl + "\"")));
    assertThatThrownBy(() -> app.request().org(org.orgId()).role("reader").logicalName("far").issue())
        .isExactlyInstanceOf(AstraVaultException.class).hasMessageContaining("max_ttl");
    assertThat(proxy.injected()).hasSize(1);
    assertThat(vault.leases()).isEmpty();
  }

  private TokenManager manager(URI address, FakeVault vault) {
    TokenManager m = TokenManager.builder().clock(clock).scheduler(scheduler).leaseStore(LeaseStore.inMemory())
        .sweepInterval(Duration.ZERO)
        .vault(VaultConfig.builder(address).auth(VaultAuth.token(vault.rootToken())).callerMode(CallerMode.STANDARD)
            .build())
        .build();
    closing.add(m);
    return m;
  }
}
