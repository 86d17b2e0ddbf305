package dev.astravault.test.vault;

import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/** Raw HTTP to a FakeVault, with no client library in between. */
final class RawVault {
  static final OkHttpClient HTTP = new OkHttpClient();

  record Reply(int code, Headers headers, String body) {
    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      try {
        return (Map<String, Object>) new Moshi.Builder().build().adapter(Object.class).fromJson(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> data() {
      return (Map<String, Object>) json().get("data");
    }

    @SuppressWarnings("unchecked")
    List<String> errors() {
      return (List<String>) json().get("errors");
    }

    @SuppressWarnings("unchecked")
    List<String> keys() {
      return (List<String>) data().get("keys");
    }
  }

  private final FakeVault vault;
  private final String token;
  private final OkHttpClient http;

  RawVault(FakeVault vault, @Nullable String token) {
    this(vault, token, HTTP);
  }

  private RawVault(FakeVault vault, @Nullable String token, OkHttpClient http) {
    this.vault = vault;
    this.token = token == null ? "" : token;
    this.http = http;
  }

  RawVault as(@Nullable String token) {
    return new RawVault(vault, token, http);
  }

  /** The same, answering redirects instead of following them. */
  RawVault noRedirects() {
    return new RawVault(vault, token, HTTP.newBuilder().followRedirects(false).build());
  }

  Reply get(String path) {
    return send("GET", path, null);
  }

  Reply list(String path) {
    return send("LIST", path, null);
  }

  Reply post(String path, String json) {
    return send("POST", path, json);
  }

  Reply delete(String path) {
    return send("DELETE", path, null);
  }

  /** A PATCH with the given Content-Type header, or none when {@code contentType} is null. */
  Reply patch(String path, String json, @Nullable String contentType) {
    return send("PATCH", path, json, contentType);
  }

  Reply head(String path) {
    return send("HEAD", path, null);
  }

  Reply send(String method, String path, @Nullable String json) {
    return send(method, path, json, null);
  }

  Reply send(String method, String path, @Nullable String json, @Nullable String contentType) {
    Request.Builder b = new Request.Builder().url(vault.url("/v1/" + path));
    if (!token.isEmpty()) {
      b.header("X-Vault-Token", token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);  // as sent: OkHttp would add "; charset=utf-8" to a MediaType
    }
    RequestBody body = json == null ? null : RequestBody.create(json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        (MediaType) null);
    if (body == null && (method.equals("POST") || method.equals("PUT"))) {
      body = RequestBody.create(new byte[0], (MediaType) null);
    }
    b.method(method, body);
    try (Response r = http.newCall(b.build()).execute()) {
      return new Reply(r.code(), r.headers(), r.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
