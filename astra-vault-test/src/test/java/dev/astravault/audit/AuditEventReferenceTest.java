package dev.astravault.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.astravault.Actor;
import dev.astravault.ActorProvider;
import dev.astravault.AstraServerException;
import dev.astravault.ManagedTokenStartException;
import dev.astravault.AstraToken;
import dev.astravault.AuditException;
import dev.astravault.IssueStyle;
import dev.astravault.ManagedToken;
import dev.astravault.NotFoundException;
import dev.astravault.OrgConfig;
import dev.astravault.ReconcileReport;
import dev.astravault.Renewal;
import dev.astravault.RenewalSettings;
import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.RoleSyncReport;
import dev.astravault.RoleWriteResult;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.ManagedTokenFailed;
import dev.astravault.event.ReconcileFinding;
import dev.astravault.event.RevokeReason;
import dev.astravault.event.TokenIssued;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
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
        // Managed tokens do their Astra calls and listener work inside scheduler.advance, on this thread.
        .managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run)
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
        row("issue for a triple whose lease expired (not swept yet)", t -> {
          AstraToken old = t.setup(() -> t.issue("orders"));
          t.clock.advance(Duration.ofHours(1));
          AstraToken token = t.issue("orders");
          return List.of(t.event("lease.revoked").token(old, KEY).detail("reason", RevokeReason.EXPIRED)
              .detail("alreadyGone", false),
              t.event("token.issued").token(token, KEY).detail("style", IssueStyle.UNIQUE)
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
        row("tokens(org, states...)", t -> {
          t.setup(() -> t.issue("orders"));
          assertThat(t.tokens.tokens(ORG, dev.astravault.LeaseState.values())).hasSize(1);
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
        row("leases(), leases(org) (not audited: no token fields)", t -> {
          t.setup(() -> t.issue("orders"));
          assertThat(t.tokens.leases()).hasSize(1);
          assertThat(t.tokens.leases(ORG)).hasSize(1);
          return List.of();
        }),
        row("removals of unknown ids (not audited: nothing changed)", t -> {
          t.tokens.revoke("astra/nope/r/x");
          t.tokens.deleteToken("nope");
          t.tokens.deleteRole(ORG, "nope");
          t.tokens.deleteOrg("nope");
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
        row("reconcile(org): report only", t -> {
          t.setup(() -> t.issue("kept"));
          AstraToken vanished = t.setup(() -> t.issue("vanished"));
          String foreign = t.createDirectly(null);
          String orphanLease = "astra/" + t.org.orgId() + "/reader/ORPHANxxxxxxxxxxxxxxxxx";
          String orphan = t.createDirectly("astra-vault lease=" + orphanLease);
          t.deleteDirectly(vanished.clientId());
          ReconcileReport r = t.tokens.reconcile(ORG);
          assertThat(r.isClean()).isFalse();
          assertThat(astra.liveTokens()).hasSize(3); // a report changes nothing
          return List.of(
              t.finding(ReconcileFinding.Kind.UNKNOWN_TOKEN, foreign, null, false),
              t.finding(ReconcileFinding.Kind.UNKNOWN_TOKEN, orphan, orphanLease, false),
              t.finding(ReconcileFinding.Kind.MISSING_TOKEN, vanished.clientId(), vanished.lease().leaseId(), false));
        }),
        row("reconcile(org): expired lease, report only", t -> {
          AstraToken expired = t.setup(() -> t.issue("expired"));
          t.setup(() -> t.tokens.renew(expired.lease().leaseId(), Duration.ofMinutes(1)));
          t.clock.advance(Duration.ofMinutes(2)); // the clock only: the sweeper does not run
          t.tokens.reconcile(ORG);
          return List.of(t.finding(ReconcileFinding.Kind.EXPIRED_LEASE, expired.clientId(),
              expired.lease().leaseId(), false));
        }),
        row("reconcile(org, true): fix", t -> {
          AstraToken vanished = t.setup(() -> t.issue("vanished"));
          String foreign = t.createDirectly(null);
          String orphanLease = "astra/" + t.org.orgId() + "/reader/ORPHANxxxxxxxxxxxxxxxxx";
          String orphan = t.createDirectly("astra-vault lease=" + orphanLease);
          t.deleteDirectly(vanished.clientId());
          ReconcileReport r = t.tokens.reconcile(ORG, true);
          assertThat(astra.liveTokens()).extracting(tk -> tk.clientId()).containsExactly(foreign);
          assertThat(r.missingTokens()).singleElement().satisfies(f -> assertThat(f.fixed()).isTrue());
          return List.of(
              // Console-made (untagged) tokens are only reported.
              t.finding(ReconcileFinding.Kind.UNKNOWN_TOKEN, foreign, null, false),
              // A tagged token no record knows: deleted in Astra, audited as a revoke of a ghost lease.
              t.event("lease.revoked").org(t.org.orgId()).role("unknown")
                  .withClientAndLease(orphan, orphanLease).detail("reason", RevokeReason.REAPED)
                  .detail("alreadyGone", false),
              t.finding(ReconcileFinding.Kind.UNKNOWN_TOKEN, orphan, orphanLease, true),
              // A record whose token vanished: its lease is ended (Astra answers 404: already gone).
              t.event("lease.revoked").token(vanished, KEY).detail("reason", RevokeReason.REAPED)
                  .detail("alreadyGone", true),
              t.finding(ReconcileFinding.Kind.MISSING_TOKEN, vanished.clientId(), vanished.lease().leaseId(), true));
        }),
        row("reconcile(org, true): expired lease", t -> {
          AstraToken expired = t.setup(() -> t.issue("expired"));
          t.setup(() -> t.tokens.renew(expired.lease().leaseId(), Duration.ofMinutes(1)));
          t.clock.advance(Duration.ofMinutes(2));
          t.tokens.reconcile(ORG, true);
          assertThat(astra.isLive(expired.token())).isFalse();
          return List.of(t.event("lease.revoked").token(expired, KEY).detail("reason", RevokeReason.EXPIRED)
                  .detail("alreadyGone", false),
              t.finding(ReconcileFinding.Kind.EXPIRED_LEASE, expired.clientId(), expired.lease().leaseId(), true));
        }),
        row("manage (the first token is issued now)", t -> {
          ManagedToken handle = t.manage("orders");
          AstraToken token = handle.snapshot().astraToken();
          return List.of(t.event("token.issued").token(token, KEY).detail("style", IssueStyle.UNIQUE)
              .detail("expiresAt", token.lease().expiresAt())
              .detail("maxExpiresAt", t.clock.instant().plus(Duration.ofHours(3))));
        }),
        row("manage (Astra fails: nothing to manage)", t -> {
          astra.fault(Endpoint.CREATE_TOKEN).status(500).times(10);
          // One start-up attempt: each further attempt would add one more identical token.issue_failed.
          Throwable e = t.caught(() -> t.tokens.manage(
              TokenRequest.forRole(ROLE).org(ORG).logicalName("orders").metadata(META).build(),
              exact().toBuilder().startupAttempts(1).build()));
          assertThat(e).isInstanceOf(ManagedTokenStartException.class)
              .hasCauseInstanceOf(AstraServerException.class);
          return List.of(t.event("token.issue_failed").org(ORG).role(ROLE).logicalName("orders").metadata(META)
              .failure(AstraServerException.class, e.getCause().getMessage()));
        }),
        row("managed token: background renewal (no principal)", t -> {
          ManagedToken handle = t.setup(() -> t.manage("orders"));
          AstraToken token = handle.snapshot().astraToken();
          t.principal.set(null);
          t.scheduler.advance(Duration.ofMinutes(40)); // 2/3 of the hour left
          return List.of(t.event("lease.renewed").token(token, KEY).detail("ttl", Duration.ofHours(1))
              .detail("expiresAt", t.clock.instant().plus(Duration.ofHours(1))).detail("warnings", List.of()));
        }),
        row("managed token: rotation at max TTL issues the successor", t -> {
          ManagedToken handle = t.setup(() -> t.manageShort("orders"));
          AstraToken old = handle.snapshot().astraToken();
          t.principal.set(null);
          t.scheduler.advance(ROTATION);
          AstraToken fresh = handle.snapshot().astraToken();
          assertThat(fresh.clientId()).isNotEqualTo(old.clientId());
          return List.of(t.event("token.issued").token(fresh, KEY).detail("style", IssueStyle.UNIQUE)
              .detail("expiresAt", fresh.lease().expiresAt()).detail("maxExpiresAt", fresh.lease().expiresAt()));
        }),
        row("managed token: end of the rotation overlap revokes the old token", t -> {
          ManagedToken handle = t.setup(() -> t.manageShort("orders"));
          AstraToken old = handle.snapshot().astraToken();
          t.principal.set(null);
          t.setup(() -> t.scheduler.advance(ROTATION));
          t.scheduler.advance(Duration.ofMinutes(5));
          assertThat(astra.isLive(old.token())).isFalse();
          return List.of(t.event("lease.revoked").token(old, KEY).detail("reason", RevokeReason.ROTATED)
              .detail("alreadyGone", false));
        }),
        row("managed token: failed rotation (IssueFailed, then ManagedTokenFailed with the retry plan)", t -> {
          ManagedToken handle = t.setup(() -> t.manageShort("orders"));
          AstraToken old = handle.snapshot().astraToken();
          t.principal.set(null);
          astra.fault(Endpoint.CREATE_TOKEN).status(500).times(10);
          t.scheduler.advance(ROTATION);
          // The old token is kept; this first read of it is recorded, with this thread's actor (no principal here).
          assertThat(handle.current()).isEqualTo(old.token());
          ManagedTokenFailed failed = t.audit.events(ManagedTokenFailed.class).get(0);
          IssueFailed issueFailed = t.audit.events(IssueFailed.class).get(0);
          // Back-off with "equal jitter": the first retry waits between half the base (10 s) and the base.
          Instant retryAt = failed.retryAt();
          assertThat(retryAt).isBetween(t.clock.instant().plusSeconds(5), t.clock.instant().plusSeconds(10));
          return List.of(t.event("token.issue_failed").org(ORG).role(SHORT_ROLE).logicalName("orders").metadata(META)
                  .failure(AstraServerException.class, issueFailed.errorMessage().orElseThrow()),
              t.event("managed.failed").token(old, KEY)
                  .failure(AstraServerException.class, issueFailed.errorMessage().orElseThrow())
                  .detail("stage", "ISSUE").detail("attempt", 1).detail("retryAt", retryAt),
              t.event("token.read").token(old, KEY));
        }),
        row("ManagedToken.current (first read of a token generation: audited once, then lock-free)", t -> {
          ManagedToken handle = t.setup(() -> t.manage("orders"));
          AstraToken token = handle.snapshot().astraToken();
          assertThat(handle.current()).isEqualTo(token.token());
          assertThat(handle.current()).isEqualTo(token.token());
          assertThat(handle.get()).isEqualTo(token.token());
          return List.of(t.event("token.read").token(token, KEY));
        }),
        row("ManagedToken.current after a rotation (first read of the successor)", t -> {
          ManagedToken handle = t.setup(() -> t.manage("orders"));
          t.setup(() -> {
            handle.current();
            handle.rotateNow();
          });
          AstraToken fresh = handle.snapshot().astraToken();
          assertThat(handle.current()).isEqualTo(fresh.token());
          assertThat(handle.current()).isEqualTo(fresh.token());
          return List.of(t.event("token.read").token(fresh, KEY));
        }),
        row("ManagedToken.current of a token already read, snapshot (not audited)", t -> {
          ManagedToken handle = t.setup(() -> t.manage("orders"));
          t.setup(() -> handle.current());
          assertThat(handle.current()).isEqualTo(handle.snapshot().token());
          return List.of();
        }),
        row("ManagedToken.rotateNow", t -> {
          ManagedToken handle = t.setup(() -> t.manage("orders"));
          AstraToken old = handle.snapshot().astraToken();
          handle.rotateNow();
          AstraToken fresh = handle.snapshot().astraToken();
          assertThat(fresh.clientId()).isNotEqualTo(old.clientId());
          return List.of(t.event("token.issued").token(fresh, KEY).detail("style", IssueStyle.UNIQUE)
              .detail("expiresAt", fresh.lease().expiresAt())
              .detail("maxExpiresAt", t.clock.instant().plus(Duration.ofHours(3))));
        }),
        row("ManagedToken.stop (leases kept)", t -> {
          ManagedToken handle = t.setup(() -> t.manage("orders"));
          handle.stop();
          assertThat(astra.isLive(handle.snapshot().token())).isTrue();
          return List.of();
        }),
        row("ManagedToken.close", t -> {
          ManagedToken handle = t.setup(() -> t.manage("orders"));
          AstraToken token = handle.snapshot().astraToken();
          handle.close();
          return List.of(t.event("lease.revoked").token(token, KEY).detail("reason", RevokeReason.SHUTDOWN)
              .detail("alreadyGone", false));
        }),
        row("close", t -> {
          t.setup(() -> t.issue("orders"));
          t.tokens.close();
          return List.of();
        }),
        row("close (with a managed token: revoked, reason SHUTDOWN)", t -> {
          ManagedToken handle = t.setup(() -> t.manage("orders"));
          AstraToken token = handle.snapshot().astraToken();
          t.tokens.close();
          return List.of(t.event("lease.revoked").token(token, KEY).detail("reason", RevokeReason.SHUTDOWN)
              .detail("alreadyGone", false));
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

  /** 2/3 of (max TTL - 5 min overlap) of the short role: when its managed token rotates. */
  static final Duration ROTATION = Duration.ofMinutes(55).multipliedBy(2).dividedBy(3);
  static final String SHORT_ROLE = "api_rw_short";

  static RenewalSettings exact() {
    return RenewalSettings.builder().jitter(0).backoff(Duration.ofSeconds(10), Duration.ofMinutes(2))
        .maxWait(Duration.ZERO).build();
  }

  ManagedToken manage(String logicalName) {
    return tokens.manage(TokenRequest.forRole(ROLE).org(ORG).logicalName(logicalName).metadata(META).build(),
        exact());
  }

  /** A managed token of a role whose TTL is its max TTL (1h), so that its first refresh is a rotation. */
  ManagedToken manageShort(String logicalName) {
    tokens.writeRole(RoleSpec.builder().org(ORG).name(SHORT_ROLE).roleId(astra.roleId("API R/W Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(1)).build());
    return tokens.manage(TokenRequest.forRole(SHORT_ROLE).org(ORG).logicalName(logicalName).metadata(META)
        .build(), exact());
  }

  Expected finding(ReconcileFinding.Kind kind, String clientId, @Nullable String leaseId, boolean fixed) {
    Expected e = event("reconcile.finding").org(org.orgId()).withClientAndLease(clientId, leaseId)
        .detail("kind", kind).detail("fixed", fixed);
    return e;
  }

  private final OkHttpClient http = new OkHttpClient();

  /** Creates a token in the fake org behind the manager's back, as the Astra console would. */
  String createDirectly(@Nullable String description) {
    String body = "{\"roles\":[\"" + astra.roleId("API RO Svc Acct") + "\"]"
        + (description == null ? "" : ",\"description\":\"" + description + "\"") + "}";
    Request request = new Request.Builder().url(astra.url("/v2/clientIdSecrets"))
        .header("Authorization", "Bearer " + astra.defaultOrg().rootToken())
        .post(RequestBody.create(body, MediaType.get("application/json"))).build();
    try (Response response = http.newCall(request).execute()) {
      String json = response.body().string();
      int i = json.indexOf("\"clientId\":\"") + 12;
      return json.substring(i, json.indexOf('"', i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a token in the fake org behind the manager's back. */
  void deleteDirectly(String clientId) {
    Request request = new Request.Builder().url(astra.url("/v2/clientIdSecrets/" + clientId))
        .header("Authorization", "Bearer " + astra.defaultOrg().rootToken()).delete().build();
    // As any client would: retry the 429/503 FakeAstra now and then sheds a DELETE with, accept 200 or 204.
    for (int attempt = 1; ; attempt++) {
      try (Response response = http.newCall(request).execute()) {
        if ((response.code() == 429 || response.code() == 503) && attempt < 3) {
          continue;
        }
        assertThat(response.code()).isIn(200, 204);
        return;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Runs setup work whose events are not part of the row. */
  <T> T setup(java.util.function.Supplier<T> work) {
    T result = work.get();
    audit.clear();
    return result;
  }

  void setup(Runnable work) {
    work.run();
    audit.clear();
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
