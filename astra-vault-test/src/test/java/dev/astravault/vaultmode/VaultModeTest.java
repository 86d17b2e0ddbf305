package dev.astravault.vaultmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.Renewal;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.FaultProxy;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.Capability;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.PluginBehaviour;
import dev.astravault.test.vault.Policy;
import dev.astravault.test.vault.TokenSpec;
import dev.astravault.test.vault.VaultRequest;
import dev.astravault.vault.CallerMode;
import dev.astravault.vault.VaultAccessDeniedException;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Vault mode end to end against FakeVault (with the Astra plugin on FakeAstra): an operator configures the org and
 * role in Vault with the root token; the app holds only Vault credentials (AppRole, Kubernetes or a token with a
 * narrow policy). Failures each give a typed error naming the cause, and no lease record is lost. Every scenario runs
 * against the plugin with its bugs fixed and against v2.0.0 as released (with FakeAstra answering deletes with the
 * 204 that v2.0.0 requires; {@link PluginV200Test} covers what v2.0.0 does differently).
 */
@ParameterizedClass
@EnumSource(PluginBehaviour.class)
class VaultModeTest {
  static final String ROLE = "reader";
  static final String ROLE_ID = "approle-role-id";
  static final String SECRET_ID = "approle-secret-id";
  static final String JWT = "eyJhbGciOiJSUzI1NiJ9.service-account.signature";

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter PluginBehaviour plugin;

  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final List<TokenManager> managers = new ArrayList<>();
  FakeVault vault;
  FakeOrg org;

  @TempDir Path dir;

  static Policy appPolicy() {
    return Policy.builder("astra-app")
        .path("astra/org/token", Capability.UPDATE, Capability.READ)
        .path("astra/org/tokens/", Capability.LIST)
        .path("astra/config", Capability.READ)
        .path("astra/role", Capability.READ)
        .path("sys/leases/renew", Capability.UPDATE)
        .path("sys/leases/lookup", Capability.UPDATE)
        .path("sys/leases/revoke", Capability.UPDATE)
        .build();
  }

  /** {@link #appPolicy()} written with Vault's {@code +} segment wildcard where it can be. */
  static Policy plusPolicy() {
    return Policy.builder("astra-plus")
        .path("astra/+/token", Capability.UPDATE, Capability.READ)
        .path("astra/+/tokens/", Capability.LIST)
        .path("astra/+", Capability.READ)
        .path("sys/leases/+", Capability.UPDATE)
        .build();
  }

  @BeforeEach
  void setUp() {
    astra.useClock(clock);
    org = astra.defaultOrg();
    astra.deleteStatus(plugin == PluginBehaviour.V2_0_0 ? 204 : 200);
    vault = FakeVault.builder().clock(clock).pluginBehaviour(plugin)
        .policy(appPolicy())
        .policy(Policy.builder("astra-reader").path("astra/config", Capability.READ)
            .path("astra/role", Capability.READ).build())
        .appRole("orders", ROLE_ID, SECRET_ID, TokenSpec.of(Duration.ofMinutes(30), "astra-app")
            .withExplicitMaxTtl(Duration.ofMinutes(45)))
        .kubernetesRole("orders", JWT, "orders-sa", "shop", TokenSpec.of(Duration.ofHours(1), "astra-app"))
        .token("reader-token", TokenSpec.of(Duration.ofHours(24), "astra-reader"))
        .policy(plusPolicy())
        .policy(Policy.builder("astra-two-segments").path("astra/+/+/token", Capability.UPDATE, Capability.READ)
            .path("astra/+", Capability.READ).build())
        .token("plus-token", TokenSpec.of(Duration.ofHours(24), "astra-plus"))
        .token("two-segments-token", TokenSpec.of(Duration.ofHours(24), "astra-two-segments"))
        .build().start();
    // The operator writes the org (root token) and the role into Vault.
    TokenManager operator = manager(VaultAuth.token(vault.rootToken()), CallerMode.STANDARD);
    operator.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
        .logicalName("acme").build());
    operator.writeRole(RoleSpec.builder().org("acme").name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    vault.clearRequests();
  }

  @AfterEach
  void tearDown() {
    managers.forEach(TokenManager::close);
    vault.close();
    astra.deleteStatus(200);
  }

  TokenManager manager(VaultAuth auth, CallerMode mode) {
    return manager(auth, mode, LeaseStore.inMemory());
  }

