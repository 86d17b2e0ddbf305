package dev.astravault.managed;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.datastax.astra.client.collections.Collection;
import com.datastax.astra.client.collections.definition.documents.Document;
import com.datastax.astra.client.core.options.DataAPIClientOptions;
import com.datastax.astra.client.databases.Database;
import com.datastax.astra.client.databases.DatabaseOptions;
import com.datastax.astra.client.exceptions.DataAPIHttpException;
import com.datastax.astra.client.exceptions.DataAPIResponseException;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.OrgConfig;
import dev.astravault.Scope;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.dataapi.RotatingDataApi;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeDataApi;
import dev.astravault.test.ManualScheduler;
import dev.astravault.test.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A managed token with a database-scoped custom role (made by the TokenManager in FakeAstra), used through
 * {@link RotatingDataApi}: it works on its database and keyspace, through rotations (each new token holds the same
 * role), and is refused as the real Data API refuses it elsewhere (another database or keyspace: 200 with
 * {@code UNKNOWN_KEYSPACE}; a write with a read-only scope: 401 {@code UNAUTHORIZED_ACCESS}).
 */
class ScopedDataApiTest {
  static final String DB = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
  static final String OTHER_DB = "9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";

  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  @Test
  void aDatabaseScopedTokenWorksOnItsDatabaseAndIsRefusedElsewhere() {
    try (ManagedFixture f = new ManagedFixture(astra, ofMinutes(10), ofMinutes(10));
        FakeDataApi ordersDb = FakeDataApi.start(astra, DB);      // stands for database DB only
        FakeDataApi otherDb = FakeDataApi.start(astra, OTHER_DB)) {
      ManagedToken token = f.manage(scoped("orders-svc", Scope.Access.SCHEMA), ManagedFixture.exact());
      Collection<Document> orders = RotatingDataApi.database(token::current, ordersDb.endpoint(), inKeyspace("orders"))
          .createCollection("orders");
      orders.insertOne(new Document().append("n", 1));

      // The same token on another database: the keyspace "does not exist" there (a 200, not a 401).
      Database elsewhere = RotatingDataApi.database(token::current, otherDb.endpoint(), inKeyspace("orders"));
      DataAPIResponseException refused = catchThrowableOfType(DataAPIResponseException.class,
          () -> elsewhere.getCollection("orders").countDocuments(10));
      assertThat(refused.getErrorCode()).isEqualTo("UNKNOWN_KEYSPACE");

      // Another keyspace of its own database: the same answer.
      Database billing = RotatingDataApi.database(token::current, ordersDb.endpoint(), inKeyspace("billing"));
      assertThat(catchThrowableOfType(DataAPIResponseException.class, () -> billing.listCollectionNames())
          .getErrorCode()).isEqualTo("UNKNOWN_KEYSPACE");

      // Rotations hand out new tokens with the same role: the collection obtained once keeps working.
      String first = token.current();
      for (int i = 0; i < 40; i++) {
        f.scheduler.advance(ofSeconds(30));
        orders.insertOne(new Document().append("n", i + 2));
      }
      assertThat(token.current()).isNotEqualTo(first);
      assertThat(f.events).filteredOn(ManagedTokenEvent.Rotated.class::isInstance).isNotEmpty();
      assertThat(orders.countDocuments(1000)).isEqualTo(41);
      assertThat(ordersDb.rejected()).isEqualTo(1);   // only the billing call
      assertThat(otherDb.rejected()).isEqualTo(1);
      assertThat(otherDb.accepted()).isZero();
    }
  }

