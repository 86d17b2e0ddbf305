package dev.astravault.internal.astra;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Everything an {@link OkHttpAstraDevOps} needs for one organization. Immutable; {@link #toString()} never prints
 * the root token.
 *
 * <p>Build one template for the process and derive each org's settings with {@link #withRootToken(String)}: the
 * derived clients then share the base {@link OkHttpClient}'s connection pool and dispatcher while each keeps its own
 * credentials.
 *
 * <pre>{@code
 * AstraClientSettings template = AstraClientSettings.builder().rootToken(orgA).httpClient(shared).build();
 * AstraDevOps a = OkHttpAstraDevOps.create(template);
 * AstraDevOps b = OkHttpAstraDevOps.create(template.withRootToken(orgB));
 * }</pre>
 */
public final class AstraClientSettings {
  public static final String DEFAULT_BASE_URL = "https://api.astra.datastax.com";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
  /** 8 MiB: a token list of tens of thousands of entries fits; an endless body stops here. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 8L * 1024 * 1024;

  private static final String VERSION_RESOURCE = "/dev/astravault/astra-vault.properties";

  private final HttpUrl baseUrl;
  private final String rootToken;
  private final OkHttpClient httpClient;
  private final Duration connectTimeout;
  private final Duration callTimeout;
  private final long maxResponseBytes;
  private final RetryPolicy retryPolicy;
  private final RandomGenerator random;
  private final Sleeper sleeper;
  private final Clock clock;
  private final String userAgent;

  private AstraClientSettings(Builder b, String rootToken) {
    this.baseUrl = b.baseUrl == null ? normalizeBaseUrl(DEFAULT_BASE_URL) : b.baseUrl;
    this.rootToken = rootToken;
    this.httpClient = b.httpClient == null ? DefaultHttpClient.INSTANCE : b.httpClient;
    this.connectTimeout = b.connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : b.connectTimeout;
    this.callTimeout = b.callTimeout == null ? DEFAULT_CALL_TIMEOUT : b.callTimeout;
    this.maxResponseBytes = b.maxResponseBytes == null ? DEFAULT_MAX_RESPONSE_BYTES : b.maxResponseBytes;
    this.retryPolicy = b.retryPolicy == null ? RetryPolicy.defaults() : b.retryPolicy;
    // ThreadLocalRandom must be looked up on the calling thread, hence the delegating generator.
    this.random = b.random == null ? () -> ThreadLocalRandom.current().nextLong() : b.random;
    this.sleeper = b.sleeper == null ? Sleeper.system() : b.sleeper;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.userAgent = b.userAgentPrefix == null ? defaultUserAgent() : b.userAgentPrefix + " " + defaultUserAgent();
  }

  private AstraClientSettings(AstraClientSettings template, String rootToken) {
    this.baseUrl = template.baseUrl;
    this.rootToken = rootToken;
    this.httpClient = template.httpClient;
    this.connectTimeout = template.connectTimeout;
    this.callTimeout = template.callTimeout;
    this.maxResponseBytes = template.maxResponseBytes;
    this.retryPolicy = template.retryPolicy;
    this.random = template.random;
    this.sleeper = template.sleeper;
    this.clock = template.clock;
    this.userAgent = template.userAgent;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The same settings for another organization (another root token); everything else, the pool included, is shared. */
  public AstraClientSettings withRootToken(String rootToken) {
    return new AstraClientSettings(this, checkToken(rootToken, "rootToken"));
  }

  /** Always ends with {@code /}; API paths ({@code v2/...}) are resolved against it. */
  public HttpUrl baseUrl() {
    return baseUrl;
  }

  /** Package-private so that only the client itself can read it. */
  String rootToken() {
    return rootToken;
  }

  public OkHttpClient httpClient() {
    return httpClient;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  /** The largest response body read; a larger one is refused. */
  public long maxResponseBytes() {
    return maxResponseBytes;
  }

  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  public RandomGenerator random() {
    return random;
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  public Clock clock() {
    return clock;
  }

  public String userAgent() {
    return userAgent;
  }

  @Override
  public String toString() {
    return "AstraClientSettings[baseUrl=" + baseUrl + ", rootToken=██, connectTimeout=" + connectTimeout
        + ", callTimeout=" + callTimeout + ", maxResponseBytes=" + maxResponseBytes + ", retryPolicy=" + retryPolicy
        + ", userAgent=" + userAgent + "]";
  }

  /** {@code astra-vault/<version>}, the version coming from the Maven-filtered properties file. */
  public static String defaultUserAgent() {
    return "astra-vault/" + LibraryVersion.VALUE;
  }

  /**
   * Trims a bearer token and rejects what could never be one. Characters outside printable ASCII are refused here
   * because OkHttp would otherwise reject the header later, far from the cause. The message never shows the token.
   */
  static String checkToken(@Nullable String token, String what) {
    Objects.requireNonNull(token, what);
    String trimmed = token.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException(what + " is blank");
    }
    for (int i = 0; i < trimmed.length(); i++) {
      char c = trimmed.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(what + " contains a character that is not allowed in a bearer token");
      }
    }
    return trimmed;
  }

  /**
   * Accepts the host with or without a trailing slash, a gateway path prefix, and the {@code /v2} suffix the Astra
   * docs print as part of "the base URL" (it is stripped, since the client adds {@code v2/...} itself).
   */
  static HttpUrl normalizeBaseUrl(String url) {
    Objects.requireNonNull(url, "baseUrl");
    HttpUrl parsed = HttpUrl.parse(url.trim());
    if (parsed == null) {
      throw new IllegalArgumentException("baseUrl is not an http or https URL");
    }
    if (parsed.query() != null || parsed.fragment() != null || !parsed.username().isEmpty()
        || !parsed.password().isEmpty()) {
      throw new IllegalArgumentException(
          "baseUrl must not carry credentials, a query or a fragment: " + parsed.redact());
    }
    List<String> segments = new ArrayList<>(parsed.encodedPathSegments());
    if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
      segments.remove(segments.size() - 1);
    }
    if (!segments.isEmpty() && segments.get(segments.size() - 1).equals("v2")) {
      segments.remove(segments.size() - 1);
    }
    HttpUrl.Builder builder = parsed.newBuilder().encodedPath("/");
    for (String segment : segments) {
      builder.addEncodedPathSegment(segment);
    }
    if (!segments.isEmpty()) {
      builder.addEncodedPathSegment("");
    }
    return builder.build();
  }

  /** One pool and dispatcher for every client built without an explicit base client. */
  private static final class DefaultHttpClient {
    static final OkHttpClient INSTANCE = new OkHttpClient();
  }

  private static final class LibraryVersion {
    static final String VALUE = load();

    private static String load() {
      try (InputStream in = AstraClientSettings.class.getResourceAsStream(VERSION_RESOURCE)) {
        if (in == null) {
          return "dev";
        }
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version", "").trim();
        // An unfiltered resource (an IDE build) still holds the Maven placeholder.
        return version.isEmpty() || version.contains("${") ? "dev" : version;
      } catch (IOException | IllegalArgumentException e) {
        return "dev";
      }
    }
  }

  /**
   * Fail-fast builder: every setter validates its argument and may be called once, so that a misconfiguration
   * shows up at the call that caused it rather than at the first request.
   */
  public static final class Builder {
    private @Nullable HttpUrl baseUrl;
    private @Nullable String rootToken;
    private @Nullable OkHttpClient httpClient;
    private @Nullable Duration connectTimeout;
    private @Nullable Duration callTimeout;
    private @Nullable Long maxResponseBytes;
    private @Nullable RetryPolicy retryPolicy;
    private @Nullable RandomGenerator random;
    private @Nullable Sleeper sleeper;
    private @Nullable Clock clock;
    private @Nullable String userAgentPrefix;

    private Builder() {}

    /** Default {@value #DEFAULT_BASE_URL}. A trailing slash and a trailing {@code /v2} are both accepted. */
    public Builder baseUrl(String baseUrl) {
      requireUnset(this.baseUrl, "baseUrl");
      this.baseUrl = normalizeBaseUrl(baseUrl);
      return this;
    }

    public Builder baseUrl(URI baseUrl) {
      return baseUrl(Objects.requireNonNull(baseUrl, "baseUrl").toString());
    }

    /** Required. The org's root (administrator) token; surrounding whitespace is trimmed. */
    public Builder rootToken(String rootToken) {
      requireUnset(this.rootToken, "rootToken");
      this.rootToken = checkToken(rootToken, "rootToken");
      return this;
    }

    /**
     * The base client whose connection pool and dispatcher are shared by every org. Default: one process-wide
     * client. Each org's client is derived with {@link OkHttpClient#newBuilder()}, adding its credentials, the
     * timeouts below, no OkHttp-level retries and no redirects.
     */
    public Builder httpClient(OkHttpClient httpClient) {
      requireUnset(this.httpClient, "httpClient");
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      requireUnset(this.connectTimeout, "connectTimeout");
      this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
      return this;
    }

    /** Bounds one attempt end to end (connect, send, wait, read). Default 30 s. */
    public Builder callTimeout(Duration callTimeout) {
      requireUnset(this.callTimeout, "callTimeout");
      this.callTimeout = requirePositive(callTimeout, "callTimeout");
      return this;
    }

    /**
     * The largest response body read, in bytes (at least 1024); a larger one fails with
     * {@link dev.astravault.AstraResponseTooLargeException}. Default {@value #DEFAULT_MAX_RESPONSE_BYTES}.
     */
    public Builder maxResponseBytes(long maxResponseBytes) {
      requireUnset(this.maxResponseBytes, "maxResponseBytes");
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes must be at least 1024: " + maxResponseBytes);
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /** Default {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      requireUnset(this.retryPolicy, "retryPolicy");
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * The source of back-off jitter, injectable so that tests get deterministic waits. It must be thread-safe when
     * the client is shared. Default: {@link ThreadLocalRandom}.
     */
    public Builder random(RandomGenerator random) {
      requireUnset(this.random, "random");
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** How back-off waits are spent; tests inject a recording sleeper. Default {@link Sleeper#system()}. */
    public Builder sleeper(Sleeper sleeper) {
      requireUnset(this.sleeper, "sleeper");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Turns a {@code Retry-After} HTTP-date into a wait; injectable so tests can pin "now". Also stamps
     * {@code generatedOn} when Astra omits it. Default {@link Clock#systemUTC()}.
     */
    public Builder clock(Clock clock) {
      requireUnset(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Product tokens of the embedding application ({@code "orders-service/2.3"}), prepended to
     * {@code astra-vault/<version>} in the {@code User-Agent}, newest caller first as astra-db-java does.
     */
    public Builder userAgentPrefix(String userAgentPrefix) {
      requireUnset(this.userAgentPrefix, "userAgentPrefix");
      String trimmed = Objects.requireNonNull(userAgentPrefix, "userAgentPrefix").trim();
      if (trimmed.isEmpty() || !trimmed.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
        throw new IllegalArgumentException("userAgentPrefix must be non-blank printable ASCII: " + trimmed);
      }
      this.userAgentPrefix = trimmed;
      return this;
    }

    public AstraClientSettings build() {
      if (rootToken == null) {
        throw new IllegalStateException("rootToken is required");
      }
      return new AstraClientSettings(this, rootToken);
    }

    private static void requireUnset(@Nullable Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    private static Duration requirePositive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + duration);
      }
      return duration;
    }
  }
}
