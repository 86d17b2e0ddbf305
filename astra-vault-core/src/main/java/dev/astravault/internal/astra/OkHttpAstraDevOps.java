package dev.astravault.internal.astra;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.JsonWriter;
import dev.astravault.AstraApiException;
import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraNotFoundException;
import dev.astravault.AstraRateLimitedException;
import dev.astravault.AstraResponseTooLargeException;
import dev.astravault.AstraServerException;
import dev.astravault.AstraUnavailableException;
import dev.astravault.AstraVaultException;
import dev.astravault.InvalidTokenResponseException;
import dev.astravault.internal.crypto.Hashing;
import dev.astravault.internal.redact.LiteralSecrets;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.internal.support.Validation;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSink;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * {@link AstraDevOps} over OkHttp and Moshi, for one organization.
 *
 * <p>OkHttp's own connection-failure retries and redirect following are switched off on the per-org client: retries
 * are this class's decision (GET and DELETE only, per {@link RetryPolicy}), and a silent transport-level retry of a
 * POST could mint a second token. The POST body is also marked one-shot as a second line of defence.
 *
 * <p>Exception messages are composed here from the method, path, status and Astra error ID only; response bodies,
 * tokens, secrets and the root token never reach them.
 *
 * <p>Why this class is long: it is the one place that talks HTTP to Astra. Each call's retry rule, body cap, deadline
 * and error mapping sit next to the others so that a difference between two calls (a POST is never retried) is a
 * visible decision, not an accident of two files.
 */
public final class OkHttpAstraDevOps implements AstraDevOps {
  private static final Logger log = Redaction.logger(OkHttpAstraDevOps.class);

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  /** Client ids that are safe to put in a path and in a message (the real ones are 24 letters). */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
  private static final Pattern TOKEN_IN_TEXT = Pattern.compile("AstraCS:[^\\s\"',;]*");
  private static final String HEX_DIGITS = "0123456789abcdef";
  private static final long MAX_ERROR_BODY = 16 * 1024;
  private static final int MAX_ASTRA_MESSAGE = 300;

  private static final String TOKENS_PATH = "v2/clientIdSecrets";
  private static final String ROLES_PATH = "v2/organizations/roles";
  private static final String CURRENT_ORG_PATH = "v2/currentOrg";

  private final OkHttpClient client;
  private final AstraHeaders astraHeaders;
  private final HttpUrl baseUrl;
  /** Built once: resolving the path on every create cost a builder, segment lists and a new URL per call. */
  private final HttpUrl tokensUrl;
  private final String rootToken;
  private final RetryPolicy retryPolicy;
  private final RandomGenerator random;
  private final Sleeper sleeper;
  private final Clock clock;
  private final long maxResponseBytes;

  private OkHttpAstraDevOps(AstraClientSettings settings) {
    this.baseUrl = settings.baseUrl();
    this.tokensUrl = url(TOKENS_PATH);
    this.rootToken = settings.rootToken();
    this.retryPolicy = settings.retryPolicy();
    this.random = settings.random();
    this.sleeper = settings.sleeper();
    this.clock = settings.clock();
    this.maxResponseBytes = settings.maxResponseBytes();
    this.astraHeaders = new AstraHeaders(settings.rootToken(), settings.userAgent());
    this.client = settings.httpClient().newBuilder()
        .addInterceptor(astraHeaders)
        .connectTimeout(settings.connectTimeout())
        .callTimeout(settings.callTimeout())
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .followSslRedirects(false)
        .build();
  }

  /** A client bound to the settings' org (root token); cheap, since it shares the base client's pool. */
  public static OkHttpAstraDevOps create(AstraClientSettings settings) {
    return new OkHttpAstraDevOps(Objects.requireNonNull(settings, "settings"));
  }

  /** The per-org OkHttp client, for tests that check the pool is shared. */
  OkHttpClient httpClient() {
    return client;
  }

  @Override
  public CreatedToken createToken(CreateTokenRequest request) {
    Objects.requireNonNull(request, "request");
    String label = "POST /" + TOKENS_PATH;
    Buffer json = new Buffer();
    try {
      AstraJson.CREATE_REQUEST.toJson(json, request);
    } catch (IOException e) {
      throw new IllegalStateException("writing to a memory buffer failed", e);
    }
    Request httpRequest = new Request.Builder()
        .url(tokensUrl)
        .headers(astraHeaders.headers)   // complete already: the interceptor passes it on without a rebuild
        .post(new OneShotBody(json.readByteArray()))
        .build();
    byte[] body = postOnce(label, httpRequest, "token");
    return verify(label, AstraJson.readCreateResponse(body), request);
  }

