package dev.astravault.test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One request that reached a {@link FakeAstra} and the response it got, if any (none when a fault dropped the
 * connection). Header names are lower-case. {@link #toString()} shows neither headers nor bodies, which carry
 * tokens and secrets.
 */
public final class RecordedCall {
  private final Instant receivedAt;
  private final String method;
  private final String path;
  private final @Nullable String query;
  private final Map<String, List<String>> headers;
  private final String body;
  private final @Nullable Endpoint endpoint;
  private final @Nullable Response response;

  RecordedCall(Instant receivedAt, String method, String path, @Nullable String query,
      Map<String, List<String>> headers, String body, @Nullable Endpoint endpoint, @Nullable Response response) {
    this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt");
    this.method = Objects.requireNonNull(method, "method");
    this.path = Objects.requireNonNull(path, "path");
    this.query = query;
    this.headers = lowerCaseCopy(headers);
    this.body = Objects.requireNonNull(body, "body");
    this.endpoint = endpoint;
    this.response = response;
  }

  /** {@return when the fake received it, by the fake's clock} */
  public Instant receivedAt() {
    return receivedAt;
  }

  /** {@return the HTTP method, e.g. {@code POST}} */
  public String method() {
    return method;
  }

  /** {@return the path as sent (percent-encoded), e.g. {@code /v2/clientIdSecrets}} */
  public String path() {
    return path;
  }

  /** {@return the raw query string, if the request had one} */
  public Optional<String> query() {
    return Optional.ofNullable(query);
  }

  /** {@return all request headers; keys are lower-case} */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /**
   * The first value of request header {@code name} (case-insensitive).
   *
   * @param name the header's name
   * @return the value, or empty when the header was not sent
   */
  public Optional<String> header(String name) {
    return first(headers, name);
  }

  /** {@return the request body as UTF-8, or {@code ""}} */
  public String body() {
    return body;
  }

  /** {@return the endpoint the request was routed to; empty for unknown routes} */
  public Optional<Endpoint> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  /** {@return the response sent, or empty when the connection was dropped instead} */
  public Optional<Response> response() {
    return Optional.ofNullable(response);
  }

  @Override
  public String toString() {
    return "RecordedCall[" + method + " " + path + " -> "
        + (response == null ? "dropped" : Integer.toString(response.status())) + "]";
  }

  /** The first value of header {@code name} (case-insensitive) in {@code headers}, keyed lower-case. */
  static Optional<String> first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  static Map<String, List<String>> lowerCaseCopy(Map<String, List<String>> headers) {
    Map<String, List<String>> copy = new TreeMap<>();
    headers.forEach((k, v) -> copy.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v), (a, b) -> {
      List<String> both = new ArrayList<>(a);
      both.addAll(b);
      return List.copyOf(both);
    }));
    return Collections.unmodifiableMap(copy);
  }

  /** A response that {@link FakeAstra} sent. {@link #toString()} omits the body, which may carry a secret. */
  public static final class Response {
    private final int status;
    private final Map<String, List<String>> headers;
    private final String body;

    Response(int status, Map<String, List<String>> headers, String body) {
      this.status = status;
      this.headers = lowerCaseCopy(headers);
      this.body = Objects.requireNonNull(body, "body");
    }

    /** {@return the HTTP status code} */
    public int status() {
      return status;
    }

    /** {@return all response headers; keys are lower-case} */
    public Map<String, List<String>> headers() {
      return headers;
    }

    /**
     * The first value of response header {@code name} (case-insensitive).
     *
     * @param name the header's name
     * @return the value, or empty when the header was not sent
     */
    public Optional<String> header(String name) {
      return first(headers, name);
    }

    /** {@return the response body as UTF-8, or {@code ""}} */
    public String body() {
      return body;
    }

    @Override
    public String toString() {
      return "Response[" + status + "]";
    }
  }
}
