package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.ActorProvider;
import dev.astravault.AuditSink;
import dev.astravault.LeaseStore;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.TokenManager;
import dev.astravault.event.TokenIssued;
import dev.astravault.spring.autoconfigure.FakeAstraContext.EventRecorder;
import dev.astravault.spring.autoconfigure.internal.ShutdownRevoker;
import dev.astravault.spring.autoconfigure.internal.TokenActivity;
import dev.astravault.spring.autoconfigure.internal.TokenHealth;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class AstraVaultAutoConfigurationTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Test
  void issuesTheStartupTokenWhileTheContextStarts() {
    FakeAstraContext.withFakeAstra(astra).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(TokenManager.class).hasSingleBean(ManagedToken.class)
          .hasSingleBean(LeaseStore.class).hasSingleBean(AuditSink.class).hasSingleBean(ActorProvider.class)
          .hasSingleBean(ShutdownRevoker.class).hasBean("astraTokenSupplier");
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(token.state()).isEqualTo(ManagedToken.State.ACTIVE);
      assertThat(astra.liveTokens()).hasSize(1);
      assertThat(astra.isLive(token.current())).isTrue();
      assertThat(token.snapshot().info().roleName()).isEqualTo("reader");
      assertThat(token.snapshot().info().logicalName()).contains("orders-service");
      assertThat(token.snapshot().info().metadata()).containsEntry("owner", "team-orders");
      assertThat(token.snapshot().info().orgId()).isEqualTo(astra.defaultOrg().orgId());
      AstraTokenSupplier supplier = context.getBean("astraTokenSupplier", AstraTokenSupplier.class);
      assertThat(supplier.get()).isEqualTo(token.current());
      assertThat(context.getBean(EventRecorder.class).types()).containsExactly(ManagedTokenEvent.Issued.class);
    });
  }

  @Test
  void perRequestStartupTokensLetTwoInstancesShareALogicalName() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.token.style=per-request").run(context -> {
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(token.snapshot().info().style()).isEqualTo(dev.astravault.IssueStyle.PER_REQUEST);
      // A second instance of the same service (same org, role and logical name) gets a token of its own.
      dev.astravault.AstraToken second = context.getBean(dev.astravault.TokenManager.class).request().org("prod")
          .role("reader").logicalName(token.snapshot().info().logicalName().orElseThrow())
          .style(dev.astravault.IssueStyle.PER_REQUEST).issue();
      assertThat(second.info().clientId()).isNotEqualTo(token.snapshot().info().clientId());
    });
    // Unique (the default): the same triple is refused while the startup token lives.
    FakeAstraContext.withFakeAstra(astra).run(context -> {
      ManagedToken token = context.getBean(ManagedToken.class);
      assertThat(token.snapshot().info().style()).isEqualTo(dev.astravault.IssueStyle.UNIQUE);
      assertThatThrownBy(() -> context.getBean(dev.astravault.TokenManager.class).request().org("prod")
          .role("reader").logicalName(token.snapshot().info().logicalName().orElseThrow()).issue())
          .isInstanceOf(dev.astravault.TokenAlreadyExistsException.class);
    });
  }

  @Test
  void aScopedStartupTokenReachesOnlyItsKeyspace() {
    String db = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.token.scope.database=" + db,
        "astra.vault.token.scope.keyspace=orders", "astra.vault.token.scope.tables=items,carts",
        "astra.vault.token.scope.access=read-write").run(context -> {
          assertThat(context).hasNotFailed();
          String token = context.getBean(ManagedToken.class).current();
          assertThat(astra.check(token).database(db).keyspace("orders").table("items").action("db-table-modify")
              .allowed()).isTrue();
          assertThat(astra.check(token).database(db).keyspace("orders").table("users").status()).isEqualTo(403);
          assertThat(astra.check(token).database(db).keyspace("billing").status()).isEqualTo(403);
          assertThat(context.getBean(ManagedToken.class).snapshot().info().metadata())
              .containsKey("astra-vault.scope");
        });
  }

  @Test
  void rawScopeActionsAreUsedAndABadScopeFailsStartupNamingIt() {
    String db = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.token.scope.database=" + db,
        "astra.vault.token.scope.keyspace=orders", "astra.vault.token.scope.actions=db-cql,db-table-select")
        .run(context -> {
          assertThat(context).hasNotFailed();
          String token = context.getBean(ManagedToken.class).current();
          assertThat(astra.check(token).database(db).keyspace("orders").action("db-table-select").allowed()).isTrue();
          assertThat(astra.check(token).database(db).keyspace("orders").action("db-table-modify").allowed())
              .isFalse();
        });
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.token.scope.database=not-a-uuid",
        "astra.vault.token.scope.keyspace=orders", "astra.vault.token.scope.access=read").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasStackTraceContaining("astra.vault.token.scope")
              .hasStackTraceContaining("'not-a-uuid' is not a UUID");
        });
  }

  @Test
  void aScopeWithoutItsKeyspaceOrAccessFailsStartupNamingTheMissingProperty() {
    String db = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
    // Before, a missing keyspace became the keyspace "null": the token started, scoped to a keyspace that is not there.
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.token.scope.database=" + db,
        "astra.vault.token.scope.access=read").run(context -> {
          org.springframework.boot.diagnostics.FailureAnalysis a = FakeAstraContext.analysis(context, astra);
          assertThat(a.getDescription()).contains("astra.vault.token.scope.keyspace is not set");
          assertThat(astra.liveTokens()).isEmpty();
        });
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.token.scope.database=" + db,
        "astra.vault.token.scope.keyspace=orders").run(context -> {
          org.springframework.boot.diagnostics.FailureAnalysis a = FakeAstraContext.analysis(context, astra);
          assertThat(a.getDescription()).contains("astra.vault.token.scope.access")
              .contains("astra.vault.token.scope.actions").doesNotContain("'null'");
        });
  }

  @Test
  void closingTheContextRevokesTheStartupTokenLate() {
    FakeAstraContext.withFakeAstra(astra).run(context -> {
      assertThat(astra.liveTokens()).hasSize(1);
      assertThat(context.getBean(ShutdownRevoker.class).getPhase()).isLessThan(-1_000_000_000);
    });
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(astra.revokedTokens()).hasSize(1);
  }

  @Test
  void aRefreshThatFailsAfterTheStartupTokenWasIssuedRevokesIt() {
    FakeAstraContext.withFakeAstra(astra)
        .withBean("failsAfterTheToken", String.class, () -> {
          throw new IllegalStateException("a later bean fails");
        }, bd -> bd.setDependsOn("astraManagedToken"))
        .run(context -> assertThat(context).hasFailed());
    assertThat(astra.revokedTokens()).hasSize(1);
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void revokeOnShutdownFalseKeepsTheLease() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.revoke-on-shutdown=false")
        .run(context -> assertThat(context.getBean(ManagedToken.class).state()).isEqualTo(ManagedToken.State.ACTIVE));
    assertThat(astra.liveTokens()).hasSize(1);
  }

  @Test
  void withoutARoleOnlyTheManagerIsConfigured() {
    FakeAstraContext.runner().withPropertyValues(FakeAstraContext.properties(astra))
        .withPropertyValues("astra.vault.token.role=").run(context -> {
          assertThat(context).hasSingleBean(TokenManager.class).doesNotHaveBean(ManagedToken.class)
              .doesNotHaveBean("astraTokenSupplier").doesNotHaveBean(ShutdownRevoker.class)
              .doesNotHaveBean(AstraTokenMetrics.class).hasSingleBean(AstraTokensEndpoint.class);
          assertThat(astra.liveTokens()).isEmpty();
        });
  }

  @Test
  void tokenEnabledFalseSkipsTheStartupToken() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.token.enabled=false")
        .run(context -> assertThat(context).hasSingleBean(TokenManager.class).doesNotHaveBean(ManagedToken.class));
    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isZero();
  }

  @Test
  void enabledFalseTurnsEverythingOff() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(TokenManager.class).doesNotHaveBean(ManagedToken.class)
            .doesNotHaveBean(AstraVaultProperties.class));
  }

  @Test
  void propertiesBind() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.renewal.rotation-overlap=7m",
        "astra.vault.renewal.refresh-fraction=0.5", "astra.vault.renewal.jitter=0.05",
        "astra.vault.renewal.hard-margin-min=10s", "astra.vault.renewal.hard-margin-fraction=0.05",
        "astra.vault.renewal.backoff-base=2s", "astra.vault.renewal.backoff-cap=1m",
        "astra.vault.renewal.max-wait=1s", "astra.vault.renewal.close-timeout=3s", "astra.vault.token.ttl=30m",
        "astra.vault.startup-retries=5", "astra.vault.fail-fast=true", "astra.vault.mode=direct",
        "astra.vault.vault.uri=https://vault:8200", "astra.vault.vault.authentication=approle",
        "astra.vault.vault.mount=astra-prod", "astra.vault.store.type=memory", "astra.vault.health.enabled=false",
        "astra.vault.cql.enabled=true", "astra.vault.sync-roles=false").run(context -> {
          AstraVaultProperties p = context.getBean(AstraVaultProperties.class);
          assertThat(p.getRenewal().getRotationOverlap()).isEqualTo(Duration.ofMinutes(7));
          assertThat(p.getRenewal().getRefreshFraction()).isEqualTo(0.5);
          assertThat(p.getStartupRetries()).isEqualTo(5);
          assertThat(p.getVault().getAuthentication()).isEqualTo(AstraVaultProperties.VaultAuth.APPROLE);
          assertThat(p.getVault().getMount()).isEqualTo("astra-prod");
          assertThat(p.getOrgs().get(0).getLogicalName()).isEqualTo("prod");
          assertThat(p.getOrgs().get(0).toString()).doesNotContain(astra.defaultOrg().rootToken());
          ManagedToken token = context.getBean(ManagedToken.class);
          // token.ttl applies to the lease.
          assertThat(token.lease().ttl()).isEqualTo(Duration.ofMinutes(30));
        });
  }

  @Test
  void renewalsAreCountedAndReachHealthAndEvents() {
    FakeAstraContext.withFakeAstra(astra).run(context -> {
      ManagedToken token = context.getBean(ManagedToken.class);
      ManualScheduler scheduler = context.getBean(ManualScheduler.class);
      scheduler.advance(Duration.ofMinutes(50));
      TokenActivity activity = context.getBean(TokenActivity.class);
      assertThat(activity.renewals() + activity.rotations()).isPositive();
      assertThat(context.getBean(EventRecorder.class).types()).contains(ManagedTokenEvent.Renewed.class);
      TokenHealth health = TokenHealth.of(token, activity, context.getBean(MutableClock.class));
      assertThat(health.status()).isEqualTo("UP");
      @SuppressWarnings("unchecked")
      Map<String, Object> last = (Map<String, Object>) health.details().get("lastRenewal");
      assertThat(last.get("outcome")).isIn("renewed", "rotated");
      assertThat(health.details().toString()).doesNotContain(token.current());
    });
  }

  @Test
  void userBeansTakePrecedence() {
    RecordingAuditSink audit = RecordingAuditSink.create();
    LeaseStore store = LeaseStore.inMemory();
    ActorProvider actor = ActorProvider.system("custom-app");
    AtomicInteger managerCustomized = new AtomicInteger();
    FakeAstraContext.withFakeAstra(astra)
        .withBean("myAudit", AuditSink.class, () -> audit)
        .withBean("myStore", LeaseStore.class, () -> store)
        .withBean("myActor", ActorProvider.class, () -> actor)
        .withBean("countingCustomizer", TokenManagerCustomizer.class,
            () -> b -> managerCustomized.incrementAndGet())
        .withBean("extraMetadata", StartupTokenCustomizer.class,
            () -> (request, renewal) -> request.metadata("purpose", "orders-api"))
        .run(context -> {
          assertThat(context).hasSingleBean(AuditSink.class).hasSingleBean(LeaseStore.class)
              .hasSingleBean(ActorProvider.class);
          assertThat(context.getBean(AuditSink.class)).isSameAs(audit);
          assertThat(managerCustomized).hasValue(1);
          ManagedToken token = context.getBean(ManagedToken.class);
          assertThat(token.snapshot().info().metadata()).containsEntry("purpose", "orders-api")
              .containsEntry("owner", "team-orders");
          assertThat(store.findByClientId(token.snapshot().info().clientId())).isPresent();
          assertThat(audit.events()).anySatisfy(e -> assertThat(e).isInstanceOf(TokenIssued.class));
          assertThat(audit.events()).allSatisfy(e -> assertThat(e.actor().applicationName()).contains("custom-app"));
        });
  }

  @Test
  void userTokenManagerAndManagedTokenTakePrecedence() {
    FakeAstraContext.withFakeAstra(astra).withUserConfiguration(OwnManager.class).run(context -> {
      assertThat(context).hasSingleBean(TokenManager.class).hasSingleBean(ManagedToken.class);
      assertThat(context.getBean(TokenManager.class)).isSameAs(context.getBean(OwnManager.class).manager);
      assertThat(context.getBean(ManagedToken.class).snapshot().info().logicalName()).contains("own");
      assertThat(astra.liveTokens()).hasSize(1);
    });
  }

  @Test
  void anOwnManagedTokenBeanReplacingTheStartupTokenIsNamedInOneWarningWithTheIgnoredProperties() {
    List<String> replaced = startupTokenWarnings(FakeAstraContext.withFakeAstra(astra)
        .withUserConfiguration(OwnManager.class));
    assertThat(replaced).singleElement().asString()
        .contains("'ownToken'", "astra.vault.token.role", "astra.vault.token.*", "astra.vault.token.enabled=false")
        // Property names only: no value (the role, logical name, metadata, a root token) is logged.
        .doesNotContain("reader", "orders-service", "team-orders", astra.defaultOrg().rootToken());
    // Nothing is ignored without a role, with the startup token turned off, or when the starter's token is used.
    assertThat(startupTokenWarnings(FakeAstraContext.withFakeAstra(astra).withUserConfiguration(OwnManager.class)
        .withPropertyValues("astra.vault.token.role="))).isEmpty();
    assertThat(startupTokenWarnings(FakeAstraContext.withFakeAstra(astra).withUserConfiguration(OwnManager.class)
        .withPropertyValues("astra.vault.token.enabled=false"))).isEmpty();
    assertThat(startupTokenWarnings(FakeAstraContext.withFakeAstra(astra))).isEmpty();
  }

  /** The WARN messages that name astra.vault.token.* while {@code runner}'s context starts and stops. */
  private static List<String> startupTokenWarnings(
      org.springframework.boot.test.context.runner.ApplicationContextRunner runner) {
    ch.qos.logback.classic.Logger spring = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        "dev.astravault.spring");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    spring.addAppender(appender);
    try {
      runner.run(context -> assertThat(context).hasNotFailed().hasSingleBean(ManagedToken.class));
    } finally {
      spring.detachAppender(appender);
    }
    return appender.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("astra.vault.token")).toList();
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnManager {
    final TokenManager manager;

    OwnManager() {
      this.manager = TokenManager.builder().org(dev.astravault.OrgConfig.builder().orgId(astra.defaultOrg().orgId())
          .rootToken(astra.defaultOrg().rootToken()).url(astra.url().uri()).build()).auditSink(AuditSink.noop())
          .build();
      manager.writeRole(dev.astravault.RoleSpec.builder().org(astra.defaultOrg().orgId()).name("reader")
          .roleId(astra.roleId("API RO User")).ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(2)).build());
    }

    @Bean
    TokenManager ownManager() {
      return manager;
    }

    @Bean
    ManagedToken ownToken() {
      return manager.manage(dev.astravault.TokenRequest.forRole("reader").org(astra.defaultOrg().orgId())
          .logicalName("own").build());
    }
  }

  @Test
  void managedTokenListenerBeansSeeEveryEvent() {
    List<ManagedTokenEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    FakeAstraContext.withFakeAstra(astra)
        .withBean("myListener", ManagedTokenListener.class, () -> ManagedTokenListener.of(seen::add))
        .run(context -> assertThat(seen).hasSize(1).first().isInstanceOf(ManagedTokenEvent.Issued.class));
    assertThat(seen).anySatisfy(e -> assertThat(e).isInstanceOf(ManagedTokenEvent.Revoked.class));
  }

  @Test
  void sqliteStoreWithMetadataOnly(@TempDir Path dir) {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.store.type=sqlite",
        "astra.vault.store.sqlite-file=" + dir.resolve("leases.db"), "astra.vault.store.metadata-only=true")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(LeaseStore.class)).isInstanceOf(JdbcLeaseStore.class);
          assertThat(context.getBean(ManagedToken.class).state()).isEqualTo(ManagedToken.State.ACTIVE);
        });
    assertThat(dir.resolve("leases.db")).exists();
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void jdbcStoreWithItsOwnUrlAndAKeyFile(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("keys");
    Files.writeString(keys, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.store.type=jdbc",
        "astra.vault.store.jdbc.url=jdbc:sqlite:" + dir.resolve("jdbc.db"), "astra.vault.store.key-file=" + keys)
        .run(context -> assertThat(context.getBean(LeaseStore.class)).isInstanceOf(JdbcLeaseStore.class));
  }

  @Test
  void jsonLinesAuditFile(@TempDir Path dir) {
    Path file = dir.resolve("audit.jsonl");
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.json-lines-file=" + file,
        "astra.vault.audit.async=false").run(context -> assertThat(context).hasNotFailed());
    assertThat(file).content().contains("token.issued").doesNotContain(astra.defaultOrg().rootToken());
  }

  @Test
  void auditSlf4jLogsEveryEventOnTheAuditLoggerWhenOnAndNothingWhenOff() {
    ch.qos.logback.classic.Logger audit = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        "dev.astravault.audit");
    ch.qos.logback.classic.Level level = audit.getLevel();
    ListAppender<ILoggingEvent> on = new ListAppender<>();
    ListAppender<ILoggingEvent> off = new ListAppender<>();
    String[] token = new String[1];
    audit.setLevel(ch.qos.logback.classic.Level.INFO);
    try {
      on.start();
      audit.addAppender(on);
      FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.slf4j=true")
          .run(context -> token[0] = context.getBean(ManagedToken.class).current());
      audit.detachAppender(on);
      off.start();
      audit.addAppender(off);
      // FakeAstraContext turns it off; the same issue and revoke happen.
      FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.audit.slf4j=false")
          .run(context -> assertThat(context.getBean(ManagedToken.class).state()).isEqualTo(ManagedToken.State.ACTIVE));
    } finally {
      audit.detachAppender(on);
      audit.detachAppender(off);
      audit.setLevel(level);
    }
    assertThat(on.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).startsWith("audit token.issued SUCCESS"))
        .anySatisfy(m -> assertThat(m).startsWith("audit lease.revoked SUCCESS"))
        .allSatisfy(m -> assertThat(m).doesNotContain(token[0], astra.defaultOrg().rootToken()));
    assertThat(on.list).allSatisfy(e -> assertThat(String.valueOf(e.getKeyValuePairs()))
        .doesNotContain(token[0], astra.defaultOrg().rootToken()));
    assertThat(off.list).isEmpty();
    // Both contexts issued and revoked their token: the off run had the same events to log.
    assertThat(astra.revokedTokens()).hasSize(2);
  }

  @Test
  void orgIdIsDiscoveredFromTheRootToken() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.orgs[0].id=")
        .run(context -> assertThat(context.getBean(TokenManager.class).orgs()).singleElement()
            .satisfies(o -> assertThat(o.orgId()).isEqualTo(astra.defaultOrg().orgId())));
  }

  @Test
  void syncRolesImportsAstraRolesByName() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.sync-roles=true")
        .run(context -> assertThat(context.getBean(TokenManager.class).roles("prod")).hasSizeGreaterThan(1));
  }

  /** astra.vault.token.role as the Astra console shows it, as role sync names it, or as its role id. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"R/W User", "r_w_user", "ROLE_ID"})
  void theStartupTokenRoleMayBeNamedAsAstraShowsIt(String role) {
    String roleId = astra.roleId("R/W User");
    String value = role.equals("ROLE_ID") ? roleId : role;
    FakeAstraContext.withFakeAstra(astra)
        .withPropertyValues("astra.vault.sync-roles=true", "astra.vault.token.role=" + value)
        .run(context -> {
          assertThat(context).hasNotFailed();
          ManagedToken token = context.getBean(ManagedToken.class);
          assertThat(token.snapshot().info().roleName()).isEqualTo("r_w_user");
          assertThat(astra.token(token.snapshot().info().clientId())).hasValueSatisfying(t ->
              assertThat(t.roles()).containsExactly(roleId));
        });
  }

  @Test
  void failureAnalyzerIsRegistered() throws Exception {
    List<String> names = new java.util.ArrayList<>();
    for (java.net.URL url : java.util.Collections.list(getClass().getClassLoader()
        .getResources("META-INF/spring.factories"))) {
      java.util.Properties p = new java.util.Properties();
      try (var in = url.openStream()) {
        p.load(in);
      }
      names.addAll(org.springframework.util.StringUtils.commaDelimitedListToSet(
          p.getProperty("org.springframework.boot.diagnostics.FailureAnalyzer", "")));
    }
    assertThat(names).contains(AstraVaultFailureAnalyzer.class.getName(),
        dev.astravault.spring.autoconfigure.internal.SecretBindFailureAnalyzer.class.getName());
  }

  @Test
  void theDeprecatedHealthPropertyStillSwitchesTheIndicatorOff() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.health.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(AstraVaultHealthAutoConfiguration.BEAN_NAME));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.health.enabled=true")
        .run(context -> assertThat(context).hasBean(AstraVaultHealthAutoConfiguration.BEAN_NAME));
  }

  @Test
  void cqlCustomizerCanBeTurnedOff() {
    FakeAstraContext.withFakeAstra(astra)
        .run(context -> assertThat(context).hasBean(AstraVaultCassandraAutoConfiguration.BEAN_NAME));
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.cql.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(AstraVaultCassandraAutoConfiguration.BEAN_NAME));
  }
}
