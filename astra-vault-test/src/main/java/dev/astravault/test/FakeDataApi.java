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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A local stand-in for a database's Data API ({@code POST <endpoint>/v1/<keyspace>[/<collection>]}) that accepts a
 * command only when its {@code Token} header (and {@code Authorization: Bearer}) is a token that
 * {@code tokenIsLive} accepts, typically {@link FakeAstra#isLive}; others get Astra's 401
 * {@code UNAUTHENTICATED}. It serves just enough for client tests: {@code createCollection}, {@code findCollections},
 * {@code insertOne}, {@code findOne} (the first document), {@code countDocuments} and
 * {@code estimatedDocumentCount}, in memory. Not a Data API implementation: no filters, no projections.
 *
 * <pre>{@code
 * try (FakeDataApi dataApi = FakeDataApi.start(astra::isLive)) {
 *   Database db = RotatingDataApi.database(token, dataApi.endpoint());
 * }
 * }</pre>
 */
public final class FakeDataApi implements AutoCloseable {
  private static final JsonAdapter<Map<String, Object>> JSON = new Moshi.Builder().build()
      .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  private final Predicate<String> tokenIsLive;
  private final MockWebServer server = new MockWebServer();
  private final Map<String, List<Map<String, Object>>> collections = new LinkedHashMap<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();

  private FakeDataApi(Predicate<String> tokenIsLive) {
    this.tokenIsLive = tokenIsLive;
  }

  /**
   * Starts a stand-in on a free local port.
   *
   * @param tokenIsLive which tokens are accepted, e.g. {@code astra::isLive}
   * @return the started stand-in; close it after use
   */
  public static FakeDataApi start(Predicate<String> tokenIsLive) {
    FakeDataApi api = new FakeDataApi(tokenIsLive);
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

  /** {@return how many commands were accepted} */
  public int accepted() {
    return accepted.get();
  }

  /** {@return how many commands were refused for their token} */
  public int rejected() {
    return rejected.get();
  }

  private MockResponse dispatch(RecordedRequest request) {
    String token = request.getHeaders().get("Token");
    String bearer = request.getHeaders().get("Authorization");
    if (token == null || !tokenIsLive.test(token) || bearer != null && !bearer.equals("Bearer " + token)) {
      rejected.incrementAndGet();
      return json(401, Map.of("errors", List.of(Map.of("message", "UNAUTHENTICATED: Invalid token",
          "errorCode", "UNAUTHENTICATED"))));
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
    accepted.incrementAndGet();
    String command = body.keySet().iterator().next();
    @SuppressWarnings("unchecked")
    Map<String, Object> args = body.get(command) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    synchronized (collections) {
      return path.length == 2 ? database(path[1], command, args) : collection(path[1] + "/" + path[2], command, args);
    }
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
