package dev.astravault.test.vault;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request received by {@link FakeVault}, as recorded in {@link FakeVault#requests()}.
 *
 * <p>The body and headers may hold secrets (tokens, secret IDs, JWTs), so {@link #toString()} shows only the method
 * and path.
 */
public final class VaultRequest {
  private final String method;
  private final String path;
  private final Map<String, List<String>> query;
  private final Headers headers;
  private final byte[] body;
  private final Instant receivedAt;

  VaultRequest(String method, String path, Map<String, List<String>> query, Headers headers, byte[] body,
      Instant receivedAt) {
    this.method = method;
    this.path = path;
    this.query = query;
    this.headers = headers;
    this.body = body.clone();
    this.receivedAt = receivedAt;
  }

  /** {@return the HTTP method, e.g. {@code GET}, {@code POST} or {@code LIST}} */
  public String method() {
    return method;
  }

  /** {@return the path without the query, e.g. {@code /v1/secret/data/app}} */
  public String path() {
    return path;
  }

  /** {@return the query parameters} */
  public Map<String, List<String>> query() {
    return query;
  }

  /**
   * The first value of query parameter {@code name}.
   *
   * @param name the parameter's name
   * @return the value, or empty when absent
   */
  public Optional<String> queryParameter(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
  }

  /** {@return all request headers} */
  public Headers headers() {
    return headers;
  }

  /**
   * Header {@code name}, if sent.
   *
   * @param name the header's name
   * @return the value, or empty when not sent
   */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name));
  }

  /** {@return the {@code X-Vault-Token} header, if sent} */
  public Optional<String> token() {
    return header("X-Vault-Token");
  }

  /** {@return the {@code X-Vault-Namespace} header, if sent} */
  public Optional<String> namespace() {
    return header("X-Vault-Namespace");
  }

  /** {@return the {@code Content-Type} header, if sent} */
  public @Nullable String contentType() {
    return headers.get("Content-Type");
  }

  /** {@return the body as UTF-8 text; empty when there was none} */
  public String body() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** {@return when the fake received it, by the fake's clock} */
  public Instant receivedAt() {
    return receivedAt;
  }

  @Override
  public String toString() {
    return "VaultRequest[" + method + " " + path + "]";
  }
}
