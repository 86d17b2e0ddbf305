package dev.astravault.test;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonWriter;
import com.squareup.moshi.Moshi;
import dev.astravault.test.internal.NoDelayServerSockets;
import dev.astravault.test.internal.StatusLine;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okio.Buffer;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A fake of the Astra DevOps API v2 token, role and organization endpoints, served by OkHttp's MockWebServer on
 * loopback. It behaves like the real service as documented in {@code astra-devops-api-notes.md}, including its
 * quirks: a create answers one object (not the spec's {@code items}), list entries carry {@code description},
 * {@code tokenExpiry} and {@code generatedOn}, error messages keep their unexpanded {@code %s}, and unknown routes
 * answer Go's {@code 404 page not found} as text.
 *
 * <pre>{@code
 * @RegisterExtension static final FakeAstra astra = FakeAstra.create();   // started once, reset before each test
 *
 * HttpUrl base = astra.url("/v2");                  // like https://api.astra.datastax.com/v2
 * String rootToken = astra.defaultOrg().rootToken();
 * astra.fault(Endpoint.CREATE_TOKEN).status(503).times(2);
 * assertThat(astra.liveTokens()).hasSize(1);
 * }</pre>
 *
 * <p><b>As a JUnit 5 extension.</b> Registered on a {@code static} field it starts before all tests, {@link #reset()}s
 * before each test and closes after all. Registered on an instance field it starts before each test and closes after
 * it. Without the extension, call {@link #start()} and {@link #close()} yourself.
 *
 * <p><b>Orgs and auth.</b> A default org exists; {@link #addOrg()} adds more. Each org has a root token and sees only
 * its own tokens and roles. Every endpoint needs {@code Authorization: Bearer <token>}: a missing one gets 401
 * (ID 340002; so does a scheme not spelled exactly {@code Bearer}), one not matching
 * {@code ^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$} gets 400 (ID 340016; 403 with ID 340017 when a valid token has trailing
 * characters), and a well-formed unknown, revoked or expired token gets 401
 * (ID 340018). A live token that this fake issued may call {@code GET /v2/currentOrg}; it may call the other endpoints
 * only if it holds the Organization Administrator or Database Administrator role (otherwise 401, "Role unauthorized
 * for operation", with an ID this fake made up).
 *
 * <p><b>Time.</b> Token expiry ({@code tokenExpiry}, kept to the millisecond) is judged by the {@link Clock} given to
 * {@link #useClock(Clock)} (default: system UTC). An expired token is not listed, cannot be deleted (404), and is
 * rejected as a bearer.
 *
 * <p><b>Variation, on by default.</b> Like the real service, a fake varies what it may: a successful DELETE answers
 * 200 or 204, roles come with keys in either case and the policy as an object or a JSON string, bodies carry fields
 * no client knows, and now and then a GET or DELETE (never a POST) is shed with a 429 or 503 and
 * {@code Retry-After: 0}. Every choice derives from a seed ({@link Variation}): from {@link Builder#seed(long)}, else
 * {@code -Dastra.fakes.seed=N}, else one drawn per JVM; it is printed when a test fails (as an extension) and shown by
 * {@link #toString()}. {@link Builder#strict()} or {@code -Dastra.fakes.strict=true} answers uniformly in the spec's
 * shape. See {@code docs/testing.md}.
 *
 * <p>Thread-safe. No method's {@code toString} or exception message contains a token or secret.
 */
public final class FakeAstra
    implements Closeable, BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, TestWatcher,
    TestExecutionExceptionHandler {

  static final Pattern TOKEN_PATTERN = Pattern.compile("^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}$");
  private static final Pattern TOKEN_PREFIX = Pattern.compile("^AstraCS:[a-zA-Z]{24}:[a-f0-9]{64}");
  private static final DateTimeFormatter NANOS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final String SECRET_CHARS = LETTERS + "0123456789+,.-_";
  private static final List<String> BUILT_IN_ROLES = List.of(
      "Organization Administrator", "Database Administrator", "Admin User", "API Admin User", "Admin Svc Acct",
      "API Admin Svc Acct", "RO User", "API RO User", "RO Svc Acct", "API RO Svc Acct", "R/W User",
      "API R/W User", "R/W Svc Acct", "API R/W Svc Acct", "UI View Only", "Billing Admin");
  private static final Set<String> TOKEN_ADMIN_ROLES = Set.of("Organization Administrator", "Database Administrator");
  /** The notes' "Read only" built-in roles, and UI View Only: they read every database of the org, write none. */
  private static final Set<String> READ_ONLY_ROLES = Set.of("RO User", "API RO User", "RO Svc Acct",
      "API RO Svc Acct", "UI View Only");
  /** Built-in roles without any database permission: no {@code db-*} action, and no data command at all. */
  private static final Set<String> NO_DATABASE_ROLES = Set.of("Billing Admin");
  /** The database actions a read-only built-in role has: connecting, reading and describing. */
  private static final Set<String> READ_ACTIONS = Set.of("db-cql", "db-graphql", "db-rest", "db-table-select",
      "db-table-describe", "db-keyspace-describe", "db-all-keyspace-describe");
  /** The spec's {@code PolicyAction} enum. */
  private static final Set<String> POLICY_ACTIONS = Set.of("db-all-keyspace-create", "db-all-keyspace-describe",
      "db-cql", "db-graphql", "db-keyspace-alter", "db-keyspace-authorize", "db-keyspace-create",
      "db-keyspace-describe", "db-keyspace-drop", "db-keyspace-grant", "db-keyspace-modify", "db-rest",
      "db-table-alter", "db-table-authorize", "db-table-create", "db-table-describe", "db-table-drop",
      "db-table-grant", "db-table-modify", "db-table-select", "org-audits-read", "org-billing-read",
      "org-billing-write", "org-db-addpeering", "org-db-create", "org-db-expand", "org-db-managemigratorproxy",
      "org-db-passwordreset", "org-db-suspend", "org-db-terminate", "org-db-view", "org-external-auth-read",
      "org-external-auth-write", "org-notification-write", "org-read", "org-role-delete", "org-role-read",
      "org-role-write", "org-token-read", "org-token-write", "org-user-read", "org-user-write", "org-write");
  private static final JsonAdapter<Object> JSON = new Moshi.Builder().build().adapter(Object.class);
  /** How often (percent) a varied fake answers a GET or DELETE with a 429 or 503 before doing anything. */
  static final int TRANSIENT_PERCENT = 10;
  private static final int EXTRA_FIELDS = 6;

  private final Object lock = new Object();
  private final SecureRandom random = new SecureRandom();
  private final MockWebServer server = new MockWebServer();
  private volatile Clock clock = Clock.systemUTC();
  private final Variation variation;
  private final boolean transientFailures;
  // Null: chosen per answer by the variation (the spec's choice when strict).
  private volatile @Nullable RoleJsonStyle roleJsonStyle;
  private volatile @Nullable Integer deleteStatus;

  // All mutable state below is guarded by lock.
  private final Map<String, OrgState> orgsById = new LinkedHashMap<>();
  private final Map<String, OrgState> orgsByRootToken = new HashMap<>();
  private final Map<String, TokenState> tokensByClientId = new LinkedHashMap<>();
  private final Map<String, TokenState> tokensByValue = new HashMap<>();
  private final Map<Endpoint, Deque<Fault>> faults = new EnumMap<>(Endpoint.class);
  private final Map<String, Long> choiceCounters = new HashMap<>();
  private final Set<Endpoint> lastWasTransient = EnumSet.noneOf(Endpoint.class);
  private long testSalt;
  private final List<RecordedCall> calls = new ArrayList<>();
  private final FakeOrg defaultOrg;
  private boolean started;
  private boolean closed;
  private boolean startedForOneTest;

  private FakeAstra(Builder builder) {
    this.variation = builder.variation != null ? builder.variation : Variation.fromSystemProperties();
    this.transientFailures = builder.transientFailures;
    this.defaultOrg = addOrg();
    server.setServerSocketFactory(NoDelayServerSockets.factory());
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return FakeAstra.this.dispatch(request);
      }
    });
  }

  /**
   * A fake with one org (see {@link #defaultOrg()}), not started yet, varying its answers as the system properties
   * say ({@link Variation#fromSystemProperties()}): varied by default.
   *
   * @return the fake
   */
  public static FakeAstra create() {
    return builder().build();
  }

  /**
   * Configures a fake's variation.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link FakeAstra}; every setting has a default. */
  public static final class Builder {
    private @Nullable Variation variation;
    private boolean transientFailures = true;

    private Builder() {}

    /**
     * Varies answers from {@code seed}, whatever the system properties say.
     *
     * @param seed the seed
     * @return this builder
     */
    public Builder seed(long seed) {
      this.variation = Variation.seeded(seed);
      return this;
    }

    /**
     * Answers uniformly, in the spec's shape, and never injects a 429 or 503 on its own.
     *
     * @return this builder
     */
    public Builder strict() {
      this.variation = Variation.strict();
      return this;
    }

    /**
     * This variation (e.g. {@link Variation#strict()}); default {@link Variation#fromSystemProperties()}.
     *
     * @param variation the variation
     * @return this builder
     */
    public Builder variation(Variation variation) {
      this.variation = Objects.requireNonNull(variation, "variation");
      return this;
    }

    /**
     * Whether a varied fake now and then answers a GET or DELETE with a 429 or 503 (default true); the shapes still
     * vary when false. Turn it off only for a client that has no retry at all, and say why.
     *
     * @param enabled whether transient failures are injected
     * @return this builder
     */
    public Builder transientFailures(boolean enabled) {
      this.transientFailures = enabled;
      return this;
    }

    /**
     * The fake, not started yet.
     *
     * @return the fake
     */
    public FakeAstra build() {
      return new FakeAstra(this);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts serving on a free loopback port; idempotent.
   *
   * @return this fake
   */
  public FakeAstra start() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("FakeAstra is closed");
      }
      if (!started) {
        try {
          server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start FakeAstra", e);
        }
        started = true;
      }
    }
    return this;
  }

  /** {@return the server's root URL, e.g. {@code http://127.0.0.1:40123/}} */
  public HttpUrl url() {
    return url("/");
  }

  /**
   * {@code path} on this server; {@code url("/v2")} stands for {@code https://api.astra.datastax.com/v2}.
   *
   * @param path the path, starting with {@code /}
   * @return the URL
   */
  public HttpUrl url(String path) {
    requireStarted();
    return server.url(path);
  }

  /** Stops the server; the fake cannot be started again. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      started = false;
    }
    server.close();
  }

  /**
   * Forgets every token, recorded request and pending fault, and restarts the variation's sequence (so that each
   * test sees the same choices for a given seed). Configuration stays: orgs and their root tokens, the clock, the
   * role JSON style and the delete status; the roles are put back as configured (the built-in ones and those of
   * {@code addRole}, with their ids), undoing every role created, updated or deleted through the API.
   */
  public void reset() {
    synchronized (lock) {
      tokensByClientId.clear();
      tokensByValue.clear();
      faults.clear();
      calls.clear();
      choiceCounters.clear();
      lastWasTransient.clear();
      // Roles are put back as configured (built-in ones and those of addRole): the API's creates, updates and
      // deletes are state, like tokens.
      orgsById.values().forEach(OrgState::restoreConfiguredRoles);
    }
  }

  /**
   * Forgets every recorded request and pending fault and restarts the variation's sequence, but keeps the tokens: for
   * a fake shared by a running application (a Spring test context) whose live tokens belong to that application, so
   * that each test starts with an empty request log and no leftover faults. {@link #reset()} forgets the tokens too.
   */
  public void clearRequestsAndFaults() {
    synchronized (lock) {
      faults.clear();
      calls.clear();
      choiceCounters.clear();
      lastWasTransient.clear();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    synchronized (lock) {
      if (!started) {
        // Instance-field registration: this test owns the fake.
        start();
        startedForOneTest = true;
      }
    }
    reset();
    synchronized (lock) {
      // Each test gets its own choices, the same on every run with this seed.
      testSalt = context.getUniqueId().hashCode();
    }
  }

  /** Prints this fake's seed when a test fails, so that the run can be reproduced. */
  @Override
  public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
    SeedReporter.report(context, "FakeAstra", variation);
  }

  /** Adds a note with this fake's seed to a failing test's exception (it shows in the stack trace). */
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw SeedReporter.annotate(throwable, "FakeAstra", variation);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (startedForOneTest) {
      close();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  // ---------------------------------------------------------------- configuration

  /** {@return the org that exists from the start} */
  public FakeOrg defaultOrg() {
    return defaultOrg;
  }

  /**
   * Adds an org with a new UUID, a new root token, and the built-in roles (with their own random ids).
   *
   * @return the new org
   */
  public FakeOrg addOrg() {
    synchronized (lock) {
      String rootToken = tokenFor(newClientId(), newSecret());
      OrgState org = new OrgState(new FakeOrg(UUID.randomUUID().toString(), rootToken));
      for (String name : BUILT_IN_ROLES) {
        org.addRole(name, "default");
      }
      orgsById.put(org.org.orgId(), org);
      orgsByRootToken.put(rootToken, org);
      return org.org;
    }
  }

  /** {@return every org, the default one first} */
  public List<FakeOrg> orgs() {
    synchronized (lock) {
      return orgsById.values().stream().map(o -> o.org).toList();
    }
  }

  /**
   * Adds a custom role named {@code name} to {@code org} and returns its new id.
   *
   * @param org the org
   * @param name the role's name
   * @return the role's id
   */
  public String addRole(FakeOrg org, String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("role name is blank");
    }
    synchronized (lock) {
      return orgState(org).addRole(name, "custom").id();
    }
  }

  /**
   * The id of the role named exactly {@code name} in {@code org}.
   *
   * @param org the org
   * @param name the role's name
   * @return the role's id
   */
  public String roleId(FakeOrg org, String name) {
    synchronized (lock) {
      return orgState(org).roles.values().stream().filter(r -> r.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no role named '" + name + "' in org " + org.orgId()))
          .id();
    }
  }

  /**
   * The id of the role named exactly {@code name} in the default org.
   *
   * @param name the role's name
   * @return the role's id
   */
  public String roleId(String name) {
    return roleId(defaultOrg, name);
  }

  /**
   * The ids of the roles of org {@code orgId} that {@code name} names: a role id, an Astra role name, or the local name
   * that role sync derives from one ({@code "R/W User"} is {@code r_w_user}). Empty for an unknown org. For
   * {@link AstraAssertions}.
   */
  Set<String> roleIdsNamed(String orgId, String name) {
    synchronized (lock) {
      OrgState org = orgsById.get(orgId);
      if (org == null) {
        return Set.of();
      }
      Set<String> ids = new HashSet<>();
      for (RoleDef role : org.roles.values()) {
        if (role.id().equals(name) || role.name().equals(name) || syncedName(role.name()).equals(name)) {
          ids.add(role.id());
        }
      }
      return ids;
    }
  }

  /** The local name role sync gives an Astra role: runs of non-alphanumerics become one '_', lower case. */
  private static String syncedName(String astraName) {
    String replaced = astraName.strip().replaceAll("[^\\p{Alnum}]+", "_").toLowerCase(Locale.ROOT);
    return replaced.startsWith("_") && replaced.length() > 1 ? replaced.substring(1) : replaced;
  }

  /**
   * The names of {@code org}'s roles, built-in and custom, in creation order.
   *
   * @param org the org
   * @return the role names
   */
  public List<String> roleNames(FakeOrg org) {
    synchronized (lock) {
      return orgState(org).roles.values().stream().map(RoleDef::name).toList();
    }
  }

  /**
   * The policy description of {@code org}'s role named {@code name}, when it was created through the API.
   *
   * @param org the org
   * @param name the role's name
   * @return the description, or empty for a built-in or unknown role
   */
  public Optional<String> rolePolicyDescription(FakeOrg org, String name) {
    synchronized (lock) {
      return orgState(org).roles.values().stream().filter(r -> r.name().equals(name) && r.policy() != null)
          .findFirst().map(r -> r.policy().description());
    }
  }

  /**
   * Adds a custom role with an explicit policy, as if someone had created it in the console (for tests of name
   * clashes).
   *
   * @param org the org
   * @param name the role's name
   * @param description the policy's description
   * @param resources the policy's DRNs
   * @param actions the policy's {@code PolicyAction} values
   * @return the role's id
   */
  public String addRole(FakeOrg org, String name, String description, List<String> resources,
      List<String> actions) {
    synchronized (lock) {
      OrgState state = orgState(org);
      RoleDef role = new RoleDef(UUID.randomUUID().toString(), name, "custom", org.orgId(),
          new Policy(description, List.copyOf(resources), List.copyOf(actions)), clock.instant(), orgUserId(state));
      state.configure(role);
      return role.id();
    }
  }

  /**
   * Starts an enforcement check for {@code token}: what Astra would answer if the token were used on a database,
   * keyspace and table, e.g. {@code fake.check(token).database(db).keyspace("orders").status()}. The org's root token
   * and a built-in role reach everything in the org (those roles are org-wide), the read-only ones for reading only;
   * a custom role reaches only the DRNs and actions of its policy.
   *
   * @param token the full {@code AstraCS:...} token
   * @return the check, to narrow down
   */
  public AccessCheck check(String token) {
    return new AccessCheck(Objects.requireNonNull(token, "token"));
  }

  /** An enforcement question about one token; see {@link FakeAstra#check(String)}. Immutable-style, chainable. */
  public final class AccessCheck {
    private final String token;
    private @Nullable String database;
    private @Nullable String keyspace;
    private String table = "*";
    private String action = "db-cql";

    private AccessCheck(String token) {
      this.token = token;
    }

    /**
     * The database the token is used on.
     *
     * @param databaseId the database id
     * @return this check
     */
    public AccessCheck database(String databaseId) {
      this.database = databaseId;
      return this;
    }

    /**
     * The keyspace the token is used on.
     *
     * @param keyspace the keyspace name
     * @return this check
     */
    public AccessCheck keyspace(String keyspace) {
      this.keyspace = keyspace;
      return this;
    }

    /**
     * The table (default: any table, checked against a {@code table:*} resource or the named table).
     *
     * @param table the table name
     * @return this check
     */
    public AccessCheck table(String table) {
      this.table = table;
      return this;
    }

    /**
     * The action (default {@code db-cql}, connecting over CQL).
     *
     * @param action a {@code PolicyAction} value
     * @return this check
     */
    public AccessCheck action(String action) {
      this.action = action;
      return this;
    }

    /**
     * {@return 200 when allowed (the org's root token always), 401 for an unknown, revoked or expired token, 403
     * outside its roles' policies}
     */
    public int status() {
      synchronized (lock) {
        if (orgsByRootToken.containsKey(token)) {
          return 200;   // the org's administrator token, which isLive accepts too
        }
        TokenState state = tokensByValue.get(token);
        if (state == null || !state.isLive(clock.instant())) {
          return 401;
        }
        OrgState org = orgsById.get(state.info.orgId());
        for (String roleId : state.info.roles()) {
          RoleDef role = org.roles.get(roleId);
          if (role != null && allows(role, org.org.orgId())) {
            return 200;
          }
        }
        return 403;
      }
    }

    /** {@return whether {@link #status()} is 200} */
    public boolean allowed() {
      return status() == 200;
    }

    private boolean allows(RoleDef role, String orgId) {
      Policy policy = role.policy();
      if (policy == null) {
        return builtInAllows(role, action);
      }
      if (!policy.actions().contains(action)) {
        return false;
      }
      String db = "drn:astra:org:" + orgId + ":db:" + database;
      String ks = db + ":keyspace:" + keyspace;
      return database != null && keyspace != null && policy.resources().contains(db)
          && policy.resources().contains(ks)
          && (policy.resources().contains(ks + ":table:*") || policy.resources().contains(ks + ":table:" + table));
    }
  }

  /**
   * Whether a built-in role (org-wide) allows {@code action}; null (an action not known) is allowed, except for a role
   * without database permissions, for which null is a data command it may not run.
   */
  private static boolean builtInAllows(RoleDef role, @Nullable String action) {
    if (NO_DATABASE_ROLES.contains(role.name())) {
      return action != null && !action.startsWith("db-");
    }
    return action == null || !READ_ONLY_ROLES.contains(role.name()) || READ_ACTIONS.contains(action);
  }

  /** What a database's Data API makes of a token; see {@link #dataApiAccess}. */
  enum DataApiAccess { ALLOWED, UNAUTHENTICATED, NO_KEYSPACE, UNAUTHORIZED }

  /**
   * For {@link FakeDataApi}: what database {@code databaseId} of {@code org} makes of {@code token} used on
   * {@code keyspace}. Unknown, revoked, expired tokens and those of another org are {@code UNAUTHENTICATED}; the
   * org's root token and a token holding a built-in role reach everything, a read-only built-in role for reading
   * only (a write is {@code UNAUTHORIZED}, as the database refuses it), and Billing Admin, which has no database
   * permission, for nothing ({@code UNAUTHORIZED} too). Otherwise a custom role must name the
   * database and the keyspace (else {@code NO_KEYSPACE}) and, when given, the table ({@code table:*} or its name)
   * and the action (else {@code UNAUTHORIZED}), as {@link AccessCheck} judges them.
   */
  DataApiAccess dataApiAccess(String token, FakeOrg org, String databaseId, String keyspace, @Nullable String table,
      @Nullable String action) {
    synchronized (lock) {
      OrgState owner = orgsByRootToken.get(token);
      if (owner != null) {
        return owner.org.equals(org) ? DataApiAccess.ALLOWED : DataApiAccess.UNAUTHENTICATED;
      }
      TokenState state = tokensByValue.get(token);
      if (state == null || !state.isLive(clock.instant()) || !state.info.orgId().equals(org.orgId())) {
        return DataApiAccess.UNAUTHENTICATED;
      }
      String ks = "drn:astra:org:" + org.orgId() + ":db:" + databaseId + ":keyspace:" + keyspace;
      boolean reachesKeyspace = false;
      for (String roleId : state.info.roles()) {
        RoleDef role = orgState(org).roles.get(roleId);
        Policy policy = role == null ? null : role.policy();
        if (role != null && policy == null) {
          if (builtInAllows(role, action)) {
            return DataApiAccess.ALLOWED;   // a built-in role: org-wide
          }
          // A read-only one reaches the keyspace but may not write there; Billing Admin may do nothing there.
          reachesKeyspace = true;
          continue;
        }
        if (policy == null || !policy.resources().contains("drn:astra:org:" + org.orgId() + ":db:" + databaseId)
            || !policy.resources().contains(ks)) {
          continue;
        }
        reachesKeyspace = true;
        boolean tableOk = table == null || policy.resources().contains(ks + ":table:*")
            || policy.resources().contains(ks + ":table:" + table);
        if (tableOk && (action == null || policy.actions().contains(action))) {
          return DataApiAccess.ALLOWED;
        }
      }
      return reachesKeyspace ? DataApiAccess.UNAUTHORIZED : DataApiAccess.NO_KEYSPACE;
    }
  }

  /**
   * Judges token expiry and stamps {@code generatedOn} with {@code clock} from now on.
   *
   * @param clock the clock
   * @return this fake
   */
  public FakeAstra useClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** {@return the clock in use} */
  public Clock clock() {
    return clock;
  }

  /**
   * Spells roles this way from now on. By default a varied fake chooses per answer: keys in either case, and the
   * policy as an object or as a JSON string; a strict fake uses {@link RoleJsonStyle#LOWER_CASE} (the spec's).
   *
   * @param style how roles are spelled
   * @return this fake
   */
  public FakeAstra roleJsonStyle(RoleJsonStyle style) {
    this.roleJsonStyle = Objects.requireNonNull(style, "style");
    return this;
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
   * Answers every successful delete with 200 (the spec) or 204 (what the Vault plugin v2.0.0 requires). By default a
   * varied fake chooses per answer, as the real service does; a strict fake answers 200.
   *
   * @param status 200 or 204
   * @return this fake
   */
  public FakeAstra deleteStatus(int status) {
    if (status != 200 && status != 204) {
      throw new IllegalArgumentException("delete status must be 200 or 204: " + status);
    }
    this.deleteStatus = status;
    return this;
  }

  /**
   * Scripts a new fault for {@code endpoint}, after those already pending; configure it with its setters.
   *
   * @param endpoint the endpoint the fault applies to
   * @return the new fault
   */
  public Fault fault(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    synchronized (lock) {
      Fault fault = new Fault(lock, endpoint);
      faults.computeIfAbsent(endpoint, e -> new ArrayDeque<>()).add(fault);
      return fault;
    }
  }

  /**
   * How many scripted faults for {@code endpoint} have not been used up yet.
   *
   * @param endpoint the endpoint
   * @return the number of pending faults
   */
  public int pendingFaults(Endpoint endpoint) {
    synchronized (lock) {
      Deque<Fault> queue = faults.get(endpoint);
      return queue == null ? 0 : queue.size();
    }
  }

  // ---------------------------------------------------------------- inspection

  /**
   * Tokens issued over HTTP that are neither revoked nor expired, in creation order, across all orgs.
   *
   * @return the live tokens
   */
  public List<IssuedToken> liveTokens() {
    Instant now = clock.instant();
    synchronized (lock) {
      return tokensByClientId.values().stream().filter(t -> t.isLive(now)).map(t -> t.info).toList();
    }
  }

  /**
   * The token this fake issued with {@code clientId} (live or not).
   *
   * @param clientId the token's client id
   * @return the token, or empty when this fake never issued it
   */
  public Optional<IssuedToken> token(String clientId) {
    synchronized (lock) {
      TokenState state = tokensByClientId.get(clientId);
      return state == null ? Optional.empty() : Optional.of(state.info);
    }
  }

  /**
   * Whether {@code token} would be accepted as a bearer now: a root token, or an issued token still live.
   *
   * @param token the bearer token
   * @return whether it would be accepted
   */
  public boolean isLive(String token) {
    Instant now = clock.instant();
    synchronized (lock) {
      if (orgsByRootToken.containsKey(token)) {
        return true;
      }
      TokenState state = tokensByValue.get(token);
      return state != null && state.isLive(now);
    }
  }

  /**
   * Whether the token with {@code clientId} was revoked through {@code DELETE} (case-sensitive).
   *
   * @param clientId the token's client id
   * @return whether it was revoked
   */
  public boolean wasRevoked(String clientId) {
    synchronized (lock) {
      TokenState state = tokensByClientId.get(clientId);
      return state != null && state.revokedAt != null;
    }
  }

  /**
   * Tokens revoked through {@code DELETE}, in creation order.
   *
   * @return the revoked tokens
   */
  public List<IssuedToken> revokedTokens() {
    synchronized (lock) {
      return tokensByClientId.values().stream().filter(t -> t.revokedAt != null).map(t -> t.info).toList();
    }
  }

  /**
   * Tokens whose expiry has passed by the clock and that were not revoked before, in creation order.
   *
   * @return the expired tokens
   */
  public List<IssuedToken> expiredTokens() {
    Instant now = clock.instant();
    synchronized (lock) {
      return tokensByClientId.values().stream()
          .filter(t -> t.info.isExpiredAt(now) && (t.revokedAt == null || t.revokedAt.isAfter(t.info.tokenExpiry())))
          .map(t -> t.info).toList();
    }
  }

  /** {@return every request received since the start or the last {@link #reset()}, oldest first} */
  public List<RecordedCall> requests() {
    synchronized (lock) {
      return List.copyOf(calls);
    }
  }

  /**
   * How many requests had {@code method} (case-insensitive) and a path starting with {@code pathPrefix}.
   *
   * @param method the HTTP method
   * @param pathPrefix the start of the path
   * @return the number of matching requests
   */
  public int requestCount(String method, String pathPrefix) {
    synchronized (lock) {
      return (int) calls.stream()
          .filter(c -> c.method().equalsIgnoreCase(method) && c.path().startsWith(pathPrefix)).count();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "FakeAstra[" + (started ? server.url("/") : closed ? "closed" : "not started") + ", orgs="
          + orgsById.size() + ", tokens=" + tokensByClientId.size() + ", " + variation.reproduceHint() + "]";
    }
  }

  // ---------------------------------------------------------------- HTTP

  private MockResponse dispatch(RecordedRequest request) {
    Instant receivedAt = clock.instant();
    HttpUrl url = request.getUrl();
    String method = request.getMethod();
    ByteString rawBody = request.getBody();
    String body = rawBody == null ? "" : rawBody.string(StandardCharsets.UTF_8);
    List<String> segments = url.pathSegments();

    Route route = route(method, segments);
    Reply reply;
    Fault.@Nullable Snapshot fault = null;
    if (route.endpoint == null) {
      reply = route.notFoundOrNotAllowed;
    } else {
      fault = takeFault(route.endpoint);
      Reply injected = fault == null ? maybeTransient(route.endpoint) : null;
      if (injected != null) {
        reply = injected;
      } else if (fault == null || fault.kind() == Fault.Kind.SUCCEED_THEN_DROP || isDelayOnly(fault)) {
        reply = handle(route, request.getHeaders(), body, receivedAt);
      } else if (fault.kind() == Fault.Kind.DROP) {
        reply = null;
      } else {
        reply = faultReply(fault, method, url.encodedPath(), request.getHeaders().get("Authorization"), body);
      }
      if (fault != null && fault.kind() == Fault.Kind.SUCCEED_THEN_DROP) {
        reply = null;
      }
    }

    RecordedCall.Response recordedResponse = null;
    MockResponse.Builder response = new MockResponse.Builder();
    if (reply == null) {
      response.onResponseStart(new SocketEffect.CloseSocket());
    } else {
      Headers.Builder headers = new Headers.Builder();
      if (reply.contentType != null) {
        headers.add("Content-Type", reply.contentType);
      }
      reply.extraHeaders.forEach(headers::add);
      if (fault != null && fault.retryAfter() != null) {
        headers.add("Retry-After", fault.retryAfter());
      }
      Headers built = headers.build();
      // Go's standard reason phrase, not MockWebServer's "Client Error": clients (the Vault plugin) quote it.
      response.status(StatusLine.of(reply.status)).headers(built).body(reply.body);
      if (fault != null && !fault.delay().isZero()) {
        response.headersDelay(fault.delay().toNanos(), TimeUnit.NANOSECONDS);
      }
      recordedResponse = new RecordedCall.Response(reply.status, built.toMultimap(), reply.body);
    }
    RecordedCall call = new RecordedCall(receivedAt, method, url.encodedPath(), url.encodedQuery(),
        request.getHeaders().toMultimap(), body, route.endpoint, recordedResponse);
    synchronized (lock) {
      calls.add(call);
    }
    return response.build();
  }

  private static boolean isDelayOnly(Fault.Snapshot fault) {
    return fault.kind() == Fault.Kind.RESPOND && fault.status() == null && fault.retryAfter() == null
        && !fault.delay().isZero();
  }

  /**
   * Now and then, on the verbs that are safe to retry (GET and DELETE, never the POST that creates), a 429 or a 503
   * such as the real service sends under load, with {@code Retry-After: 0} so that well-behaved clients retry at once
   * (tests never sleep). Never twice in a row on one endpoint, so a client that retries at all gets through.
   */
  private @Nullable Reply maybeTransient(Endpoint endpoint) {
    if (!transientFailures || variation.isStrict() || endpoint == Endpoint.CREATE_TOKEN
        || endpoint == Endpoint.CREATE_ROLE) {
      return null;
    }
    synchronized (lock) {
      long n = nextChoice("transient");
      if (lastWasTransient.remove(endpoint) || !variation.chance("transient", n, TRANSIENT_PERCENT)) {
        return null;
      }
      lastWasTransient.add(endpoint);
      Reply reply = variation.pick("transient-kind", n, 2) == 0
          ? Reply.error(429, 429, "rate limit exceeded")
          : Reply.error(503, 503, "service unavailable");
      return reply.withHeader("Retry-After", "0");
    }
  }

  /** The next sequence number for choices of {@code dimension}, salted with the current test's id. Under lock. */
  private long nextChoice(String dimension) {
    long count = choiceCounters.merge(dimension, 1L, Long::sum);
    return testSalt * 1_000_003L + count;
  }

  private Fault.@Nullable Snapshot takeFault(Endpoint endpoint) {
    synchronized (lock) {
      Deque<Fault> queue = faults.get(endpoint);
      Fault head = queue == null ? null : queue.peek();
      if (head == null) {
        return null;
      }
      Fault.Snapshot snapshot = head.takeOne();
      if (head.usedUp()) {
        queue.poll();
      }
      return snapshot;
    }
  }

  private static Reply faultReply(Fault.Snapshot fault, String method, String path, @Nullable String authorization,
      String body) {
    if (fault.kind() == Fault.Kind.ECHO) {
      int status = fault.status() == null ? 400 : fault.status();
      return Reply.error(status, status, "cannot process " + method + " " + path + " (Authorization: "
          + authorization + ") with body " + body);
    }
    if (fault.kind() == Fault.Kind.MALFORMED) {
      int status = fault.status() == null ? 200 : fault.status();
      return new Reply(status, "application/json", "{\"clientId\":\"trunc");
    }
    int status = fault.status() == null ? 503 : fault.status();
    String message = switch (status) {
      case 429 -> "rate limit exceeded";
      case 500 -> "internal server error";
      case 502 -> "bad gateway";
      case 503 -> "service unavailable";
      case 504 -> "gateway timeout";
      default -> "fault scripted in FakeAstra";
    };
    return Reply.error(status, status, message);
  }

  private record Route(@Nullable Endpoint endpoint, @Nullable String pathParam, Reply notFoundOrNotAllowed) {}

  private static Route route(String method, List<String> s) {
    Endpoint endpoint = null;
    String param = null;
    boolean pathKnown = true;
    String allowed = "";
    if (s.size() == 2 && s.get(0).equals("v2") && s.get(1).equals("clientIdSecrets")) {
      allowed = "GET, POST";
      endpoint = method.equals("GET") ? Endpoint.LIST_TOKENS : method.equals("POST") ? Endpoint.CREATE_TOKEN : null;
    } else if (s.size() == 2 && s.get(0).equals("v2") && s.get(1).equals("tokens")) {
      allowed = "POST";
      endpoint = method.equals("POST") ? Endpoint.CREATE_TOKEN : null;
    } else if (s.size() == 3 && s.get(0).equals("v2") && s.get(1).equals("clientIdSecrets") && !s.get(2).isEmpty()) {
      allowed = "DELETE";
      endpoint = method.equals("DELETE") ? Endpoint.DELETE_TOKEN : null;
      param = s.get(2);
    } else if (s.size() == 3 && s.get(0).equals("v2") && s.get(1).equals("organizations")
        && s.get(2).equals("roles")) {
      allowed = "GET, POST";
      endpoint = method.equals("GET") ? Endpoint.LIST_ROLES : method.equals("POST") ? Endpoint.CREATE_ROLE : null;
    } else if (s.size() == 4 && s.get(0).equals("v2") && s.get(1).equals("organizations")
        && s.get(2).equals("roles") && !s.get(3).isEmpty()) {
      allowed = "GET, PUT, DELETE";
      endpoint = switch (method) {
        case "GET" -> Endpoint.GET_ROLE;
        case "PUT" -> Endpoint.UPDATE_ROLE;
        case "DELETE" -> Endpoint.DELETE_ROLE;
        default -> null;
      };
      param = s.get(3);
    } else if (s.size() == 2 && s.get(0).equals("v2") && s.get(1).equals("currentOrg")) {
      allowed = "GET";
      endpoint = method.equals("GET") ? Endpoint.CURRENT_ORG : null;
    } else {
      pathKnown = false;
    }
    Reply fallback = pathKnown
        ? new Reply(405, "text/plain; charset=utf-8", "405 method not allowed (allowed: " + allowed + ")\n")
            .withHeader("Allow", allowed)
        : new Reply(404, "text/plain; charset=utf-8", "404 page not found\n");
    return new Route(endpoint, param, fallback);
  }

  private Reply handle(Route route, Headers headers, String body, Instant now) {
    Endpoint endpoint = Objects.requireNonNull(route.endpoint);
    synchronized (lock) {
      Object principal = authenticate(headers.get("Authorization"), now);
      if (principal instanceof Reply refusal) {
        return refusal;
      }
      OrgState org;
      if (principal instanceof TokenState appToken) {
        org = orgsById.get(appToken.info.orgId());
        if (endpoint != Endpoint.CURRENT_ORG && !isTokenAdmin(org, appToken)) {
          return Reply.error(401, 340019, "Role unauthorized for operation");
        }
      } else {
        org = (OrgState) principal;
      }
      return switch (endpoint) {
        case CREATE_TOKEN -> create(org, body, now);
        case LIST_TOKENS -> list(org, now);
        case DELETE_TOKEN -> delete(org, Objects.requireNonNull(route.pathParam), now);
        case LIST_ROLES -> new Reply(200, "application/json", rolesJson(org.roles.values()));
        case GET_ROLE -> getRole(org, Objects.requireNonNull(route.pathParam));
        case CREATE_ROLE -> createRole(org, body, now, userId(principal, org));
        case UPDATE_ROLE -> updateRole(org, Objects.requireNonNull(route.pathParam), body, now, userId(principal, org));
        case DELETE_ROLE -> deleteRole(org, Objects.requireNonNull(route.pathParam));
        case CURRENT_ORG -> new Reply(200, "application/json", json(w -> {
          w.beginObject().name("id").value(org.org.orgId());
          writeExtras(w);
          w.endObject();
        }));
      };
    }
  }

  /** Who a role write names as {@code last_update_userid}: an issued token's client id, or the org's own user. */
  private static String userId(Object principal, OrgState org) {
    return principal instanceof TokenState appToken ? appToken.info.clientId() : orgUserId(org);
  }

  /** The user behind an org's root token: a stable id per org. */
  private static String orgUserId(OrgState org) {
    return UUID.nameUUIDFromBytes(("fake-astra-user:" + org.org.orgId()).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  // Returns the caller's OrgState (root token), TokenState (issued token) or a refusal Reply.
  // The scheme must be spelled "Bearer" exactly: the notes show only that spelling, so the strict choice is made
  // (a lower-case "bearer" counts as no bearer token at all; see docs/testing.md).
  private Object authenticate(@Nullable String authorization, Instant now) {
    if (authorization == null || !authorization.startsWith("Bearer ") || authorization.substring(7).isBlank()) {
      return Reply.error(401, 340002, "no bearer token in request");
    }
    String bearer = authorization.substring(7);
    if (!TOKEN_PATTERN.matcher(bearer).matches()) {
      if (TOKEN_PREFIX.matcher(bearer).lookingAt()) {
        return Reply.error(403, 340017,
            "Resource, token, was malformed. Error: auth-manager returned 403 validating token: %s");
      }
      return Reply.error(400, 340016,
          "Resource, token, was malformed. Error: auth-manager returned 400 validating token: %s");
    }
    OrgState org = orgsByRootToken.get(bearer);
    if (org != null) {
      return org;
    }
    TokenState token = tokensByValue.get(bearer);
    if (token != null && token.isLive(now)) {
      return token;
    }
    return Reply.error(401, 340018,
        "Resource not found: token with identifier: auth-manager returned 404 validating token: %s");
  }

  private static boolean isTokenAdmin(OrgState org, TokenState token) {
    return token.info.roles().stream().map(org.roles::get)
        .anyMatch(r -> r != null && TOKEN_ADMIN_ROLES.contains(r.name()));
  }

  private Reply create(OrgState org, String body, Instant now) {
    Object parsed;
    try {
      parsed = JSON.fromJson(body);
    } catch (IOException | RuntimeException e) {
      return Reply.invalid(400);
    }
    if (!(parsed instanceof Map<?, ?> fields) || !(fields.get("roles") instanceof List<?> roles) || roles.isEmpty()
        || !roles.stream().allMatch(r -> r instanceof String)) {
      return Reply.invalid(400);
    }
    List<String> roleIds = roles.stream().map(String.class::cast).toList();
    Object orgId = fields.get("orgId");
    Object description = fields.get("description");
    Object expiry = fields.get("tokenExpiry");
    if ((orgId != null && !(orgId instanceof String)) || (description != null && !(description instanceof String))
        || (expiry != null && !(expiry instanceof String))) {
      return Reply.invalid(400);
    }
    if (orgId != null && !orgId.equals(org.org.orgId())) {
      return Reply.invalid(403);
    }
    for (String roleId : roleIds) {
      if (!org.roles.containsKey(roleId)) {
        return new Reply(400, "text/plain; charset=utf-8", "Role ID not found");
      }
    }
    Instant tokenExpiry = null;
    if (expiry != null) {
      try {
        tokenExpiry = OffsetDateTime.parse((String) expiry).toInstant().truncatedTo(ChronoUnit.MILLIS);
      } catch (DateTimeException e) {
        return Reply.invalid(400);
      }
      if (!tokenExpiry.isAfter(now)) {
        return Reply.invalid(400);
      }
    }
    String clientId = newClientId();
    String secret = newSecret();
    String token = tokenFor(clientId, secret);
    IssuedToken info = new IssuedToken(clientId, org.org.orgId(), roleIds,
        description == null ? "" : (String) description, tokenExpiry, now);
    TokenState state = new TokenState(info, token);
    tokensByClientId.put(clientId, state);
    tokensByValue.put(token, state);
    return new Reply(200, "application/json", json(w -> {
      w.beginObject();
      w.name("clientId").value(clientId);
      w.name("secret").value(secret);
      w.name("orgId").value(info.orgId());
      stringArray(w.name("roles"), roleIds);
      w.name("token").value(token);
      w.name("generatedOn").value(NANOS.format(now));
      writeExtras(w);
      w.endObject();
    }));
  }

  private Reply list(OrgState org, Instant now) {
    List<IssuedToken> mine = tokensByClientId.values().stream()
        .filter(t -> t.isLive(now) && t.info.orgId().equals(org.org.orgId())).map(t -> t.info).toList();
    return new Reply(200, "application/json", json(w -> {
      w.beginObject().name("clients").beginArray();
      for (IssuedToken t : mine) {
        w.beginObject();
        w.name("clientId").value(t.clientId());
        stringArray(w.name("roles"), t.roles());
        w.name("generatedOn").value(NANOS.format(t.generatedOn()));
        w.name("description").value(t.description());
        Instant expiry = t.tokenExpiry();
        w.name("tokenExpiry");
        if (expiry == null) {
          w.nullValue();
        } else {
          w.value(MILLIS.format(expiry));
        }
        writeExtras(w);
        w.endObject();
      }
      w.endArray();
      writeExtras(w);
      w.endObject();
    }));
  }

  private Reply delete(OrgState org, String clientId, Instant now) {
    TokenState state = tokensByClientId.get(clientId);
    if (state == null || !state.isLive(now) || !state.info.orgId().equals(org.org.orgId())) {
      return Reply.error(404, 340018,
          "Resource not found: token with identifier: auth-manager returned 404 deleting token: %s");
    }
    state.revokedAt = now;
    Integer pinned = deleteStatus;
    int status = pinned != null ? pinned
        : variation.pick("delete-status", nextChoice("delete-status"), 2) == 0 ? 200 : 204;
    return new Reply(status, null, "");
  }

  private Reply getRole(OrgState org, String roleId) {
    RoleDef role = org.roles.get(roleId);
    if (role == null) {
      // The spec declares this 404 body as a JSON string.
      return new Reply(404, "application/json", "\"Role ID not found\"");
    }
    RoleShape shape = roleShape();
    return new Reply(200, "application/json", json(w -> writeRole(w, role, shape)));
  }

  private Reply createRole(OrgState org, String body, Instant now, String userId) {
    Object parsed = parseRoleBody(body);
    if (parsed instanceof Reply refusal) {
      return refusal;
    }
    RoleBody rb = (RoleBody) parsed;
    if (org.roles.values().stream().anyMatch(r -> r.name().equals(rb.name))) {
      // The spec declares the 409 body as a JSON string.
      return new Reply(409, "application/json", "\"role with name " + rb.name + " already exists\"");
    }
    RoleDef role = new RoleDef(UUID.randomUUID().toString(), rb.name, "custom", org.org.orgId(), rb.policy, now,
        userId);
    org.roles.put(role.id(), role);
    // The create answer keeps the spec's shape: the upper-case/string-policy variation is only seen on reads.
    RoleShape shape = new RoleShape(false, false);
    return new Reply(201, "application/json", json(w -> writeRole(w, role, shape)));
  }

  private Reply updateRole(OrgState org, String roleId, String body, Instant now, String userId) {
    RoleDef existing = org.roles.get(roleId);
    if (existing == null) {
      return new Reply(404, "application/json", "\"Role ID not found\"");
    }
    Object parsed = parseRoleBody(body);
    if (parsed instanceof Reply refusal) {
      return refusal;
    }
    RoleBody rb = (RoleBody) parsed;
    org.roles.put(roleId, new RoleDef(roleId, rb.name, existing.type(), existing.orgId(), rb.policy, now, userId));
    return new Reply(200, null, "");
  }

  private Reply deleteRole(OrgState org, String roleId) {
    if (org.roles.remove(roleId) == null) {
      return new Reply(404, "application/json", "\"Role ID not found\"");
    }
    return new Reply(204, null, "");
  }

  private record RoleBody(String name, Policy policy) {}

  /** A {@code CreateRoleRequest} / {@code UpdateRoleRequest} checked as the spec types it, or a 400 reply. */
  private static Object parseRoleBody(String body) {
    Object parsed;
    try {
      parsed = JSON.fromJson(body);
    } catch (IOException | RuntimeException e) {
      return new Reply(400, "application/json", "\"invalid JSON\"");
    }
    if (!(parsed instanceof Map<?, ?> fields) || !(fields.get("name") instanceof String name) || name.isBlank()
        || !(fields.get("policy") instanceof Map<?, ?> policy)
        || !(policy.get("description") instanceof String description)
        || !(policy.get("resources") instanceof List<?> resources)
        || !resources.stream().allMatch(r -> r instanceof String)
        || !(policy.get("actions") instanceof List<?> actions) || actions.isEmpty()
        || !actions.stream().allMatch(a -> a instanceof String && POLICY_ACTIONS.contains(a))
        || !"allow".equals(policy.get("effect"))) {
      return new Reply(400, "application/json", "\"invalid role: name and a policy with description, resources, "
          + "PolicyAction actions and effect allow are required\"");
    }
    return new RoleBody(name, new Policy(description, resources.stream().map(String.class::cast).toList(),
        actions.stream().map(String.class::cast).toList()));
  }

  private String rolesJson(Iterable<RoleDef> roles) {
    RoleShape shape = roleShape();
    return json(w -> {
      w.beginArray();
      for (RoleDef role : roles) {
        writeRole(w, role, shape);
      }
      w.endArray();
    });
  }

  /** How one answer spells roles: pinned by {@link #roleJsonStyle}, else chosen per answer. Under lock. */
  private RoleShape roleShape() {
    RoleJsonStyle pinned = roleJsonStyle;
    if (pinned != null) {
      return pinned == RoleJsonStyle.LOWER_CASE ? new RoleShape(false, false) : new RoleShape(true, true);
    }
    long n = nextChoice("role-shape");
    return new RoleShape(variation.pick("role-keys", n, 2) == 1, variation.pick("role-policy", n, 2) == 1);
  }

  private record RoleShape(boolean upperCaseKeys, boolean policyAsString) {}

  private void writeRole(JsonWriter w, RoleDef role, RoleShape shape) throws IOException {
    w.beginObject();
    w.name(shape.upperCaseKeys ? "ID" : "id").value(role.id());
    w.name(shape.upperCaseKeys ? "Name" : "name").value(role.name());
    if (shape.upperCaseKeys) {
      w.name("Type").value(role.type());
    }
    w.name("policy");
    if (shape.policyAsString) {
      w.value(json(role::writePolicy));
    } else {
      role.writePolicy(w);
    }
    // The spec's optional audit fields, known for roles written through the API (the fake has no history of others)
    if (!shape.upperCaseKeys && role.updatedAt() != null) {
      w.name("last_update_datetime").value(role.updatedAt().toString());
      w.name("last_update_userid").value(role.updatedBy());
    }
    writeExtras(w);
    w.endObject();
  }

  /**
   * Fields no client knows, of every JSON kind (the real service adds fields over time): none, one or two per object
   * when varied, none when strict. Under lock.
   */
  private void writeExtras(JsonWriter w) throws IOException {
    long n = nextChoice("extra-fields");
    int count = variation.pick("extra-count", n, 3);
    int first = variation.pick("extra-first", n, EXTRA_FIELDS);
    for (int i = 0; i < count; i++) {
      switch ((first + i) % EXTRA_FIELDS) {
        case 0 -> w.name("region").value("us-east1");
        case 1 -> w.name("lastUsedOn").nullValue();
        case 2 -> w.name("revision").value(7);
        case 3 -> {
          w.name("labels").beginObject().name("team").value("fake");
          w.name("nested").beginObject().name("deep").beginArray().value(1).value(2.5).endArray().endObject();
          w.endObject();
        }
        case 4 -> w.name("features").beginArray().value("a").beginObject().endObject().endArray();
        default -> w.name("enabled").value(true);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private OrgState orgState(FakeOrg org) {
    Objects.requireNonNull(org, "org");
    OrgState state = orgsById.get(org.orgId());
    if (state == null) {
      throw new IllegalArgumentException("org " + org.orgId() + " does not belong to this FakeAstra");
    }
    return state;
  }

  private void requireStarted() {
    synchronized (lock) {
      if (!started) {
        throw new IllegalStateException(closed ? "FakeAstra is closed" : "FakeAstra is not started");
      }
    }
  }

  private String newClientId() {
    synchronized (lock) {
      while (true) {
        StringBuilder id = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
          id.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        }
        String clientId = id.toString();
        if (!tokensByClientId.containsKey(clientId)) {
          return clientId;
        }
      }
    }
  }

  // Every secret contains each of "+,.-_" so that clients that mishandle them fail in tests.
  private String newSecret() {
    char[] secret = new char[100];
    for (int i = 0; i < secret.length; i++) {
      secret[i] = SECRET_CHARS.charAt(random.nextInt(SECRET_CHARS.length()));
    }
    String specials = "+,.-_";
    for (int i = 0; i < specials.length(); i++) {
      secret[i * 20 + random.nextInt(20)] = specials.charAt(i);
    }
    return new String(secret);
  }

  /** {@code "AstraCS:" + clientId + ":" + sha256hex(secret)}, as Astra derives tokens. */
  static String tokenFor(String clientId, String secret) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return "AstraCS:" + clientId + ":" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private interface JsonBody {
    void write(JsonWriter writer) throws IOException;
  }

  private static String json(JsonBody body) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.setSerializeNulls(true);
      body.write(writer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.readUtf8();
  }

  private static void stringArray(JsonWriter writer, List<String> values) throws IOException {
    writer.beginArray();
    for (String value : values) {
      writer.value(value);
    }
    writer.endArray();
  }

  private record Reply(int status, @Nullable String contentType, String body, Map<String, String> extraHeaders) {
    Reply(int status, @Nullable String contentType, String body) {
      this(status, contentType, body, Map.of());
    }

    Reply withHeader(String name, String value) {
      Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
      headers.put(name, value);
      return new Reply(status, contentType, body, Map.copyOf(headers));
    }

    static Reply error(int status, int id, String message) {
      return new Reply(status, "application/json", json(w -> {
        w.beginObject().name("errors").beginArray().beginObject();
        w.name("ID").value(id).name("message").value(message);
        w.endObject().endArray().endObject();
      }));
    }

    static Reply invalid(int status) {
      return new Reply(status, "text/plain; charset=utf-8", "invalid");
    }
  }

  /** A custom role's policy as created through the API; built-in roles have none (they reach the whole org). */
  private record Policy(String description, List<String> resources, List<String> actions) {}

  private record RoleDef(String id, String name, String type, String orgId, @Nullable Policy policy,
      @Nullable Instant updatedAt, @Nullable String updatedBy) {
    RoleDef(String id, String name, String type, String orgId) {
      this(id, name, type, orgId, null, null, null);
    }

    void writePolicy(JsonWriter w) throws IOException {
      if (policy != null) {
        w.beginObject();
        w.name("description").value(policy.description());
        stringArray(w.name("resources"), policy.resources());
        stringArray(w.name("actions"), policy.actions());
        w.name("effect").value("allow");
        w.endObject();
        return;
      }
      w.beginObject();
      w.name("description").value(name);
      stringArray(w.name("resources"), List.of("drn:astra:org:" + orgId));
      stringArray(w.name("actions"), name.contains("RO") || name.contains("View")
          ? List.of("org-read", "org-db-view", "db-table-select", "db-keyspace-describe")
          : List.of("org-read", "org-db-view", "db-cql", "db-table-select", "db-table-modify"));
      w.name("effect").value("allow");
      w.endObject();
    }
  }

  private static final class OrgState {
    final FakeOrg org;
    /** The roles as the API sees them: created, updated and deleted through it. */
    final Map<String, RoleDef> roles = new LinkedHashMap<>();
    /** The roles the test set up (built-in ones and {@code addRole}'s), which {@link #reset()} puts back. */
    private final Map<String, RoleDef> configured = new LinkedHashMap<>();

    OrgState(FakeOrg org) {
      this.org = org;
    }

    RoleDef addRole(String name, String type) {
      return configure(new RoleDef(UUID.randomUUID().toString(), name, type, org.orgId()));
    }

    RoleDef configure(RoleDef role) {
      configured.put(role.id(), role);
      roles.put(role.id(), role);
      return role;
    }

    void restoreConfiguredRoles() {
      roles.clear();
      roles.putAll(configured);
    }
  }

  private static final class TokenState {
    final IssuedToken info;
    final String token;
    @Nullable Instant revokedAt;

    TokenState(IssuedToken info, String token) {
      this.info = info;
      this.token = token;
    }

    boolean isLive(Instant now) {
      return revokedAt == null && !info.isExpiredAt(now);
    }
  }
}
