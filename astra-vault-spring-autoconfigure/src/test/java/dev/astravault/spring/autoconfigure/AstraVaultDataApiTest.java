package dev.astravault.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.astra.client.collections.Collection;
import com.datastax.astra.client.collections.definition.documents.Document;
import com.datastax.astra.client.databases.Database;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.spring.autoconfigure.FakeAstraContext.EventRecorder;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeDataApi;
import dev.astravault.test.ManualScheduler;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code astra.vault.data-api.*}: a Data API {@link Database} bean on the startup token, through rotations. */
class AstraVaultDataApiTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();
  final FakeDataApi dataApi = FakeDataApi.start(astra::isLive);

  @AfterEach
  void stop() {
    dataApi.close();
  }

  @Test
  void theDatabaseBeanSendsTheCurrentTokenThroughRotationsWithoutARebuild() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.data-api.endpoint=" + dataApi.endpoint(),
        "astra.vault.data-api.keyspace=orders_ks", "astra.vault.renewal.rotation-overlap=1m").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(Database.class);
          Database db = context.getBean(Database.class);
          assertThat(db.getKeyspace()).isEqualTo("orders_ks");
          assertThat(db.getOptions().toString()).doesNotContain(context.getBean(ManagedToken.class).current());
          Collection<Document> orders = db.createCollection("orders");
          ManagedToken token = context.getBean(ManagedToken.class);
          String first = token.current();
          ManualScheduler scheduler = context.getBean(ManualScheduler.class);
          for (int i = 0; i < 6; i++) {
            orders.insertOne(new Document().append("n", i));
            assertThat(orders.countDocuments(100)).isEqualTo(i + 1);
            scheduler.advance(Duration.ofMinutes(30)); // the role's TTL is 1h and max 2h: renewals, then rotations
          }
          assertThat(context.getBean(EventRecorder.class).types()).contains(ManagedTokenEvent.Rotated.class);
          assertThat(astra.isLive(first)).isFalse();
          assertThat(dataApi.rejected()).isZero();
          assertThat(dataApi.accepted()).isGreaterThanOrEqualTo(13);
        });
  }

  @Test
  void withoutAnEndpointThereIsNoDatabaseBean() {
    FakeAstraContext.withFakeAstra(astra)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Database.class));
  }

  @Test
  void aBlankEndpointFailsStartupNamingTheProperty() {
    FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.data-api.endpoint= ").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).hasStackTraceContaining("astra.vault.data-api");
    });
  }

  @Test
  void anEndpointThatIsNoHttpUrlOrCarriesCredentialsFailsStartupNamingThePropertyWithoutShowingThem() {
    // Accepted before: the first command failed (or sent the password to wherever the client logs its URL).
    for (String endpoint : new String[] {"not a url", "db.apps.astra.datastax.com", "ftp://db.example.com",
        "https://orders:hunter2-pw@db.apps.astra.datastax.com",
        "https://db.apps.astra.datastax.com?token=hunter2-pw"}) {
      FakeAstraContext.withFakeAstra(astra).withPropertyValues("astra.vault.data-api.endpoint=" + endpoint)
          .run(context -> {
            org.springframework.boot.diagnostics.FailureAnalysis a = FakeAstraContext.analysis(context, astra);
            assertThat(a.getDescription()).as(endpoint).contains("astra.vault.data-api.endpoint");
            assertThat(a.getAction()).contains("https://<db-id>-<region>.apps.astra.datastax.com");
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
              assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2-pw");
            }
          });
    }
  }
}
