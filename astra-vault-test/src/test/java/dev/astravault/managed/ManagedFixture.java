package dev.astravault.managed;

import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.OrgConfig;
import dev.astravault.RenewalSettings;
import dev.astravault.RoleSpec;
import dev.astravault.Scheduler;
import dev.astravault.TokenManager;
import dev.astravault.TokenManagerBuilder;
import dev.astravault.TokenRequest;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.internal.astra.RetryPolicy;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import dev.astravault.test.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A TokenManager on FakeAstra whose time is driven by hand: manual clock and scheduler, Astra calls and listener
 * events run on the calling thread (so everything happens inside {@code scheduler.advance}), no client-side retries
 * (the managed handle's own back-off is what is under test).
 */
final class ManagedFixture implements AutoCloseable {
  static final String ORG = "acme";
  static final String ROLE = "api_rw_svc_acct";
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  final FakeAstra astra;
  final MutableClock clock = MutableClock.at(START);
  final ManualScheduler scheduler = new ManualScheduler(clock);
  final RecordingAuditSink audit = RecordingAuditSink.create();
  final List<ManagedTokenEvent> events = new CopyOnWriteArrayList<>();
  final TokenManager tokens;

  ManagedFixture(FakeAstra astra, Duration ttl, Duration maxTtl) {
    this(astra, ttl, maxTtl, ManagedFixture::synchronous);
  }

  /** Astra calls and listener events on the calling thread: everything happens inside scheduler.advance. */
  static void synchronous(TokenManagerBuilder b) {
    b.managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run);
  }

  ManagedFixture(FakeAstra astra, Duration ttl, Duration maxTtl, Consumer<TokenManagerBuilder> customizer) {
    this(astra, ttl, maxTtl, UnaryOperator.identity(), customizer);
  }

  ManagedFixture(FakeAstra astra, Duration ttl, Duration maxTtl, UnaryOperator<Scheduler> wrap,
      Consumer<TokenManagerBuilder> customizer) {
    this.astra = astra;
    astra.useClock(clock);
    OrgConfig org = OrgConfig.builder().orgId(astra.defaultOrg().orgId()).rootToken(astra.defaultOrg().rootToken())
        .url(astra.url().uri()).logicalName(ORG).build();
    TokenManagerBuilder builder = TokenManager.builder().clock(clock)
        .scheduler(wrap.apply(scheduler)).org(org)
        .sweepInterval(Duration.ofMinutes(1)).auditSink(audit).callTimeout(Duration.ofSeconds(5))
        .astraClient(c -> c.retryPolicy(RetryPolicy.none()));
    customizer.accept(builder);
    this.tokens = builder.build();
    tokens.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API R/W Svc Acct"))
        .ttl(ttl).maxTtl(maxTtl).build());
  }

  /** Settings with no jitter, 5 min overlap, hard margin max(30s, 10%), back-off 10 s .. 2 min. */
  static RenewalSettings.Builder exact() {
    return RenewalSettings.builder().jitter(0).backoff(Duration.ofSeconds(10), Duration.ofMinutes(2))
        .maxWait(Duration.ZERO);
  }

  ManagedToken manage(TokenRequest request, RenewalSettings.Builder settings) {
    return tokens.manage(request, settings.listener(ManagedTokenListener.of(events::add)).build());
  }

  static TokenRequest unique(String name) {
    return TokenRequest.forRole(ROLE).org(ORG).logicalName(name).build();
  }

  static TokenRequest perRequest() {
    return TokenRequest.forRole(ROLE).org(ORG).perRequest().build();
  }

  RealTokenManager engine() {
    return (RealTokenManager) tokens;
  }

  <T extends ManagedTokenEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  Instant at(Duration sinceStart) {
    return START.plus(sinceStart);
  }

  /** Advances the clock to {@code START + sinceStart}, running every task due on the way. */
  void advanceTo(Duration sinceStart) {
    Duration left = Duration.between(clock.instant(), START.plus(sinceStart));
    if (left.isNegative()) {
      throw new IllegalArgumentException("already past " + sinceStart);
    }
    scheduler.advance(left);
  }

  @Override
  public void close() {
    tokens.close();
  }
}
