package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.Lease;
import dev.astravault.LeaseStore;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManager;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.IssueFailed;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.FaultProxy;
import dev.astravault.test.FaultProxy.Answer;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.vault.CallerMode;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultUnavailableException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Vault mode against a flaky network and a lying server, through a {@link FaultProxy} in front of FakeVault: an
 * answer lost after Vault did the work, a 200 that grants nothing or speaks of another lease, a standby's redirect.
 * Each leaves the cache and the audit trail telling the truth about what Vault may hold.
 */
class VaultLyingServerTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private FakeVault vault;
  private FaultProxy proxy;
  private TokenManager app;

  @BeforeEach
  void setUp() {
    astra.useClock(clock);
    FakeOrg org = astra.defaultOrg();
    vault = FakeVault.builder().clock(clock).pluginBehaviour(PluginBehaviour.FIXED).build().start();
    proxy = FaultProxy.to(HttpUrl.get(vault.address()));
    app = manager(VaultAuth.token(vault.rootToken()), proxy.uri());
    app.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
        .logicalName("acme").build());
    app.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  @AfterEach
  void tearDown() {
    app.close();
    proxy.close();
    vault.close();
  }

  private TokenManager manager(VaultAuth auth, URI address) {
    return TokenManager.builder().clock(clock).scheduler(new ManualScheduler(clock)).leaseStore(LeaseStore.inMemory())
        .sweepInterval(Duration.ZERO).auditSink(events::add)
        .vault(VaultConfig.builder(address).auth(auth).callerMode(CallerMode.STANDARD).build()).build();
  }

  private AstraToken issue(String logicalName) {
    return app.request().org("acme").role("reader").logicalName(logicalName).issue();
  }

  private IssueFailed lastIssueFailed() {
    return events.stream().filter(IssueFailed.class::isInstance).map(IssueFailed.class::cast)
        .reduce((a, b) -> b).orElseThrow();
  }

  // ------------------------------------------------------------------ an answer lost after Vault did the work

  /**
   * A gateway's 502 (no Vault error envelope) or a reset after Vault leased the token: nothing can revoke that lease
   * (its id was in the lost answer), so the error and the IssueFailed event say the outcome is unclear and name the
   * logical name the plugin files the token under, instead of claiming nothing was left behind.
   */
  @Test
  void anIssueWhoseAnswerIsLostSaysSoInTheErrorAndTheAuditTrail() {
    proxy.on("POST", "/v1/astra/org/token").forwardThen(Answer.status(502));
    Throwable gateway = catchThrowable(() -> issue("orders"));
    assertThat(gateway).isInstanceOf(AstraVaultException.class).hasMessageContaining("HTTP 502")
        .hasMessageContaining("outcome is unclear").hasMessageContaining("logical name 'orders'")
        .hasMessageContaining("refuses this triple");
    assertThat(lastIssueFailed().message()).contains("outcome is unclear", "'orders'");
    assertThat(vault.leases()).as("Vault did lease it").hasSize(1);
    assertThat(app.leases("")).isEmpty();
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(TokenAlreadyExistsException.class);

    proxy.on("POST", "/v1/astra/org/token").forwardThen(Answer.reset());
    Throwable reset = catchThrowable(() -> app.request().org("acme").role("reader").perRequest().issue());
    assertThat(reset).isInstanceOf(VaultUnavailableException.class).hasMessageContaining("outcome is unclear")
        .hasMessageContaining("logical name 'req-").hasMessageNotContaining("refuses this triple");
    assertThat(((VaultUnavailableException) reset).reason()).isEqualTo(VaultUnavailableException.Reason.UNREACHABLE);
    assertThat(lastIssueFailed().message()).contains("outcome is unclear");
    assertThat(vault.leases()).hasSize(2);
  }

  /** Pins what was already right: an answer that is Vault's own (the plugin's 500) or no connection at all is clear. */
  @Test
  void anIssueVaultRefusedOrThatNeverLeftIsNotCalledUnclear() throws Exception {
    astra.fault(Endpoint.CREATE_TOKEN).status(500);
    assertThatThrownBy(() -> issue("orders")).hasMessageContaining("error creating Astra token")
        .hasMessageNotContaining("unclear");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    TokenManager nowhere = manager(VaultAuth.token(vault.rootToken()), URI.create("http://127.0.0.1:" + port));
    try {
      assertThatThrownBy(() -> nowhere.request().org(astra.defaultOrg().orgId()).role("reader").logicalName("x")
          .issue()).isInstanceOf(VaultUnavailableException.class).hasMessageNotContaining("unclear");
    } finally {
      nowhere.close();
    }
    assertThat(vault.leases()).isEmpty();
  }

  // ------------------------------------------------------------------ a 200 that grants nothing

  /** An issue answer with a lease but no lease_duration used to hand out a token whose lease had expired at once. */
  @Test
  void anIssueAnswerWithoutALeaseDurationIsRefusedAndItsLeaseRevoked() {
    proxy.on("POST", "/v1/astra/org/token").forwardThen(Answer.rewrittenBody(
        body -> body.replaceFirst("\"lease_duration\":\\d+,", "")));
    assertThatThrownBy(() -> issue("orders")).isInstanceOf(AstraVaultException.class)
        .hasMessageContaining("no lease_duration")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString().contains("was revoked"));
    assertThat(proxy.injected()).hasSize(1);
    assertThat(app.leases("")).isEmpty();
    assertThat(vault.leases()).isEmpty();
    assertThat(astra.liveTokens()).isEmpty();
  }

  /**
   * A renewal answered 200 with only warnings (or a zero lease_duration) used to renew the cached record to expire
   * at once while Vault's lease ran on; now it fails and the record stays as it was.
   */
  @Test
  void aRenewalThatGrantsNoTimeLeavesTheRecordAsItWas() {
    AstraToken token = issue("orders");
    Lease before = app.leases("").get(0);
    clock.advance(Duration.ofMinutes(10));
    proxy.on("POST", "/v1/sys/leases/renew").forwardThen(Answer.rewrittenBody(body -> "{\"warnings\":[\"w\"]}"));
    assertThatThrownBy(() -> app.renew(token.lease().leaseId())).isInstanceOf(AstraVaultException.class)
        .hasMessageContaining("no lease_duration");
    proxy.on("POST", "/v1/sys/leases/renew").forwardThen(Answer.rewrittenBody(
        body -> body.replaceFirst("\"lease_duration\":\\d+", "\"lease_duration\":1.5")));
    assertThatThrownBy(() -> app.renew(token.lease().leaseId())).isInstanceOf(AstraVaultException.class)
        .hasMessageContaining("lease_duration");
    assertThat(app.leases("")).containsExactly(before);
    assertThat(app.renew(token.lease().leaseId()).lease().expiresAt()).isEqualTo(clock.instant().plus(
        Duration.ofHours(1)));
  }

  /**
   * Vault caps a renewal at the max TTL and writes whole seconds, so one with under a second left reads 0: an
   * answer, not a lie. The lease ends now (if a server lied so, the token ends early: the safe side).
   */
  @Test
  void aRenewalCappedToUnderASecondEndsTheLeaseNow() {
    AstraToken token = issue("orders");
    clock.advance(Duration.ofMinutes(10));
    proxy.on("POST", "/v1/sys/leases/renew").forwardThen(Answer.rewrittenBody(
        body -> body.replaceFirst("\"lease_duration\":\\d+", "\"lease_duration\":0")));
    assertThat(app.renew(token.lease().leaseId()).lease().expiresAt()).isEqualTo(clock.instant());
  }

  /** An answer about another lease (a caching proxy, a mixed-up connection) was taken as this lease's. */
  @Test
  void aRenewalOrLookupAnsweringForAnotherLeaseIsRefused() {
    AstraToken token = issue("orders");
    Lease before = app.leases("").get(0);
    clock.advance(Duration.ofMinutes(10));
    proxy.on("POST", "/v1/sys/leases/renew").forwardThen(Answer.rewrittenBody(
        body -> body.replaceFirst("\"lease_id\":\"[^\"]+\"", "\"lease_id\":\"astra/org/token/another\"")));
    assertThatThrownBy(() -> app.renew(token.lease().leaseId())).isInstanceOf(AstraVaultException.class)
        .hasMessageContaining("renewal of another lease").hasMessageNotContaining("another\"");
    assertThat(app.leases("")).containsExactly(before);

    proxy.on("POST", "/v1/sys/leases/lookup").forwardThen(Answer.rewrittenBody(
        body -> body.replaceFirst("\"id\":\"[^\"]+\"", "\"id\":\"astra/org/token/another\"")
            .replaceFirst("\"expire_time\":\"[^\"]+\"", "\"expire_time\":\"2026-01-01T02:30:00Z\"")));
    assertThatThrownBy(() -> app.lease(token.lease().leaseId())).isInstanceOf(AstraVaultException.class)
        .hasMessageContaining("lookup of another lease");
    assertThat(app.leases("")).containsExactly(before);
    assertThat(proxy.injected()).hasSize(2);
  }

  // ------------------------------------------------------------------ a standby's redirect

  /**
   * A fixed token's lookup-self answered by a standby's 307 used the token "without renewal" for good, so it expired
   * under the app once the active node was back; and a redirected login was an untyped driver failure.
   */
  @Test
  void aRedirectedLookupOrLoginIsAStandbyAndTheTokenIsStillRenewedAfterwards() {
    String fixed = vault.createToken(TokenSpec.of(Duration.ofHours(1), "root"));
    proxy.on("GET", "/v1/auth/token/lookup-self").instead(Answer.status(307));
    TokenManager fixedApp = manager(VaultAuth.token(fixed), proxy.uri());
    try {
      Throwable standby = catchThrowable(() -> fixedApp.request().org("acme").role("reader").logicalName("a").issue());
      assertThat(standby).isInstanceOf(VaultUnavailableException.class).hasMessageContaining("HTTP 307");
      assertThat(((VaultUnavailableException) standby).reason()).isEqualTo(VaultUnavailableException.Reason.STANDBY);
      fixedApp.request().org("acme").role("reader").logicalName("b").issue();
      clock.advance(Duration.ofMinutes(45));   // under a third of the hour is left
      proxy.on("POST", "/v1/auth/token/renew-self").instead(Answer.status(307));
      fixedApp.request().org("acme").role("reader").logicalName("c").issue();
      clock.advance(Duration.ofMinutes(5));
      fixedApp.request().org("acme").role("reader").logicalName("d").issue();
      clock.advance(Duration.ofMinutes(30));
      assertThat(vault.isTokenValid(fixed)).as("renewed with renew-self after the redirect").isTrue();
    } finally {
      fixedApp.close();
    }

    proxy.on("POST", "/v1/auth/approle/login").instead(Answer.status(307));
    TokenManager appRole = manager(VaultAuth.appRole("role-id", "secret-id"), proxy.uri());
    try {
      Throwable login = catchThrowable(() -> appRole.request().org("acme").role("reader").logicalName("e").issue());
      assertThat(login).isInstanceOf(VaultUnavailableException.class).hasMessageContaining("HTTP 307");
      assertThat(((VaultUnavailableException) login).reason()).isEqualTo(VaultUnavailableException.Reason.STANDBY);
    } finally {
      appRole.close();
    }
  }
}
