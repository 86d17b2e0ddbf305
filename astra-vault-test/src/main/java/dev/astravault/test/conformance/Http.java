package dev.astravault.test.conformance;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** Raw HTTP for the conformance cases: no client library in between, so the cases see the wire as it is. */
final class Http {
  static final OkHttpClient CLIENT = new OkHttpClient.Builder()
      .retryOnConnectionFailure(false)
      .callTimeout(Duration.ofSeconds(30))
      .build();
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

  private Http() {}

  /** One answer: status, reason phrase, headers and body text. Its toString shows no body (it may hold secrets). */
  record Answer(int status, String reason, Headers headers, String body) {
    @Nullable Object json() {
      try {
        return JSON.fromJson(body);
      } catch (IOException | RuntimeException e) {
        throw new AssertionError("not JSON (HTTP " + status + "): " + e.getMessage(), e);
      }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object() {
      Object value = json();
      if (!(value instanceof Map)) {
        throw new AssertionError("not a JSON object (HTTP " + status + ")");
      }
      return (Map<String, Object>) value;
    }

    @Override
    public String toString() {
      return "HTTP " + status + " " + reason;
    }
  }

  static Answer exchange(String method, HttpUrl url, Map<String, String> headers, @Nullable String body) {
    Request.Builder request = new Request.Builder().url(url);
    headers.forEach(request::header);
    RequestBody requestBody = body == null ? null : RequestBody.create(body.getBytes(StandardCharsets.UTF_8),
        APPLICATION_JSON);
    if (requestBody == null && (method.equals("POST") || method.equals("PUT"))) {
      requestBody = RequestBody.create(new byte[0], null);
    }
    request.method(method, requestBody);
    try (Response response = CLIENT.newCall(request.build()).execute()) {
      return new Answer(response.code(), response.message(), response.headers(), response.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + url.encodedPath() + " failed", e);
    }
  }

  /**
   * A GET or DELETE, sent again (at once) after a 429 or 503, as a client that honours {@code Retry-After} would, up
   * to 5 attempts: the services may shed load on any call, and the cases are about what comes after.
   */
  static Answer idempotent(String method, HttpUrl url, Map<String, String> headers) {
    Answer answer = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      answer = exchange(method, url, headers, null);
      if (answer.status() != 429 && answer.status() != 503) {
        return answer;
      }
    }
    return answer;
  }

  static String toJson(Object value) {
    return JSON.toJson(value);
  }
}