  /**
   * Sends a create exactly once and returns the response body. Whether anything was created decides the exception:
   * a failure before the request left is {@link AstraUnavailableException} (nothing created); a failure after it may
   * have left, or an unreadable success, is {@link AmbiguousCreateException} (settle before retrying); a clear error
   * status is the API's error.
   *
   * @param what what the POST creates, for messages ("token", "role")
   */
  private byte[] postOnce(String label, Request httpRequest, String what) {
    Response response;
    try {
      response = execute(client.newCall(httpRequest));
    } catch (IOException e) {
      if (neverSent(e)) {
        throw new AstraUnavailableException(
            "Astra DevOps API " + label + " failed before the request was sent: " + describe(e), e);
      }
      throw new AmbiguousCreateException("Astra DevOps API " + label + " failed after the request may have been sent ("
          + describe(e) + "); Astra may or may not have created the " + what, e);
    }
    try (response) {
      if (!response.isSuccessful()) {
        throw apiError(label, response, 1);
      }
      try {
        return readCapped(label, response);
      } catch (IOException e) {
        throw new AmbiguousCreateException("Astra DevOps API " + label + " answered HTTP " + response.code()
            + " but the response could not be read (" + describe(e) + "); the " + what + " was probably created", e);
      }
    }
  }

  /**
   * Checks format and {@code token == "AstraCS:" + clientId + ":" + sha256hex(secret)}. On failure it first deletes
   * the client id (if one was readable) so that a token nobody can use does not linger in the org.
   */
  private CreatedToken verify(String label, AstraJson.CreateResponse r, CreateTokenRequest request) {
    String problem;
    String orgId = r.orgId != null && !r.orgId.isBlank() ? r.orgId : request.orgId();
    if (r.malformed) {
      problem = "the response body is not a JSON token object";
    } else if (r.clientId == null || r.secret == null || r.token == null) {
      problem = "the response lacks clientId, secret or token";
    } else if (!Validation.isAstraToken(r.token)) {
      problem = "the token does not have the shape AstraCS:<24 letters>:<64 hex digits>";
    } else if (!isExpectedToken(r.token, r.clientId, r.secret)) {
      problem = "the token is not AstraCS:<clientId>:sha256(secret)";
    } else if (orgId == null) {
      problem = "the response lacks orgId";
    } else {
      List<String> roles = r.roles == null || r.roles.isEmpty() ? request.roles() : r.roles;
      Instant generatedOn = r.generatedOn != null ? r.generatedOn : clock.instant();
      return new CreatedToken(r.clientId, r.secret, orgId, roles, r.token, generatedOn);
    }

    String clientId = r.clientId;
    boolean deletable = clientId != null && SAFE_ID.matcher(clientId).matches();
    String subject = deletable ? " for client " + clientId : "";
    String outcome;
    AstraVaultException deleteFailure = null;
    if (clientId == null) {
      outcome = "no clientId could be read, so nothing was deleted";
    } else if (!deletable) {
      outcome = "the clientId is not usable in a request, so nothing was deleted";
    } else {
      try {
        outcome = deleteToken(clientId) ? "the token was deleted" : "the token was already gone";
      } catch (AstraVaultException e) {
        deleteFailure = e;
        outcome = "deleting the token failed";
        log.warn("Could not delete client {} after an invalid create response; it must be revoked by hand ({})",
            clientId, e.getMessage());
      }
    }
    InvalidTokenResponseException failure = new InvalidTokenResponseException(
        "Astra DevOps API " + label + " returned an invalid token" + subject + ": " + problem + "; " + outcome);
    if (deleteFailure != null) {
      failure.addSuppressed(deleteFailure);
    }
    throw failure;
  }

  @Override
  public List<RemoteToken> listTokens() {
    return getJson(TOKENS_PATH, null, AstraJson.TOKENS);
  }

  @Override
  public boolean deleteToken(String clientId) {
    return deleteById(TOKENS_PATH, requireSegment(clientId, "clientId"));
  }

  /** DELETE {@code collection/id}, retried as an idempotent call: {@code true} if deleted now, false on a 404. */
  private boolean deleteById(String collection, String id) {
    String label = "DELETE /" + collection + "/" + id;
    Request request = new Request.Builder().url(url(collection, id)).delete().build();
    return executeIdempotent(request, label, (response, attempts) -> {
      if (response.isSuccessful()) {
        // Astra's error shape under a success status (a gateway's, or a lie) is no deletion: the token may live on.
        if (AstraJson.readError(response.peekBody(MAX_ERROR_BODY).string()) != null) {
          throw apiError(label, response, attempts);
        }
        return true;
      }
      if (response.code() == 404) {
        return false;
      }
      throw apiError(label, response, attempts);
    });
  }

