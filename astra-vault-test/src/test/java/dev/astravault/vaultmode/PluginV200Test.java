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
import dev.astravault.AstraVaultException;
import dev.astravault.InvalidTokenResponseException;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.NotFoundException;
import dev.astravault.Org;
import dev.astravault.OrgConfig;
import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenInfo;
import dev.astravault.TokenManager;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.RevokeFailed;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.LeaseInfo;
import dev.astravault.test.vault.PluginBehaviour;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * What plugin v2.0.0 does differently from the fixed plugin, and what the library makes of it (docs/vault.md,
 * "Running against plugin v2.0.0"). The shared scenarios run against both in VaultModeTest and the engine suite.
 */
class PluginV200Test {
  static final String ROLE = "reader";

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final List<TokenManager> managers = new ArrayList<>();
  final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  Logger root;
  Level previous;
  FakeVault vault;
  FakeOrg acme;
  FakeOrg second;
  TokenManager operator;

  @BeforeEach
  void setUp() {
    root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    previous = root.getLevel();
    root.setLevel(Level.TRACE);
    logs.start();
    root.addAppender(logs);
    astra.useClock(clock);
    astra.deleteStatus(204);
    acme = astra.defaultOrg();
    second = astra.addOrg();
    vault = FakeVault.builder().clock(clock).pluginBehaviour(PluginBehaviour.V2_0_0).build().start();
    operator = manager(b -> b);
    operator.writeOrg(OrgConfig.builder().orgId(acme.orgId()).rootToken(acme.rootToken()).url(astra.url().uri())
        .logicalName("acme").build());
    operator.writeOrg(OrgConfig.builder().orgId(second.orgId()).rootToken(second.rootToken())
        .url(astra.url().uri()).logicalName("second").build());
    operator.writeRole(RoleSpec.builder().org("acme").name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  @AfterEach
  void tearDown() {
    managers.forEach(TokenManager::close);
    vault.close();
    astra.deleteStatus(200);
    root.detachAppender(logs);
    root.setLevel(previous);
  }

  TokenManager manager(UnaryOperator<VaultConfig.Builder> config) {
    TokenManager m = TokenManager.builder().clock(clock).scheduler(scheduler).sweepInterval(Duration.ZERO)
        .auditSink(events::add)
        .vault(config.apply(VaultConfig.builder(URI.create(vault.address())).auth(VaultAuth.token(vault.rootToken())))
            .build())
        .build();
    managers.add(m);
    return m;
  }

  /** An app that holds no root token: only Vault credentials, and an empty cache. */
  TokenManager app() {
    return manager(b -> b);
  }

  String raw(String method, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(vault.address() + "/v1/" + path)).header("X-Vault-Token", vault.rootToken())
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  // ------------------------------------------------------------------ cross-org client cache

  @Test
  void aTokenMintedInAnotherOrgIsDetectedRevokedAndNeverHandedOut() {
    // Built-in roles can share an id across orgs: the second org's role names an id the first org also knows.
    operator.writeRole(RoleSpec.builder().org("second").name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .build());
    TokenManager app = app();
    AstraToken first = app.request().org("acme").role(ROLE).logicalName("orders").issue();

    // v2.0.0 now holds acme's client and mints "second"'s token in acme; the library asks Astra and refuses it.
    assertThatThrownBy(() -> app.request().org("second").role(ROLE).logicalName("orders").issue())
        .isInstanceOf(InvalidTokenResponseException.class)
        .hasMessageContaining("in org " + acme.orgId() + ", not " + second.orgId())
        .hasMessageContaining("cross-org client cache").hasMessageContaining("was revoked");
    assertThat(astra.liveTokens()).extracting(t -> t.clientId()).containsExactly(first.clientId());
    assertThat(vault.leases()).hasSize(1);
    assertThat(app.leases("")).hasSize(1);
    // Answered checks only: FakeAstra may shed a GET with a 429/503 first, which the client retries.
    assertThat(astra.requests()).filteredOn(c -> c.path().equals("/v2/currentOrg")
        && c.response().map(r -> r.status() == 200 || r.status() == 401).orElse(false)).hasSize(2);

    // Without the check the bug reaches the caller: a token labelled "second" that works only in acme.
    TokenManager unchecked = manager(b -> b.verifyTokenOrg(false));
    AstraToken wrong = unchecked.request().org("second").role(ROLE).logicalName("billing").issue();
    assertThat(wrong.orgId()).isEqualTo(second.orgId());
    assertThat(astra.token(wrong.clientId()).orElseThrow().orgId()).isEqualTo(acme.orgId());
  }

  @Test
  void aTokenWhoseOrgCannotBeCheckedIsRevokedAndRefused() {
    TokenManager app = app();
    astra.fault(dev.astravault.test.Endpoint.CURRENT_ORG).status(503).times(20);
    assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("orders").issue())
        .isInstanceOf(InvalidTokenResponseException.class).hasMessageContaining("could not check the org")
        .hasMessageContaining("was revoked");
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(vault.leases()).isEmpty();
    assertThat(app.leases("")).isEmpty();
  }

  @Test
  void eachOrgWorksOnlyWhileV200CachesItsClient() {
    operator.writeRole(RoleSpec.builder().org("second").name(ROLE).roleId(astra.roleId(second, "API RO Svc Acct"))
        .build());
    TokenManager app = app();
    // The operator's last write reset the cache: the first token (for "second") builds second's client.
    AstraToken b = app.request().org("second").role(ROLE).logicalName("x").issue();
    assertThat(astra.token(b.clientId()).orElseThrow().orgId()).isEqualTo(second.orgId());
    // acme's role id is unknown in second, where the cached client calls: a typed error, nothing left.
    assertThatThrownBy(() -> app.request().org("acme").role(ROLE).logicalName("x").issue())
        .isInstanceOf(AstraVaultException.class).hasMessageContaining("Role ID not found");
    assertThat(vault.leases()).hasSize(1);

    // A config write resets the cache; acme's client is cached next, and second's token cannot be revoked with it.
    operator.writeOrg(OrgConfig.builder().orgId(acme.orgId()).rootToken(acme.rootToken()).url(astra.url().uri())
        .logicalName("acme").build());
    AstraToken a = app.request().org("acme").role(ROLE).logicalName("x").issue();
    assertThatThrownBy(() -> app.revoke(b.lease().leaseId())).isInstanceOf(AstraVaultException.class)
        .hasMessageContaining("unable to delete token in astra; 404");
    assertThat(((RealTokenManager) app).store().get(b.lease().leaseId())).hasValueSatisfying(r ->
        assertThat(r.state()).isEqualTo(LeaseState.REVOKE_FAILED));
    assertThat(astra.isLive(b.token())).isTrue();
    // Once second's client is cached again, the retry works.
    operator.writeOrg(OrgConfig.builder().orgId(second.orgId()).rootToken(second.rootToken())
        .url(astra.url().uri()).logicalName("second").build());
    app.request().org("second").role(ROLE).logicalName("y").issue();
    app.revoke(b.lease().leaseId());
    assertThat(astra.isLive(b.token())).isFalse();
    assertThat(astra.isLive(a.token())).isTrue();
  }

  // ------------------------------------------------------------------ DELETE must be 204

  @Test
  void aRevokeAstraAnswers200IsRevokeFailedWithThePluginsErrorAndTheLeaseEndsIrrevocable() {
    astra.deleteStatus(200);
    TokenManager app = app();
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();

    assertThatThrownBy(() -> app.revoke(token.lease().leaseId())).isInstanceOf(AstraVaultException.class)
        .hasMessageContaining("unable to delete token in astra; 200")
        .hasMessageContaining("only 204")
        .hasMessageContaining("no longer authenticates in Astra")
        .hasMessageContaining("irrevocable");
    LeaseRecord record = ((RealTokenManager) app).store().get(token.lease().leaseId()).orElseThrow();
    assertThat(record.state()).isEqualTo(LeaseState.REVOKE_FAILED);
    assertThat(record.lastError()).hasValueSatisfying(e -> assertThat(e).contains("unable to delete token in astra"));
    assertThat(events).filteredOn(RevokeFailed.class::isInstance).singleElement().asString()
        .contains("only 204");
    // Astra did delete it; Vault keeps the lease and the plugin its record, so the triple stays taken.
    assertThat(astra.isLive(token.token())).isFalse();
    assertThat(vault.leases()).hasSize(1);
    assertThatThrownBy(() -> app().request().org("acme").role(ROLE).logicalName("orders").issue())
        .isInstanceOf(TokenAlreadyExistsException.class);

    clock.advance(Duration.ofHours(2));
    for (int i = 0; i < FakeVault.MAX_REVOKE_ATTEMPTS; i++) {
      vault.expireDue();
    }
    assertThat(vault.leases()).singleElement().satisfies(l -> assertThat(l.irrevocable()).isTrue());
  }

  // ------------------------------------------------------------------ not-found as 500 text, listing

  @Test
  void notFoundTextsBecomeTypedErrorsAndEmptyLists() throws Exception {
    TokenManager fresh = manager(b -> b);
    FakeVault empty = FakeVault.builder().clock(clock).pluginBehaviour(PluginBehaviour.V2_0_0).build().start();
    try {
      TokenManager none = TokenManager.builder().clock(clock).scheduler(scheduler).sweepInterval(Duration.ZERO)
          .vault(VaultConfig.of(URI.create(empty.address()), VaultAuth.token(empty.rootToken()))).build();
      managers.add(none);
      assertThat(none.orgs()).isEmpty();      // 500 "no configs found"
      assertThat(none.tokens()).isEmpty();    // 500 "no tokens found"
      assertThatThrownBy(() -> none.roles("acme")).isInstanceOf(NotFoundException.class);
    } finally {
      empty.close();
    }
    assertThat(raw("GET", "astra/config?org_id=nope")).startsWith("500").contains("unable to find config");
    assertThatThrownBy(() -> fresh.request().org("nope").role(ROLE).logicalName("x").issue())
        .isInstanceOf(NotFoundException.class).hasMessage("unknown org: nope");
    assertThat(fresh.org("nope")).isEmpty();
    assertThatThrownBy(() -> fresh.request().org("acme").role("ghost").logicalName("x").issue())
        .isInstanceOf(NotFoundException.class).hasMessage("unknown role: ghost");
    assertThat(raw("GET", "astra/roles?list=true")).startsWith("200");
  }

  @Test
  void orgsAndRolesAreListedFromVaultAndEachRoleIsReadForItsOrg() {
    operator.writeRole(RoleSpec.builder().org("second").name(ROLE).roleId(astra.roleId(second, "API RO Svc Acct"))
        .ttl(Duration.ofHours(2)).maxTtl(Duration.ofHours(4)).build());
    operator.writeRole(RoleSpec.builder().org("second").name("writer").roleId(astra.roleId(second, "R/W User"))
        .build());
    TokenManager app = app();   // nothing cached: every answer comes from Vault
    assertThat(app.orgs()).extracting(Org::logicalName).containsExactlyInAnyOrder("acme", "second");
    // v2.0.0 lists "reader" twice (once per org) and key_info keeps one org's: each role is read for the org.
    assertThat(app.roles("acme")).singleElement().isEqualTo(new Role(acme.orgId(), ROLE,
        astra.roleId("API RO Svc Acct"), Duration.ofHours(1), Duration.ofHours(3)));
    assertThat(app.roles(second.orgId())).extracting(Role::name, Role::roleId, Role::ttl).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(ROLE, astra.roleId(second, "API RO Svc Acct"), Duration.ofHours(2)),
        org.assertj.core.groups.Tuple.tuple("writer", astra.roleId(second, "R/W User"), Duration.ofHours(24)));
    operator.deleteRole("second", "writer");
    assertThat(app.roles("second")).extracting(Role::name).containsExactly(ROLE);
  }

