package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.AstraToken;
import dev.astravault.LeaseRecord;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.VaultRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * Captures every log line (at TRACE) over a full lifecycle, faults included, and looks for secrets in them. In Vault
 * mode it also reads FakeVault's request log: the Astra root token travels to Vault only in the write of the plugin's
 * {@code astra/config}, where the plugin stores it.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SecretsNeverLeakTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter Backend backend;

  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  Logger root;
  Level previous;
  EngineFixture f;

  @BeforeEach
  void setUp() {
    root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    previous = root.getLevel();
    root.setLevel(Level.TRACE);
    logs.start();
    root.addAppender(logs);
    f = new EngineFixture(astra, backend);
  }

  @AfterEach
  void tearDown() {
    f.close();
    root.detachAppender(logs);
    root.setLevel(previous);
  }

  @Test
  void noSecretTokenOrRootTokenInLogsEventsExceptionsOrToString() {
    List<String> secrets = new ArrayList<>(List.of(f.fakeOrg.rootToken()));
    List<String> texts = new ArrayList<>();

    f.tokens.syncRoles(ORG);
    AstraToken token = f.tokens.request().org(ORG).role(ROLE).logicalName("orders").metadata("owner", "a").issue();
    secrets.add(token.token());
    if (!token.secret().isEmpty()) {
      // Vault mode: the plugin never returns the secret part.
      secrets.add(token.secret());
    }
    texts.add(token.toString());
    texts.add(token.info().toString());
    texts.add(f.org.toString());
    LeaseRecord record = ((RealTokenManager) f.tokens).store().get(token.lease().leaseId()).orElseThrow();
    texts.add(record.toString());

    f.tokens.token(token.clientId());
    f.tokens.tokens();
    f.tokens.lease(token.lease().leaseId());
    f.tokens.renew(token.lease().leaseId());
    texts.add(f.tokens.orgs().toString());
    texts.add(f.tokens.roles(ORG).toString());

    // Faults: a failed revoke, a failed and an ambiguous create, a duplicate.
    astra.fault(Endpoint.DELETE_TOKEN).status(503).times(4);
    texts.add(String.valueOf(catchThrowable(() -> f.tokens.revoke(token.lease().leaseId()))));
    astra.fault(Endpoint.CREATE_TOKEN).status(401);
    texts.add(String.valueOf(catchThrowable(() -> f.tokens.request().org(ORG).role(ROLE).logicalName("x").issue())));
    astra.fault(Endpoint.CREATE_TOKEN).succeedThenDropConnection();
    texts.add(String.valueOf(catchThrowable(() -> f.tokens.request().org(ORG).role(ROLE).logicalName("y").issue())));
    texts.add(String.valueOf(catchThrowable(() -> f.tokens.request().org(ORG).role(ROLE).logicalName("orders")
        .issue())));

    // The sweeper retries the failed revoke at expiry.
    f.scheduler.advance(Duration.ofHours(2));
    if (f.vault != null) {
      // Vault revokes on expiry, retrying a revoke that fails (the remaining 503s) up to its limit.
      for (int i = 0; i < FakeVault.MAX_REVOKE_ATTEMPTS && astra.isLive(token.token()); i++) {
        f.vault.expireDue();
        f.scheduler.advance(Duration.ofMinutes(10));
      }
    }
    assertThat(astra.isLive(token.token())).isFalse();

    logs.list.forEach(e -> {
      texts.add(e.getFormattedMessage());
      if (e.getKeyValuePairs() != null) {
        texts.add(e.getKeyValuePairs().toString());
      }
      if (e.getThrowableProxy() != null) {
        texts.add(e.getThrowableProxy().getMessage());
      }
    });
    f.events.forEach(e -> texts.add(e.toString()));

    assertThat(logs.list).isNotEmpty();
    assertThat(f.events).hasSizeGreaterThan(8);
    for (String text : texts) {
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
    if (f.vault != null) {
      List<VaultRequest> requests = f.vault.requests();
      List<VaultRequest> configWrites = requests.stream()
          .filter(r -> r.path().equals("/v1/astra/config") && !r.method().equals("GET")).toList();
      assertThat(configWrites).isNotEmpty()
          .allSatisfy(r -> assertThat(r.body()).contains(f.fakeOrg.rootToken()));
      assertThat(requests).hasSizeGreaterThan(configWrites.size());
      for (VaultRequest r : requests) {
        String seen = r.headers().toString() + "\n" + r.path() + "?" + r.query() + "\n"
            + (configWrites.contains(r) ? "" : r.body());
        for (String secret : secrets) {
          assertThat(seen).as("%s %s", r.method(), r.path()).doesNotContain(secret);
        }
      }
      // Nor in the plugin's log.
      f.vault.astraLog().forEach(line -> secrets.forEach(s -> assertThat(line).doesNotContain(s)));
    }
  }
}
