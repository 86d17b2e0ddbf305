package dev.astravault.test;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * A local stand-in for a database's Data API ({@code POST <endpoint>/v1/<keyspace>[/<collection>]}) that accepts a
 * command only when its {@code Token} header (and {@code Authorization: Bearer}) is a live token; others get the Data
 * API's 401 {@code UNAUTHENTICATED_REQUEST} ({@code MISSING_AUTHENTICATION_TOKEN} without a token). It serves just
 * enough for client tests: {@code createCollection}, {@code findCollections}, {@code insertOne}, {@code findOne} (the
 * first document), {@code countDocuments} and {@code estimatedDocumentCount}, in memory. Not a Data API
 * implementation: no filters, no projections.
 *
 * <p><b>One database, as Astra enforces it.</b> {@link #start(FakeAstra, String)} makes the stand-in one database of
 * the FakeAstra's default org, and it then refuses what the real Data API refuses:
 * <ul>
 *   <li>a token of another org, or the org's token dead (unknown, revoked, expired): 401
 *       {@code UNAUTHENTICATED_REQUEST};
 *   <li>a token whose custom roles do not name this database and the keyspace: HTTP 200 with an error
 *       {@code UNKNOWN_KEYSPACE}, as if the keyspace did not exist (not a 401: stargate/data-api#712);
 *   <li>a token whose custom roles reach the keyspace but not the collection ({@code table:*} or its name) or not
 *       the action ({@code db-table-select} for reads, {@code db-table-modify} for writes, {@code db-table-create}
 *       for {@code createCollection}, {@code db-table-describe} for {@code findCollections}): 401
 *       {@code UNAUTHORIZED_ACCESS}.
 * </ul>
 * The org's root token and tokens holding a built-in role reach every database and keyspace of the org; the read-only
 * built-in roles ({@code RO User}, {@code API RO User}, {@code RO Svc Acct}, {@code API RO Svc Acct},
 * {@code UI View Only}) only read there, and a write gets the 401 {@code UNAUTHORIZED_ACCESS}; {@code Billing Admin}
 * has no database permission, and every command it sends, reads included, gets that 401. Errors have
 * the current Data API's shape ({@code id}, {@code family}, {@code scope}, {@code errorCode}, {@code title},
 * {@code message}). {@link #start(Predicate)} makes an unscoped stand-in that accepts any token the predicate accepts
 * on any keyspace.
 *
 * <pre>{@code
 * try (FakeDataApi dataApi = FakeDataApi.start(astra, "3f1c2a9e-4b7d-4e21-9c0a-1b2c3d4e5f60")) {
 *   Database db = RotatingDataApi.database(token, dataApi.endpoint());
 * }
 * }</pre>
 */
public final class FakeDataApi implements AutoCloseable {
  private static final JsonAdapter<Map<String, Object>> JSON = new Moshi.Builder().build()
      .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  /** Decides a token's use on one keyspace (and, when known, one collection and one policy action). */
  @FunctionalInterface
  private interface Gate {
    FakeAstra.DataApiAccess access(String token, String keyspace, @Nullable String table, @Nullable String action);
  }

  private static final Pattern UUID_FORM =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private final Gate gate;
  private final @Nullable String databaseId;
  private final MockWebServer server = new MockWebServer();
  private final Map<String, List<Map<String, Object>>> collections = new LinkedHashMap<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();

  private FakeDataApi(Gate gate, @Nullable String databaseId) {
    this.gate = gate;
    this.databaseId = databaseId;
  }

  /**
   * Starts an unscoped stand-in on a free local port: a token {@code tokenIsLive} accepts may use any keyspace.
   *
   * @param tokenIsLive which tokens are accepted, e.g. {@code astra::isLive}
   * @return the started stand-in; close it after use
   */
  public static FakeDataApi start(Predicate<String> tokenIsLive) {
    Objects.requireNonNull(tokenIsLive, "tokenIsLive");
    return serve(new FakeDataApi((token, keyspace, table, action) -> tokenIsLive.test(token)
        ? FakeAstra.DataApiAccess.ALLOWED : FakeAstra.DataApiAccess.UNAUTHENTICATED, null));
  }

  /**
   * Starts a stand-in for database {@code databaseId} of {@code astra}'s default org, on a free local port: tokens
   * are judged by their roles' policies as Astra judges them (see the class comment).
   *
   * @param astra the fake that issued the tokens and holds their roles
   * @param databaseId the database's id, a UUID as in the roles' DRNs
   * @return the started stand-in; close it after use
   * @throws IllegalArgumentException if {@code databaseId} is not a UUID
   */
  public static FakeDataApi start(FakeAstra astra, String databaseId) {
    Objects.requireNonNull(astra, "astra");
    Objects.requireNonNull(databaseId, "databaseId");
    if (!UUID_FORM.matcher(databaseId).matches()) {
      throw new IllegalArgumentException("databaseId must be a UUID, got '" + databaseId + "'");
    }
    FakeOrg org = astra.defaultOrg();
    return serve(new FakeDataApi((token, keyspace, table, action) ->
        astra.dataApiAccess(token, org, databaseId, keyspace, table, action), databaseId));
  }

  private static FakeDataApi serve(FakeDataApi api) {
    api.server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return api.dispatch(request);
      }
    });
    try {
      api.server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start FakeDataApi", e);
    }
    return api;
  }

  /** {@return the database's API endpoint, e.g. {@code http://127.0.0.1:50123}} */
  public String endpoint() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  /** {@return the database this stand-in is, or empty for an unscoped one (started with a predicate)} */
  public Optional<String> databaseId() {
    return Optional.ofNullable(databaseId);
  }

  /** {@return how many commands were accepted} */
  public int accepted() {
    return accepted.get();
  }

  /** {@return how many commands were refused for their token: dead, or outside its roles' policies} */
  public int rejected() {
    return rejected.get();
  }

  private MockResponse dispatch(RecordedRequest request) {
    String token = request.getHeaders().get("Token");
    String bearer = request.getHeaders().get("Authorization");
    // Authentication first, as the real service: the keyspace does not matter for a dead token.
    if (token == null || token.isEmpty()) {
      rejected.incrementAndGet();
      return json(401, error("SECURITY", "MISSING_AUTHENTICATION_TOKEN", "Missing authorization token",
          "The command did not include an authorization token in the request headers.\n\nThe authorization header "
              + "is: Token.\n\nResend the command using the correct authentication details."));
    }
    if (bearer != null && !bearer.equals("Bearer " + token)
        || gate.access(token, "", null, null) == FakeAstra.DataApiAccess.UNAUTHENTICATED) {
      return unauthenticated();
    }
    String[] path = request.getUrl().encodedPath().replaceFirst("^/", "").split("/");
    Map<String, Object> body;
    try {
      body = JSON.fromJson(request.getBody() == null ? "{}" : request.getBody().utf8());
    } catch (IOException | RuntimeException e) {
      return json(400, Map.of("errors", List.of(Map.of("message", "bad JSON", "errorCode", "INVALID_REQUEST"))));
    }
    if (body == null || body.size() != 1 || path.length < 2 || !path[0].equals("v1")) {
      return json(400, Map.of("errors", List.of(Map.of("message", "bad command", "errorCode", "INVALID_REQUEST"))));
    }
    String command = body.keySet().iterator().next();
    @SuppressWarnings("unchecked")
    Map<String, Object> args = body.get(command) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    String keyspace = path[1];
    String table = path.length == 2
        ? (command.equals("createCollection") && args.get("name") instanceof String n ? n : null) : path[2];
    switch (gate.access(token, keyspace, table, action(command))) {
      case UNAUTHENTICATED -> {
        return unauthenticated();
      }
      case NO_KEYSPACE -> {
        rejected.incrementAndGet();
        return json(200, error("SCHEMA", "UNKNOWN_KEYSPACE", "Keyspace does not exist in the Database",
            "The command tried to use a Keyspace that does not exist in the Database.\n\nThe keyspace used by the "
                + "command: " + keyspace + ".\n\nResend the command using a Keyspace that exists."));
      }
      case UNAUTHORIZED -> {
        rejected.incrementAndGet();
        // errors.yaml's text as it is, trailing spaces and the "is was" included.
        return json(401, error("SECURITY", "UNAUTHORIZED_ACCESS", "Unauthorized access to the database",
            "The command is not authorized to perform the action on the database. \n\nThe authentication details "
                + "provided with the command do not allow it to perform the action is was attempting, such as "
                + "reading or writing data. \n\nThe command used the keyspace and table or collection: " + keyspace
                + (table == null ? "" : "." + table) + ".\n\nResend the command using the correct authentication "
                + "details."));
      }
      case ALLOWED -> {
        // served below
      }
    }
    accepted.incrementAndGet();
    synchronized (collections) {
      return path.length == 2 ? database(keyspace, command, args) : collection(keyspace + "/" + path[2], command,
          args);
    }
  }

  /** The policy action a command needs, or null where this stand-in cannot tell. */
  private static @Nullable String action(String command) {
    return switch (command) {
      case "createCollection" -> "db-table-create";
      case "findCollections" -> "db-table-describe";
      case "insertOne", "insertMany", "updateOne", "updateMany", "replaceOne", "deleteOne", "deleteMany",
          "findOneAndUpdate", "findOneAndReplace", "findOneAndDelete" -> "db-table-modify";
      case "deleteCollection" -> "db-table-drop";
      case "findOne", "countDocuments", "estimatedDocumentCount" -> "db-table-select";
      default -> null;
    };
  }

  /** An invalid token: errors.yaml's UNAUTHENTICATED_REQUEST, scope SECURITY since stargate/data-api#2333. */
  private MockResponse unauthenticated() {
    rejected.incrementAndGet();
    return json(401, error("SECURITY", "UNAUTHENTICATED_REQUEST", "Authentication failed",
        "Authentication failed for request due to invalid token.\n\nResend with valid authentication token."));
  }

  /** A command error in the current Data API's shape (its CommandError), family REQUEST. */
  private static Map<String, Object> error(String scope, String code, String title, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("id", UUID.randomUUID().toString());
    error.put("family", "REQUEST");
    error.put("scope", scope);
    error.put("errorCode", code);
    error.put("title", title);
    error.put("message", message);
    return Map.of("errors", List.of(error));
  }

  private MockResponse database(String keyspace, String command, Map<String, Object> args) {
    switch (command) {
      case "createCollection" -> {
        collections.putIfAbsent(keyspace + "/" + args.get("name"), new ArrayList<>());
        return json(200, Map.of("status", Map.of("ok", 1)));
      }
      case "findCollections" -> {
        List<String> names = new ArrayList<>();
        collections.keySet().stream().filter(k -> k.startsWith(keyspace + "/"))
            .forEach(k -> names.add(k.substring(keyspace.length() + 1)));
        return json(200, Map.of("status", Map.of("collections", names)));
      }
      default -> {
        return unsupported(command);
      }
    }
  }

  private MockResponse collection(String name, String command, Map<String, Object> args) {
    List<Map<String, Object>> docs = collections.computeIfAbsent(name, k -> new ArrayList<>());
    switch (command) {
      case "insertOne" -> {
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = new LinkedHashMap<>((Map<String, Object>) args.getOrDefault("document", Map.of()));
        doc.putIfAbsent("_id", name + "-" + docs.size());
        docs.add(doc);
        return json(200, Map.of("status", Map.of("insertedIds", List.of(doc.get("_id")))));
      }
      case "findOne" -> {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("document", docs.isEmpty() ? null : docs.get(0));
        return json(200, Map.of("data", data));
      }
      case "countDocuments", "estimatedDocumentCount" -> {
        return json(200, Map.of("status", Map.of("count", docs.size())));
      }
      default -> {
        return unsupported(command);
      }
    }
  }

  private static MockResponse unsupported(String command) {
    return json(200, Map.of("errors", List.of(Map.of("message", "FakeDataApi does not serve " + command,
        "errorCode", "UNSUPPORTED"))));
  }

  private static MockResponse json(int status, Map<String, ?> body) {
    @SuppressWarnings("unchecked")
    String text = JSON.serializeNulls().toJson((Map<String, Object>) body);
    return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(text)
        .build();
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "FakeDataApi[" + endpoint() + ", accepted=" + accepted + ", rejected=" + rejected + "]";
  }
}
