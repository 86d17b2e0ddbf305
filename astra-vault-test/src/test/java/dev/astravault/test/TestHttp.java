package dev.astravault.test;

import java.io.IOException;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** A tiny HTTP client for tests: no retries on connection failure, so faults are seen as they are. */
public final class TestHttp {
  public static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  public static final OkHttpClient CLIENT = new OkHttpClient.Builder()
      .retryOnConnectionFailure(false)
      .callTimeout(Duration.ofSeconds(10))
      .build();

  /** Status, content type and body of one exchange. */
  public record Reply(int status, @Nullable String contentType, String body, @Nullable String retryAfter) {}

  private TestHttp() {}

  public static Reply call(String method, HttpUrl url, @Nullable String bearer, @Nullable String json)
      throws IOException {
    return call(CLIENT, method, url, bearer, json);
  }

  public static Reply call(OkHttpClient client, String method, HttpUrl url, @Nullable String bearer,
      @Nullable String json) throws IOException {
    Request.Builder request = new Request.Builder().url(url)
        .method(method, json == null ? null : RequestBody.create(json, JSON));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try (Response response = client.newCall(request.build()).execute()) {
      return new Reply(response.code(), response.header("Content-Type"), response.body().string(),
          response.header("Retry-After"));
    }
  }
}
