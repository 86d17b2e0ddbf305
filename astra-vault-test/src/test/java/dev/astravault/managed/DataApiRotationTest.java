package dev.astravault.managed;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.astra.client.DataAPIClient;
import com.datastax.astra.client.collections.Collection;
import com.datastax.astra.client.collections.definition.documents.Document;
import com.datastax.astra.client.databases.Database;
import com.datastax.astra.client.tables.Table;
import com.datastax.astra.client.tables.definition.rows.Row;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.RenewalSettings;
import dev.astravault.dataapi.RotatingDataApi;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeDataApi;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RotatingDataApi}: the real Data API client against a stand-in that accepts only tokens live in FakeAstra.
 * A collection obtained once keeps working through rotations whose old tokens are revoked, with no rebuild.
 */
class DataApiRotationTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  @Test
  void aCollectionObtainedOnceKeepsWorkingThroughRotations() {
    try (ManagedFixture f = new ManagedFixture(astra, ofMinutes(10), ofMinutes(10));
        FakeDataApi dataApi = FakeDataApi.start(astra::isLive)) {
      ManagedToken token = f.tokens.manage(ManagedFixture.unique("orders-data-api"), RenewalSettings.builder()
          .rotationOverlap(ofMinutes(1)).listener(dev.astravault.ManagedTokenListener.of(f.events::add)).build());
      Database db = RotatingDataApi.database(token, dataApi.endpoint());
      Collection<Document> orders = db.createCollection("orders");
      // A client built the documented old way, on the token of this moment: the control that fails later.
      Collection<Document> stale = new DataAPIClient(token.current()).getDatabase(dataApi.endpoint())
          .getCollection("orders");

      Set<String> tokens = new HashSet<>();
      int calls = 0;
      // 21 simulated minutes in 30-second steps: a rotation about every 7 minutes, old tokens revoked 1 min later.
      for (Duration t = Duration.ZERO; t.compareTo(ofMinutes(21)) < 0; t = t.plus(ofSeconds(30))) {
        orders.insertOne(new Document().append("step", calls));
        assertThat(orders.countDocuments(1000)).isEqualTo(calls + 1);
        calls++;
        tokens.add(token.current());
        f.scheduler.advance(ofSeconds(30));
      }
      assertThat(f.events).filteredOn(e -> e instanceof ManagedTokenEvent.Rotated).hasSizeGreaterThanOrEqualTo(2);
      assertThat(tokens).hasSizeGreaterThanOrEqualTo(3);
      assertThat(dataApi.rejected()).isZero();
      assertThat(db.listCollectionNames()).containsExactly("orders");
      assertThat(dataApi.rejected()).isZero();

      // The control: the first token was revoked after its rotation overlap, so the fixed-token client fails.
      assertThatThrownBy(() -> stale.countDocuments(1000)).hasMessageContaining("UNAUTHENTICATED");
      assertThat(dataApi.rejected()).isPositive();
    }
  }

  @Test
  void tablesAndOptionsNeverCarryOrPrintTheToken() {
    try (ManagedFixture f = new ManagedFixture(astra, ofMinutes(10), ofMinutes(10));
        FakeDataApi dataApi = FakeDataApi.start(astra::isLive)) {
      ManagedToken token = f.tokens.manage(ManagedFixture.unique("orders-tables"), ManagedFixture.exact().build());
      Database db = RotatingDataApi.database(token, dataApi.endpoint());
      Table<Row> table = db.getTable("orders_by_day");
      assertThat(table.getOptions().getToken()).isEqualTo(token.current());
      assertThat(db.getOptions().toString()).doesNotContain(token.current());
      assertThat(db.getCollection("orders").getOptions().toString()).doesNotContain(token.current());
      assertThatThrownBy(() -> RotatingDataApi.database(token, " ")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("apiEndpoint");
    }
  }
}
