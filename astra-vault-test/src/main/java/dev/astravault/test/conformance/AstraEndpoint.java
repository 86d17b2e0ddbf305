package dev.astravault.test.conformance;

import dev.astravault.test.FakeAstra;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * An Astra DevOps API to run {@link AstraDevOpsConformance} against: a {@link FakeAstra}, or the real service. Its
 * {@code toString} never shows the token.
 */
public final class AstraEndpoint {
  /** The environment variable holding an org's root token (Organization Administrator). */
  public static final String TOKEN_VARIABLE = "ASTRA_ORG_TOKEN";
  /** The environment variable overriding the API's root URL (default {@code https://api.astra.datastax.com}). */
  public static final String URL_VARIABLE = "ASTRA_API_URL";

  private final String baseUrl;
  private final String rootToken;
  private final @Nullable FakeAstra fake;

  private AstraEndpoint(String baseUrl, String rootToken, @Nullable FakeAstra fake) {
    String base = Objects.requireNonNull(baseUrl, "baseUrl");
    this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    HttpUrl.get(this.baseUrl); // fails fast on a malformed URL
    this.rootToken = Objects.requireNonNull(rootToken, "rootToken");
    this.fake = fake;
  }

  /**
   * The fake's default org. Starts the fake.
   *
   * @param fake the fake
   * @return the endpoint
   */
  public static AstraEndpoint of(FakeAstra fake) {
    Objects.requireNonNull(fake, "fake");
    fake.start();
    return new AstraEndpoint(fake.url("/").toString(), fake.defaultOrg().rootToken(), fake);
  }

  /**
   * A real (or other) server: its root URL (without {@code /v2}) and an org's root token.
   *
   * @param baseUrl the server's root URL, without {@code /v2}
   * @param rootToken an org's root token
   * @return the endpoint
   */
  public static AstraEndpoint of(String baseUrl, String rootToken) {
    return new AstraEndpoint(baseUrl, rootToken, null);
  }

  /**
   * The real service, if {@value #TOKEN_VARIABLE} is set.
   *
   * @return the real service's endpoint, or empty when the variable is not set
   */
  public static Optional<AstraEndpoint> fromEnvironment() {
    String token = System.getenv(TOKEN_VARIABLE);
    if (token == null || token.isBlank()) {
      return Optional.empty();
    }
    String url = System.getenv(URL_VARIABLE);
    return Optional.of(of(url == null || url.isBlank() ? "https://api.astra.datastax.com" : url, token.strip()));
  }

  /**
   * The root URL, without {@code /v2} and without a trailing slash.
   *
   * @return the root URL
   */
  public String baseUrl() {
    return baseUrl;
  }

  String rootToken() {
    return rootToken;
  }

  /**
   * The fake behind this endpoint, if it is one: the cases that script faults or count choices need it.
   *
   * @return the fake, or empty for a real server
   */
  public Optional<FakeAstra> fake() {
    return Optional.ofNullable(fake);
  }

  HttpUrl url(String path) {
    return HttpUrl.get(baseUrl + path);
  }

  @Override
  public String toString() {
    return "AstraEndpoint[" + baseUrl + (fake != null ? ", " + fake.variation() : "") + "]";
  }
}