  // docs:begin scoped-data-api
  @Test
  void aScopedTokenReachesItsDatabaseOnly() {
    String db = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
    try (TokenManager tokens = tokens();
        FakeDataApi ordersDb = FakeDataApi.start(astra, db);  // one database of astra's default org
        FakeDataApi otherDb = FakeDataApi.start(astra, "9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d")) {
      ManagedToken token = tokens.manage(TokenRequest.forRole("r_w_user").org("prod").logicalName("orders-svc")
          .scope(Scope.database(db).keyspace("default_keyspace").actions(Scope.Access.SCHEMA)).build());

      Collection<Document> orders = RotatingDataApi.database(token, ordersDb.endpoint()).createCollection("orders");
      orders.insertOne(new Document().append("n", 1));

      // Elsewhere its keyspace "does not exist": HTTP 200 with an error, not a 401 (stargate/data-api#712).
      Database other = RotatingDataApi.database(token, otherDb.endpoint());
      assertThatThrownBy(() -> other.getCollection("orders").countDocuments(10))
          .isInstanceOfSatisfying(DataAPIResponseException.class,
              e -> assertThat(e.getErrorCode()).isEqualTo("UNKNOWN_KEYSPACE"));
    }
  }
  // docs:end scoped-data-api

  /** As in docs/testing.md's plain JUnit example: manual time, Astra calls on the calling thread. */
  private static TokenManager tokens() {
    MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    astra.useClock(clock);
    TokenManager tokens = TokenManager.builder().clock(clock).scheduler(new ManualScheduler(clock))
        .managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run)
        .sweepInterval(Duration.ZERO).recoveryInterval(Duration.ZERO).build();
    tokens.writeOrg(OrgConfig.builder().orgId(astra.defaultOrg().orgId())
        .rootToken(astra.defaultOrg().rootToken()).url(astra.url().uri()).logicalName("prod").build());
    tokens.syncRoles("prod");
    return tokens;
  }

  @Test
  void aReadScopeReadsItsKeyspaceButCannotWrite() {
    try (ManagedFixture f = new ManagedFixture(astra, ofMinutes(10), ofMinutes(10));
        FakeDataApi ordersDb = FakeDataApi.start(astra, DB)) {
      ManagedToken reader = f.manage(scoped("orders-reader", Scope.Access.READ), ManagedFixture.exact());
      Collection<Document> orders = RotatingDataApi.database(reader::current, ordersDb.endpoint(),
          inKeyspace("orders")).getCollection("orders");

      assertThat(orders.countDocuments(10)).isZero();
      // A 401 (errors.yaml overrides UNAUTHORIZED_ACCESS's status), which the client raises as an HTTP error.
      DataAPIHttpException refused = catchThrowableOfType(DataAPIHttpException.class,
          () -> orders.insertOne(new Document().append("n", 1)));
      assertThat(refused.getMessage()).contains("\"errorCode\":\"UNAUTHORIZED_ACCESS\"")
          .doesNotContain(reader.current());
    }
  }

  @Test
  void anUnscopedTokenOfABuiltInRoleReachesEveryDatabase() {
    try (ManagedFixture f = new ManagedFixture(astra, ofMinutes(10), ofMinutes(10));
        FakeDataApi ordersDb = FakeDataApi.start(astra, DB);
        FakeDataApi otherDb = FakeDataApi.start(astra, OTHER_DB)) {
      ManagedToken token = f.manage(ManagedFixture.unique("any-db"), ManagedFixture.exact());
      for (FakeDataApi api : new FakeDataApi[] {ordersDb, otherDb}) {
        Collection<Document> c = RotatingDataApi.database(token::current, api.endpoint(), inKeyspace("billing"))
            .createCollection("invoices");
        c.insertOne(new Document().append("n", 1));
        assertThat(c.countDocuments(10)).isEqualTo(1);
        assertThat(api.rejected()).isZero();
      }
    }
  }

  private static TokenRequest scoped(String name, Scope.Access access) {
    return TokenRequest.forRole(ManagedFixture.ROLE).org(ManagedFixture.ORG).logicalName(name)
        .scope(Scope.database(DB).keyspace("orders").actions(access)).build();
  }

  private static DatabaseOptions inKeyspace(String keyspace) {
    return new DatabaseOptions(null, new DataAPIClientOptions()).keyspace(keyspace);
  }
}
