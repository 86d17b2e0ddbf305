package dev.astravault.examples.quickstart;

import dev.astravault.AstraToken;
import dev.astravault.Lease;
import dev.astravault.OrgConfig;
import dev.astravault.Renewal;
import dev.astravault.Role;
import dev.astravault.RoleSpec;
import dev.astravault.RoleSyncReport;
import dev.astravault.TokenInfo;
import dev.astravault.TokenManager;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeOrg;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The whole token lifecycle in one run: configure an org, sync its roles, issue a token with metadata, list tokens
 * and leases, renew, let time pass, and watch the sweeper revoke the token at expiry.
 *
 * <p>By default it runs against an embedded {@link FakeAstra} with simulated time. With {@code ASTRA_ORG_TOKEN} set
 * (plus optional {@code ASTRA_DEVOPS_URL} and {@code ASTRA_ROLE}, a role name or id) it runs against that endpoint
 * in real time, and revokes what it issued even when a step fails.
 */
public final class Quickstart {
  private static final String ROLE = "api_ro_svc_acct";

  private final PrintStream out;
  private int step;

  Quickstart(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    String rootToken = System.getenv("ASTRA_ORG_TOKEN");
    Quickstart demo = new Quickstart(System.out);
    if (rootToken == null || rootToken.isBlank()) {
      demo.runEmbedded();
    } else {
      demo.runAgainst(rootToken,
          URI.create(Optional.ofNullable(System.getenv("ASTRA_DEVOPS_URL")).orElse("https://api.astra.datastax.com")),
          Optional.ofNullable(System.getenv("ASTRA_ROLE")).orElse(ROLE));
    }
  }

  /** Embedded FakeAstra, simulated clock and scheduler: the demo finishes in about a second. */
  void runEmbedded() {
    MutableClock clock = MutableClock.ofNow();
    ManualScheduler scheduler = new ManualScheduler(clock);
    try (FakeAstra astra = FakeAstra.create().useClock(clock).start()) {
      FakeOrg fakeOrg = astra.defaultOrg();
      say("started an embedded FakeAstra at %s (set ASTRA_ORG_TOKEN to use a real org)", astra.url());
      OrgConfig org = OrgConfig.builder().orgId(fakeOrg.orgId()).rootToken(fakeOrg.rootToken())
          .url(astra.url().uri()).logicalName("demo").build();
      try (TokenManager tokens = TokenManager.builder().clock(clock).scheduler(scheduler)
          .sweepInterval(Duration.ofMinutes(1)).build()) {
        Lifecycle lifecycle = new Lifecycle(tokens, org, ROLE, true);
        lifecycle.run(clock, () -> {
          // Simulated time: jump past the max TTL and let the sweeper run its due rounds.
          clock.advance(Duration.ofHours(3));
          scheduler.runDue();
        });
        say("FakeAstra now holds %d live token(s)", astra.liveTokens().size());
      }
    }
  }

  /** A real (or real-shaped) DevOps endpoint, in real time: revoke explicitly rather than wait hours. */
  void runAgainst(String rootToken, URI url, String role) {
    OrgConfig org = OrgConfig.discover(rootToken, url).toBuilder().logicalName("demo").build();
    say("using org %s at %s", org.orgId(), url);
    try (TokenManager tokens = TokenManager.builder().build()) {
      new Lifecycle(tokens, org, role, false).run(Clock.systemUTC(), null);
    }
  }

  private final class Lifecycle {
    private final TokenManager tokens;
    private final OrgConfig org;
    private final String role;
    private final boolean shortTtl;

    Lifecycle(TokenManager tokens, OrgConfig org, String role, boolean shortTtl) {
      this.tokens = tokens;
      this.org = org;
      this.role = role;
      this.shortTtl = shortTtl;
    }

    void run(Clock clock, Runnable timePasses) {
      tokens.writeOrg(org);
      say("configured org %s as '%s' (root token kept out of every output)", org.orgId(), org.logicalName());

      RoleSyncReport sync = tokens.syncRoles("demo");
      say("synced roles: %d created, %d updated, %d collisions", sync.created().size(), sync.updated().size(),
          sync.collisions().size());
      String roleName = resolveRole();
      if (shortTtl) {
        Role written = tokens.writeRole(RoleSpec.builder().org("demo").name(roleName).ttl(Duration.ofHours(1))
            .maxTtl(Duration.ofHours(2)).build()).role();
        say("role %s: ttl %s, max ttl %s", written.name(), written.ttl(), written.maxTtl());
      }

      AstraToken token = tokens.request().org("demo").role(roleName).logicalName("quickstart-" + clock.millis())
          .metadata("owner", "team-demo").metadata("purpose", "quickstart").issue();
      try {
        say("issued %s (clientId %s) expiring at %s", token.redacted(), token.clientId(),
            token.lease().expiresAt());
        for (TokenInfo info : tokens.tokens("demo")) {
          say("  token %s role=%s name=%s metadata=%s", info.clientId(), info.roleName(),
              info.logicalName().orElse("-"), info.metadata());
        }
        for (Lease lease : tokens.leases("astra/" + org.orgId())) {
          say("  lease %s expires %s (max %s)", lease.leaseId(), lease.expiresAt(), lease.maxExpiresAt());
        }

        Renewal renewal = tokens.renew(token.lease().leaseId(), Duration.ofHours(4));
        say("renewed to %s%s", renewal.lease().expiresAt(),
            renewal.warnings().isEmpty() ? "" : " — warning: " + renewal.warnings().get(0));

        if (timePasses != null) {
          Instant before = clock.instant();
          timePasses.run();
          say("simulated time passed: %s → %s", before, clock.instant());
          say("lease %s", tokens.lease(token.lease().leaseId()).isPresent() ? "is still there (unexpected)"
              : "was revoked at expiry by the sweeper");
        }
      } finally {
        if (tokens.lease(token.lease().leaseId()).isPresent()) {
          tokens.revoke(token.lease().leaseId());
          say("revoked lease %s", token.lease().leaseId());
        }
      }
    }

    private String resolveRole() {
      if (tokens.role("demo", role).isPresent()) {
        return role.toLowerCase(java.util.Locale.ROOT);
      }
      // ASTRA_ROLE may be an Astra role id rather than a name.
      return tokens.roles("demo").stream().filter(r -> r.roleId().equals(role)).findFirst()
          .map(Role::name)
          .orElseThrow(() -> new IllegalArgumentException("no role named or with id '" + role + "' in the org"));
    }
  }

  private void say(String format, Object... args) {
    out.printf("[%d] %s%n", ++step, String.format(format, args));
  }
}