  // ------------------------------------------------------------------ secrets in v2.0.0 replies

  @Test
  void rootTokensAndTokensInV200RepliesNeverReachResultsLogsEventsOrExceptions() throws Exception {
    TokenManager app = app();
    AstraToken token = app.request().org("acme").role(ROLE).logicalName("orders").issue();
    // v2.0.0 does put them on the wire: the config read, the config list and the token list.
    assertThat(raw("GET", "astra/config?org_id=" + acme.orgId())).contains(acme.rootToken());
    assertThat(raw("GET", "astra/configs?list=true")).contains(acme.rootToken()).contains(second.rootToken());
    assertThat(raw("GET", "astra/org/tokens?list=true")).contains(token.token());

    List<String> texts = new ArrayList<>();
    TokenManager reader = app();   // reads each org through from Vault
    texts.add(reader.org("acme").orElseThrow().toString());
    texts.add(reader.org(second.orgId()).orElseThrow().toString());
    texts.add(reader.orgs().toString());
    texts.add(reader.roles("acme").toString());
    List<TokenInfo> listed = reader.tokens();
    assertThat(listed).isEmpty();   // this process issued none
    texts.add(app.tokens().toString());
    texts.add(app.orgs().toString());
    ((RealTokenManager) reader).store().orgs().forEach(o -> texts.add(o.rootToken() + " " + o));
    astra.deleteStatus(200);
    texts.add(String.valueOf(catchThrowable(() -> app.revoke(token.lease().leaseId()))));
    texts.add(String.valueOf(catchThrowable(() -> app.request().org("acme").role(ROLE).logicalName("orders")
        .issue())));
    texts.add(String.valueOf(catchThrowable(() -> app.request().org("nope").role(ROLE).logicalName("x").issue())));
    logs.list.forEach(e -> {
      texts.add(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        texts.add(e.getThrowableProxy().getMessage());
      }
    });
    events.forEach(e -> texts.add(e.toString()));

    assertThat(logs.list).isNotEmpty();
    assertThat(events).isNotEmpty();
    for (String text : texts) {
      assertThat(text).doesNotContain(acme.rootToken()).doesNotContain(second.rootToken())
          .doesNotContain(token.token());
    }
  }
}
