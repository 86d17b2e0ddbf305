package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.test.vault.VaultRequest;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link VaultAuth#tokenSource}: the application's own Vault session, asked at every call; no login of ours. */
class VaultTokenSourceTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  FakeVault vault;
  TokenManager app;
  final AtomicReference<String> session = new AtomicReference<>();
  final AtomicInteger asked = new AtomicInteger();

  @BeforeEach
  void setUp() {
    astra.useClock(clock);
    vault = FakeVault.builder().clock(clock).policy(VaultModeTest.appPolicy()).build().start();
    TokenManager operator = manager(VaultAuth.token(vault.rootToken()));
    operator.writeOrg(OrgConfig.builder().orgId(astra.defaultOrg().orgId())
        .rootToken(astra.defaultOrg().rootToken()).url(astra.url().uri()).logicalName("acme").build());
    operator.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    operator.close();
    session.set(vault.createToken(TokenSpec.of(Duration.ofMinutes(30), "astra-app")));
    app = manager(VaultAuth.tokenSource(() -> {
      asked.incrementAndGet();
      return session.get();
    }));
    vault.clearRequests();
  }

  @AfterEach
  void tearDown() {
    app.close();
    vault.close();
  }

  TokenManager manager(VaultAuth auth) {
    return TokenManager.builder().clock(clock).scheduler(new ManualScheduler(clock)).leaseStore(LeaseStore.inMemory())
        .sweepInterval(Duration.ZERO).vault(VaultConfig.builder(URI.create(vault.address())).auth(auth).build())
        .build();
  }

  @Test
  void everyCallSendsTheTokenTheSourceHoldsThenAndNeverLogsIn() {
    AstraToken token = app.request().org("acme").role("reader").logicalName("orders").issue();
    assertThat(astra.isLive(token.token())).isTrue();
    String first = session.get();
    assertThat(vault.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.token()).contains(first));

    // The application's session manager renewed its login into a new token: the next call uses it.
    session.set(vault.createToken(TokenSpec.of(Duration.ofMinutes(30), "astra-app")));
    vault.clearRequests();
    app.renew(token.lease().leaseId());
    assertThat(vault.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.token()).contains(session.get()));
    assertThat(vault.requests()).extracting(VaultRequest::path)
        .noneMatch(p -> p.startsWith("/v1/auth/"));
    assertThat(asked.get()).isGreaterThanOrEqualTo(2);
    assertThat(VaultAuth.tokenSource(session::get).toString()).doesNotContain(first);
  }

  @Test
  void aBlankTokenFromTheSourceIsATypedErrorNamingTheSource() {
    session.set(" ");
    assertThatThrownBy(() -> app.request().org("acme").role("reader").logicalName("orders").issue())
        .isInstanceOf(AstraVaultException.class).hasMessageContaining("Vault token source")
        .hasMessageContaining("returned no token");
  }
}
