package dev.astravault.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@link FakeDataApi} that stands for one database answers as the real Data API does for a token whose custom role
 * does not reach the database or keyspace (200 with {@code UNKNOWN_KEYSPACE}, stargate/data-api#712), or lacks the
 * action (401 with {@code UNAUTHORIZED_ACCESS}); built-in roles and root tokens reach everything of their org.
 */
class FakeDataApiScopeTest {
  static final String DB = "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60";
  static final String OTHER_DB = "9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
  static final List<String> READ = List.of("db-cql", "db-keyspace-describe", "db-table-describe", "db-table-select");
  static final List<String> SCHEMA = List.of("db-cql", "db-keyspace-describe", "db-table-describe",
      "db-table-select", "db-table-modify", "db-table-create", "db-table-alter", "db-table-drop");
  private static final com.squareup.moshi.JsonAdapter<Map<String, Object>> JSON = new Moshi.Builder().build()
      .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  FakeDataApi db;
  FakeDataApi otherDb;

  @BeforeEach
  void start() {
    db = FakeDataApi.start(astra, DB);
    otherDb = FakeDataApi.start(astra, OTHER_DB);
  }

  @AfterEach
  void stop() {
    db.close();
    otherDb.close();
  }

  @Test
  void aDatabaseScopedTokenWorksOnItsDatabaseAndKeyspace() throws IOException {
    String token = scopedToken(DB, "orders", "table:*", SCHEMA);

    assertOk(command(db, token, "/v1/orders", "{\"createCollection\":{\"name\":\"items\"}}"));
    assertOk(command(db, token, "/v1/orders/items", "{\"insertOne\":{\"document\":{\"_id\":\"a\"}}}"));
    Map<String, Object> count = assertOk(command(db, token, "/v1/orders/items", "{\"countDocuments\":{}}"));
    assertThat(count).extracting("status").extracting("count").isEqualTo(1.0);
    assertThat(db.accepted()).isEqualTo(3);
    assertThat(db.rejected()).isZero();
    assertThat(db.databaseId()).contains(DB);
  }

  @Test
  void onAnotherDatabaseItsKeyspaceDoesNotExist() throws IOException {
    String token = scopedToken(DB, "orders", "table:*", SCHEMA);

    // stargate/data-api#712: not a 401, a 200 whose error says the keyspace does not exist.
    Reply reply = command(otherDb, token, "/v1/orders", "{\"findCollections\":{}}");
    assertUnknownKeyspace(reply, "orders");
    assertUnknownKeyspace(command(otherDb, token, "/v1/orders/items", "{\"findOne\":{}}"), "orders");
    assertThat(otherDb.rejected()).isEqualTo(2);
    assertThat(otherDb.accepted()).isZero();
  }

  @Test
  void anotherKeyspaceOfItsDatabaseDoesNotExistEither() throws IOException {
    String token = scopedToken(DB, "orders", "table:*", SCHEMA);

    assertUnknownKeyspace(command(db, token, "/v1/billing", "{\"createCollection\":{\"name\":\"x\"}}"), "billing");
    assertUnknownKeyspace(command(db, token, "/v1/billing/invoices", "{\"countDocuments\":{}}"), "billing");
    assertThat(db.rejected()).isEqualTo(2);
  }

  @Test
  void aReadOnlyScopeReadsButDoesNotWriteOrCreate() throws IOException {
    String reader = scopedToken(DB, "orders", "table:*", READ);

    assertOk(command(db, reader, "/v1/orders/items", "{\"findOne\":{}}"));
    assertOk(command(db, reader, "/v1/orders/items", "{\"countDocuments\":{}}"));
    assertOk(command(db, reader, "/v1/orders", "{\"findCollections\":{}}"));
    assertUnauthorized(command(db, reader, "/v1/orders/items", "{\"insertOne\":{\"document\":{}}}"),
        "orders.items");
    assertUnauthorized(command(db, reader, "/v1/orders", "{\"createCollection\":{\"name\":\"more\"}}"),
        "orders.more");
    assertThat(db.rejected()).isEqualTo(2);
  }

  @Test
  void aTableScopedRoleReachesOnlyItsCollections() throws IOException {
    String token = scopedToken(DB, "orders", "table:items", SCHEMA);

    assertOk(command(db, token, "/v1/orders/items", "{\"insertOne\":{\"document\":{}}}"));
    assertOk(command(db, token, "/v1/orders", "{\"findCollections\":{}}"));
    assertUnauthorized(command(db, token, "/v1/orders/invoices", "{\"findOne\":{}}"), "orders.invoices");
  }

  @Test
  void builtInRolesAndTheRootTokenReachEveryDatabaseAndKeyspaceOfTheirOrg() throws IOException {
    String rw = token(astra.defaultOrg(), astra.roleId("API R/W Svc Acct"));
    for (FakeDataApi api : List.of(db, otherDb)) {
      assertOk(command(api, rw, "/v1/anything/items", "{\"insertOne\":{\"document\":{}}}"));
      assertOk(command(api, astra.defaultOrg().rootToken(), "/v1/other", "{\"findCollections\":{}}"));
    }
  }

  @Test
  void deadTokensAndTokensOfAnotherOrgAreUnauthenticated() throws IOException {
    String scoped = scopedToken(DB, "orders", "table:*", SCHEMA);
    FakeOrg other = astra.addOrg();
    String foreign = token(other, astra.roleId(other, "API R/W Svc Acct"));
    String clientId = scoped.split(":")[1];
    assertThat(TestHttp.call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId),
        astra.defaultOrg().rootToken(), null).status()).isBetween(200, 204);

    for (String token : List.of(scoped, foreign, other.rootToken())) {
      Reply reply = command(db, token, "/v1/orders", "{\"findCollections\":{}}");
      // stargate/data-api errors.yaml (REQUEST/SECURITY): an invalid token is UNAUTHENTICATED_REQUEST, status 401.
      Map<String, Object> error = singleError(reply, 401);
      assertThat(error).containsEntry("errorCode", "UNAUTHENTICATED_REQUEST").containsEntry("family", "REQUEST")
          .containsEntry("scope", "SECURITY").containsEntry("title", "Authentication failed")
          .containsEntry("message", "Authentication failed for request due to invalid token.\n\n"
              + "Resend with valid authentication token.");
      assertThat(reply.body()).doesNotContain(token);
    }
  }

  /** stargate/data-api ErrorChallengeSender: no {@code Token} header at all is MISSING_AUTHENTICATION_TOKEN. */
  @Test
  void aCommandWithoutATokenIsMissingAuthentication() throws IOException {
    Request request = new Request.Builder().url(db.endpoint() + "/v1/orders")
        .post(RequestBody.create("{\"findCollections\":{}}", TestHttp.JSON)).build();
    Reply reply;
    try (Response response = TestHttp.CLIENT.newCall(request).execute()) {
      reply = new Reply(response.code(), response.body().string());
    }
    Map<String, Object> error = singleError(reply, 401);
    assertThat(error).containsEntry("errorCode", "MISSING_AUTHENTICATION_TOKEN").containsEntry("family", "REQUEST")
        .containsEntry("scope", "SECURITY").containsEntry("title", "Missing authorization token")
        .containsEntry("message", "The command did not include an authorization token in the request headers.\n\n"
            + "The authorization header is: Token.\n\nResend the command using the correct authentication details.");
    assertThat(db.rejected()).isEqualTo(1);
  }

  /**
   * The read-only built-in roles (the notes' "Read only" group, and UI View Only) read on every database of their
   * org but write nowhere: the database refuses the write as for a custom role lacking the action.
   */
  @Test
  void readOnlyBuiltInRolesReadButDoNotWrite() throws IOException {
    String rw = token(astra.defaultOrg(), astra.roleId("API R/W Svc Acct"));
    assertOk(command(db, rw, "/v1/orders", "{\"createCollection\":{\"name\":\"items\"}}"));
    for (String role : List.of("RO User", "API RO User", "RO Svc Acct", "API RO Svc Acct", "UI View Only")) {
      String ro = token(astra.defaultOrg(), astra.roleId(role));
      assertOk(command(db, ro, "/v1/orders/items", "{\"findOne\":{}}"));
      assertOk(command(db, ro, "/v1/orders/items", "{\"countDocuments\":{}}"));
      assertOk(command(otherDb, ro, "/v1/orders", "{\"findCollections\":{}}"));
      assertUnauthorized(command(db, ro, "/v1/orders/items", "{\"insertOne\":{\"document\":{}}}"),
          "orders.items");
      assertUnauthorized(command(db, ro, "/v1/orders/items", "{\"updateOne\":{\"filter\":{},\"update\":{}}}"),
          "orders.items");
      assertUnauthorized(command(db, ro, "/v1/orders/items", "{\"deleteOne\":{\"filter\":{}}}"),
          "orders.items");
      assertUnauthorized(command(db, ro, "/v1/orders", "{\"createCollection\":{\"name\":\"more\"}}"),
          "orders.more");
      assertThat(astra.check(ro).database(DB).keyspace("orders").action("db-table-select").status()).as(role)
          .isEqualTo(200);
      assertThat(astra.check(ro).database(DB).keyspace("orders").action("db-table-modify").status()).as(role)
          .isEqualTo(403);
    }
    assertThat(db.rejected()).isEqualTo(20);
  }

  /**
   * Billing Admin is a built-in role without any database permission: every data command, reads included, is refused
   * on every database of its org with the 401 a read-only built-in role gets for a write, and an access check on a
   * database action is 403.
   */
  @Test
  void billingAdminReachesNoDatabase() throws IOException {
    String rw = token(astra.defaultOrg(), astra.roleId("API R/W Svc Acct"));
    assertOk(command(db, rw, "/v1/orders", "{\"createCollection\":{\"name\":\"items\"}}"));
    String billing = token(astra.defaultOrg(), astra.roleId("Billing Admin"));
    assertUnauthorized(command(db, billing, "/v1/orders/items", "{\"findOne\":{}}"), "orders.items");
    assertUnauthorized(command(db, billing, "/v1/orders/items", "{\"countDocuments\":{}}"), "orders.items");
    assertUnauthorized(command(db, billing, "/v1/orders/items", "{\"insertOne\":{\"document\":{}}}"),
        "orders.items");
    assertUnauthorized(command(otherDb, billing, "/v1/orders", "{\"findCollections\":{}}"), "orders");
    assertUnauthorized(command(db, billing, "/v1/orders", "{\"createCollection\":{\"name\":\"more\"}}"),
        "orders.more");
    assertThat(db.rejected() + otherDb.rejected()).isEqualTo(5);
    for (String action : List.of("db-cql", "db-table-select", "db-table-modify", "db-keyspace-describe")) {
      assertThat(astra.check(billing).database(DB).keyspace("orders").action(action).status()).as(action)
          .isEqualTo(403);
    }
  }

  @Test
  void aPredicateStandInStaysUnscoped() throws IOException {
    String token = scopedToken(DB, "orders", "table:*", READ);
    try (FakeDataApi unscoped = FakeDataApi.start(astra::isLive)) {
      assertOk(command(unscoped, token, "/v1/billing/x", "{\"insertOne\":{\"document\":{}}}"));
      assertThat(unscoped.databaseId()).isEmpty();
    }
  }

  @Test
  void theDatabaseIdMustBeAUuid() {
    assertThatThrownBy(() -> FakeDataApi.start(astra, "orders-db")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("databaseId").hasMessageContaining("orders-db");
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  record Reply(int status, String body) {}

  private static String scopedToken(String database, String keyspace, String table, List<String> actions)
      throws IOException {
    String org = astra.defaultOrg().orgId();
    String dbDrn = "drn:astra:org:" + org + ":db:" + database;
    String ksDrn = dbDrn + ":keyspace:" + keyspace;
    String roleId = astra.addRole(astra.defaultOrg(), "scoped-" + UUID.randomUUID(), "test",
        List.of("drn:astra:org:" + org, dbDrn, ksDrn, ksDrn + ":" + table), actions);
    return token(astra.defaultOrg(), roleId);
  }

  private static String token(FakeOrg org, String roleId) throws IOException {
    TestHttp.Reply reply = TestHttp.call("POST", astra.url("/v2/clientIdSecrets"), org.rootToken(),
        "{\"roles\":[\"" + roleId + "\"]}");
    assertThat(reply.status()).isEqualTo(200);
    return (String) JSON.fromJson(reply.body()).get("token");
  }

  private static Reply command(FakeDataApi api, String token, String path, String json) throws IOException {
    Request request = new Request.Builder().url(api.endpoint() + path).header("Token", token)
        .header("Authorization", "Bearer " + token).post(RequestBody.create(json, TestHttp.JSON)).build();
    try (Response response = TestHttp.CLIENT.newCall(request).execute()) {
      return new Reply(response.code(), response.body().string());
    }
  }

  private static Map<String, Object> assertOk(Reply reply) throws IOException {
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    Map<String, Object> body = JSON.fromJson(reply.body());
    assertThat(body).as(reply.body()).doesNotContainKey("errors");
    return body;
  }

  private static void assertUnknownKeyspace(Reply reply, String keyspace) throws IOException {
    Map<String, Object> error = singleError(reply, 200);
    assertThat(error).containsEntry("errorCode", "UNKNOWN_KEYSPACE").containsEntry("family", "REQUEST")
        .containsEntry("scope", "SCHEMA").containsEntry("title", "Keyspace does not exist in the Database");
    assertThat((String) error.get("message")).contains("The keyspace used by the command: " + keyspace + ".");
  }

  /** data-api errors.yaml: UNAUTHORIZED_ACCESS overrides the status to 401. */
  private static void assertUnauthorized(Reply reply, String keyspaceAndTable) throws IOException {
    Map<String, Object> error = singleError(reply, 401);
    assertThat(error).containsEntry("errorCode", "UNAUTHORIZED_ACCESS").containsEntry("family", "REQUEST")
        .containsEntry("scope", "SECURITY").containsEntry("title", "Unauthorized access to the database")
        .containsEntry("message", "The command is not authorized to perform the action on the database. \n\n"
            + "The authentication details provided with the command do not allow it to perform the action is was "
            + "attempting, such as reading or writing data. \n\nThe command used the keyspace and table or "
            + "collection: " + keyspaceAndTable + ".\n\nResend the command using the correct authentication details.");
  }

  /** A command error: only an {@code errors} array, its one entry with a UUID id. */
  private static Map<String, Object> singleError(Reply reply, int status) throws IOException {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    Map<String, Object> body = JSON.fromJson(reply.body());
    assertThat(body).as(reply.body()).containsOnlyKeys("errors");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> errors = (List<Map<String, Object>>) body.get("errors");
    assertThat(errors).hasSize(1);
    Map<String, Object> error = errors.get(0);
    assertThat(UUID.fromString((String) error.get("id"))).isNotNull();
    return error;
  }
}
