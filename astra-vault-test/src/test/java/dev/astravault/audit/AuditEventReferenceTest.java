package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.Actor;
import dev.astravault.ActorProvider;
import dev.astravault.AstraServerException;
import dev.astravault.AstraToken;
import dev.astravault.AuditException;
import dev.astravault.IssueStyle;
import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.Renewal;
import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.RoleSyncReport;
import dev.astravault.RoleWriteResult;
import dev.astravault.TokenManager;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenIssued;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event reference of docs/audit.md, as a table: each row runs one public {@link TokenManager} operation (after
 * its setup, whose events are discarded) and states every event it must emit, every field of each, in order.
 */
class AuditEventReferenceTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  static final byte[] KEY = "audit-key-for-the-reference-test".getBytes(StandardCharsets.UTF_8);
  static final String ORG = "acme";
  static final String ROLE = "api_ro_svc_acct";
  static final Map<String, String> META = Map.of("owner", "team-orders", "ticket", "OPS-42");

  MutableClock clock;
  ManualScheduler scheduler;
  RecordingAuditSink audit;
  AtomicReference<String> principal;
  OrgConfig org;
  TokenManager tokens;

  @BeforeEach
  void setUp() {
    clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    scheduler = new ManualScheduler(clock);
    astra.useClock(clock);
    audit = RecordingAuditSink.create();
    principal = new AtomicReference<>("alice");
    FakeOrg fake = astra.defaultOrg();
    org = OrgConfig.builder().orgId(fake.orgId()).rootToken(fake.rootToken()).url(astra.url().uri())
        .logicalName(ORG).build();
    tokens = TokenManager.builder().clock(clock).scheduler(scheduler).org(org).auditSink(audit)
        .auditHmacKey(KEY).sweepInterval(Duration.ofMinutes(1))
        .actorProvider(ActorProvider.system("billing-service").withPrincipal(principal::get))
        .astraClient(c -> c.sleeper(d -> {}))
        .build();
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  @AfterEach
  void tearDown() {
    tokens.close();
  }

  Actor actor() {
    return ActorProvider.system("billing-service").current().withPrincipal(principal.get());
  }

  Expected event(String type) {
    return Expected.event(type, clock.instant(), actor());
  }

  AstraToken issue(String logicalName) {
    return tokens.request().org(ORG).role(ROLE).logicalName(logicalName).metadata(META).issue();
  }

  /** One row: an operation that returns the events it must emit (computed from what it did). */
  record Row(String operation, Function<AuditEventReferenceTest, List<Expected>> run) {
    @Override
    public String toString() {
      return operation;
    }
  }

  static Stream<Arguments> operations() {
    return Stream.of(
        row("writeOrg (new)", t -> {
          FakeOrg other = astra.addOrg();
          OrgConfig config = OrgConfig.builder().orgId(other.orgId()).rootToken(other.rootToken())
              .url(astra.url().uri()).logicalName("other").build();
          t.tokens.writeOrg(config);
          return List.of(t.event("org.written").org(other.orgId()).detail("orgLogicalName", "other")
              .detail("url", astra.url().uri().toString()).detail("created", true));
        }),
        row("writeOrg (replace)", t -> {
          t.tokens.writeOrg(t.org);
          return List.of(t.event("org.written").org(t.org.orgId()).detail("orgLogicalName", ORG)
              .detail("url", t.org.url().toString()).detail("created", false));
        }),
        row("org, orgs (reads, not audited)", t -> {
          assertThat(t.tokens.org(ORG)).isPresent();
          assertThat(t.tokens.orgs()).hasSize(1);
          return List.of();
        }),
        row("deleteOrg", t -> {
          t.tokens.deleteOrg(ORG);
          return List.of(t.event("org.deleted").org(t.org.orgId()));
        }),
        row("writeRole (new, ttl clamped)", t -> {
          RoleWriteResult r = t.tokens.writeRole(RoleSpec.builder().org(ORG).name("writer")
              .roleId(astra.roleId("API R/W Svc Acct")).ttl(Duration.ofHours(5)).maxTtl(Duration.ofHours(2)).build());
          assertThat(r.warnings()).isNotEmpty();
          return List.of(t.event("role.written").org(t.org.orgId()).role("writer")
              .detail("roleId", astra.roleId("API R/W Svc Acct")).detail("ttl", Duration.ofHours(2))
              .detail("maxTtl", Duration.ofHours(2)).detail("created", true).detail("warnings", r.warnings()));
        }),
        row("writeRole (update)", t -> {
          t.tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).ttl(Duration.ofMinutes(30)).build());
          return List.of(t.event("role.written").org(t.org.orgId()).role(ROLE)
              .detail("roleId", astra.roleId("API RO Svc Acct")).detail("ttl", Duration.ofMinutes(30))
              .detail("maxTtl", Duration.ofHours(3)).detail("created", false).detail("warnings", List.of()));
        }),
        row("role, roles, resolveRoleId (reads, not audited)", t -> {
          assertThat(t.tokens.role(ORG, ROLE)).isPresent();
          assertThat(t.tokens.roles(ORG)).extracting(Role::name).contains(ROLE);
          assertThat(t.tokens.resolveRoleId(ORG, ROLE)).isEqualTo(astra.roleId("API RO Svc Acct"));
          return List.of();
        }),
        row("deleteRole", t -> {
          t.tokens.deleteRole(ORG, ROLE);
          return List.of(t.event("role.deleted").org(t.org.orgId()).role(ROLE));
        }),
        row("syncRoles", t -> {
          RoleSyncReport r = t.tokens.syncRoles(ORG);
          assertThat(r.created()).isNotEmpty();
          return List.of(t.event("role.synced").org(t.org.orgId())
              .detail("created", r.created().stream().map(Role::name).toList())
              .detail("updated", r.updated().stream().map(Role::name).toList())
              .detail("collisions", r.collisions().stream().map(RoleSyncReport.Collision::name).toList()));
        }),
        row("issue", t -> {
          AstraToken token = t.issue("orders");
          return List.of(t.event("token.issued").token(token, KEY).detail("style", IssueStyle.UNIQUE)
              .detail("expiresAt", token.lease().expiresAt())
              .detail("maxExpiresAt", t.clock.instant().plus(Duration.ofHours(3))));
        }),
        row("issue (Astra fails)", t -> {
          astra.fault(Endpoint.CREATE_TOKEN).status(500).times(10);
          Throwable e = t.caught(() -> t.issue("orders"));
          assertThat(e).isInstanceOf(AstraServerException.class);
          return List.of(t.event("token.issue_failed").org(ORG).role(ROLE).logicalName("orders").metadata(META)
              .failure(AstraServerException.class, e.getMessage()));
        }),
        row("issue (unknown role)", t -> {
          NotFoundException e = (NotFoundException) t.caught(() -> t.tokens.request().org(ORG).role("nope")
              .logicalName("x").issue());
          return List.of(t.event("token.issue_failed").org(ORG).role("nope").logicalName("x")
              .failure(NotFoundException.class, e.getMessage()));
        }),
        row("issue (no sink records TokenIssued: fail-closed)", t -> {
          t.audit.failWhen(e -> e instanceof TokenIssued);
          AuditException e = (AuditException) t.caught(() -> t.issue("orders"));
          // The token never left the manager, so its HMAC cannot be recomputed here; its client id can.
          AuditEvent revoked = t.audit.events().get(0);
          assertThat(revoked.tokenHmac().orElseThrow()).matches("[0-9a-f]{64}");
          assertThat(revoked.leaseId()).hasValueSatisfying(id -> assertThat(id).contains(t.org.orgId()));
          return List.of(t.event("lease.revoked").org(t.org.orgId()).role(ROLE).logicalName("orders")
                  .metadata(META).withToken(astra.revokedTokens().get(0).clientId(),
                      revoked.leaseId().orElseThrow(), revoked.tokenHmac().orElseThrow())
                  .detail("reason", RevokeReason.REAPED).detail("alreadyGone", false),
              t.event("token.issue_failed").org(ORG).role(ROLE).logicalName("orders").metadata(META)
                  .failure(AuditException.class, e.getMessage()));
        }),
        row("token(clientId)", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          assertThat(t.tokens.token(token.clientId())).contains(token);
          return List.of(t.event("token.read").token(token, KEY));
        }),
        row("token(org, role, logicalName)", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          assertThat(t.tokens.token(ORG, ROLE, "orders")).contains(token);
          return List.of(t.event("token.read").token(token, KEY));
        }),
        row("token(clientId) unknown (no secret returned, not audited)", t -> {
          assertThat(t.tokens.token("no-such-client")).isEmpty();
          return List.of();
        }),
        row("tokens()", t -> {
          t.setup(() -> t.issue("orders"));
          assertThat(t.tokens.tokens()).hasSize(1);
          return List.of(t.event("token.listed").detail("count", 1));
        }),
        row("tokens(org)", t -> {
          t.setup(() -> t.issue("orders"));
          assertThat(t.tokens.tokens(ORG)).hasSize(1);
          return List.of(t.event("token.listed").org(t.org.orgId()).detail("count", 1));
        }),
        row("deleteToken", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          t.tokens.deleteToken(token.clientId());
          return List.of(t.event("lease.revoked").token(token, KEY).detail("reason", RevokeReason.EXPLICIT)
              .detail("alreadyGone", false), t.event("token.deleted").token(token, KEY));
        }),
        row("lease", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          assertThat(t.tokens.lease(token.lease().leaseId())).isPresent();
          return List.of(t.event("lease.lookup").token(token, KEY));
        }),
        row("leases(prefix) (not audited: no token fields)", t -> {
          t.setup(() -> t.issue("orders"));
          assertThat(t.tokens.leases("")).hasSize(1);
          return List.of();
        }),
        row("renew", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          t.clock.advance(Duration.ofMinutes(20));
          Renewal r = t.tokens.renew(token.lease().leaseId());
          return List.of(t.event("lease.renewed").token(token, KEY).detail("ttl", Duration.ofHours(1))
              .detail("expiresAt", t.clock.instant().plus(Duration.ofHours(1))).detail("warnings", r.warnings()));
        }),
        row("renew(increment) capped", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          t.clock.advance(Duration.ofMinutes(50));
          Renewal r = t.tokens.renew(token.lease().leaseId(), Duration.ofHours(4));
          assertThat(r.warnings()).hasSize(1);
          return List.of(t.event("lease.renewed").token(token, KEY).detail("ttl", Duration.ofMinutes(130))
              .detail("expiresAt", token.lease().issuedAt().plus(Duration.ofHours(3)))
              .detail("warnings", r.warnings()));
        }),
        row("revoke", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          t.tokens.revoke(token.lease().leaseId());
          return List.of(t.event("lease.revoked").token(token, KEY).detail("reason", RevokeReason.EXPLICIT)
              .detail("alreadyGone", false));
        }),
        row("revoke (already gone in Astra)", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          astra.fault(Endpoint.DELETE_TOKEN).status(404);
          t.tokens.revoke(token.lease().leaseId());
          return List.of(t.event("lease.revoked").token(token, KEY).detail("reason", RevokeReason.EXPLICIT)
              .detail("alreadyGone", true));
        }),
        row("revoke (Astra fails)", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          astra.fault(Endpoint.DELETE_TOKEN).status(500).times(10);
          Throwable e = t.caught(() -> t.tokens.revoke(token.lease().leaseId()));
          return List.of(t.event("lease.revoke_failed").token(token, KEY).failure(e.getClass(), e.getMessage())
              .detail("reason", RevokeReason.EXPLICIT).detail("attempts", 1));
        }),
        row("reapExpired", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          t.clock.advance(Duration.ofHours(1));
          assertThat(t.tokens.reapExpired()).isEqualTo(1);
          return List.of(t.event("lease.revoked").token(token, KEY).detail("reason", RevokeReason.EXPIRED)
              .detail("alreadyGone", false));
        }),
        row("expiry sweeper (background: no principal)", t -> {
          AstraToken token = t.setup(() -> t.issue("orders"));
          t.principal.set(null);
          t.scheduler.advance(Duration.ofMinutes(60));
          return List.of(t.event("lease.revoked").token(token, KEY).detail("reason", RevokeReason.EXPIRED)
              .detail("alreadyGone", false));
        }),
        row("close", t -> {
          t.setup(() -> t.issue("orders"));
          t.tokens.close();
          return List.of();
        }));
  }

  private static Arguments row(String operation, Function<AuditEventReferenceTest, List<Expected>> run) {
    return Arguments.of(new Row(operation, run));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void emitsExactlyTheDocumentedEvents(Row row) {
    audit.clear();
    List<Expected> expected = row.run().apply(this);
    assertThat(audit.events()).extracting(AuditEvents::toMap)
        .containsExactlyElementsOf(expected.stream().map(Expected::toMap).toList());
    for (AuditEvent e : audit.events()) {
      assertThat(e.time()).isEqualTo(clock.instant());
    }
  }

  /** Runs setup work whose events are not part of the row. */
  <T> T setup(java.util.function.Supplier<T> work) {
    T result = work.get();
    audit.clear();
    return result;
  }

  Throwable caught(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected an exception");
  }
}