  TokenManager manager(VaultAuth auth, CallerMode mode, LeaseStore store) {
    return manager(auth, mode, store, URI.create(vault.address()));
  }

  TokenManager manager(VaultAuth auth, CallerMode mode, URI address) {
    return manager(auth, mode, LeaseStore.inMemory(), address);
  }

  TokenManager manager(VaultAuth auth, CallerMode mode, LeaseStore store, URI address) {
    TokenManager m = TokenManager.builder().clock(clock).scheduler(scheduler).leaseStore(store)
        .sweepInterval(Duration.ZERO)
        .vault(VaultConfig.builder(address).auth(auth).callerMode(mode).build())
        .build();
    managers.add(m);
    return m;
  }

  TokenManager appRoleApp() {
    return manager(VaultAuth.appRole(ROLE_ID, SECRET_ID), CallerMode.STANDARD);
  }

  long count(String method, String path) {
    return vault.requests().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
  }

  // ------------------------------------------------------------------ auth

  /**
   * The plugin sends its Astra DELETE once; when Astra sheds it (429/503), the library asks Vault to revoke again
   * (up to three revokes), as its direct client retries its own DELETE. Found with FakeAstra's variation on.
   */
  @Test
  void aRevokeThatAstraShedsIsAskedAgain() {
    TokenManager app = manager(VaultAuth.token(vault.rootToken()), CallerMode.STANDARD);
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("shed").issue();
    astra.fault(Endpoint.DELETE_TOKEN).status(429);
    app.revoke(token.lease().leaseId());
    assertThat(vault.leases()).isEmpty();
    assertThat(astra.wasRevoked(token.clientId())).isTrue();

    AstraToken other = app.request().org("acme").role(ROLE).logicalName("shed-more").issue();
    astra.fault(Endpoint.DELETE_TOKEN).status(503).times(3);
    assertThatThrownBy(() -> app.revoke(other.lease().leaseId()))
        .hasMessageContaining("unable to delete token in astra; 503 Service Unavailable");
    assertThat(astra.wasRevoked(other.clientId())).isFalse();
    assertThat(astra.pendingFaults(Endpoint.DELETE_TOKEN)).isZero();
  }