  @Override
  public List<RemoteRole> listRoles() {
    return getJson(ROLES_PATH, null, AstraJson.ROLES);
  }

  @Override
  public RemoteRole role(String roleId) {
    String id = requireSegment(roleId, "roleId");
    return getJson(ROLES_PATH + "/" + id, null, AstraJson.ROLE);
  }

  @Override
  public RemoteRole createRole(String name, RolePolicy policy) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(policy, "policy");
    String label = "POST /" + ROLES_PATH;
    Buffer json = new Buffer();
    try (JsonWriter w = JsonWriter.of(json)) {
      w.beginObject().name("name").value(name).name("policy");
      policy.write(w);
      w.endObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to a memory buffer failed", e);
    }
    Request httpRequest = new Request.Builder().url(url(ROLES_PATH)).post(new OneShotBody(json.readByteArray()))
        .build();
    byte[] body = postOnce(label, httpRequest, "role");
    try {
      RemoteRole role = AstraJson.ROLE.fromJson(new Buffer().write(body));
      if (role == null) {
        throw new JsonDataException("null body");
      }
      return role;
    } catch (IOException | JsonDataException e) {
      throw new AmbiguousCreateException("Astra DevOps API " + label + " answered with a role that could not be "
          + "parsed; the role was probably created", null);
    }
  }

  @Override
  public boolean deleteRole(String roleId) {
    return deleteById(ROLES_PATH, requireSegment(roleId, "roleId"));
  }

  @Override
  public String currentOrgId() {
    return getJson(CURRENT_ORG_PATH, null, AstraJson.ORG_ID);
  }

  @Override
  public String currentOrgId(String bearerToken) {
    return getJson(CURRENT_ORG_PATH, AstraClientSettings.checkToken(bearerToken, "bearerToken"), AstraJson.ORG_ID);
  }

  private <T> T getJson(String path, @Nullable String bearerOverride, JsonAdapter<T> adapter) {
    String label = "GET /" + path;
    Request.Builder builder = new Request.Builder().url(url(path)).get();
    if (bearerOverride != null) {
      builder.header("Authorization", "Bearer " + bearerOverride);
    }
    return executeIdempotent(builder.build(), label, (response, attempts) -> {
      if (!response.isSuccessful()) {
        throw apiError(label, response, attempts);
      }
      // Read fully first: an I/O error here is worth a retry, a syntax error (or an oversized body) is not.
      byte[] body = readCapped(label, response);
      try {
        T value = adapter.fromJson(new Buffer().write(body));
        if (value == null) {
          throw new JsonDataException("null body");
        }
        return value;
      } catch (IOException | JsonDataException e) {
        throw new AstraApiException("Astra DevOps API " + label + " answered HTTP " + response.code()
            + " with a body that could not be parsed", response.code(), null, null);
      }
    });
  }

  @FunctionalInterface
  private interface ResponseHandler<T> {
    /** Maps one final response (success or error) to a value or an exception; {@code attempts} is for messages. */
    T handle(Response response, int attempts) throws IOException;
  }

  /**
   * Runs a GET or DELETE, retrying I/O errors and 429/502/503/504 up to {@link RetryPolicy#maxAttempts()} attempts in
   * total. The response is closed before the back-off wait so no connection is held while sleeping.
   */
  private <T> T executeIdempotent(Request request, String label, ResponseHandler<T> handler) {
    int maxAttempts = retryPolicy.maxAttempts();
    for (int attempt = 1; ; attempt++) {
      Duration wait;
      try (Response response = execute(client.newCall(request))) {
        int code = response.code();
        if (!isRetryable(code) || attempt >= maxAttempts) {
          return handler.handle(response, attempt);
        }
        Duration retryAfter = retryAfter(response);
        wait = retryAfter != null ? retryPolicy.capped(retryAfter) : retryPolicy.backoff(attempt, random);
        log.debug("Astra DevOps API {} answered HTTP {} (attempt {}/{}); retrying in {}", label, code, attempt,
            maxAttempts, wait);
      } catch (IOException e) {
        if (attempt >= maxAttempts) {
          throw new AstraUnavailableException("Astra DevOps API " + label + " failed after " + attempt
              + (attempt == 1 ? " attempt: " : " attempts: ") + describe(e), e);
        }
        wait = retryPolicy.backoff(attempt, random);
        log.debug("Astra DevOps API {} failed with {} (attempt {}/{}); retrying in {}", label, describe(e), attempt,
            maxAttempts, wait);
      }
      pause(label, wait);
    }
  }

  /**
   * {@code call.execute()}. OkHttp throws an InterruptedException it does not declare when the calling thread is
   * interrupted while it waits for a TCP connect, before any of the request is written: undeclared, it escaped every
   * handler (and a create left its PENDING record). It becomes a {@link ConnectInterrupted}, so nothing was sent, and
   * the thread keeps its interrupt status.
   */
  private static Response execute(Call call) throws IOException {
    WatchdogKeepAlive.beforeCall();
    try {
      return call.execute();
    } catch (Exception e) {   // Exception, not InterruptedException: javac refuses to catch an undeclared one
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw (IOException) new ConnectInterrupted().initCause(e);
      }
      throw e;
    }
  }

  /** The calling thread was interrupted while OkHttp waited for a connection: the request was never sent. */
  private static final class ConnectInterrupted extends InterruptedIOException {
    ConnectInterrupted() {
      super("interrupted while connecting");
    }
  }

  private void pause(String label, Duration wait) {
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AstraUnavailableException("Astra DevOps API " + label + " was interrupted while backing off", e);
    }
  }

  private static boolean isRetryable(int code) {
    return code == 429 || code == 502 || code == 503 || code == 504;
  }

  /** Seconds or an HTTP-date (OkHttp's RFC 1123 parsing); a date in the past means "now". Null if absent/invalid. */
  private @Nullable Duration retryAfter(Response response) {
    String value = response.header("Retry-After");
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.trim();
    if (trimmed.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(trimmed));
      } catch (NumberFormatException | ArithmeticException tooLarge) {
        return Duration.ofSeconds(Long.MAX_VALUE);
      }
    }
    Instant at = response.headers().getInstant("Retry-After");
    if (at == null) {
      return null;
    }
    Duration until = Duration.between(clock.instant(), at);
    return until.isNegative() ? Duration.ZERO : until;
  }

  /**
   * The whole body, or {@link AstraResponseTooLargeException} once it passes the cap: at most cap + 1 bytes are ever
   * buffered, so an endless body costs a bounded amount of memory (and, with the call timeout, of time).
   */
  private byte[] readCapped(String label, Response response) throws IOException {
    ResponseBody responseBody = response.body();
    long declared = responseBody.contentLength();
    BufferedSource source = responseBody.source();
    if (declared > maxResponseBytes || source.request(maxResponseBytes + 1)) {
      throw new AstraResponseTooLargeException("Astra DevOps API " + label + " answered HTTP " + response.code()
          + " with a body larger than the limit of " + maxResponseBytes + " bytes; it was not read",
          response.code(), maxResponseBytes);
    }
    return source.getBuffer().readByteArray();
  }

  /** Status first, body second: the body is only consulted for Astra's error ID and message. */
  private AstraApiException apiError(String label, Response response, int attempts) {
    int code = response.code();
    AstraJson.ApiError error = null;
    String text = null;
    try {
      text = response.peekBody(MAX_ERROR_BODY).string();
      error = AstraJson.readError(text);
    } catch (IOException e) {
      log.debug("Could not read the error body of {}: {}", label, describe(e));
    }
    Integer astraId = error == null ? null : error.id();
    String astraMessage = sanitize(error != null ? error.message() : text);
    String message = "Astra DevOps API " + label + " failed: HTTP " + code
        + (astraId == null ? "" : " (Astra error " + astraId + ")")
        + (attempts > 1 ? " after " + attempts + " attempts" : "");
    if (code == 401 || code == 403) {
      return new AstraAuthenticationException(message, code, astraId, astraMessage);
    }
    if (code == 404) {
      return new AstraNotFoundException(message, astraId, astraMessage);
    }
    if (code == 429) {
      return new AstraRateLimitedException(message, retryAfter(response), astraId, astraMessage);
    }
    if (code >= 500) {
      return new AstraServerException(message, code, astraId, astraMessage);
    }
    return new AstraApiException(message, code, astraId, astraMessage);
  }

  /**
   * Astra's messages sometimes quote the token they rejected ({@code Resource, token, was malformed ... %s}), so
   * anything token-shaped and the root token itself are masked, and the text is bounded.
   */
  private @Nullable String sanitize(@Nullable String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String cleaned = TOKEN_IN_TEXT.matcher(LiteralSecrets.mask(text, rootToken)).replaceAll("AstraCS:██").strip();
    if (cleaned.contains("\"secret\"")) {
      return null;
    }
    return cleaned.length() > MAX_ASTRA_MESSAGE ? cleaned.substring(0, MAX_ASTRA_MESSAGE) + "…" : cleaned;
  }

  /** Failures that happen before a single byte of the request can have left this process. */
  private static boolean neverSent(IOException e) {
    return e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException || e instanceof ConnectInterrupted;
  }

  /** The exception type only: OkHttp's messages may quote URLs and are not ours to vouch for. */
  private static String describe(IOException e) {
    return e.getClass().getSimpleName();
  }

  private HttpUrl url(String path, String... encodedSegments) {
    HttpUrl.Builder builder = baseUrl.newBuilder().addPathSegments(path);
    for (String segment : encodedSegments) {
      builder.addPathSegment(segment);
    }
    return builder.build();
  }

  /**
   * Rejects ids that would change the request path ({@code .}, {@code ..}) or are blank; everything else is
   * percent-encoded. Ids are case-sensitive and passed through verbatim apart from trimming.
   */
  private static String requireSegment(@Nullable String value, String what) {
    Objects.requireNonNull(value, what);
    String trimmed = value.trim();
    if (trimmed.isEmpty() || trimmed.equals(".") || trimmed.equals("..")) {
      throw new IllegalArgumentException(what + " is blank or a dot segment");
    }
    return trimmed;
  }

  static String expectedToken(String clientId, String secret) {
    // The thread's cached digest: getInstance on every create cost about a microsecond.
    return "AstraCS:" + clientId + ":" + Hashing.sha256Hex(secret);
  }

  /**
   * Whether {@code token} is {@link #expectedToken}, without building it (nor its hex, nor two byte copies: once per
   * issue). The hash part is compared in constant time, as {@link MessageDigest#isEqual} would; the prefix and the
   * client id are public.
   */
  static boolean isExpectedToken(String token, String clientId, String secret) {
    int hash = "AstraCS:".length() + clientId.length() + 1;
    if (token.length() != hash + 64 || !token.startsWith("AstraCS:") || !token.startsWith(clientId, 8)
        || token.charAt(hash - 1) != ':') {
      return false;
    }
    byte[] digest = Hashing.sha256(secret.getBytes(StandardCharsets.UTF_8));
    int difference = 0;
    for (int i = 0; i < digest.length; i++) {
      difference |= token.charAt(hash + 2 * i) ^ HEX_DIGITS.charAt((digest[i] >> 4) & 0xf);
      difference |= token.charAt(hash + 2 * i + 1) ^ HEX_DIGITS.charAt(digest[i] & 0xf);
    }
    return difference == 0;
  }

  /** Adds the org's credentials (unless the call carries its own), {@code Accept} and {@code User-Agent}. */
  private static final class AstraHeaders implements Interceptor {
    private final String authorization;
    private final String userAgent;

    /** All three headers, for a request built with them up front (the create, once per issue). */
    final Headers headers;

    AstraHeaders(String rootToken, String userAgent) {
      this.authorization = "Bearer " + rootToken;
      this.userAgent = userAgent;
      this.headers = new Headers.Builder().add("Accept", "application/json").add("User-Agent", userAgent)
          .add("Authorization", authorization).build();
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Request request = chain.request();
      if (request.header("Authorization") != null && "application/json".equals(request.header("Accept"))
          && userAgent.equals(request.header("User-Agent"))) {
        return chain.proceed(request);
      }
      Request.Builder builder = request.newBuilder()
          .header("Accept", "application/json")
          .header("User-Agent", userAgent);
      if (request.header("Authorization") == null) {
        builder.header("Authorization", authorization);
      }
      return chain.proceed(builder.build());
    }

    @Override
    public String toString() {
      return "AstraHeaders[authorization=Bearer ██, userAgent=" + userAgent + "]";
    }
  }

  /**
   * A JSON body OkHttp may send only once, so that even a transport-level retry (should one be configured on a
   * shared client) cannot replay a token creation.
   */
  private static final class OneShotBody extends RequestBody {
    private final byte[] bytes;

    OneShotBody(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public MediaType contentType() {
      return JSON;
    }

    @Override
    public long contentLength() {
      return bytes.length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.write(bytes);
    }

    @Override
    public boolean isOneShot() {
      return true;
    }
  }
}
