package dev.astravault.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.astra.client.collections.Collection;
import com.datastax.astra.client.collections.definition.documents.Document;
import com.datastax.astra.client.databases.Database;
import com.datastax.oss.driver.api.core.CqlSession;
import dev.astravault.ManagedToken;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.cql.RotatingAuthProvider;
import dev.astravault.dataapi.RotatingDataApi;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.FakeDataApi;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** docs/rotation.md's snippets, as written: a managed token behind the CQL driver and the Data API client. */
class RotationDocsTest {
  static final String DB = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";

  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @TempDir Path dir;

  static TokenManager tokens() {
    TokenManager tokens = Docs.tokens(astra);
    tokens.writeRole(RoleSpec.builder().org("prod").name("reader").roleId(astra.roleId("API RO User")).build());
    return tokens;
  }

  static CqlSession connect(TokenManager tokens, Path bundle) {
    // docs:begin rotation-cql
    ManagedToken token = tokens.manage(TokenRequest.forRole("reader").org("prod").logicalName("orders").build());
    CqlSession session = CqlSession.builder()
        .withCloudSecureConnectBundle(bundle)
        .withAuthProvider(new RotatingAuthProvider(token))   // dev.astravault.cql; the token on every new connection
        .build();
    // docs:end rotation-cql
    return session;
  }

  static Collection<Document> orders(ManagedToken token, String endpoint) {
    // docs:begin rotation-data-api
    Database db = RotatingDataApi.database(token, endpoint);   // dev.astravault.dataapi; the current token per command
    Collection<Document> orders = db.getCollection("orders");  // keep it: no rebuild on rotation
    // docs:end rotation-data-api
    return orders;
  }

  /**
   * Compiled, and run up to the driver's build(): there is no Astra database to connect to, and this module's test
   * class path leaves out the driver's config library (the pom's exclusions), so build() stops there.
   * RotatingAuthProviderTest checks what the provider gives each new connection.
   */
  @Test
  void theCqlSessionAsksTheHandleOnEachNewConnection() {
    Path bundle = dir.resolve("secure-connect-orders.zip");
    try (TokenManager tokens = tokens()) {
      assertThatThrownBy(() -> connect(tokens, bundle)).isInstanceOf(NoClassDefFoundError.class)
          .hasMessageContaining("com/typesafe/config");
      assertThat(tokens.tokens()).hasSize(1);
    }
  }

  @Test
  void theCollectionKeptSendsTheTokenCurrentAtEachCommand() {
    try (TokenManager tokens = tokens(); FakeDataApi api = FakeDataApi.start(astra, DB)) {
      try (ManagedToken writer = tokens.manage(TokenRequest.forRole("r_w_user").org("prod").logicalName("setup")
          .build())) {
        RotatingDataApi.database(writer, api.endpoint()).createCollection("orders")
            .insertOne(new Document().append("n", 1));
      }
      String endpoint = api.endpoint();
      ManagedToken token = tokens.manage(TokenRequest.forRole("reader").org("prod").logicalName("orders").build());
      Collection<Document> orders = orders(token, endpoint);
      String first = token.current();
      assertThat(orders.countDocuments(10)).isEqualTo(1);
      token.rotateNow();
      assertThat(token.current()).isNotEqualTo(first);
      assertThat(orders.countDocuments(10)).isEqualTo(1);
      assertThat(api.rejected()).isZero();
    }
  }
}
