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
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The whole token lifecycle in one run: configure an org, sync its roles, issue a token with metadata, list tokens
 * and leases, renew, let time pass, and watch the sweeper revoke the token at expiry.
 *
 * <p>By default it runs against an embedded {@link FakeAstra} with simulated time. With {@code ASTRA_ORG_TOKEN} set
 * (plus optional {@code ASTRA_DEVOPS_URL}) it runs against that endpoint in real time, and revokes what it issued
 * even when a step fails. {@code ASTRA_ROLE} names the role in either mode as Astra shows it: its display name
 * ({@code "API RO Svc Acct"}), the local name role sync gives it ({@code api_ro_svc_acct}) or its role id.
 */
public final class Quickstart {
  static final String DEFAULT_ROLE = "API RO Svc Acct";
  static final String DEFAULT_URL = "https://api.astra.datastax.com";
  private static final Duration TTL = Duration.ofHours(1);
  private static final Duration MAX_TTL = Duration.ofHours(2);

  private final PrintStream out;
  private int step;

  Quickstart(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    run(System.getenv(), System.out);
  }

  /** Runs the demo as {@link #main} does, with {@code env} as the environment. */
  static void run(Map<String, String> env, PrintStream out) {
    Quickstart demo = new Quickstart(out);
    String role = Optional.ofNullable(env.get("ASTRA_ROLE")).filter(r -> !r.isBlank()).orElse(DEFAULT_ROLE);
    String rootToken = env.get("ASTRA_ORG_TOKEN");
    if (rootToken == null || rootToken.isBlank()) {
      demo.runEmbedded(role);
    } else {
      demo.runAgainst(rootToken,
          URI.create(Optional.ofNullable(env.get("ASTRA_DEVOPS_URL")).filter(u -> !u.isBlank()).orElse(DEFAULT_URL)),
          role);
    }
  }

  /** Embedded FakeAstra, simulated clock and scheduler: the demo finishes in about a second. */
  void runEmbedded(String role) {
    MutableClock clock = MutableClock.ofNow();
    ManualScheduler scheduler = new ManualScheduler(clock);
    try (FakeAstra astra = FakeAstra.create().useClock(clock).start()) {
      FakeOrg fakeOrg = astra.defaultOrg();
      say("started an embedded FakeAstra at %s (set ASTRA_ORG_TOKEN to use a real org)", astra.url());
      OrgConfig org = OrgConfig.builder().orgId(fakeOrg.orgId()).rootToken(fakeOrg.rootToken())
          .url(astra.url().uri()).logicalName("demo").build();
      try (TokenManager tokens = TokenManager.builder().clock(clock).scheduler(scheduler)
          .sweepInterval(Duration.ofMinutes(1)).build()) {
        new Lifecycle(tokens, org, role, clock, clock, () -> {
          // Simulated time: jump past the max TTL and let the sweeper run its due rounds.
          clock.advance(Duration.ofHours(3));
          scheduler.runDue();
        }).run();
        say("FakeAstra now holds %d live token(s)", astra.liveTokens().size());
      }
    }
  }

  /** A real (or real-shaped) DevOps endpoint, in real time: revoke explicitly rather than wait hours. */
  void runAgainst(String rootToken, URI url, String role) {
    OrgConfig org = OrgConfig.discover(rootToken, url).toBuilder().logicalName("demo").build();
    say("using org %s at %s", org.orgId(), url);
    try (TokenManager tokens = TokenManager.builder().build()) {
      new Lifecycle(tokens, org, role, Clock.systemUTC(), null, null).run();
    }
  }

  private final class Lifecycle {
    private final TokenManager tokens;
    private final OrgConfig org;
    private final String role;
    private final Clock clock;
    private final @Nullable MutableClock simulated;
    private final @Nullable Runnable pastMaxTtl;

    Lifecycle(TokenManager tokens, OrgConfig org, String role, Clock clock, @Nullable MutableClock simulated,
        @Nullable Runnable pastMaxTtl) {
      this.tokens = tokens;
      this.org = org;
      this.role = role;
      this.clock = clock;
      this.simulated = simulated;
      this.pastMaxTtl = pastMaxTtl;
    }

