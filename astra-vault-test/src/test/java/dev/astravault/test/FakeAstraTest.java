package dev.astravault.test;

import static dev.astravault.test.TestHttp.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.squareup.moshi.Moshi;
import dev.astravault.test.TestHttp.Reply;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FakeAstraTest {
  // Strict: these tests pin the fake's uniform, spec-shaped answers (exact bodies, 200 on DELETE, no injected 429);
  // the variation has its own tests (FakeAstraVariationTest) and the conformance suite.
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().strict().build();

  private static final Moshi MOSHI = new Moshi.Builder().build();

  private static String root() {
    return astra.defaultOrg().rootToken();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String json) throws IOException {
    return (Map<String, Object>) MOSHI.adapter(Object.class).fromJson(json);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> array(String json) throws IOException {
    return (List<Object>) MOSHI.adapter(Object.class).fromJson(json);
  }

  private static String createBody(String... roleNames) {
    return "{\"roles\":[" + String.join(",",
        java.util.Arrays.stream(roleNames).map(n -> "\"" + astra.roleId(n) + "\"").toList()) + "]}";
  }

  private static Map<String, Object> create(String body) throws IOException {
    Reply reply = call("POST", astra.url("/v2/clientIdSecrets"), root(), body);
    assertThat(reply.status()).isEqualTo(200);
    return object(reply.body());
  }

  private static String sha256hex(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static Object firstErrorId(Reply reply) throws IOException {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> errors = (List<Map<String, Object>>) object(reply.body()).get("errors");
    return ((Number) errors.get(0).get("ID")).intValue();
  }

  // ---------------------------------------------------------------- create

  @Test
  void createAnswersOneRealisticObject() throws Exception {
    MutableClock clock = MutableClock.at(Instant.parse("2025-09-02T19:18:10.799083554Z"));
    astra.useClock(clock);
    try {
      Reply reply = call("POST", astra.url("/v2/clientIdSecrets"), root(), createBody("R/W User"));
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.contentType()).startsWith("application/json");
      Map<String, Object> token = object(reply.body());
      assertThat(token).containsOnlyKeys("clientId", "secret", "orgId", "roles", "token", "generatedOn");
      String clientId = (String) token.get("clientId");
      String secret = (String) token.get("secret");
      assertThat(clientId).matches("[a-zA-Z]{24}");
      assertThat(secret).contains("+", ",", ".", "-", "_");
      assertThat(token.get("token")).isEqualTo("AstraCS:" + clientId + ":" + sha256hex(secret));
      assertThat((String) token.get("token")).matches(FakeAstra.TOKEN_PATTERN).hasSize(97);
      assertThat(token.get("orgId")).isEqualTo(astra.defaultOrg().orgId());
      assertThat(token.get("roles")).isEqualTo(List.of(astra.roleId("R/W User")));
      assertThat(token.get("generatedOn")).isEqualTo("2025-09-02T19:18:10.799083554Z");

      assertThat(astra.liveTokens()).singleElement().satisfies(t -> {
        assertThat(t.clientId()).isEqualTo(clientId);
        assertThat(t.description()).isEmpty();
        assertThat(t.tokenExpiry()).isNull();
        assertThat(t.generatedOn()).isEqualTo(clock.instant());
      });
      assertThat(astra.isLive((String) token.get("token"))).isTrue();
    } finally {
      astra.useClock(java.time.Clock.systemUTC());
    }
  }

  @Test
  void postTokensBehavesLikePostClientIdSecrets() throws Exception {
    String body = "{\"roles\":[\"" + astra.roleId("API RO User") + "\"],\"orgId\":\"" + astra.defaultOrg().orgId()
        + "\",\"description\":\"svc=orders\"}";
    Reply reply = call("POST", astra.url("/v2/tokens"), root(), body);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(object(reply.body())).containsKeys("clientId", "secret", "token", "generatedOn");
    assertThat(astra.liveTokens()).singleElement().extracting(IssuedToken::description).isEqualTo("svc=orders");
  }

  @Test
  void rejectsInvalidCreateBodies() throws Exception {
    String other = FakeAstra.create().addOrg().orgId();
    for (String body : List.of("not json", "{\"roles\":[]}", "{}", "[]", "{\"roles\":\"x\"}", "{\"roles\":[1]}",
        "{\"roles\":[\"" + astra.roleId("RO User") + "\"],\"tokenExpiry\":\"tomorrow\"}",
        "{\"roles\":[\"" + astra.roleId("RO User") + "\"],\"tokenExpiry\":\"2001-01-01T00:00:00Z\"}")) {
      Reply reply = call("POST", astra.url("/v2/clientIdSecrets"), root(), body);
      assertThat(reply.status()).as(body).isEqualTo(400);
      assertThat(reply.contentType()).startsWith("text/plain");
      assertThat(reply.body()).isEqualTo("invalid");
    }
    Reply unknownRole = call("POST", astra.url("/v2/clientIdSecrets"), root(), "{\"roles\":[\"nope\"]}");
    assertThat(unknownRole.status()).isEqualTo(400);
    assertThat(unknownRole.body()).isEqualTo("Role ID not found");
    Reply otherOrg = call("POST", astra.url("/v2/clientIdSecrets"), root(),
        "{\"roles\":[\"" + astra.roleId("RO User") + "\"],\"orgId\":\"" + other + "\"}");
    assertThat(otherOrg.status()).isEqualTo(403);
    assertThat(astra.liveTokens()).isEmpty();
  }

  // ---------------------------------------------------------------- list and delete

  @Test
  void listShowsLiveTokensWithDescriptionAndExpiry() throws Exception {
    Instant expiry = Instant.now().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Map<String, Object> withExtras = create("{\"roles\":[\"" + astra.roleId("RO User") + "\"],"
        + "\"description\":\"svc=a\",\"tokenExpiry\":\"" + expiry + "\"}");
    Map<String, Object> plain = create(createBody("R/W User"));

    Reply reply = call("GET", astra.url("/v2/clientIdSecrets"), root(), null);
    assertThat(reply.status()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> clients = (List<Map<String, Object>>) object(reply.body()).get("clients");
    assertThat(clients).hasSize(2);
    assertThat(clients.get(0)).containsEntry("clientId", withExtras.get("clientId"))
        .containsEntry("description", "svc=a")
        .containsEntry("tokenExpiry", expiry.toString().replace("Z", ".000Z"))
        .containsKeys("roles", "generatedOn").doesNotContainKeys("secret", "token");
    assertThat(clients.get(1)).containsEntry("clientId", plain.get("clientId"))
        .containsEntry("description", "")
        .containsEntry("tokenExpiry", null);
    assertThat(reply.body()).contains("\"tokenExpiry\":null");
  }

  @Test
  void deleteRevokesAndIsCaseSensitive() throws Exception {
    Map<String, Object> token = create(createBody("RO User"));
    String clientId = (String) token.get("clientId");

    Reply wrongCase = call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId.toLowerCase()), root(), null);
    assertThat(wrongCase.status()).isEqualTo(404);
    Reply deleted = call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), root(), null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.body()).isEmpty();
    assertThat(astra.wasRevoked(clientId)).isTrue();
    assertThat(astra.revokedTokens()).extracting(IssuedToken::clientId).containsExactly(clientId);
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(astra.isLive((String) token.get("token"))).isFalse();

    Reply again = call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), root(), null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.contentType()).startsWith("application/json");
    assertThat(firstErrorId(again)).isEqualTo(340018);
    Reply revokedBearer = call("GET", astra.url("/v2/currentOrg"), (String) token.get("token"), null);
    assertThat(revokedBearer.status()).isEqualTo(401);
  }

  @Test
  void deleteCanAnswer204() throws Exception {
    try {
      astra.deleteStatus(204);
      String clientId = (String) create(createBody("RO User")).get("clientId");
      assertThat(call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), root(), null).status()).isEqualTo(204);
    } finally {
      astra.deleteStatus(200);
    }
    assertThatThrownBy(() -> astra.deleteStatus(202)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- auth

  @Test
  void authFailuresLookLikeAstras() throws Exception {
    for (String path : List.of("/v2/clientIdSecrets", "/v2/organizations/roles", "/v2/currentOrg")) {
      Reply missing = call("GET", astra.url(path), null, null);
      assertThat(missing.status()).isEqualTo(401);
      assertThat(missing.body()).isEqualTo("{\"errors\":[{\"ID\":340002,\"message\":\"no bearer token in request\"}]}");

      Reply malformed = call("GET", astra.url(path), "AstraCS:notarealtoken", null);
      assertThat(malformed.status()).isEqualTo(400);
      assertThat(firstErrorId(malformed)).isEqualTo(340016);
      assertThat(malformed.body()).contains("%s");

      Reply trailing = call("GET", astra.url(path), root() + "~", null);
      assertThat(trailing.status()).isEqualTo(403);
      assertThat(firstErrorId(trailing)).isEqualTo(340017);

      String unknown = "AstraCS:" + "a".repeat(24) + ":" + "0".repeat(64);
      Reply notFound = call("GET", astra.url(path), unknown, null);
      assertThat(notFound.status()).isEqualTo(401);
      assertThat(firstErrorId(notFound)).isEqualTo(340018);
    }
    assertThat(call("DELETE", astra.url("/v2/clientIdSecrets/x"), null, null).status()).isEqualTo(401);
    assertThat(call("POST", astra.url("/v2/tokens"), null, createBody("RO User")).status()).isEqualTo(401);
    assertThat(astra.liveTokens()).isEmpty();
  }

  @Test
  void issuedTokensAnswerCurrentOrgButNeedAnAdminRoleForTheRest() throws Exception {
    String reader = (String) create(createBody("RO User")).get("token");
    Reply org = call("GET", astra.url("/v2/currentOrg"), reader, null);
    assertThat(org.status()).isEqualTo(200);
    assertThat(object(org.body())).isEqualTo(Map.of("id", astra.defaultOrg().orgId()));
    assertThat(call("GET", astra.url("/v2/clientIdSecrets"), reader, null).status()).isEqualTo(401);

    String admin = (String) create(createBody("Organization Administrator")).get("token");
    assertThat(call("GET", astra.url("/v2/clientIdSecrets"), admin, null).status()).isEqualTo(200);
    assertThat(call("GET", astra.url("/v2/currentOrg"), root(), null).body())
        .isEqualTo("{\"id\":\"" + astra.defaultOrg().orgId() + "\"}");
  }

  @Test
  void orgsAreIsolated() throws Exception {
    FakeOrg other = astra.addOrg();
    assertThat(astra.orgs()).contains(astra.defaultOrg(), other);
    String mine = (String) create(createBody("RO User")).get("clientId");

    assertThat(astra.roleId(other, "RO User")).isNotEqualTo(astra.roleId("RO User"));
    Reply theirList = call("GET", astra.url("/v2/clientIdSecrets"), other.rootToken(), null);
    assertThat(theirList.body()).isEqualTo("{\"clients\":[]}");
    assertThat(call("DELETE", astra.url("/v2/clientIdSecrets/" + mine), other.rootToken(), null).status())
        .isEqualTo(404);
    assertThat(call("POST", astra.url("/v2/clientIdSecrets"), other.rootToken(), createBody("RO User")).status())
        .as("a role id of another org").isEqualTo(400);
    assertThat(call("GET", astra.url("/v2/organizations/roles/" + astra.roleId("RO User")), other.rootToken(), null)
        .status()).isEqualTo(404);
    assertThat(object(call("GET", astra.url("/v2/currentOrg"), other.rootToken(), null).body()))
        .containsEntry("id", other.orgId());
    assertThat(astra.wasRevoked(mine)).isFalse();
  }

  // ---------------------------------------------------------------- roles

  @Test
  void rolesInBothStyles() throws Exception {
    String custom = astra.addRole(astra.defaultOrg(), "orders-reader");
    List<Object> lower = array(call("GET", astra.url("/v2/organizations/roles"), root(), null).body());
    assertThat(lower).hasSize(17);
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) lower.get(0);
    assertThat(first).containsOnlyKeys("id", "name", "policy");
    assertThat(first.get("name")).isEqualTo("Organization Administrator");
    assertThat(first.get("policy")).isInstanceOf(Map.class);
    assertThat(lower).extracting(r -> (Object) ((Map<?, ?>) r).get("name"))
        .contains("Database Administrator", "API Admin Svc Acct", "R/W User", "RO User", "API RO User",
            "API R/W Svc Acct", "orders-reader");

    try {
      astra.roleJsonStyle(RoleJsonStyle.UPPER_CASE);
      Reply one = call("GET", astra.url("/v2/organizations/roles/" + custom), root(), null);
      assertThat(one.status()).isEqualTo(200);
      Map<String, Object> upper = object(one.body());
      assertThat(upper).containsOnlyKeys("ID", "Name", "Type", "policy").containsEntry("ID", custom)
          .containsEntry("Name", "orders-reader").containsEntry("Type", "custom");
      assertThat(object((String) upper.get("policy"))).containsEntry("effect", "allow");
    } finally {
      astra.roleJsonStyle(RoleJsonStyle.LOWER_CASE);
    }
    Reply unknown = call("GET", astra.url("/v2/organizations/roles/nope"), root(), null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThatThrownBy(() -> astra.roleId("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rolesWrittenThroughTheApiSayWhenAndByWhom() throws Exception {
    MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    astra.useClock(clock);
    try {
      String org = astra.defaultOrg().orgId();
      String role = "{\"name\":\"audited\",\"policy\":{\"description\":\"d\",\"resources\":[\"drn:astra:org:"
          + org + "\"],\"actions\":[\"db-cql\"],\"effect\":\"allow\"}}";
      Map<String, Object> created = object(call("POST", astra.url("/v2/organizations/roles"), root(), role).body());
      assertThat(created).containsEntry("last_update_datetime", "2026-03-01T10:00:00Z");
      String rootUser = (String) created.get("last_update_userid");
      assertThat(UUID.fromString(rootUser)).isNotNull();

      clock.advance(Duration.ofMinutes(5));
      Map<String, Object> admin = create(createBody("Organization Administrator"));
      String id = (String) created.get("id");
      String path = "/v2/organizations/roles/" + id;
      assertThat(call("PUT", astra.url(path), (String) admin.get("token"), role.replace("\"d\"", "\"e\""))
          .status()).isEqualTo(200);
      Map<String, Object> updated = object(call("GET", astra.url(path), root(), null).body());
      assertThat(updated).containsEntry("last_update_datetime", "2026-03-01T10:05:00Z")
          .containsEntry("last_update_userid", admin.get("clientId"));
      assertThat(updated.get("last_update_userid")).isNotEqualTo(rootUser);
    } finally {
      astra.useClock(java.time.Clock.systemUTC());
    }
  }

  // ---------------------------------------------------------------- time

  @Test
  void expiryIsJudgedByTheClock() throws Exception {
    MutableClock clock = MutableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
    astra.useClock(clock);
    try {
      Map<String, Object> token = create("{\"roles\":[\"" + astra.roleId("RO User") + "\"],"
          + "\"tokenExpiry\":\"2026-03-01T11:00:00Z\"}");
      String value = (String) token.get("token");
      clock.advance(Duration.ofMinutes(59));
      assertThat(call("GET", astra.url("/v2/currentOrg"), value, null).status()).isEqualTo(200);
      assertThat(astra.expiredTokens()).isEmpty();

      clock.advance(Duration.ofMinutes(1));
      assertThat(astra.isLive(value)).isFalse();
      assertThat(astra.liveTokens()).isEmpty();
      assertThat(astra.expiredTokens()).extracting(IssuedToken::clientId).containsExactly((String) token.get("clientId"));
      assertThat(call("GET", astra.url("/v2/currentOrg"), value, null).status()).isEqualTo(401);
      assertThat(call("GET", astra.url("/v2/clientIdSecrets"), root(), null).body()).isEqualTo("{\"clients\":[]}");
      assertThat(call("DELETE", astra.url("/v2/clientIdSecrets/" + token.get("clientId")), root(), null).status())
          .isEqualTo(404);
      assertThat(astra.wasRevoked((String) token.get("clientId"))).isFalse();
    } finally {
      astra.useClock(java.time.Clock.systemUTC());
    }
  }

  // ---------------------------------------------------------------- routes

  @Test
  void unknownRoutesAnswerGosNotFound() throws Exception {
    Reply reply = call("GET", astra.url("/v2/databases"), root(), null);
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.contentType()).startsWith("text/plain");
    assertThat(reply.body()).isEqualTo("404 page not found\n");
    assertThat(call("PUT", astra.url("/v2/currentOrg"), root(), "{}").status()).isEqualTo(405);
    assertThat(astra.requests()).allSatisfy(c -> assertThat(c.endpoint()).isEmpty());
  }

  // ---------------------------------------------------------------- faults

  @Test
  void statusFaultsAreConsumedInOrderThenNormalBehaviourResumes() throws Exception {
    astra.fault(Endpoint.LIST_TOKENS).status(503).times(2).retryAfter(Duration.ofSeconds(7));
    astra.fault(Endpoint.LIST_TOKENS).status(429).retryAfter("Wed, 21 Oct 2026 07:28:00 GMT");
    assertThat(astra.pendingFaults(Endpoint.LIST_TOKENS)).isEqualTo(2);

    Reply first = call("GET", astra.url("/v2/clientIdSecrets"), root(), null);
    assertThat(first.status()).isEqualTo(503);
    assertThat(first.retryAfter()).isEqualTo("7");
    assertThat(firstErrorId(first)).isEqualTo(503);
    assertThat(call("GET", astra.url("/v2/clientIdSecrets"), root(), null).status()).isEqualTo(503);
    Reply third = call("GET", astra.url("/v2/clientIdSecrets"), root(), null);
    assertThat(third.status()).isEqualTo(429);
    assertThat(third.retryAfter()).isEqualTo("Wed, 21 Oct 2026 07:28:00 GMT");
    assertThat(call("GET", astra.url("/v2/clientIdSecrets"), root(), null).status()).isEqualTo(200);
    assertThat(astra.pendingFaults(Endpoint.LIST_TOKENS)).isZero();
    assertThat(call("GET", astra.url("/v2/currentOrg"), root(), null).status()).as("other endpoint").isEqualTo(200);
  }

  @Test
  void malformedBody() throws Exception {
    astra.fault(Endpoint.CURRENT_ORG).malformedBody();
    Reply reply = call("GET", astra.url("/v2/currentOrg"), root(), null);
    assertThat(reply.status()).isEqualTo(200);
    assertThatThrownBy(() -> object(reply.body())).isInstanceOf(IOException.class);
  }

  @Test
  void droppedConnectionCreatesNothing() {
    astra.fault(Endpoint.CREATE_TOKEN).dropConnection();
    assertThatThrownBy(() -> call("POST", astra.url("/v2/clientIdSecrets"), root(), createBody("RO User")))
        .isInstanceOf(IOException.class);
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(astra.requests()).singleElement().satisfies(c -> {
      assertThat(c.endpoint()).contains(Endpoint.CREATE_TOKEN);
      assertThat(c.response()).isEmpty();
    });
  }

  @Test
  void succeedThenDropLeavesAnOrphanTokenToSettle() throws Exception {
    astra.fault(Endpoint.CREATE_TOKEN).succeedThenDropConnection();
    String body = "{\"roles\":[\"" + astra.roleId("RO User") + "\"],\"description\":\"lease=42\"}";
    assertThatThrownBy(() -> call("POST", astra.url("/v2/tokens"), root(), body)).isInstanceOf(IOException.class);
    assertThat(astra.liveTokens()).singleElement().extracting(IssuedToken::description).isEqualTo("lease=42");
    assertThat(call("GET", astra.url("/v2/clientIdSecrets"), root(), null).body()).contains("lease=42");

    String clientId = astra.liveTokens().get(0).clientId();
    astra.fault(Endpoint.DELETE_TOKEN).succeedThenDropConnection();
    assertThatThrownBy(() -> call("DELETE", astra.url("/v2/clientIdSecrets/" + clientId), root(), null))
        .isInstanceOf(IOException.class);
    assertThat(astra.wasRevoked(clientId)).isTrue();
  }

  @Test
  void delayHoldsTheResponseBack() throws Exception {
    astra.fault(Endpoint.GET_ROLE).delay(Duration.ofSeconds(2));
    OkHttpClient impatient = TestHttp.CLIENT.newBuilder().readTimeout(Duration.ofMillis(100)).build();
    String path = "/v2/organizations/roles/" + astra.roleId("RO User");
    assertThatThrownBy(() -> call(impatient, "GET", astra.url(path), root(), null))
        .isInstanceOf(InterruptedIOException.class);
    assertThat(call(impatient, "GET", astra.url(path), root(), null).status()).isEqualTo(200);
  }

  @Test
  void faultSettersFailFast() {
    assertThatThrownBy(() -> astra.fault(Endpoint.LIST_ROLES).status(99)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> astra.fault(Endpoint.LIST_ROLES).times(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> astra.fault(Endpoint.LIST_ROLES).delay(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> astra.fault(Endpoint.LIST_ROLES).retryAfter(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> astra.fault(Endpoint.LIST_ROLES).dropConnection().status(500))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> astra.fault(Endpoint.LIST_ROLES).status(500).dropConnection())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> astra.fault(Endpoint.LIST_ROLES).malformedBody().succeedThenDropConnection())
        .isInstanceOf(IllegalStateException.class);
  }

  // ---------------------------------------------------------------- inspection

  @Test
  void recordsRequestsAndResponses() throws Exception {
    String body = createBody("RO User");
    create(body);
    call("GET", astra.url("/v2/clientIdSecrets?page=1"), root(), null);

    assertThat(astra.requestCount("POST", "/v2/clientIdSecrets")).isEqualTo(1);
    assertThat(astra.requestCount("get", "/v2/")).isEqualTo(1);
    RecordedCall post = astra.requests().get(0);
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.path()).isEqualTo("/v2/clientIdSecrets");
    assertThat(post.body()).isEqualTo(body);
    assertThat(post.header("authorization")).contains("Bearer " + root());
    assertThat(post.headers()).containsKey("content-type");
    assertThat(post.endpoint()).contains(Endpoint.CREATE_TOKEN);
    assertThat(post.response()).hasValueSatisfying(r -> {
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Content-Type")).contains("application/json");
      assertThat(r.body()).contains("\"secret\"");
    });
    assertThat(astra.requests().get(1).query()).contains("page=1");
  }

  @Test
  void toStringsNeverShowSecrets() throws Exception {
    Map<String, Object> token = create(createBody("RO User"));
    astra.fault(Endpoint.LIST_ROLES).status(500);
    List<String> texts = List.of(astra.toString(), astra.defaultOrg().toString(), astra.requests().toString(),
        astra.requests().get(0).response().orElseThrow().toString(), astra.liveTokens().toString(),
        astra.fault(Endpoint.LIST_TOKENS).toString());
    for (String text : texts) {
      assertThat(text).doesNotContain(root(), (String) token.get("secret"), (String) token.get("token"), "AstraCS");
    }
  }

  @Test
  void resetForgetsStateButKeepsOrgsAndRoles() throws Exception {
    String roleId = astra.roleId("RO User");
    create(createBody("RO User"));
    astra.fault(Endpoint.CURRENT_ORG).status(500);
    astra.reset();
    assertThat(astra.liveTokens()).isEmpty();
    assertThat(astra.requests()).isEmpty();
    assertThat(astra.pendingFaults(Endpoint.CURRENT_ORG)).isZero();
    assertThat(astra.roleId("RO User")).isEqualTo(roleId);
    assertThat(call("GET", astra.url("/v2/currentOrg"), root(), null).status()).isEqualTo(200);
  }

  /**
   * Roles go back to how the test set them up: before, reset dropped a role added with a policy by addRole (which is
   * configuration), and left a built-in role as the API had updated or deleted it, for the next test to see.
   */
  @Test
  void resetPutsRolesBackAsConfigured() throws Exception {
    // A fake of its own: what this test configures must not reach the shared one's other tests.
    try (FakeAstra own = FakeAstra.builder().strict().build()) {
      own.start();
      FakeOrg org = own.defaultOrg();
      String console = own.addRole(org, "console-made", "made in the console",
          List.of("drn:astra:org:" + org.orgId()), List.of("db-cql"));
      String builtIn = own.roleId("RO User");
      String apiMade = own.roleId("API RO User");
      assertThat(call("DELETE", own.url("/v2/organizations/roles/" + apiMade), org.rootToken(), null).status())
          .isBetween(200, 204);
      String update = "{\"name\":\"renamed\",\"policy\":{\"description\":\"x\",\"resources\":[\"drn:astra:org:"
          + org.orgId() + "\"],\"actions\":[\"db-cql\"],\"effect\":\"allow\"}}";
      assertThat(call("PUT", own.url("/v2/organizations/roles/" + builtIn), org.rootToken(), update).status())
          .isBetween(200, 204);

      own.reset();

      assertThat(own.roleId(org, "console-made")).isEqualTo(console);
      assertThat(own.roleId("RO User")).isEqualTo(builtIn);
      assertThat(own.roleId("API RO User")).isEqualTo(apiMade);
      assertThat(call("GET", own.url("/v2/organizations/roles/" + builtIn), org.rootToken(), null).body())
          .contains("RO User").doesNotContain("renamed");
    }
  }

  @Test
  void theExtensionResetsBeforeEachTestA() throws Exception {
    assertThat(astra.requests()).isEmpty();
    create(createBody("RO User"));
  }

  @Test
  void theExtensionResetsBeforeEachTestB() throws Exception {
    assertThat(astra.requests()).isEmpty();
    create(createBody("RO User"));
  }

  @Test
  void closedOrUnstartedFakesSayWhy() {
    FakeAstra idle = FakeAstra.create();
    assertThatThrownBy(idle::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("not started");
    idle.start().close();
    assertThatThrownBy(idle::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  // ---------------------------------------------------------------- concurrency

  @Test
  void serves200ConcurrentRequests() throws Exception {
    okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
    dispatcher.setMaxRequests(200);
    dispatcher.setMaxRequestsPerHost(200);
    OkHttpClient client = TestHttp.CLIENT.newBuilder().dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(200, 1, TimeUnit.MINUTES)).build();
    CountDownLatch done = new CountDownLatch(200);
    AtomicInteger ok = new AtomicInteger();
    Set<String> failures = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 200; i++) {
      Request request = i % 2 == 0
          ? new Request.Builder().url(astra.url("/v2/clientIdSecrets")).header("Authorization", "Bearer " + root())
              .post(RequestBody.create(createBody("RO User"), TestHttp.JSON)).build()
          : new Request.Builder().url(astra.url("/v2/clientIdSecrets")).header("Authorization", "Bearer " + root())
              .build();
      client.newCall(request).enqueue(new Callback() {
        @Override
        public void onFailure(Call call, IOException e) {
          failures.add(e.toString());
          done.countDown();
        }

        @Override
        public void onResponse(Call call, Response response) {
          try (response) {
            if (response.code() == 200) {
              ok.incrementAndGet();
            } else {
              failures.add("status " + response.code());
            }
          } finally {
            done.countDown();
          }
        }
      });
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(failures).isEmpty();
    assertThat(ok).hasValue(200);
    assertThat(astra.liveTokens()).hasSize(100).extracting(IssuedToken::clientId).doesNotHaveDuplicates();
    assertThat(astra.requests()).hasSize(200);
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  /** An instance field: the fake is started before each test and closed after it. */
  @Nested
  class PerTestRegistration {
    @RegisterExtension final FakeAstra perTest = FakeAstra.builder().strict().build();

    @Test
    void isStartedForTheTest() throws Exception {
      Reply reply = call("GET", perTest.url("/v2/currentOrg"), perTest.defaultOrg().rootToken(), null);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(perTest.url().port()).isNotEqualTo(astra.url().port());
    }
  }

  /**
   * The org's root token is accepted as a bearer ({@code isLive}), and the enforcement check agrees with it: the root
   * token holds the org's administrator role, which reaches every database, keyspace and action of the org.
   */
  @Test
  void theRootTokenPassesTheEnforcementCheckAsItIsLive() {
    String root = astra.defaultOrg().rootToken();
    assertThat(astra.isLive(root)).isTrue();
    assertThat(astra.check(root).database("3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60").keyspace("orders").status())
        .isEqualTo(200);
    assertThat(astra.check(root).database("3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60").keyspace("orders")
        .action("db-table-create").allowed()).isTrue();
    assertThat(astra.check(astra.addOrg().rootToken()).status()).isEqualTo(200);
  }
}
