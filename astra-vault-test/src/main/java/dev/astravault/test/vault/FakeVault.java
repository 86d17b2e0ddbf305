package dev.astravault.test.vault;

import dev.astravault.test.SeedReporter;
import dev.astravault.test.Variation;
import dev.astravault.test.internal.NoDelayServerSockets;
import dev.astravault.test.vault.Wire.Envelope;
import dev.astravault.test.vault.Wire.Reply;
import dev.astravault.test.vault.Wire.VaultError;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A fake HashiCorp Vault server, on OkHttp's MockWebServer, with DataStax's Astra secrets plugin v2.0.0 mounted.
 *
 * <p>It serves KV v1 and v2 mounts, token auth with ACL policies, AppRole and Kubernetes logins,
 * {@code sys/health}, {@code sys/seal-status}, {@code sys/mounts}, {@code sys/internal/ui/mounts/<path>} (the KV
 * version lookup of {@code vault kv}) and {@code sys/leases}, and the Astra plugin's
 * {@code config}, {@code configs}, {@code role}, {@code roles}, {@code org/token} and {@code org/tokens} paths, with
 * Vault's JSON envelopes, status codes and error texts. The plugin calls a real Astra DevOps endpoint over HTTP
 * (the {@code url} of its {@code astra/config}), such as {@code FakeAstra}. {@link PluginBehaviour} chooses between
 * v2.0.0's bugs and their fixes.
 *
 * <p>Time comes from the injected {@link Clock}, so that tests drive lease and token expiry without sleeping:
 * expired leases are revoked through the plugin at the start of every request and on {@link #expireDue()}.
 *
 * <p>As a JUnit 5 extension it starts once and resets between tests:
 *
 * <pre>{@code
 * @RegisterExtension static final FakeVault vault = FakeVault.builder().clock(clock).build();
 *
 * Vault driver = Vault.create(new VaultConfig().address(vault.address()).token(vault.rootToken()).build(), 2);
 * }</pre>
 *
 * <p><b>Variation.</b> The Vault notes name answers that differ by Vault version: only recent versions put
 * {@code mount_type} in the envelope, and only 1.17+ adds {@code invalid token} to the 403 for an unknown or expired
 * token (older ones answer a bare {@code permission denied}). A varied fake (the default, {@link Variation}) emulates
 * one generation or the other, chosen once from its seed; a strict one answers as the newer. Standby, sealed and
 * uninitialised answers are node states, set with {@link #standby(boolean)}, {@link #seal()} and
 * {@link #initialized(boolean)}. See {@code docs/testing.md}.
 *
 * <p>Thread-safe. Astra is called with no lock held, as the real plugin does (which is what makes v2.0.0's
 * uniqueness check racy).
 */
public final class FakeVault implements Closeable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback, TestWatcher, TestExecutionExceptionHandler {

  /** Failed revocations after which an expired lease is marked irrevocable (vault/expiration.go). */
  public static final int MAX_REVOKE_ATTEMPTS = 6;
  /** The body of a 403 for a missing token. */
  static final String PERMISSION_DENIED = "permission denied";
  /** The only Content-Type Vault takes for PATCH (http/logical.go MergePatchContentTypeHeader). */
  static final String MERGE_PATCH = "application/merge-patch+json";
  /** The body of a 403 for an ACL denial. */
  static final String ACL_DENIED = Wire.multierror(PERMISSION_DENIED);
  /** The body of a 403 for an unknown, revoked or expired token (Vault 1.17+, PR #26687). */
  static final String INVALID_TOKEN = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";
  private static final String UI_MOUNTS = "sys/internal/ui/mounts/";
  /** The error of a standby that knows no active node (http/handler.go handleRequestForwarding), with status 500. */
  static final String NO_ACTIVE_NODE = "local node not active but active cluster node not found";
  /** The auth methods' unauthenticated paths ({@code PathsSpecial.Unauthenticated}: "login"), matched exactly. */
  private static final Set<String> LOGIN_PATHS = Set.of("auth/approle/login", "auth/kubernetes/login");
  private static final Pattern MOUNT_TYPE_LAST =
      Pattern.compile(",\"mount_type\":\"[^\"]*\"}\n$");

  private final Object lock = new Object();
  private final Clock clock;
  private final String rootToken;
  private final Duration defaultLeaseTtl;
  private final Duration maxLeaseTtl;
  private final String version;
  private final boolean expireOnRequest;
  private final Map<String, Policy> policies;
  private final Map<String, TokenSpec> initialTokens;
  private final Map<String, LoginRole> appRoles;
  private final Map<String, LoginRole> kubernetesRoles;
  private final TreeMap<String, KvMount> kvMounts = new TreeMap<>();
  private final AstraPlugin plugin;
  private final PluginBehaviour behaviour;
  private final Variation variation;
  private final boolean olderGeneration;
  private final OkHttpClient astraHttp;
  private final boolean ownsHttp;
  private final String clusterId = UUID.randomUUID().toString();
  private final javax.net.ssl.@Nullable SSLSocketFactory tls;
  private final boolean requireClientCertificate;

  private final Map<String, TokenEntry> tokens = new LinkedHashMap<>();
  private final TreeMap<String, Lease> leases = new TreeMap<>();
  private final List<VaultRequest> requests = new ArrayList<>();
  private boolean sealed;
  private boolean initialized = true;
  private boolean standby;
  private boolean forwarding = true;
  private MountLookup mountLookup = MountLookup.ANSWERED;
  private @Nullable String contentType;

  private @Nullable MockWebServer server;
  private boolean startedPerTest;

  private FakeVault(Builder b) {
    this.clock = b.clock;
    this.rootToken = b.rootToken;
    this.defaultLeaseTtl = b.defaultLeaseTtl;
    this.maxLeaseTtl = b.maxLeaseTtl;
    this.version = b.version;
    this.expireOnRequest = b.expireOnRequest;
    this.tls = b.tls;
    this.requireClientCertificate = b.requireClientCertificate;
    this.policies = new LinkedHashMap<>(b.policies);
    this.policies.putIfAbsent(Policy.DEFAULT, Policy.defaultPolicy());
    this.initialTokens = new LinkedHashMap<>(b.tokens);
    this.appRoles = new LinkedHashMap<>(b.appRoles);
    this.kubernetesRoles = new LinkedHashMap<>(b.kubernetesRoles);
    Map<String, Integer> mounts = b.kvMounts.isEmpty() ? Map.of("secret/", 2, "kv/", 1) : b.kvMounts;
    mounts.forEach((path, v) -> kvMounts.put(path, new KvMount(path, v, clock, defaultLeaseTtl)));
    this.ownsHttp = b.astraHttpClient == null;
    // One attempt per call, as the plugin's Go client makes: OkHttp would silently resend a request whose
    // connection was dropped, hiding the failure a test scripted.
    this.astraHttp = b.astraHttpClient != null ? b.astraHttpClient
        : new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    this.behaviour = b.behaviour;
    this.variation = b.variation != null ? b.variation : Variation.fromSystemProperties();
    this.olderGeneration = variation.pick("vault-generation", 0, 2) == 1;
    this.plugin = new AstraPlugin(b.astraMount, lock, clock, b.behaviour, astraHttp, this::registerLease);
    resetTokens();
  }

  /** {@return a fake with the defaults: see {@link Builder}} */
  public static FakeVault create() {
    return builder().build();
  }

  /**
   * Configures a fake.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  /**
   * Starts the server on an ephemeral port; idempotent.
   *
   * @return this fake
   */
  public FakeVault start() {
    synchronized (lock) {
      if (server != null) {
        return this;
      }
      MockWebServer s = new MockWebServer();
      s.setServerSocketFactory(NoDelayServerSockets.factory());
      s.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          return FakeVault.this.dispatch(request);
        }
      });
      if (tls != null) {
        s.useHttps(tls);
        if (requireClientCertificate) {
          s.requireClientAuth();
        }
      }
      try {
        s.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start FakeVault", e);
      }
      server = s;
      return this;
    }
  }

  /** Stops the server. The fake can be started again, on a new port. */
  @Override
  public void close() {
    MockWebServer s;
    synchronized (lock) {
      s = server;
      server = null;
    }
    if (s != null) {
      s.close();
    }
  }

  /** Stops the server and releases the Astra HTTP client if the fake created it. */
  private void shutdown() {
    close();
    if (ownsHttp) {
      astraHttp.dispatcher().executorService().shutdown();
      astraHttp.connectionPool().evictAll();
    }
  }

  /**
   * Forgets everything that happened: KV data, plugin storage, leases, issued tokens and the request log; unseals,
   * leaves standby and restores the configured tokens. The clock is not touched.
   */
  public void reset() {
    synchronized (lock) {
      kvMounts.values().forEach(KvMount::clear);
      plugin.clear();
      leases.clear();
      requests.clear();
      sealed = false;
      initialized = true;
      standby = false;
      forwarding = true;
      mountLookup = MountLookup.ANSWERED;
      contentType = null;
      resetTokens();
    }
  }

  private void resetTokens() {
    tokens.clear();
    TokenEntry root = new TokenEntry(rootToken, List.of(Policy.ROOT), Duration.ZERO, Duration.ZERO, false,
        clock.instant(), "auth/token/root", "root", null);
    tokens.put(rootToken, root);
    initialTokens.forEach((id, spec) -> tokens.put(id, newToken(id, spec, "auth/token/create", "token", null)));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    synchronized (lock) {
      if (server == null) {
        startedPerTest = true;
      }
    }
    start();
    reset();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (startedPerTest) {
      startedPerTest = false;
      shutdown();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    shutdown();
  }

  /**
   * {@return the address to give a client, e.g. {@code http://127.0.0.1:51234}, with no trailing slash. Starts the
   * server}
   */
  public String address() {
    String url = url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  /**
   * The URL of {@code path} (e.g. {@code /v1/sys/health}) on this server. Starts the server.
   *
   * @param path the path, starting with {@code /}
   * @return the URL
   */
  public HttpUrl url(String path) {
    start();
    synchronized (lock) {
      return Objects.requireNonNull(server).url(path);
    }
  }

  // ------------------------------------------------------------------------------------------------ state control

  /** {@return the root token (policy {@code root}, never expires)} */
  public String rootToken() {
    return rootToken;
  }

  /**
   * Seals Vault: everything but {@code sys/health} and {@code sys/seal-status} answers 503 "Vault is sealed". As a
   * Vault without HA, the request is parsed first (a malformed body is still 400 "error parsing JSON"); a
   * {@linkplain #standby(boolean) standby} is an HA node and answers 503 before reading the request.
   */
  public void seal() {
    synchronized (lock) {
      sealed = true;
    }
  }

  /** Unseals Vault. */
  public void unseal() {
    synchronized (lock) {
      sealed = false;
    }
  }

  /** {@return whether Vault is sealed} */
  public boolean isSealed() {
    synchronized (lock) {
      return sealed;
    }
  }

  /**
   * Makes this node a standby ({@code sys/health} answers 429) or the active node again. A standby forwards requests
   * to the active node, so every other endpoint keeps working.
   *
   * @param standby true for a standby, false for the active node
   */
  public void standby(boolean standby) {
    synchronized (lock) {
      this.standby = standby;
    }
  }

  /**
   * Makes this node a standby that knows no active node (none is elected, as while a Raft cluster has lost its
   * quorum): every endpoint but {@code sys/health} and {@code sys/seal-status} answers what Vault's
   * {@code handleRequestForwarding} (http/handler.go) answers then, before reading the request: 500
   * "local node not active but active cluster node not found". (A standby that knows the active node but cannot
   * forward to it redirects with 307 instead; a 503 "node is not active" comes only from a node without HA.)
   */
  public void standbyWithoutActiveNode() {
    synchronized (lock) {
      this.standby = true;
      this.forwarding = false;
    }
  }

  /**
   * Sets how {@code GET sys/internal/ui/mounts/<path>} (the KV version lookup of {@code vault kv get}) is answered:
   * by this Vault ({@link MountLookup#ANSWERED}, the default and the state {@link #reset()} restores), as a Vault
   * without the endpoint ({@link MountLookup#ABSENT}: 404), or refused to every token ({@link MountLookup#DENIED}:
   * 403, as behind a proxy that passes only the application's paths). Every other path is unaffected.
   *
   * @param mode how the lookup is answered
   */
  public void mountLookup(MountLookup mode) {
    Objects.requireNonNull(mode, "mode");
    synchronized (lock) {
      mountLookup = mode;
    }
  }

  /**
   * Answers with this Content-Type instead of exactly {@code application/json} (as a proxy that adds
   * {@code ; charset=utf-8} would), or with Vault's own when {@code null}. vault-java-driver rejects anything else on
   * logins, token lookup and renewal.
   *
   * @param contentType the Content-Type to answer with, or null for Vault's own
   */
  public void responseContentType(@Nullable String contentType) {
    synchronized (lock) {
      this.contentType = contentType;
    }
  }

  /**
   * Marks Vault initialised or not; an uninitialised Vault is also sealed ({@code sys/health} answers 501).
   *
   * @param initialized whether Vault is initialised
   */
  public void initialized(boolean initialized) {
    synchronized (lock) {
      this.initialized = initialized;
    }
  }

  /**
   * Issues a token with {@code spec}, as {@code auth/token/create} would, and returns its id.
   *
   * @param spec the token's shape
   * @return the token's id
   */
  public String createToken(TokenSpec spec) {
    synchronized (lock) {
      String id = "hvs." + Wire.randomId(24);
      tokens.put(id, newToken(id, spec, "auth/token/create", "token", null));
      return id;
    }
  }

  /**
   * Whether {@code token} is known and unexpired.
   *
   * @param token the token's id
   * @return whether it is valid now
   */
  public boolean isTokenValid(String token) {
    synchronized (lock) {
      return liveToken(token) != null;
    }
  }

  /**
   * Revokes every lease that has expired by the clock, through the plugin's revoke path (which deletes the token in
   * Astra). A lease whose revocation fails stays; after {@value #MAX_REVOKE_ATTEMPTS} failures it is marked
   * irrevocable and no longer retried. Returns the number of leases revoked.
   *
   * @return the number of leases revoked
   */
  public int expireDue() {
    List<Lease> due = new ArrayList<>();
    synchronized (lock) {
      Instant now = clock.instant();
      for (Lease l : leases.values()) {
        if (!l.irrevocable && !l.revoking && !l.expireTime.isAfter(now)) {
          l.revoking = true;
          due.add(l);
        }
      }
    }
    int revoked = 0;
    for (Lease l : due) {
      if (revokeLease(l) == null) {
        revoked++;
      } else {
        synchronized (lock) {
          if (l.revokeAttempts >= MAX_REVOKE_ATTEMPTS) {
            l.irrevocable = true;
          }
        }
      }
    }
    return revoked;
  }

  // ------------------------------------------------------------------------------------------------ inspection

  /** {@return every request received since start or {@link #reset()}, oldest first} */
  public List<VaultRequest> requests() {
    synchronized (lock) {
      return List.copyOf(requests);
    }
  }

  /** Empties the request log. */
  public void clearRequests() {
    synchronized (lock) {
      requests.clear();
    }
  }

  /** {@return the current leases, by id} */
  public List<LeaseInfo> leases() {
    synchronized (lock) {
      return leases.values().stream().map(Lease::info).toList();
    }
  }

  /**
   * The lease {@code leaseId}, if it exists.
   *
   * @param leaseId the lease id
   * @return the lease, or empty when it does not exist
   */
  public Optional<LeaseInfo> lease(String leaseId) {
    synchronized (lock) {
      Lease l = leases.get(leaseId);
      return Optional.ofNullable(l == null ? null : l.info());
    }
  }

  /**
   * The latest live data at {@code path} (mount included, e.g. {@code secret/app} or {@code kv/app}); empty when
   * missing, deleted or destroyed.
   *
   * @param path the secret's path, mount included
   * @return the data, or empty
   */
  public Optional<Map<String, Object>> kv(String path) {
    synchronized (lock) {
      Map.Entry<String, KvMount> m = kvMount(path);
      if (m == null) {
        throw new IllegalArgumentException("no KV mount for " + path);
      }
      return m.getValue().latest(path.substring(m.getKey().length()));
    }
  }

  /**
   * Every key stored on KV mount {@code mount} (e.g. {@code secret/}), deleted ones included on v2.
   *
   * @param mount the mount, e.g. {@code secret/}
   * @return the keys
   */
  public List<String> kvKeys(String mount) {
    synchronized (lock) {
      KvMount m = kvMounts.get(mount.endsWith("/") ? mount : mount + "/");
      if (m == null) {
        throw new IllegalArgumentException("no KV mount " + mount);
      }
      return m.keys();
    }
  }

  /**
   * Seeds {@code data} at {@code path} (mount included), as a new version on KV v2.
   *
   * @param path the secret's path, mount included
   * @param data the data to store
   */
  public void putKv(String path, Map<String, ?> data) {
    synchronized (lock) {
      Map.Entry<String, KvMount> m = kvMount(path);
      if (m == null) {
        throw new IllegalArgumentException("no KV mount for " + path);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> copy = (Map<String, Object>) Wire.normalise(new LinkedHashMap<>(data));
      m.getValue().put(path.substring(m.getKey().length()), copy);
    }
  }

  /**
   * The variation this fake answers with (its seed, or strict).
   *
   * @return the variation
   */
  public Variation variation() {
    return variation;
  }

  /**
   * Whether this fake answers as an older Vault (no {@code mount_type}, a bare {@code permission denied} for an
   * invalid token) rather than a 1.17+ one; chosen once from the seed, never when strict.
   *
   * @return whether it answers as an older Vault
   */
  public boolean emulatesOlderVault() {
    return olderGeneration;
  }

  /** Prints this fake's seed when a test fails, so that the run can be reproduced. */
  @Override
  public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
    SeedReporter.report(context, "FakeVault", variation);
  }

  /** Adds a note with this fake's seed to a failing test's exception (it shows in the stack trace). */
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw SeedReporter.annotate(throwable, "FakeVault", variation);
  }

  /**
   * How the Astra plugin behaves: v2.0.0 as released, or with its bugs fixed.
   *
   * @return the plugin's behaviour
   */
  public PluginBehaviour pluginBehaviour() {
    return behaviour;
  }

  /**
   * The Astra mount's path, e.g. {@code astra/}.
   *
   * @return the mount's path
   */
  public String astraMount() {
    return plugin.mount;
  }

  /** {@return the {@code clientId}s of the tokens the Astra plugin has stored, in storage order} */
  public List<String> astraTokenClientIds() {
    synchronized (lock) {
      return plugin.tokenClientIds();
    }
  }

  /** {@return the org ids of the Astra plugin's configs} */
  public List<String> astraConfigOrgIds() {
    synchronized (lock) {
      return plugin.configOrgIds();
    }
  }

  /** {@return the Astra plugin's role storage keys, {@code <org_id>:<role_name>}} */
  public List<String> astraRoleKeys() {
    synchronized (lock) {
      return plugin.roleKeys();
    }
  }

  /**
   * {@return the lines the Astra plugin logged ({@code [INFO] Created token '…' with TTL: …}); they hold no secrets}
   */
  public List<String> astraLog() {
    synchronized (lock) {
      return plugin.log();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "FakeVault[" + (server == null ? "stopped" : server.url("/")) + ", " + (sealed ? "sealed" : "unsealed")
          + ", leases=" + leases.size() + ", " + (olderGeneration ? "older" : "newer") + " Vault, "
          + variation.reproduceHint() + "]";
    }
  }

  // ------------------------------------------------------------------------------------------------ tokens

  private static final class TokenEntry {
    final String id;
    final String accessor = Wire.randomId(24);
    final List<String> policies;
    final Duration creationTtl;
    final Duration explicitMaxTtl;
    final boolean renewable;
    final Instant issueTime;
    @Nullable Instant expireTime;
    @Nullable Instant lastRenewal;
    final String path;
    final String displayName;
    final @Nullable Map<String, String> meta;

    TokenEntry(String id, List<String> policies, Duration ttl, Duration explicitMaxTtl, boolean renewable,
        Instant issueTime, String path, String displayName, @Nullable Map<String, String> meta) {
      this.id = id;
      this.policies = List.copyOf(policies);
      this.creationTtl = ttl;
      this.explicitMaxTtl = explicitMaxTtl;
      this.renewable = renewable;
      this.issueTime = issueTime;
      this.expireTime = ttl.isZero() ? null : issueTime.plus(ttl);
      this.path = path;
      this.displayName = displayName;
      this.meta = meta;
    }

    boolean root() {
      return policies.contains(Policy.ROOT);
    }
  }

  private TokenEntry newToken(String id, TokenSpec spec, String path, String displayName,
      @Nullable Map<String, String> meta) {
    List<String> p = new ArrayList<>();
    if (!spec.policies().contains(Policy.ROOT)) {
      p.add(Policy.DEFAULT);
    }
    spec.policies().stream().filter(x -> !p.contains(x)).forEach(p::add);
    Duration ttl = spec.ttl();
    if (!spec.explicitMaxTtl().isZero() && ttl.compareTo(spec.explicitMaxTtl()) > 0) {
      ttl = spec.explicitMaxTtl();
    }
    if (!p.contains(Policy.ROOT) && ttl.compareTo(maxLeaseTtl) > 0) {
      ttl = maxLeaseTtl;
    }
    return new TokenEntry(id, p, ttl, spec.explicitMaxTtl(), spec.renewable(), clock.instant(), path,
        displayName, meta);
  }

  private @Nullable TokenEntry liveToken(String id) {
    TokenEntry t = tokens.get(id);
    if (t == null) {
      return null;
    }
    if (t.expireTime != null && !t.expireTime.isAfter(clock.instant())) {
      tokens.remove(id);
      return null;
    }
    return t;
  }

  private boolean allowed(TokenEntry token, String path, boolean list, @Nullable Capability needed) {
    if (token.root()) {
      return true;
    }
    if (needed == null) {
      return false;
    }
    // One rule decides all of an operation's capabilities (sudo too), found the list's way for a list.
    Set<Capability> caps = acl(token).capabilities(path, list);
    return !caps.contains(Capability.DENY) && caps.contains(needed);
  }

  /** The token's policies merged into one ACL, as Vault does before deciding anything. */
  private Acl acl(TokenEntry token) {
    List<Policy> held = new ArrayList<>();
    for (String name : token.policies) {
      Policy p = policies.get(name);
      if (p != null) {
        held.add(p);
      }
    }
    return new Acl(held);
  }

  private void require(TokenEntry token, String path, @Nullable Capability... needed) {
    // Only a list operation needs LIST.
    boolean list = Arrays.asList(needed).contains(Capability.LIST);
    for (Capability c : needed) {
      if (!allowed(token, path, list, c)) {
        throw new VaultError(403, List.of(ACL_DENIED));
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ dispatch

  private MockResponse dispatch(RecordedRequest request) {
    // As sent: Go's net/http keeps the method's case and Vault matches "GET", "LIST", ... exactly, so a lower-case
    // method is answered 405 below, not served.
    String method = request.getMethod() == null ? "" : request.getMethod();
    boolean head = method.equals("HEAD");
    try {
      return generation(withContentType(handle(request, method))).toMockResponse(head);
    } catch (VaultError e) {
      return generation(withContentType(e.reply())).toMockResponse(head);
    } catch (RuntimeException e) {
      return Reply.errors(500, List.of(Wire.multierror("internal error: " + e.getClass().getSimpleName())))
          .toMockResponse(head);
    }
  }

  /** An older Vault's envelope has no {@code mount_type} (always the envelope's last key, see Wire.Envelope). */
  private Reply generation(Reply reply) {
    if (!olderGeneration || reply.body == null) {
      return reply;
    }
    String body = MOUNT_TYPE_LAST.matcher(reply.body).replaceFirst("}\n");
    if (body.equals(reply.body)) {
      return reply;
    }
    Reply older = new Reply(reply.status, body);
    older.headers.putAll(reply.headers);
    return older;
  }

  private Reply withContentType(Reply reply) {
    synchronized (lock) {
      if (contentType != null && reply.headers.containsKey("Content-Type")) {
        reply.headers.put("Content-Type", contentType);
      }
    }
    return reply;
  }

  private Reply handle(RecordedRequest request, String method) {
    HttpUrl url = request.getUrl();
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (String name : url.queryParameterNames()) {
      query.put(name, url.queryParameterValues(name).stream().map(v -> v == null ? "" : v).toList());
    }
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    String fullPath = url.encodedPath();
    synchronized (lock) {
      requests.add(new VaultRequest(method, url.encodedPath(), Collections.unmodifiableMap(query),
          request.getHeaders(), body, clock.instant()));
    }
    String clean = cleanPath(fullPath);
    if (!clean.equals(fullPath)) {
      return movedPermanently(method, clean, url.encodedQuery());
    }
    if (!fullPath.startsWith("/v1/")) {
      throw VaultError.empty(404);
    }
    String path = String.join("/", url.pathSegments()).substring(3);
    if (path.equals("sys/health")) {
      return health(method, query);
    }
    if (path.equals("sys/seal-status")) {
      return sealStatus(method);
    }
    if (!Set.of("GET", "POST", "PUT", "DELETE", "LIST", "PATCH", "HEAD").contains(method)) {
      throw VaultError.empty(405);
    }
    synchronized (lock) {
      // A standby is an HA node: http/handler.go handleRequestForwarding answers (core.Leader: sealed first) before
      // the handler reads the request.
      if (standby && (sealed || !initialized)) {
        throw new VaultError(503, List.of("Vault is sealed"));
      }
      if (standby && !forwarding) {
        // handleRequestForwarding: core.Leader() found no active node's address. 500, not 503 (checked in 1.x).
        throw new VaultError(500, List.of(NO_ACTIVE_NODE));
      }
    }
    Call call = parse(method, path, query, body, request.getHeaders().get("Content-Type"));
    synchronized (lock) {
      // Without HA the request is parsed first (http/logical.go), and core.HandleRequest then finds the seal.
      if (sealed || !initialized) {
        throw new VaultError(503, List.of("Vault is sealed"));
      }
    }
    if (expireOnRequest) {
      expireDue();
    }
    if (LOGIN_PATHS.contains(call.path)) {
      return login(call);
    }
    String tokenId = request.getHeaders().get("X-Vault-Token");
    if (tokenId == null || tokenId.isEmpty()) {  // Vault's getTokenFromReq skips an empty X-Vault-Token too
      String auth = request.getHeaders().get("Authorization");
      if (auth != null && auth.startsWith("Bearer ")) {
        tokenId = auth.substring("Bearer ".length());
      }
    }
    TokenEntry token;
    synchronized (lock) {
      if (tokenId == null || tokenId.isEmpty()) {
        throw new VaultError(403, List.of(PERMISSION_DENIED));
      }
      token = liveToken(tokenId);
      if (token == null) {
        // Vault 1.17+ says why (PR #26687); older versions answer as for a missing token.
        throw new VaultError(403, List.of(olderGeneration ? PERMISSION_DENIED : INVALID_TOKEN));
      }
    }
    return route(call, token);
  }

  /**
   * Go's ServeMux {@code cleanPath} (net/http): {@code path.Clean} with a trailing slash kept. Vault serves
   * {@code /v1/} through a ServeMux, which redirects any other spelling before Vault sees the request.
   */
  private static String cleanPath(String path) {
    Deque<String> kept = new ArrayDeque<>();
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        kept.pollLast();
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        kept.addLast(segment);
      }
    }
    String clean = "/" + String.join("/", kept);
    return path.endsWith("/") && !clean.equals("/") ? clean + "/" : clean;
  }

  /**
   * The ServeMux's redirect to the cleaned path (net/http {@code Redirect}, 301): the query kept, an HTML body for a
   * GET, that Content-Type for a GET or HEAD, and Vault's {@code Cache-Control} (set before the mux runs).
   */
  private static Reply movedPermanently(String method, String clean, @Nullable String query) {
    String location = query == null ? clean : clean + "?" + query;
    boolean get = method.equals("GET");
    Reply r = new Reply(301, get ? "<a href=\"" + htmlEscape(location) + "\">Moved Permanently</a>.\n\n" : null);
    r.headers.put("Cache-Control", "no-store");
    if (get || method.equals("HEAD")) {
      r.headers.put("Content-Type", "text/html; charset=utf-8");
    }
    r.headers.put("Location", location);
    return r;
  }

  /** Go's net/http htmlEscape. */
  private static String htmlEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
        .replace("'", "&#39;");
  }

  private Call parse(String method, String path, Map<String, List<String>> query, byte[] body,
      @Nullable String contentType) {
    if (method.equals("PATCH")) {
      // http/logical.go checks the media type before reading the body, and compares it exactly.
      String mediaType = mediaType(contentType);
      if (!mediaType.equals(MERGE_PATCH)) {
        throw new VaultError(415, List.of("PATCH requires Content-Type of " + MERGE_PATCH + ", provided " + mediaType));
      }
    }
    boolean list = method.equals("LIST");
    String listParam = query.containsKey("list") ? query.get("list").get(0) : null;
    // Go's url.Values.Get gives "" for "?list=" and "?list", and Vault parses only a non-empty value: a plain read.
    if (listParam != null && !listParam.isEmpty() && method.equals("GET")) {
      list = switch (listParam) {  // Go's strconv.ParseBool: exactly these spellings
        case "1", "t", "T", "TRUE", "true", "True" -> true;
        case "0", "f", "F", "FALSE", "false", "False" -> false;
        default -> throw VaultError.empty(400);
      };
    }
    Call.Op op = list ? Call.Op.LIST : switch (method) {
      case "GET" -> Call.Op.READ;
      case "DELETE" -> Call.Op.DELETE;
      case "PATCH" -> Call.Op.PATCH;
      case "HEAD" -> Call.Op.HEADER;
      default -> Call.Op.WRITE;
    };
    Map<String, Object> params = new LinkedHashMap<>();
    boolean hasBody = false;
    if (op == Call.Op.WRITE || op == Call.Op.PATCH) {
      String text = new String(body, StandardCharsets.UTF_8);
      if (!text.isBlank()) {
        Object parsed;
        try {
          parsed = Wire.parse(text);
        } catch (IOException e) {
          throw VaultError.badRequest("error parsing JSON");
        }
        if (!(parsed instanceof Map)) {
          throw VaultError.badRequest("error parsing JSON");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) parsed;
        params.putAll(map);
        hasBody = true;
      }
    } else {
      query.forEach((k, v) -> {
        if (!k.equals("list")) {
          params.put(k, v.size() == 1 ? v.get(0) : new ArrayList<Object>(v));
        }
      });
    }
    String p = list && !path.endsWith("/") ? path + "/" : path;
    return new Call(op, p, query, params, hasBody);
  }

  /**
   * Go's mime.ParseMediaType as far as Vault's PATCH check needs it: the media type in lower case, or the error of
   * its checkMediaTypeDisposition (a bare token such as {@code application} passes; the parameters are not checked).
   */
  private static String mediaType(@Nullable String header) {
    String base = header == null ? "" : header;
    int semi = base.indexOf(';');
    String type = (semi < 0 ? base : base.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    String major = leadingToken(type);
    String rest = type.substring(major.length());
    if (major.isEmpty()) {
      throw VaultError.badRequest("mime: no media type");
    }
    if (rest.isEmpty()) {
      return type;
    }
    if (!rest.startsWith("/")) {
      throw VaultError.badRequest("mime: expected slash after first token");
    }
    String minor = leadingToken(rest.substring(1));
    if (minor.isEmpty()) {
      throw VaultError.badRequest("mime: expected token after slash");
    }
    if (rest.length() > 1 + minor.length()) {
      throw VaultError.badRequest("mime: unexpected content after media subtype");
    }
    return type;
  }

  private static String leadingToken(String s) {
    int end = 0;
    while (end < s.length() && s.charAt(end) > 0x20 && s.charAt(end) < 0x7f
        && "()<>@,;:\\\"/[]?=".indexOf(s.charAt(end)) < 0) {
      end++;
    }
    return s.substring(0, end);
  }

  private Reply route(Call call, TokenEntry token) {
    String path = call.path;
    if ((call.op == Call.Op.PATCH || call.op == Call.Op.HEADER) && kvMount(path) == null) {
      // Only KV v2's data/ and metadata/ have a patch handler, and nothing the fake serves has a header handler
      // (the framework answers logical.ErrUnsupportedOperation): the ACL first, then 405.
      synchronized (lock) {
        require(token, path, capability(call, true));
      }
      if (served(path)) {
        throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
      }
      throw new VaultError(404, List.of("no handler for route \"" + path + "\". route entry not found."));
    }
    switch (path) {
      case "auth/token/lookup-self":
        synchronized (lock) {
          require(token, path, call.op == Call.Op.READ ? Capability.READ : Capability.UPDATE);
          return lookupSelf(token);
        }
      case "auth/token/renew-self":
        synchronized (lock) {
          require(token, path, Capability.UPDATE);
          return renewSelf(token, call);
        }
      case "auth/token/revoke-self":
        synchronized (lock) {
          require(token, path, Capability.UPDATE);
          tokens.remove(token.id);
          return Reply.noContent();
        }
      case "sys/mounts":
        synchronized (lock) {
          require(token, path, Capability.READ);
          return mounts();
        }
      default:
        break;
    }
    if (path.startsWith("sys/leases/")) {
      return leases(call, token);
    }
    if (path.startsWith(UI_MOUNTS) && call.op == Call.Op.READ) {
      synchronized (lock) {
        return uiMount(path.substring(UI_MOUNTS.length()), token);
      }
    }
    Map.Entry<String, KvMount> kv;
    synchronized (lock) {
      kv = kvMount(path);
      if (kv != null) {
        String rel = path.substring(kv.getKey().length());
        require(token, path, capability(call, kv.getValue().exists(rel)));
        return kv.getValue().handle(call, rel);
      }
    }
    if (path.startsWith(plugin.mount)) {
      String rel = path.substring(plugin.mount.length());
      synchronized (lock) {
        require(token, path, capability(call, plugin.exists(call, rel)));
      }
      return plugin.handle(call, rel);
    }
    synchronized (lock) {
      require(token, path, capability(call, true));
    }
    throw new VaultError(404, List.of("no handler for route \"" + path + "\". route entry not found."));
  }

  /** Paths under a mount the fake emulates, where a missing handler is 405 rather than "no handler for route". */
  private boolean served(String path) {
    return path.startsWith(plugin.mount) || path.startsWith("sys/") || path.startsWith("auth/token/")
        || path.startsWith("auth/approle/") || path.startsWith("auth/kubernetes/");
  }

  /** The capability an operation needs; null for HEAD's header operation, which no capability grants (acl.go). */
  private static @Nullable Capability capability(Call call, boolean exists) {
    return switch (call.op) {
      case READ -> Capability.READ;
      case LIST -> Capability.LIST;
      case DELETE -> Capability.DELETE;
      case WRITE -> exists ? Capability.UPDATE : Capability.CREATE;
      case PATCH -> Capability.PATCH;
      case HEADER -> null;
    };
  }

  private Map.@Nullable Entry<String, KvMount> kvMount(String path) {
    Map.Entry<String, KvMount> best = null;
    for (Map.Entry<String, KvMount> e : kvMounts.entrySet()) {
      if ((path.startsWith(e.getKey()) || (path + "/").equals(e.getKey()))
          && (best == null || e.getKey().length() > best.getKey().length())) {
        best = e;
      }
    }
    if (best != null && !path.startsWith(best.getKey())) {
      return Map.entry(best.getKey().substring(0, best.getKey().length() - 1), best.getValue());
    }
    return best;
  }

  // ------------------------------------------------------------------------------------------------ sys

  private Reply health(String method, Map<String, List<String>> query) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw VaultError.empty(405);
    }
    boolean isSealed;
    boolean isInit;
    boolean isStandby;
    synchronized (lock) {
      isSealed = sealed || !initialized;
      isInit = initialized;
      isStandby = standby;
    }
    // perfstandbyok speaks for performance standbys only (sys_health.go); this fake has none, so it is ignored.
    boolean standbyOk = bool(query, "standbyok");
    int status;
    if (!isInit) {
      status = code(query, "uninitcode", 501);
    } else if (isSealed) {
      status = code(query, "sealedcode", 503);
    } else if (isStandby && !standbyOk) {
      status = code(query, "standbycode", 429);
    } else {
      status = code(query, "activecode", 200);
    }
    for (String name : List.of("drsecondarycode", "performancestandbycode", "perfstandbycode")) {
      code(query, name, 0);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("initialized", isInit);
    body.put("sealed", isSealed);
    body.put("standby", isStandby);
    body.put("performance_standby", false);
    body.put("replication_performance_mode", "disabled");
    body.put("replication_dr_mode", "disabled");
    body.put("server_time_utc", clock.instant().getEpochSecond());
    body.put("version", version);
    if (!isSealed) {
      body.put("cluster_name", "vault-cluster-fake");
      body.put("cluster_id", clusterId);
    }
    return Reply.json(status, body);
  }

  private static boolean bool(Map<String, List<String>> query, String name) {
    List<String> v = query.get(name);
    return v != null && !v.isEmpty() && (v.get(0).isEmpty() || Boolean.parseBoolean(v.get(0)));
  }

  private static int code(Map<String, List<String>> query, String name, int fallback) {
    List<String> v = query.get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.get(0));
    } catch (NumberFormatException e) {
      throw VaultError.badRequest("bad code for " + name + " parameter");
    }
  }

  private Reply sealStatus(String method) {
    if (!method.equals("GET")) {  // http/sys_seal.go handleSysSealStatus: GET only, HEAD included
      throw VaultError.empty(405);
    }
    boolean isSealed;
    boolean isInit;
    synchronized (lock) {
      isSealed = sealed || !initialized;
      isInit = initialized;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "shamir");
    body.put("initialized", isInit);
    body.put("sealed", isSealed);
    body.put("t", 1);
    body.put("n", 1);
    body.put("progress", 0);
    body.put("nonce", "");
    body.put("version", version);
    body.put("build_date", "2025-01-01T00:00:00Z");
    body.put("migration", false);
    if (!isSealed) {
      body.put("cluster_name", "vault-cluster-fake");
      body.put("cluster_id", clusterId);
    }
    body.put("recovery_seal", false);
    body.put("storage_type", "inmem");
    return Reply.json(200, body);
  }

  private Reply mounts() {
    Map<String, Object> data = new TreeMap<>();
    kvMounts.forEach((path, m) -> data.put(path, mountInfo("kv", Map.of("version", String.valueOf(m.version)))));
    data.put(plugin.mount, mountInfo(AstraPlugin.MOUNT_TYPE, null));
    data.put("sys/", mountInfo("system", null));
    return Wire.envelope().mountType("system").data(data).ok();
  }

  /**
   * {@code GET sys/internal/ui/mounts/<path>}, which the Vault CLI's {@code vault kv} commands ask for a mount's KV
   * version (vault/logical_system.go pathInternalUIMountRead): the mount serving {@code path} (longest prefix) with
   * its {@code path}, {@code type} and {@code options}. The path is unauthenticated, so no policy names it; instead
   * the token must hold some capability on the mount or under it ({@code hasMountAccess}). No such mount, or no
   * access, answers the same 403, so that the endpoint cannot be used to list mounts.
   */
  private Reply uiMount(String rel, TokenEntry token) {
    String sanitized = rel.endsWith("/") ? rel : rel + "/";
    if (mountLookup == MountLookup.ABSENT) {
      // Before 0.10 the path was not among sys's unauthenticated ones: the ACL check comes before the 404.
      require(token, UI_MOUNTS + rel, Capability.READ);
      throw new VaultError(404, List.of(Wire.multierror("unsupported path")));
    }
    Map<String, Object> info = null;
    String found = null;
    Map<String, Map<String, Object>> all = new TreeMap<>();
    kvMounts.forEach((p, m) -> all.put(p, mountInfo("kv", Map.of("version", String.valueOf(m.version)))));
    all.put(plugin.mount, mountInfo(AstraPlugin.MOUNT_TYPE, null));
    all.put("sys/", mountInfo("system", null));
    for (Map.Entry<String, Map<String, Object>> e : all.entrySet()) {
      if (sanitized.startsWith(e.getKey()) && (found == null || e.getKey().length() > found.length())) {
        found = e.getKey();
        info = e.getValue();
      }
    }
    if (found == null || info == null || mountLookup == MountLookup.DENIED || !hasMountAccess(token, found)) {
      throw new VaultError(403, List.of("preflight capability check returned 403, please ensure client's policies "
          + "grant access to path \"" + sanitized + "\""));
    }
    Map<String, Object> data = new TreeMap<>(info);
    data.put("path", found);
    return Wire.envelope().mountType("system").data(data).ok();
  }

  /**
   * Vault's hasMountAccess: a capability other than deny on the mount itself, or on any rule under it (a {@code +}
   * rule counts when its leading segments match the mount's). Vault merges the token's policies into one ACL first,
   * so a pattern one policy grants and another denies counts as denied.
   */
  private boolean hasMountAccess(TokenEntry token, String mount) {
    return token.root() || acl(token).hasMountAccess(mount);
  }

  private static Map<String, Object> mountInfo(String type, @Nullable Map<String, String> options) {
    Map<String, Object> m = new TreeMap<>();
    m.put("type", type);
    m.put("description", "");
    m.put("accessor", type + "_" + Integer.toHexString(type.hashCode()));
    Map<String, Object> config = new TreeMap<>();
    config.put("default_lease_ttl", 0);
    config.put("max_lease_ttl", 0);
    m.put("config", config);
    m.put("options", options);
    m.put("local", false);
    m.put("seal_wrap", false);
    m.put("external_entropy_access", false);
    return m;
  }

  // ------------------------------------------------------------------------------------------------ auth

  private record LoginRole(String name, String credential, String secret, TokenSpec spec,
      Map<String, String> metadata) {
    @Override
    public String toString() {
      return "LoginRole[" + name + ", credentials=██]";
    }
  }

  /**
   * A login path, reached without a token whatever the method: vault/request_handling.go chooses handleLoginRequest
   * by path alone ({@code router.LoginPath}). The path has only an update handler, so any other operation is the
   * framework's {@code ErrUnsupportedOperation}, which a login returns unwrapped: 405 "unsupported operation".
   */
  private Reply login(Call call) {
    if (call.op != Call.Op.WRITE) {
      throw new VaultError(405, List.of("unsupported operation"));
    }
    return call.path.equals("auth/approle/login") ? appRoleLogin(call) : kubernetesLogin(call);
  }

  private Reply appRoleLogin(Call call) {
    String roleId = stringParam(call, "role_id");
    String secretId = stringParam(call, "secret_id");
    if (roleId == null || roleId.isEmpty()) {
      throw VaultError.badRequest("missing role_id");
    }
    if (secretId == null || secretId.isEmpty()) {
      throw VaultError.badRequest("missing secret_id");
    }
    LoginRole role = appRoles.values().stream()
        .filter(r -> r.credential.equals(roleId) && r.secret.equals(secretId)).findFirst()
        .orElseThrow(() -> VaultError.badRequest("invalid role or secret ID"));
    return login(role, "auth/approle/login", "approle");
  }

  private Reply kubernetesLogin(Call call) {
    String roleName = stringParam(call, "role");
    String jwt = stringParam(call, "jwt");
    if (roleName == null || roleName.isEmpty()) {
      throw VaultError.badRequest("missing role");
    }
    if (jwt == null || jwt.isEmpty()) {
      throw VaultError.badRequest("missing jwt");
    }
    LoginRole role = kubernetesRoles.get(roleName);
    if (role == null) {
      throw VaultError.badRequest("invalid role name \"" + roleName + "\"");
    }
    if (!role.secret.equals(jwt)) {
      throw new VaultError(403, List.of(PERMISSION_DENIED));
    }
    return login(role, "auth/kubernetes/login", "kubernetes-" + role.metadata.get("service_account_namespace")
        + "-" + role.metadata.get("service_account_name"));
  }

  private static @Nullable String stringParam(Call call, String name) {
    Object v = call.params.get(name);
    return v == null ? null : String.valueOf(v);
  }

  private Reply login(LoginRole role, String path, String displayName) {
    synchronized (lock) {
      String id = "hvs." + Wire.randomId(24);
      TokenEntry t = newToken(id, role.spec, path, displayName, role.metadata);
      tokens.put(id, t);
      Envelope e = Wire.envelope();  // a login answer names no mount: "mount_type":"" (vault-http-api.md §2.7)
      e.auth = authBlock(t);
      return e.ok();
    }
  }

  private Map<String, Object> authBlock(TokenEntry t) {
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("client_token", t.id);
    auth.put("accessor", t.accessor);
    auth.put("policies", t.policies);
    auth.put("token_policies", t.policies);
    auth.put("metadata", t.meta == null ? null : new TreeMap<>(t.meta));
    auth.put("lease_duration", t.expireTime == null ? 0
        : Math.max(0, Duration.between(clock.instant(), t.expireTime).getSeconds()));
    auth.put("renewable", t.renewable && t.expireTime != null);
    auth.put("entity_id", "");
    auth.put("token_type", "service");
    auth.put("orphan", true);
    auth.put("mfa_requirement", null);
    auth.put("num_uses", 0);
    return auth;
  }

  private Reply lookupSelf(TokenEntry t) {
    Map<String, Object> d = new TreeMap<>();
    Instant now = clock.instant();
    d.put("accessor", t.accessor);
    d.put("creation_time", t.issueTime.getEpochSecond());
    d.put("creation_ttl", t.creationTtl.getSeconds());
    d.put("display_name", t.displayName);
    d.put("entity_id", "");
    d.put("expire_time", t.expireTime == null ? null : Wire.time(t.expireTime));
    d.put("explicit_max_ttl", t.explicitMaxTtl.getSeconds());
    d.put("id", t.id);
    d.put("issue_time", Wire.time(t.issueTime));
    d.put("meta", t.meta == null ? null : new TreeMap<>(t.meta));
    d.put("num_uses", 0);
    d.put("orphan", true);
    d.put("path", t.path);
    d.put("policies", t.policies);
    d.put("renewable", t.renewable && t.expireTime != null);
    d.put("ttl", t.expireTime == null ? 0 : Wire.ttlSeconds(now, t.expireTime));
    d.put("type", "service");
    if (t.lastRenewal != null) {
      d.put("last_renewal", Wire.time(t.lastRenewal));
      d.put("last_renewal_time", t.lastRenewal.getEpochSecond());
    }
    return Wire.envelope().mountType("token").data(d).ok();
  }

  private Reply renewSelf(TokenEntry t, Call call) {
    if (t.expireTime == null) {
      throw VaultError.badRequest("invalid lease ID");
    }
    if (!t.renewable) {
      throw VaultError.badRequest("lease is not renewable");
    }
    Duration increment = increment(call);
    Duration max = t.explicitMaxTtl.isZero() || t.explicitMaxTtl.compareTo(maxLeaseTtl) > 0
        ? maxLeaseTtl : t.explicitMaxTtl;
    Envelope e = Wire.envelope().mountType("token");
    Duration ttl = cappedTtl(increment.isZero() ? t.creationTtl : increment, t.issueTime, max, e);
    Instant now = clock.instant();
    t.expireTime = now.plus(ttl);
    t.lastRenewal = now;
    e.auth = authBlock(t);
    return e.ok();
  }

  private static Duration increment(Call call) {
    if (!call.params.containsKey("increment")) {
      return Duration.ZERO;
    }
    Object v = call.params.get("increment");
    try {
      return Wire.parseDurationSecond(v);
    } catch (IllegalArgumentException e) {
      throw VaultError.badRequest("Field validation failed: error converting input " + v
          + " for field \"increment\": " + e.getMessage());
    }
  }

  /**
   * framework.CalculateTTL's cap, counted from the issue time. It truncates now and the issue time to the second
   * first, so the time left is whole seconds, and only a negative one fails: with none left the renewal is granted 0.
   */
  private Duration cappedTtl(Duration wanted, Instant issueTime, Duration maxTtl, Envelope e) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant limit = issueTime.truncatedTo(ChronoUnit.SECONDS).plus(maxTtl);
    if (now.plus(wanted).isAfter(limit)) {
      Duration left = Duration.between(now, limit);
      if (left.isNegative()) {
        throw VaultError.badRequest("past the max TTL, cannot renew");
      }
      e.warning("TTL of \"" + Wire.goDuration(wanted) + "\" exceeded the effective max_ttl of \""
          + Wire.goDuration(left) + "\"; TTL value is capped accordingly");
      return left;
    }
    return wanted;
  }

  // ------------------------------------------------------------------------------------------------ leases

  private Lease registerLease(String path, Duration ttl, Duration maxTtl, Map<String, String> internal) {
    Duration t = ttl.isZero() ? defaultLeaseTtl : ttl;
    Duration max = maxTtl.isZero() || maxTtl.compareTo(maxLeaseTtl) > 0 ? maxLeaseTtl : maxTtl;
    if (t.compareTo(max) > 0) {
      t = max;
    }
    Lease lease = new Lease(path + "/" + Wire.randomId(24), clock.instant(), t, true, internal);
    leases.put(lease.id, lease);
    return lease;
  }

  private Reply leases(Call call, TokenEntry token) {
    String rest = call.path.substring("sys/leases/".length());
    String op = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
    String suffix = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
    switch (op) {
      case "lookup":
        synchronized (lock) {
          if (call.op == Call.Op.LIST) {
            require(token, call.path, Capability.LIST, Capability.SUDO);
            List<String> keys = Wire.childKeys(leases.keySet(), suffix);
            if (keys.isEmpty()) {
              throw VaultError.empty(404);
            }
            return Wire.envelope().mountType("system").data(Wire.listData(keys, null)).ok();
          }
          if (call.op != Call.Op.WRITE || !suffix.isEmpty()) {
            break;
          }
          require(token, call.path, Capability.UPDATE);
          return lookupLease(call);
        }
      case "renew":
        if (call.op != Call.Op.WRITE) {
          break;
        }
        synchronized (lock) {
          require(token, call.path, Capability.UPDATE);
          return renewLease(call, suffix);
        }
      case "revoke":
        if (call.op != Call.Op.WRITE) {
          break;
        }
        synchronized (lock) {
          require(token, call.path, Capability.UPDATE);
        }
        return revoke(call, suffix);
      case "revoke-prefix":
      case "revoke-force":
        if (call.op != Call.Op.WRITE) {
          break;
        }
        synchronized (lock) {
          require(token, call.path, Capability.UPDATE, Capability.SUDO);
        }
        return revokePrefix(call, suffix, op.equals("revoke-force"));
      default:
        synchronized (lock) {
          require(token, call.path, capability(call, true));
        }
        throw new VaultError(404, List.of(Wire.multierror("unsupported path")));
    }
    throw new VaultError(405, List.of(Wire.multierror("unsupported operation")));
  }

  private static String leaseIdParam(Call call, String suffix) {
    Object body = call.params.get("lease_id");
    String id = body == null || String.valueOf(body).isEmpty() ? suffix : String.valueOf(body);
    if (id.isEmpty()) {
      throw VaultError.badRequest("lease_id must be specified");
    }
    return id;
  }

  private Reply lookupLease(Call call) {
    String id = leaseIdParam(call, "");
    Lease l = leases.get(id);
    if (l == null) {
      throw VaultError.badRequest("invalid lease");
    }
    Map<String, Object> d = new TreeMap<>();
    d.put("id", l.id);
    d.put("issue_time", Wire.time(l.issueTime));
    d.put("expire_time", Wire.time(l.expireTime));
    d.put("last_renewal", l.lastRenewal == null ? null : Wire.time(l.lastRenewal));
    Instant now = clock.instant();
    // leaseEntry.renewable(): false once irrevocable or expired (an expiry whose revoke failed is still listed)
    d.put("renewable", l.renewable && !l.irrevocable && !l.expireTime.isBefore(now));
    d.put("ttl", Wire.ttlSeconds(now, l.expireTime));
    return Wire.envelope().mountType("system").data(d).ok();
  }

  private Reply renewLease(Call call, String suffix) {
    String id = leaseIdParam(call, suffix);
    Lease l = leases.get(id);
    if (l == null) {
      throw VaultError.badRequest("lease not found");
    }
    if (!l.renewable || l.irrevocable) {
      throw VaultError.badRequest("lease is not renewable");
    }
    if (!l.expireTime.isAfter(clock.instant())) {
      throw VaultError.badRequest("lease expired");
    }
    Duration increment = increment(call);
    AstraPlugin.Role role;
    try {
      role = plugin.renew(l);
    } catch (VaultError e) {
      throw VaultError.badRequest("failed to renew entry: resp: (*logical.Response)(nil) err: " + e.errors.get(0));
    }
    Duration ttl = !increment.isZero() ? increment : role.ttl.isZero() ? defaultLeaseTtl : role.ttl;
    Duration max = role.maxTtl.isZero() || role.maxTtl.compareTo(maxLeaseTtl) > 0 ? maxLeaseTtl : role.maxTtl;
    Envelope e = Wire.envelope().mountType("system");
    ttl = cappedTtl(ttl, l.issueTime, max, e);
    Instant now = clock.instant();
    l.expireTime = now.plus(ttl);
    l.lastRenewal = now;
    e.leaseId = l.id;
    e.renewable = true;
    e.leaseDuration = ttl.getSeconds();
    return e.ok();
  }

  private static boolean sync(Call call) {
    Object v = call.params.get("sync");
    if (v == null) {
      v = call.query("sync");
    }
    return v == null || !String.valueOf(v).equalsIgnoreCase("false");
  }

  private Reply revoke(Call call, String suffix) {
    String id = leaseIdParam(call, suffix);
    boolean sync = sync(call);
    Lease l;
    synchronized (lock) {
      l = leases.get(id);
      if (l == null || l.revoking) {
        return sync ? Reply.noContent() : Reply.accepted();
      }
      l.revoking = true;
    }
    String error = revokeLease(l);
    if (error != null && sync) {
      throw VaultError.badRequest(error);
    }
    return sync ? Reply.noContent() : Reply.accepted();
  }

  private Reply revokePrefix(Call call, String prefix, boolean force) {
    boolean sync = sync(call);
    String p = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    List<Lease> matching = new ArrayList<>();
    synchronized (lock) {
      for (Lease l : leases.values()) {
        // A prefix that is a whole lease id revokes that lease (vault/expiration.go revokePrefixCommon).
        if ((l.id.equals(prefix) || l.id.startsWith(p)) && !l.revoking) {
          l.revoking = true;
          matching.add(l);
        }
      }
    }
    String firstError = null;
    for (Lease l : matching) {
      String error = revokeLease(l);
      if (error != null && force) {
        synchronized (lock) {
          leases.remove(l.id);
        }
      } else if (error != null && firstError == null) {
        firstError = error;
      }
    }
    if (firstError != null && sync && !force) {
      throw VaultError.badRequest(firstError);
    }
    return sync || force ? Reply.noContent() : Reply.accepted();
  }

  /** Revokes through the plugin with no lock held. Null on success, else Vault's error text. */
  private @Nullable String revokeLease(Lease l) {
    String error = plugin.revoke(l);
    synchronized (lock) {
      l.revoking = false;
      if (error == null) {
        leases.remove(l.id);
        return null;
      }
      l.revokeAttempts++;
      return "failed to revoke entry: resp: (*logical.Response)(nil) err: " + error;
    }
  }

  // ------------------------------------------------------------------------------------------------ builder

  /** Configures a {@link FakeVault}. Every setting has a default. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private String rootToken = "root";
    private Duration defaultLeaseTtl = Duration.ofHours(768);
    private Duration maxLeaseTtl = Duration.ofHours(768);
    private String version = "1.17.6";
    private boolean expireOnRequest = true;
    private String astraMount = "astra/";
    private PluginBehaviour behaviour = PluginBehaviour.V2_0_0;
    private @Nullable Variation variation;
    private @Nullable OkHttpClient astraHttpClient;
    private javax.net.ssl.@Nullable SSLSocketFactory tls;
    private boolean requireClientCertificate;
    private final Map<String, Integer> kvMounts = new LinkedHashMap<>();
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private final Map<String, TokenSpec> tokens = new LinkedHashMap<>();
    private final Map<String, LoginRole> appRoles = new LinkedHashMap<>();
    private final Map<String, LoginRole> kubernetesRoles = new LinkedHashMap<>();

    private Builder() {}

    /**
     * The clock for TTLs, leases and timestamps; default {@link Clock#systemUTC()}. Inject one to test expiry.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The root token's id; default {@code root}.
     *
     * @param rootToken the root token's id
     * @return this builder
     */
    public Builder rootToken(String rootToken) {
      if (Objects.requireNonNull(rootToken, "rootToken").isEmpty()) {
        throw new IllegalArgumentException("rootToken is empty");
      }
      this.rootToken = rootToken;
      return this;
    }

    /**
     * Mounts a KV engine of {@code version} 1 or 2 at {@code path}. Without any call, {@code secret/} is KV v2 and
     * {@code kv/} is KV v1.
     *
     * @param path the mount's path
     * @param version the KV version, 1 or 2
     * @return this builder
     */
    public Builder kvMount(String path, int version) {
      if (version != 1 && version != 2) {
        throw new IllegalArgumentException("KV version must be 1 or 2: " + version);
      }
      kvMounts.put(mountPath(path), version);
      return this;
    }

    /**
     * Where the Astra plugin is mounted; default {@code astra/}.
     *
     * @param path the mount's path
     * @return this builder
     */
    public Builder astraMount(String path) {
      this.astraMount = mountPath(path);
      return this;
    }

    /**
     * The plugin's behaviour; default {@link PluginBehaviour#V2_0_0}.
     *
     * @param behaviour the plugin's behaviour
     * @return this builder
     */
    public Builder pluginBehaviour(PluginBehaviour behaviour) {
      this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
      return this;
    }

    /**
     * Varies as {@code variation} says; default {@link Variation#fromSystemProperties()} (varied).
     *
     * @param variation the variation
     * @return this builder
     */
    public Builder variation(Variation variation) {
      this.variation = Objects.requireNonNull(variation, "variation");
      return this;
    }

    /**
     * Varies from {@code seed}, whatever the system properties say.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      return variation(Variation.seeded(seed));
    }

    /**
     * Answers uniformly as a current (1.17+) Vault.
     *
     * @return this builder
     */
    public Builder strict() {
      return variation(Variation.strict());
    }

    /**
     * The HTTP client the plugin uses to call Astra; by default one that never retries on its own.
     *
     * @param client the HTTP client
     * @return this builder
     */
    public Builder astraHttpClient(OkHttpClient client) {
      this.astraHttpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Serves HTTPS with this server socket factory (for example from okhttp-tls {@code HandshakeCertificates}); the
     * {@link FakeVault#address()} is then an {@code https} URL. Default: plain HTTP.
     *
     * @param serverSocketFactory the server socket factory
     * @return this builder
     */
    public Builder tls(SSLSocketFactory serverSocketFactory) {
      this.tls = Objects.requireNonNull(serverSocketFactory, "serverSocketFactory");
      return this;
    }

    /**
     * With {@link #tls}: refuse the TLS handshake of a client that presents no trusted certificate (mutual TLS).
     *
     * @return this builder
     */
    public Builder requireClientCertificate() {
      this.requireClientCertificate = true;
      return this;
    }

    /**
     * The system default lease TTL (also KV v1's {@code lease_duration}); default 768h.
     *
     * @param ttl the default lease TTL
     * @return this builder
     */
    public Builder defaultLeaseTtl(Duration ttl) {
      this.defaultLeaseTtl = positive(ttl, "defaultLeaseTtl");
      return this;
    }

    /**
     * The system max lease TTL, capping leases and tokens; default 768h.
     *
     * @param ttl the max lease TTL
     * @return this builder
     */
    public Builder maxLeaseTtl(Duration ttl) {
      this.maxLeaseTtl = positive(ttl, "maxLeaseTtl");
      return this;
    }

    /**
     * The version reported by {@code sys/health} and {@code sys/seal-status}; default {@code 1.17.6}.
     *
     * @param version the version string
     * @return this builder
     */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * Whether each request first revokes the expired leases (default true); else only {@link #expireDue()}.
     *
     * @param expire whether requests revoke expired leases first
     * @return this builder
     */
    public Builder expireLeasesOnRequest(boolean expire) {
      this.expireOnRequest = expire;
      return this;
    }

    /**
     * Adds (or replaces) a policy; {@code default} is predefined, {@code root} is built in.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(Policy policy) {
      Objects.requireNonNull(policy, "policy");
      if (policy.name().equals(Policy.ROOT)) {
        throw new IllegalArgumentException("the root policy is built in");
      }
      policies.put(policy.name(), policy);
      return this;
    }

    /**
     * A token that exists from the start (and after every reset).
     *
     * @param id the token's id
     * @param spec the token's shape
     * @return this builder
     */
    public Builder token(String id, TokenSpec spec) {
      Objects.requireNonNull(id, "id");
      tokens.put(id, Objects.requireNonNull(spec, "spec"));
      return this;
    }

    /**
     * An AppRole role: logging in with this role_id and secret_id issues a token shaped by {@code spec}.
     *
     * @param roleName the role's name
     * @param roleId the role's role_id
     * @param secretId the role's secret_id
     * @param spec the shape of the tokens it issues
     * @return this builder
     */
    public Builder appRole(String roleName, String roleId, String secretId, TokenSpec spec) {
      Objects.requireNonNull(roleName, "roleName");
      appRoles.put(roleName, new LoginRole(roleName, Objects.requireNonNull(roleId, "roleId"),
          Objects.requireNonNull(secretId, "secretId"), Objects.requireNonNull(spec, "spec"),
          Map.of("role_name", roleName)));
      return this;
    }

    /**
     * A Kubernetes auth role: logging in with {@code role} and exactly {@code jwt} issues a token shaped by
     * {@code spec}; any other JWT is refused with 403.
     *
     * @param role the role's name
     * @param jwt the service-account JWT that logs in
     * @param serviceAccount the service account's name
     * @param namespace the service account's namespace
     * @param spec the shape of the tokens it issues
     * @return this builder
     */
    public Builder kubernetesRole(String role, String jwt, String serviceAccount, String namespace, TokenSpec spec) {
      Map<String, String> meta = new TreeMap<>();
      meta.put("role", role);
      meta.put("service_account_name", serviceAccount);
      meta.put("service_account_namespace", namespace);
      meta.put("service_account_secret_name", "");
      meta.put("service_account_uid", UUID.nameUUIDFromBytes((namespace + "/" + serviceAccount)
          .getBytes(StandardCharsets.UTF_8)).toString());
      kubernetesRoles.put(role, new LoginRole(role, role, Objects.requireNonNull(jwt, "jwt"),
          Objects.requireNonNull(spec, "spec"), Map.copyOf(meta)));
      return this;
    }

    /** {@return the fake; not started until first used or {@link FakeVault#start()}} */
    public FakeVault build() {
      Set<String> all = new HashSet<>(kvMounts.keySet());
      if (requireClientCertificate && tls == null) {
        throw new IllegalStateException("requireClientCertificate needs tls(..)");
      }
      if (all.contains(astraMount)) {
        throw new IllegalStateException("the Astra mount clashes with a KV mount: " + astraMount);
      }
      return new FakeVault(this);
    }

    private static String mountPath(String path) {
      Objects.requireNonNull(path, "path");
      String p = path.startsWith("/") ? path.substring(1) : path;
      if (p.isEmpty() || p.equals("/") || p.startsWith("sys/") || p.startsWith("auth/")) {
        throw new IllegalArgumentException("invalid mount path: " + path);
      }
      return p.endsWith("/") ? p : p + "/";
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