    void run() {
      tokens.writeOrg(org);
      say("configured org %s as '%s' (root token kept out of every output)", org.orgId(), org.logicalName());

      RoleSyncReport sync = tokens.syncRoles("demo");
      say("synced roles: %d created, %d updated, %d collisions", sync.created().size(), sync.updated().size(),
          sync.collisions().size());
      // ASTRA_ROLE may be Astra's display name, the local name sync gave it, or the role id: all name one role.
      Role synced = tokens.role("demo", role).orElseThrow(() -> new IllegalArgumentException(
          "no role named '" + role + "' (display name, local name or id) in the org"));
      // This demo's own TTLs (synced roles start at 24h): a lease lasts 1h and is renewable until 2h after issue.
      Role written = tokens.writeRole(RoleSpec.builder().org("demo").name(synced.name()).ttl(TTL).maxTtl(MAX_TTL)
          .build()).role();
      say("role '%s' is %s: ttl %s, max ttl %s", role, written.name(), human(written.ttl()),
          human(written.maxTtl()));

      AstraToken token = tokens.request().org("demo").role(role).logicalName("quickstart-" + clock.millis())
          .metadata("owner", "team-demo").metadata("purpose", "quickstart").issue();
      try {
        Lease issued = token.lease();
        say("issued %s (clientId %s), expires in %s at %s", token.redacted(), token.clientId(),
            human(issued.ttl()), at(issued.expiresAt()));
        for (TokenInfo info : tokens.tokens("demo")) {
          say("  token %s role=%s name=%s metadata=%s", info.clientId(), info.roleName(),
              info.logicalName().orElse("-"), info.metadata());
        }
        for (Lease lease : tokens.leases("demo")) {
          say("  lease %s expires at %s, renewable until %s", lease.leaseId(), at(lease.expiresAt()),
              at(lease.maxExpiresAt()));
        }

        if (simulated != null) {
          simulated.advance(Duration.ofMinutes(40));
          say("40m pass (simulated time): %s left on the lease", human(issued.remaining(clock)));
        }
        // Duration.ZERO asks for the role's ttl, counted from now (not from the old expiry).
        Renewal renewal = tokens.renew(issued.leaseId(), Duration.ZERO);
        Lease renewed = renewal.lease();
        say("renewed: a renewal grants the role's ttl (%s) counted from now, so the lease now expires at %s "
            + "instead of %s; no renewal can pass %s", human(renewed.ttl()), at(renewed.expiresAt()),
            at(issued.expiresAt()), at(renewed.maxExpiresAt()));
        renewal.warnings().forEach(w -> say("  warning from the renewal: %s", w));

        if (pastMaxTtl != null) {
          Instant before = clock.instant();
          pastMaxTtl.run();
          say("3h pass (simulated time), beyond the max ttl: %s → %s", at(before), at(clock.instant()));
          say("lease %s", tokens.lease(issued.leaseId()).isPresent() ? "is still there (unexpected)"
              : "was revoked at expiry by the sweeper");
        }
      } finally {
        if (tokens.lease(token.lease().leaseId()).isPresent()) {
          tokens.revoke(token.lease().leaseId());
          say("revoked lease %s", token.lease().leaseId());
        }
      }
    }
  }

  /** One duration notation for the whole demo: 1h, 40m, 1h20m, 5s. */
  static String human(Duration d) {
    long s = d.getSeconds();
    if (s == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    if (s >= 3600) {
      b.append(s / 3600).append('h');
    }
    if (s % 3600 >= 60) {
      b.append(s % 3600 / 60).append('m');
    }
    if (s % 60 > 0) {
      b.append(s % 60).append('s');
    }
    return b.toString();
  }

  private static String at(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private void say(String format, Object... args) {
    out.printf("[%d] %s%n", ++step, String.format(format, args));
  }
}