  /** The plugin cannot make custom roles: a scope is refused with a typed error, and nothing is created. */
  @Test
  void aScopedRequestIsRefusedBecauseThePluginCannotMakeCustomRoles() {
    TokenManager app = appRoleApp();
    int roles = astra.roleNames(org).size();
    assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("scoped")
        .scope(dev.astravault.Scope.database("3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60").keyspace("orders")
            .actions(dev.astravault.Scope.Access.READ)).issue())
        .isInstanceOf(dev.astravault.ScopeNotSupportedException.class).hasMessageContaining("direct mode");
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(astra.roleNames(org)).hasSize(roles);
    assertThat(vault.leases()).isEmpty();
  }

  @Test
  void theRootTokenGoesToVaultButNeverIntoTheLocalStore() {
    LeaseStore store = LeaseStore.inMemory();
    TokenManager operator = manager(VaultAuth.token(vault.rootToken()), CallerMode.STANDARD, store);
    operator.writeOrg(OrgConfig.builder().orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri())
        .logicalName("acme").build());
    assertThat(store.org(org.orgId())).hasValueSatisfying(cached -> {
      assertThat(cached.rootToken()).isNotEqualTo(org.rootToken());
      assertThat(cached.logicalName()).isEqualTo("acme");
    });
    // The process that wrote the token may still use it, from memory, to read Astra's roles.
    assertThat(operator.syncRoles("acme").created()).isNotEmpty();
  }

  @Test
  void anAppWithOnlyAppRoleCredentialsIssuesRenewsListsAndRevokes() {
    TokenManager app = appRoleApp();
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").metadata("team", "shop").issue();
    assertThat(astra.isLive(token.token())).isTrue();
    assertThat(token.orgId()).isEqualTo(org.orgId());
    assertThat(app.tokens()).singleElement().satisfies(t -> assertThat(t.clientId()).isEqualTo(token.clientId()));
    assertThat(vault.leases()).hasSize(1);

    clock.advance(Duration.ofMinutes(10));
    Renewal r = app.renew(token.lease().leaseId());
    assertThat(r.lease().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(vault.leases().get(0).expireTime()).isEqualTo(r.lease().expiresAt());

    app.revoke(token.lease().leaseId());
    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(vault.leases()).isEmpty();
    assertThat(count("POST", "/v1/auth/approle/login")).isEqualTo(1);
    // The driver sends no Content-Type (FakeVault parses bodies anyway) and never probes sys/mounts: the engine
    // version is set explicitly.
    assertThat(vault.requests()).filteredOn(q -> q.method().equals("POST"))
        .allSatisfy(q -> assertThat(q.header("Content-Type")).isEmpty());
    assertThat(vault.requests()).noneMatch(q -> q.path().equals("/v1/sys/mounts"));
    assertThat(vault.requests()).filteredOn(q -> q.path().equals("/v1/astra/org/token"))
        .allSatisfy(q -> assertThat(q.method()).isEqualTo("POST"));
  }

  @Test
  void kubernetesLoginReadsTheServiceAccountJwtFromItsFile() throws IOException {
    Path jwt = Files.writeString(dir.resolve("token"), JWT + "\n");
    TokenManager app = manager(VaultAuth.kubernetes("orders", jwt), CallerMode.STANDARD);
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("k8s").issue();
    assertThat(astra.isLive(token.token())).isTrue();
    VaultRequest login = vault.requests().stream().filter(q -> q.path().equals("/v1/auth/kubernetes/login"))
        .findFirst().orElseThrow();
    assertThat(login.header("X-Vault-Token")).isEmpty();
    assertThat(login.body()).contains("\"role\":\"orders\"").contains("\"jwt\":\"" + JWT + "\"");

    Files.writeString(jwt, "not-the-jwt");
    TokenManager wrong = manager(VaultAuth.kubernetes("orders", jwt), CallerMode.STANDARD);
    assertThatThrownBy(() -> wrong.request().org("acme").role(ROLE).logicalName("k8s-2").issue())
        .isInstanceOf(VaultAccessDeniedException.class).hasMessageContaining("Kubernetes login")
        .hasMessageContaining("403").hasMessageNotContaining("not-the-jwt");
  }

  @Test
  void theVaultTokenIsRenewedWithRenewSelfAndALoginFollowsExpiry() {
    TokenManager app = appRoleApp();
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    clock.advance(Duration.ofMinutes(21));   // under a third of the 30 min TTL is left
    app.renew(token.lease().leaseId());
    assertThat(count("POST", "/v1/auth/token/renew-self")).isEqualTo(1);
    assertThat(count("POST", "/v1/auth/approle/login")).isEqualTo(1);

    clock.advance(Duration.ofMinutes(30));   // past the token's explicit max TTL of 45 min: expired
    Renewal r = app.renew(token.lease().leaseId());
    assertThat(r.lease().expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(count("POST", "/v1/auth/approle/login")).isEqualTo(2);
  }

  /**
   * A fixed token is looked up once to learn its TTL. A gateway's 5xx on that lookup is transient: it must not leave
   * the token in use with renewal switched off for good, to expire under the app (which cannot log in again).
   */
  @Test
  void aGatewayErrorOnAFixedTokensLookupDoesNotTurnItsRenewalOffForGood() {
    String fixed = vault.createToken(TokenSpec.of(Duration.ofHours(1), "astra-app"));
    try (FaultProxy proxy = FaultProxy.to(HttpUrl.get(vault.address()))) {
      proxy.on("GET", "/v1/auth/token/lookup-self").instead(FaultProxy.Answer.status(502));
      TokenManager app = manager(VaultAuth.token(fixed), CallerMode.STANDARD, proxy.uri());
      assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("first").issue())
          .isInstanceOf(AstraVaultException.class).hasMessageContaining("HTTP 502");
      app.request().org("acme").role(ROLE).logicalName("orders").issue();
      clock.advance(Duration.ofMinutes(45));   // under a third of the hour is left
      app.request().org("acme").role(ROLE).logicalName("later").issue();
      clock.advance(Duration.ofMinutes(30));
      assertThat(vault.isTokenValid(fixed)).as("renewed with renew-self").isTrue();
    }
  }

  /** Likewise a gateway's 5xx on a fixed token's renew-self: the next call renews again, the token lives on. */
  @Test
  void aGatewayErrorOnAFixedTokensRenewSelfDoesNotTurnItsRenewalOffForGood() {
    String fixed = vault.createToken(TokenSpec.of(Duration.ofHours(1), "astra-app"));
    try (FaultProxy proxy = FaultProxy.to(HttpUrl.get(vault.address()))) {
      TokenManager app = manager(VaultAuth.token(fixed), CallerMode.STANDARD, proxy.uri());
      app.request().org("acme").role(ROLE).logicalName("orders").issue();
      proxy.on("POST", "/v1/auth/token/renew-self").instead(FaultProxy.Answer.status(502));
      clock.advance(Duration.ofMinutes(45));   // under a third of the hour is left
      app.request().org("acme").role(ROLE).logicalName("later").issue();
      clock.advance(Duration.ofMinutes(5));
      app.request().org("acme").role(ROLE).logicalName("latest").issue();
      clock.advance(Duration.ofMinutes(30));
      assertThat(vault.isTokenValid(fixed)).as("renewed with renew-self").isTrue();
    }
  }

  @Test
  void aVaultTokenRevokedUnderUsIsA403OnRenewalThenALoginAndTheRenewalGoesOn() throws Exception {
    TokenManager app = appRoleApp();
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    String used = vault.requests().get(vault.requests().size() - 1).token().orElseThrow();
    HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(vault.address() + "/v1/auth/token/revoke-self")).header("X-Vault-Token", used)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(revoked.statusCode()).isEqualTo(204);
    vault.clearRequests();

    Renewal r = app.renew(token.lease().leaseId());
    assertThat(r.lease().expiresAt()).isAfter(clock.instant());
    assertThat(vault.requests()).extracting(VaultRequest::path).containsExactly(
        "/v1/sys/leases/renew", "/v1/auth/approle/login", "/v1/sys/leases/renew");
    assertThat(vault.requests().get(0).token()).contains(used);
  }

  @Test
  void aDriverRejectedContentTypeIsATypedErrorNamingIt() {
    vault.responseContentType("application/json; charset=utf-8");
    TokenManager app = appRoleApp();
    assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("orders").issue())
        .isInstanceOf(AstraVaultException.class).hasMessageContaining("Content-Type")
        .hasMessageContaining("application/json");
    vault.responseContentType(null);
    assertThat(app.request().org("acme").role(ROLE).logicalName("orders").issue().clientId()).isNotEmpty();
  }

  // ------------------------------------------------------------------ failures

  @Test
  void sealedVaultIsATypedErrorAndTheLeaseRecordSurvives() {
    TokenManager app = appRoleApp();
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    vault.seal();
    assertThatThrownBy(() -> app.renew(token.lease().leaseId())).isInstanceOfSatisfying(
        VaultUnavailableException.class, e -> assertThat(e.reason()).isEqualTo(VaultUnavailableException.Reason.SEALED))
        .hasMessageContaining("sealed");
    assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("other").issue())
        .isInstanceOf(VaultUnavailableException.class);
    assertThatThrownBy(() -> app.revoke(token.lease().leaseId())).isInstanceOf(VaultUnavailableException.class);
    vault.unseal();
    assertThat(app.lease(token.lease().leaseId())).isPresent();
    assertThat(app.leases("")).hasSize(1);
    app.revoke(token.lease().leaseId());
    assertThat(astra.isLive(token.token())).isFalse();
  }

  /**
   * manage() retries a transient failure at the first token ({@code RenewalSettings.startupAttempts}): in Vault mode
   * that includes Vault answering 503 for a moment, as Astra's 503 is in direct mode.
   */
  @Test
  void manageRetriesAVaultThatIsUnavailableForAMoment() throws Exception {
    try (FaultProxy proxy = FaultProxy.to(HttpUrl.get(vault.address()))) {
      TokenManager app = manager(VaultAuth.token(vault.rootToken()), CallerMode.STANDARD, proxy.uri());
      proxy.on("POST", "/v1/astra/org/token").instead(FaultProxy.Answer.status(503));
      int idle = scheduler.pendingCount();
      CompletableFuture<ManagedToken> managed = CompletableFuture.supplyAsync(() -> app.manage(
          TokenRequest.forRole(ROLE).org("acme").perRequest().build(),
          RenewalSettings.builder().jitter(0).backoff(Duration.ofSeconds(10), Duration.ofMinutes(2))
              .maxWait(Duration.ZERO).build()));
      // Once the 503 is in and the caller waits, advance the manual scheduler to its back-off, once: advancing on
      // every pending task would also run the new token's renewal timers, armed before manage returns, to its expiry.
      while (!managed.isDone() && (proxy.injected().isEmpty() || scheduler.pendingCount() <= idle)) {
        Thread.onSpinWait();
      }
      if (!managed.isDone()) {
        scheduler.advance(Duration.between(clock.instant(), scheduler.nextDueAt().orElseThrow()));
      }
      ManagedToken token = managed.get(30, TimeUnit.SECONDS);
      assertThat(astra.isLive(token.current())).isTrue();
      assertThat(proxy.injected()).hasSize(1);
    }
  }

  @Test
  void aStandbyWithNoActiveNodeIsATypedError() {
    TokenManager app = appRoleApp();
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    vault.standbyWithoutActiveNode();
    assertThatThrownBy(() -> app.renew(token.lease().leaseId())).isInstanceOfSatisfying(
        VaultUnavailableException.class,
        e -> assertThat(e.reason()).isEqualTo(VaultUnavailableException.Reason.STANDBY))
        .hasMessageContaining("active cluster node not found");
    assertThat(app.leases("")).hasSize(1);
  }

  @Test
  void a403FromAPolicyIsAccessDeniedNamingThePathAndLeavesNoRecord() {
    TokenManager reader = manager(VaultAuth.token("reader-token"), CallerMode.STANDARD);
    assertThatThrownBy(() -> reader.request().org("acme").role(ROLE).logicalName("orders").issue())
        .isInstanceOfSatisfying(VaultAccessDeniedException.class, e -> assertThat(e.path())
            .isEqualTo("astra/org/token"))
        .hasMessageContaining("permission denied").hasMessageNotContaining("reader-token");
    assertThat(reader.leases("")).isEmpty();
    assertThat(astra.liveTokens()).isEmpty();
  }

  /** A policy that names the plugin's paths with {@code +} grants them, one segment per {@code +}, as Vault does. */
  @Test
  void aPolicyWithPlusSegmentsIssuesRenewsAndRevokesButNotWithTwoSegments() {
    TokenManager app = manager(VaultAuth.token("plus-token"), CallerMode.STANDARD);
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    assertThat(astra.isLive(token.token())).isTrue();
    clock.advance(Duration.ofMinutes(10));
    assertThat(app.renew(token.lease().leaseId()).lease().expiresAt())
        .isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    app.revoke(token.lease().leaseId());
    assertThat(astra.isLive(token.token())).isFalse();

    TokenManager twoSegments = manager(VaultAuth.token("two-segments-token"), CallerMode.STANDARD);
    assertThatThrownBy(() -> twoSegments.request().org("acme").role(ROLE).logicalName("orders").issue())
        .isInstanceOfSatisfying(VaultAccessDeniedException.class, e -> assertThat(e.path())
            .isEqualTo("astra/org/token"))
        .hasMessageContaining("permission denied");
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void thePluginsFiveHundredTextBecomesATypedErrorAndNothingIsLeftBehind() {
    astra.fault(Endpoint.CREATE_TOKEN).status(500);
    TokenManager app = appRoleApp();
    if (plugin == PluginBehaviour.V2_0_0) {
      // v2.0.0 never checks Astra's status: the JSON error decodes to an empty token, which it stores and leases.
      // The library refuses it and tries to revoke the lease, which v2.0.0 cannot (it deletes clientIdSecrets/"").
      assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("orders").issue())
          .isInstanceOf(AstraVaultException.class).hasMessageContaining("without a clientId or token")
          .hasMessageContaining("FAILED").hasMessageContaining("an operator must revoke it");
      assertThat(app.leases("")).isEmpty();
      assertThat(vault.leases()).hasSize(1);
      assertThat(astra.liveTokens()).isEmpty();
      return;
    }
    assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("orders").issue())
        .isInstanceOf(AstraVaultException.class).hasMessageContaining("HTTP 500")
        .hasMessageContaining("error creating Astra token");
    assertThat(app.leases("")).isEmpty();
    assertThat(vault.leases()).isEmpty();
  }

  /**
   * The plugin grants the role's TTL and a shorter request is a renewal right after the issue: when that renewal
   * fails (here a gateway's 502), the new lease is revoked, so no token nobody holds outlives the failed issue and
   * the triple is free again, as for every other failed issue.
   */
  @Test
  void aShorterTtlWhoseRenewalFailsRevokesTheNewLeaseAndFreesTheTriple() {
    try (FaultProxy proxy = FaultProxy.to(HttpUrl.get(vault.address()))) {
      TokenManager app = manager(VaultAuth.token(vault.rootToken()), CallerMode.STANDARD, proxy.uri());
      proxy.on(null, "/v1/sys/leases/renew").instead(FaultProxy.Answer.status(502));
      assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("short")
          .ttl(Duration.ofMinutes(5)).issue())
          .isInstanceOf(AstraVaultException.class).hasMessageContaining("HTTP 502")
          .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString().contains("was revoked"));
      assertThat(app.leases("")).isEmpty();
      assertThat(vault.leases()).isEmpty();
      assertThat(astra.liveTokens()).isEmpty();
      AstraToken again = app.request().org("acme").role(ROLE).logicalName("short").ttl(Duration.ofMinutes(5))
          .issue();
      assertThat(again.lease().ttl()).isEqualTo(Duration.ofMinutes(5));
    }
  }

  /** An issue answer whose lease_duration no Vault grants is refused by name, and the lease it names is revoked. */
  @Test
  void anIssueAnswerWithABrokenLeaseDurationRevokesItsLeaseAndFreesTheTriple() {
    try (FaultProxy proxy = FaultProxy.to(HttpUrl.get(vault.address()))) {
      TokenManager app = manager(VaultAuth.token(vault.rootToken()), CallerMode.STANDARD, proxy.uri());
      proxy.on("POST", "/v1/astra/org/token").forwardThen(FaultProxy.Answer.rewrittenBody(
          body -> body.replaceFirst("\"lease_duration\":\\d+", "\"lease_duration\":1.5")));
      assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("broken").issue())
          .isInstanceOf(AstraVaultException.class).hasMessageContaining("lease_duration").hasMessageNotContaining("1.5")
          .satisfies(e -> assertThat(e.getSuppressed()).singleElement().asString().contains("was revoked"));
      assertThat(proxy.injected()).hasSize(1);
      assertThat(app.leases("")).isEmpty();
      assertThat(vault.leases()).isEmpty();
      assertThat(astra.liveTokens()).isEmpty();
      assertThat(app.request().org("acme").role(ROLE).logicalName("broken").issue().lease().ttl())
          .as("the triple is free again").isPositive();
    }
  }

  @Test
  void aFailedRevokeInsideThePluginKeepsTheRecordWithItsError() {
    TokenManager app = appRoleApp();
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    astra.fault(Endpoint.DELETE_TOKEN).dropConnection();
    assertThatThrownBy(() -> app.revoke(token.lease().leaseId())).isInstanceOf(AstraVaultException.class)
        .hasMessageContaining("error revoking user token");
    assertThat(app.leases("")).singleElement().isNotNull();
    assertThat(app.leases("")).hasSize(1);
    app.revoke(token.lease().leaseId());
    assertThat(astra.isLive(token.token())).isFalse();
  }

  @Test
  void aTripleVaultAlreadyHoldsIsTokenAlreadyExistsEvenWithAnEmptyCache() {
    appRoleApp().request().org("acme").role(ROLE).logicalName("orders").issue();
    TokenManager other = appRoleApp();   // another node, another (empty) cache
    assertThatThrownBy(() -> other.request().org("acme").role(ROLE).logicalName("orders").issue())
        .isInstanceOf(TokenAlreadyExistsException.class).hasMessageContaining("orders");
    assertThat(other.leases("")).isEmpty();
  }

  @Test
  void unknownRolesAreNotFoundAndRenewalIsCappedWithVaultsWarning() {
    TokenManager app = appRoleApp();
    assertThatThrownBy(() -> app.request().org("acme").role("ghost").logicalName("x").issue())
        .isInstanceOf(NotFoundException.class).hasMessage("unknown role: ghost");
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    for (int i = 0; i < 2; i++) {
      clock.advance(Duration.ofMinutes(50));
      assertThat(app.renew(token.lease().leaseId()).capped()).isFalse();
    }
    clock.advance(Duration.ofMinutes(50));
    Renewal capped = app.renew(token.lease().leaseId());
    assertThat(capped.capped()).isTrue();
    assertThat(capped.warnings()).singleElement().asString().contains("capped accordingly");
    assertThat(capped.lease().expiresAt()).isEqualTo(token.lease().issuedAt().plus(Duration.ofHours(3)));
  }

  @Test
  void sidecarCallerModeIssuesByReadAndAStandardOrgAnswersWithoutALease() {
    TokenManager operator = manager(VaultAuth.token(vault.rootToken()), CallerMode.SIDECAR);
    FakeOrg second = astra.addOrg();
    operator.writeOrg(OrgConfig.builder().orgId(second.orgId()).rootToken(second.rootToken())
        .url(astra.url().uri()).logicalName("sidecar").build());
    operator.writeRole(RoleSpec.builder().org("sidecar").name(ROLE).roleId(astra.roleId(second, "API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
    vault.clearRequests();
    TokenManager sidecar = manager(VaultAuth.appRole(ROLE_ID, SECRET_ID), CallerMode.SIDECAR);
    AstraToken a = sidecar.request().org("sidecar").role(ROLE).perRequest().issue();
    AstraToken b = sidecar.request().org("sidecar").role(ROLE).perRequest().issue();
    assertThat(a.clientId()).isNotEqualTo(b.clientId());
    assertThat(vault.requests()).filteredOn(q -> q.path().equals("/v1/astra/org/token"))
        .extracting(VaultRequest::method).containsOnly("GET");

    // The org written in setUp is in standard mode: a read returns the stored token and no lease.
    TokenManager app = appRoleApp();
    if (plugin == PluginBehaviour.V2_0_0) {
      // v2.0.0 still holds the sidecar org's Astra client and asks that org for acme's role id.
      assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("orders").issue())
          .isInstanceOf(AstraVaultException.class).hasMessageContaining("cross-org client cache");
      // Any config write drops v2.0.0's cached client: the next call builds acme's.
      manager(VaultAuth.token(vault.rootToken()), CallerMode.STANDARD).writeOrg(OrgConfig.builder()
          .orgId(org.orgId()).rootToken(org.rootToken()).url(astra.url().uri()).logicalName("acme").build());
    }
    app.request().org("acme").role(ROLE).logicalName("orders").issue();
    assertThatThrownBy(() -> sidecar.request().org("acme").role(ROLE).logicalName("orders").perRequest().issue())
        .isInstanceOf(AstraVaultException.class).hasMessageContaining("without a lease");
    assertThat(sidecar.leases("")).hasSize(2);
  }

  @Test
  void vaultAndACustomBackendCannotBothBeConfigured() {
    VaultConfig config = VaultConfig.of(URI.create(vault.address()), VaultAuth.token("t"));
    assertThatThrownBy(() -> TokenManager.builder().vault(config).backend(c -> null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("vault");
    assertThatThrownBy(() -> TokenManager.builder().vault(config).vault(config))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("vault was already set");
  }

  @Test
  void configsNeverPrintCredentials() {
    VaultConfig config = VaultConfig.builder(URI.create("https://vault:8200"))
        .auth(VaultAuth.appRole(ROLE_ID, SECRET_ID)).namespace("team-a").build();
    assertThat(config.toString()).doesNotContain(SECRET_ID).contains("team-a");
    assertThat(VaultAuth.token("hvs.secret-token").toString()).doesNotContain("hvs.secret-token");
    assertThatThrownBy(() -> VaultConfig.builder(URI.create("ftp://x")).auth(VaultAuth.token("t")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address");
    assertThatThrownBy(() -> VaultConfig.builder(URI.create("https://x")).build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("auth");
  }

  @Test
  void theNamespaceIsSentOnEveryRequestLoginsIncluded() {
    TokenManager app = manager(VaultAuth.appRole(ROLE_ID, SECRET_ID), CallerMode.STANDARD);
    managers.remove(app);
    app.close();
    TokenManager ns = TokenManager.builder().clock(clock).scheduler(scheduler).sweepInterval(Duration.ZERO)
        .vault(VaultConfig.builder(URI.create(vault.address())).auth(VaultAuth.appRole(ROLE_ID, SECRET_ID))
            .namespace("team-a").build()).build();
    managers.add(ns);
    ns.request().org("acme").role(ROLE).logicalName("orders").issue();
    assertThat(vault.requests()).isNotEmpty().allSatisfy(q -> assertThat(q.namespace()).contains("team-a"));
  }

  static LeaseRecord only(List<LeaseRecord> records) {
    assertThat(records).hasSize(1);
    assertThat(records.get(0).state()).isEqualTo(LeaseState.ACTIVE);
    return records.get(0);
  }
}
