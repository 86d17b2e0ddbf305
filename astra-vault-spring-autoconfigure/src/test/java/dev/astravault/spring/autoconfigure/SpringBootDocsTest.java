package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.datastax.astra.client.collections.definition.documents.Document;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.dataapi.RotatingDataApi;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeDataApi;
import dev.astravault.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * docs/spring-boot.md's Java snippets, as written, in a context on FakeAstra with manual time; the one that names a
 * Boot 4 package is in {@link SpringBootDocsBoot4Test}, which the Boot 3.5 suite leaves out.
 */
class SpringBootDocsTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Test
  void aServiceTakesTheStartupToken() {
    FakeAstraContext.withFakeAstra(astra).withUserConfiguration(Orders.class).run(context -> {
      assertThat(context).hasNotFailed();
      String password = context.getBean(Orders.class).password();
      assertThat(astra.isLive(password)).isTrue();
      AstraTokenSupplier supplier = context.getBean(AstraTokenSupplier.class);
      assertThat(supplier.get()).isEqualTo(password);
      assertThat(supplier.asSupplier().get()).isEqualTo(password);
    });
  }

  @Component
  static class RotationLog {
    private static final Logger log = LoggerFactory.getLogger(RotationLog.class);

    // docs:begin spring-event
    @EventListener
    void onRotated(AstraTokenEvent e) {
      if (e.event() instanceof ManagedTokenEvent.Rotated) log.info("rotated: {}", e.event());
    }
    // docs:end spring-event
  }

  static LoggerContext logback() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  @Test
  void aListenerHearsTheRotation() {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    logback().getLogger(RotationLog.class).addAppender(logged);
    logback().getLogger(RotationLog.class).setLevel(Level.INFO);  // the tests' root level is WARN
    try {
      FakeAstraContext.withFakeAstra(astra).withUserConfiguration(RotationLog.class).run(context -> {
        assertThat(context).hasNotFailed();
        String first = context.getBean(ManagedToken.class).current();
        context.getBean(ManagedToken.class).rotateNow();
        context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(1));
        assertThat(context.getBean(ManagedToken.class).current()).isNotEqualTo(first);
        assertThat(logged.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
            .startsWith("rotated: ").doesNotContain(first);
      });
    } finally {
      logback().getLogger(RotationLog.class).detachAppender(logged);
      logback().getLogger(RotationLog.class).setLevel(null);
    }
  }

  @Test
  void aServiceCountsThroughTheDatabaseBean() {
    try (FakeDataApi dataApi = FakeDataApi.start(astra::isLive)) {
      FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.data-api.endpoint=" + dataApi.endpoint())
          .withUserConfiguration(OrderStats.class).run(context -> {
            assertThat(context).hasNotFailed();
            ManagedToken token = context.getBean(ManagedToken.class);
            RotatingDataApi.database(token, dataApi.endpoint()).createCollection("orders")
                .insertOne(new Document().append("n", 1));
            OrderStats stats = context.getBean(OrderStats.class);
            assertThat(stats.count()).isEqualTo(1);
            token.rotateNow();
            context.getBean(ManualScheduler.class).advance(Duration.ofMinutes(1));
            assertThat(stats.count()).isEqualTo(1);
          });
    }
  }
}
