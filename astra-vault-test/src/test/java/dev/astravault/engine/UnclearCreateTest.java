package dev.astravault.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraApiException;
import dev.astravault.AstraServerException;
import dev.astravault.LeaseState;
import dev.astravault.OrgConfig;
import dev.astravault.RoleSpec;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManager;
import dev.astravault.event.AuditEvent;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.LeaseRevoked;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.internal.astra.RetryPolicy;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FaultProxy;
import dev.astravault.test.FaultProxy.Answer;
import dev.astravault.test.IssuedToken;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway status after Astra created the token (the case that used to leave a live token with no record): the
 * write-ahead record stays until the token is found by its tag and deleted, at once or, when Astra cannot be listed,
 * by recovery. Only a clear 4xx drops the record at once.
 */
class UnclearCreateTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  private static final String TOKENS = "/v2/clientIdSecrets";

  private final MutableClock clock = MutableClock.at(Instant.parse("2026-02-01T00:00:00Z"));
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private FaultProxy proxy;
  private TokenManager tokens;

  @BeforeEach
  void setUp() {
    astra.useClock(clock);
    proxy = FaultProxy.to(astra.url());
    OrgConfig org = OrgConfig.builder().orgId(astra.defaultOrg().orgId()).rootToken(astra.defaultOrg().rootToken())
        .url(proxy.uri()).logicalName("acme").build();
    tokens = TokenManager.builder().clock(clock).scheduler(new ManualScheduler(clock)).org(org)
        .auditSink(events::add).recoveryInterval(Duration.ZERO)
        .astraClient(c -> c.sleeper(d -> {}).retryPolicy(RetryPolicy.none())).build();
    tokens.writeRole(RoleSpec.builder().org("acme").name("reader").roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build());
  }

  @AfterEach
  void tearDown() {
    tokens.close();
    proxy.close();
  }

  private Throwable issue() {
    return catchThrowable(() -> tokens.request().org("acme").role("reader").logicalName("orders").issue());
  }

  @Test
  void a504AfterTheCreateIsSettledAtOnceByTheTag() {
    proxy.on("POST", TOKENS).forwardThen(Answer.status(504));
    Throwable e = issue();
    assertThat(e).isInstanceOf(AstraServerException.class).hasMessageContaining("HTTP 504");
    assertThat(astra.requestCount("POST", TOKENS)).isEqualTo(1);
    assertThat(astra.revokedTokens()).as("Astra had created it").hasSize(1);
    assertThat(astra.liveTokens()).isEmpty();
    String ghost = astra.revokedTokens().get(0).clientId();
    assertThat(events).filteredOn(LeaseRevoked.class::isInstance).map(LeaseRevoked.class::cast).singleElement()
        .satisfies(r -> {
          assertThat(r.reason()).isEqualTo(RevokeReason.REAPED);
          assertThat(r.token().clientId()).isEqualTo(ghost);
        });
    assertThat(events).filteredOn(IssueFailed.class::isInstance).hasSize(1);
    assertThat(engine().store().list("")).isEmpty();
    assertThat(issue()).as("the triple is free again").isNull();
  }

  @Test
  void whenAstraCannotBeListedTheRecordWaitsForRecovery() {
    proxy.on("POST", TOKENS).forwardThen(Answer.status(502));
    proxy.on("GET", TOKENS).instead(Answer.reset());
    assertThat(issue()).isInstanceOf(AstraServerException.class);
    assertThat(astra.liveTokens()).hasSize(1);
    assertThat(engine().store().list("")).singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(LeaseState.PENDING));
    // The record holds the triple, so no second token can be made for it meanwhile.
    assertThat(issue()).isInstanceOf(TokenAlreadyExistsException.class);

    assertThat(engine().recover().pendingSettled()).as("too young to be settled").isZero();
    clock.advance(Duration.ofMinutes(6)); // past pendingSettleAfter (5 min)
    assertThat(engine().recover().pendingSettled()).isEqualTo(1);
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(engine().store().list("")).isEmpty();
    assertThat(issue()).isNull();
  }

  @Test
  void aClear4xxDropsTheRecordWithoutAskingAstra() {
    proxy.on("POST", TOKENS).instead(Answer.status(400));
    int lists = astra.requestCount("GET", TOKENS);
    Throwable e = issue();
    assertThat(e).isInstanceOf(AstraApiException.class);
    assertThat(((AstraApiException) e).status()).isEqualTo(400);
    assertThat(astra.requestCount("GET", TOKENS)).as("nothing to settle").isEqualTo(lists);
    assertThat(engine().store().list("")).isEmpty();
    assertThat(astra.liveTokens()).extracting(IssuedToken::clientId).isEmpty();
  }

  private RealTokenManager engine() {
    return (RealTokenManager) tokens;
  }
}
