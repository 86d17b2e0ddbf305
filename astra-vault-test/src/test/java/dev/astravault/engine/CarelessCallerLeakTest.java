package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.astravault.AstraApiException;
import dev.astravault.AstraToken;
import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.ManagedToken;
import dev.astravault.OrgConfig;
import dev.astravault.RenewalSettings;
import dev.astravault.ManagedTokenListener;
import dev.astravault.RoleSpec;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.audit.AuditEvents;
import dev.astravault.audit.JdbcAuditSink;
import dev.astravault.audit.JsonLinesAuditSink;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.internal.redact.RedactedException;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.Endpoint;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordingAuditSink;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import java.net.URI;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * A deliberately careless caller goes through every public operation of {@link TokenManager} and
 * {@link ManagedToken}: the org's root token, issued tokens and client secrets passed as ids, names, lease ids and
 * metadata; FakeAstra answers that quote the request (its Authorization header and body) in their error messages,
 * truncated bodies, dropped connections and failing deletes. Then everything the library wrote is scanned for every
 * secret it ever saw (whole, and the hex part of each token alone): every exception with its cause chain and
 * suppressed exceptions as printed, every log line of every logger at TRACE (arguments, key-value pairs, throwables),
 * every audit sink's output (recording sink, SLF4J sink, JSON-lines file, JDBC table), the lease store's raw rows,
 * and the {@code toString} of everything returned. None is found.
 *
 * <p>Not fooled by a new code path: a new public method of {@link TokenManager} or {@link ManagedToken} fails
 * {@link #theCarelessCallerCoversEveryPublicOperation} until the careless caller exercises it; every logger is
 * captured (not a list of known ones); every sink writes everything it is given.
 */
@ParameterizedClass
@EnumSource(value = Backend.class, names = {"DIRECT", "VAULT"})
class CarelessCallerLeakTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.create();

  @Parameter Backend backend;
  @TempDir Path dir;

  final ListAppender<ILoggingEvent> logs = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent e) {
      e.prepareForDeferredProcessing();
      super.append(e);
    }
  };
  Logger root;
  Level previousLevel;
  EngineFixture f;
  SQLiteDataSource auditDb;
  SQLiteDataSource leaseDb;
  final RecordingAuditSink recording = RecordingAuditSink.create();
  final List<String> secrets = new CopyOnWriteArrayList<>();
  final List<String> texts = new CopyOnWriteArrayList<>();
  final Set<String> called = new TreeSet<>();
  final List<AutoCloseable> closeables = new ArrayList<>();
  final List<Throwable> errors = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    logs.start();
    root.addAppender(logs);
    auditDb = new SQLiteDataSource();
    auditDb.setUrl("jdbc:sqlite:" + dir.resolve("audit.db"));
    leaseDb = new SQLiteDataSource();
    leaseDb.setUrl("jdbc:sqlite:" + dir.resolve("leases.db"));
    JsonLinesAuditSink json = JsonLinesAuditSink.builder(dir.resolve("audit/audit.jsonl")).build();
    JdbcAuditSink jdbc = JdbcAuditSink.builder(auditDb).build();
    JdbcLeaseStore store = JdbcLeaseStore.builder().sqliteFile(dir.resolve("leases.db"))
        .keyProvider(KeyProvider.of(EncryptionKey.generate())).build();
    closeables.add(json);
    closeables.add(store);
    f = new EngineFixture(astra, backend, b -> b.auditSink(json).auditSink(jdbc).auditSink(recording)
        .leaseStore(store).managedIoExecutor(Runnable::run).managedEventExecutor(Runnable::run));
    secrets.add(f.fakeOrg.rootToken());
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
    for (AutoCloseable c : closeables) {
      c.close();
    }
    root.detachAppender(logs);
    root.setLevel(previousLevel);
  }

  /** Runs one careless call, keeping what it returned (as text) or the exception it threw (printed in full). */
  private void call(String operation, ThrowingSupplier action) {
    called.add(operation);
    try {
      Object result = action.get();
      texts.add(String.valueOf(result));
    } catch (Throwable e) {
      if (e instanceof VirtualMachineError vme) {
        throw vme;
      }
      errors.add(e);
      StringWriter printed = new StringWriter();
      e.printStackTrace(new PrintWriter(printed));
      texts.add(printed.toString());
      texts.add(String.valueOf(e.getLocalizedMessage()));
      if (e instanceof AstraApiException api) {
        texts.add(String.valueOf(api.astraMessage()));
      }
    }
  }

  interface ThrowingSupplier {
    Object get() throws Exception;
  }

  private void remember(AstraToken token) {
    texts.add(token.toString());
    texts.add(token.info().toString());
    texts.add(token.lease().toString());
    secrets.add(token.token());
    if (!token.secret().isEmpty()) {
      secrets.add(token.secret());   // Vault mode: the plugin never returns the secret part
    }
  }

  /** Every way a careless caller passes {@code s} where an id, a name or metadata belongs. */
  private void passAsEveryId(String s) {
    TokenManager t = f.tokens;
    call("org", () -> t.org(s));
    call("deleteOrg", () -> { t.deleteOrg(s); return null; });
    call("role", () -> t.role(s, ROLE));
    call("role", () -> t.role(ORG, s));
    call("roles", () -> t.roles(s));
    call("deleteRole", () -> { t.deleteRole(ORG, s); return null; });
    call("syncRoles", () -> t.syncRoles(s));
    call("resolveRoleId", () -> t.resolveRoleId(ORG, s));
    call("token", () -> t.token(s));
    call("token", () -> t.token(s, ROLE, "orders"));
    call("token", () -> t.token(ORG, ROLE, s));
    call("tokens", () -> t.tokens(s));
    call("deleteToken", () -> { t.deleteToken(s); return null; });
    call("lease", () -> t.lease(s));
    call("leases", () -> t.leases(s));
    call("renew", () -> t.renew(s));
    call("renew", () -> t.renew(s, Duration.ofMinutes(5)));
    call("revoke", () -> { t.revoke(s); return null; });
    call("reconcile", () -> t.reconcile(s));
    call("reconcile", () -> t.reconcile(s, true));
    call("request", () -> t.request().org(s).role(ROLE).logicalName("x").issue());
    call("issue", () -> t.issue(TokenRequest.forRole(ROLE).org(ORG).logicalName(s).build()));
    call("issue", () -> t.issue(TokenRequest.forRole(s).org(ORG).logicalName("x").build()));
    call("issue", () -> t.issue(TokenRequest.forRole(ROLE).org(ORG).logicalName("x").metadata("owner", s).build()));
    call("issue", () -> t.issue(TokenRequest.forRole(ROLE).org(ORG).perRequest().metadata(s, "v").build()));
    call("manage", () -> t.manage(TokenRequest.forRole(ROLE).org(ORG).logicalName("m").metadata("note", s).build()));
    call("manage", () -> t.manage(TokenRequest.forRole(ROLE).org(s).logicalName("m").build(),
        RenewalSettings.defaults()));
    call("writeRole", () -> t.writeRole(RoleSpec.builder().org(ORG).name("r2").roleId(s).build()));
    call("writeRole", () -> t.writeRole(RoleSpec.builder().org(s).name("r2").roleId("x").build()));
    call("writeOrg", () -> t.writeOrg(OrgConfig.builder().orgId(s).rootToken(f.fakeOrg.rootToken()).build()));
    call("writeOrg", () -> t.writeOrg(f.org.toBuilder().logicalName(s).build()));
    // A token given as the root token of a new org: accepted (it is one), and never printed.
    call("writeOrg", () -> t.writeOrg(OrgConfig.builder().orgId("careless-org").rootToken(s).url(astra.url().uri())
        .build()));
  }

  @Test
  void theCarelessCallerLeaksNoSecretAnywhere() throws Exception {
    TokenManager t = f.tokens;
    call("syncRoles", () -> t.syncRoles(ORG));
    AstraToken a = t.request().org(ORG).role(ROLE).logicalName("orders").metadata("owner", "team").issue();
    remember(a);
    AstraToken b = t.issue(TokenRequest.forRole(ROLE).org(ORG).perRequest().metadata("owner", "batch").build());
    remember(b);

    // Secrets where ids, names and metadata belong.
    for (String secret : List.copyOf(secrets)) {
      passAsEveryId(secret);
      passAsEveryId("  " + secret + "\n");
    }

    // A managed token, rotated and refreshed, whose every token is collected as it appears.
    List<ManagedToken> handles = new ArrayList<>();
    RenewalSettings settings = RenewalSettings.builder().jitter(0).listener(ManagedTokenListener.of(e -> {
      texts.add(e.toString());
      handles.forEach(h -> remember(h.snapshot().astraToken()));
    })).build();
    call("manage", () -> {
      ManagedToken h = t.manage(TokenRequest.forRole(ROLE).org(ORG).logicalName("managed").build(), settings);
      handles.add(h);
      remember(h.snapshot().astraToken());
      return h;
    });
    assertThat(handles).as("the managed token started").hasSize(1);
    ManagedToken managed = handles.get(0);
    // current() and get() hand out the token by contract: what they return is a secret, not output.
    call("current", () -> secrets.add(managed.current()));
    call("get", () -> secrets.add(managed.get()));
    call("snapshot", managed::snapshot);
    call("lease", managed::lease);
    call("state", managed::state);
    ManagedTokenListener listener = ManagedTokenListener.of(e -> texts.add(e.toString()));
    call("addListener", () -> { managed.addListener(listener); return managed; });
    call("rotateNow", () -> { managed.rotateNow(); return managed.snapshot(); });
    f.scheduler.advance(Duration.ofMinutes(45));
    call("current", () -> secrets.add(managed.current()));
    call("removeListener", () -> managed.removeListener(listener));

    // Ordinary reads and renewals.
    call("token", () -> t.token(a.clientId()));
    call("token", () -> t.token(ORG, ROLE, "orders"));
    call("tokens", t::tokens);
    call("tokens", () -> t.tokens(ORG));
    call("org", () -> t.org(ORG));
    call("orgs", t::orgs);
    call("role", () -> t.role(ORG, ROLE));
    call("roles", () -> t.roles(ORG));
    call("resolveRoleId", () -> t.resolveRoleId(ORG, ROLE));
    call("lease", () -> t.lease(a.lease().leaseId()));
    call("leases", () -> t.leases(""));
    call("renew", () -> t.renew(a.lease().leaseId()));
    call("request", t::request);

    // FakeAstra answers that quote the request: the Authorization header carries the root token.
    astra.fault(Endpoint.CREATE_TOKEN).echoRequest();
    call("issue", () -> t.request().org(ORG).role(ROLE).logicalName("echo-400").issue());
    astra.fault(Endpoint.CREATE_TOKEN).echoRequest().status(200);
    call("issue", () -> t.request().org(ORG).role(ROLE).logicalName("echo-200").issue());
    astra.fault(Endpoint.CREATE_TOKEN).echoRequest().status(500);
    call("issue", () -> t.request().org(ORG).role(ROLE).logicalName("echo-500").issue());
    astra.fault(Endpoint.CREATE_TOKEN).malformedBody();
    call("issue", () -> t.request().org(ORG).role(ROLE).logicalName("malformed").issue());
    astra.fault(Endpoint.CREATE_TOKEN).succeedThenDropConnection();
    call("issue", () -> t.request().org(ORG).role(ROLE).logicalName("dropped").issue());
    astra.fault(Endpoint.LIST_ROLES).echoRequest();
    call("syncRoles", () -> t.syncRoles(ORG));
    astra.fault(Endpoint.LIST_TOKENS).echoRequest().status(403);
    call("reconcile", () -> t.reconcile(ORG));
    astra.fault(Endpoint.DELETE_TOKEN).echoRequest().status(500).times(8);
    call("revoke", () -> { t.revoke(b.lease().leaseId()); return null; });
    call("deleteToken", () -> { t.deleteToken(a.clientId()); return null; });
    // The failed revokes keep their (scrubbed) error in the store.
    ((RealTokenManager) t).store().list("").forEach(r -> texts.add(r.toString() + r.lastError().orElse("")));
    rawRows(leaseDb, "av_lease");

    // Time passes: the sweeper retries, managed tokens renew and rotate, then everything ends.
    for (int i = 0; i < 6; i++) {
      f.scheduler.advance(Duration.ofMinutes(30));
      if (f.vault != null) {
        f.vault.expireDue();
      }
    }
    call("reapExpired", t::reapExpired);
    call("reconcile", () -> t.reconcile(ORG, true));
    call("stop", () -> { managed.stop(); return managed.snapshot(); });
    call("close", () -> { managed.close(); return managed.snapshot(); });
    texts.add(managed.toString());
    texts.add(t.toString());
    for (String id : t.leases("").stream().map(l -> l.leaseId()).toList()) {
      call("revoke", () -> { t.revoke(id); return null; });
    }
    call("deleteRole", () -> { t.deleteRole(ORG, ROLE); return null; });
    call("writeRole", () -> t.writeRole(RoleSpec.builder().org(ORG).name(ROLE).roleId(astra.roleId("API RO Svc Acct"))
        .ttl(Duration.ofHours(1)).maxTtl(Duration.ofHours(3)).build()));
    call("deleteOrg", () -> { t.deleteOrg("careless-org"); return null; });
    call("writeOrg", () -> t.writeOrg(f.org));

    if (f.vault != null) {
      // The org's root token given as the AppRole secret id: Vault refuses the login, and the driver's exception
      // (with Vault's response body) must not travel with ours.
      call("vault login", () -> {
        try (TokenManager m = TokenManager.builder().clock(f.clock).scheduler(f.scheduler)
            .vault(VaultConfig.of(URI.create(f.vault.address()), VaultAuth.appRole("orders", f.fakeOrg.rootToken())))
            .build()) {
          return m.orgs();
        }
      });
    }

    // Everything the library wrote.
    for (ILoggingEvent e : logs.list) {
      texts.add(e.getLoggerName() + " " + e.getFormattedMessage());
      if (e.getKeyValuePairs() != null) {
        texts.add(e.getKeyValuePairs().toString());
      }
      if (e.getThrowableProxy() != null) {
        texts.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
    }
    f.events.forEach(e -> texts.add(e.toString()));
    recording.events().forEach(e -> {
      texts.add(e.toString());
      texts.add(AuditEvents.toMap(e).toString());
    });
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(p -> p.toString().contains("audit.jsonl")).toList()) {
        texts.add(Files.readString(p));
      }
    }
    rawRows(auditDb, "astra_vault_audit");
    rawRows(leaseDb, "av_lease");

    // The scan. Each token also by its hex part alone, each secret by a long-enough piece of it.
    List<String> needles = new ArrayList<>();
    for (String secret : new TreeSet<>(secrets)) {
      needles.add(secret);
      if (secret.startsWith("AstraCS:")) {
        needles.add(secret.substring(secret.lastIndexOf(':') + 1));
      } else {
        needles.add(secret.substring(0, 24));
      }
    }
    for (String text : texts) {
      for (String needle : needles) {
        assertThat(text).doesNotContain(needle);
      }
    }
    // Not vacuous: secrets were seen, outputs were written, careless input was refused, the echoes came back.
    assertThat(secrets).hasSizeGreaterThan(backend == Backend.DIRECT ? 6 : 3);
    assertThat(logs.list).hasSizeGreaterThan(20);
    assertThat(recording.events()).hasSizeGreaterThan(20);
    assertThat(texts).anyMatch(s -> s.contains("MisplacedSecretException"))
        .anyMatch(s -> s.contains("cannot process"));
    // No raw vault-java-driver exception (it carries the response body) is attached to anything handed out.
    List<Throwable> chains = new ArrayList<>();
    errors.forEach(e -> {
      for (Throwable c = e; c != null && !chains.contains(c); c = c.getCause()) {
        chains.add(c);
      }
    });
    assertThat(chains).noneMatch(c -> c.getClass().getName().startsWith("io.github.jopenlibs.vault."));
    if (backend != Backend.DIRECT) {
      assertThat(chains).anyMatch(c -> c instanceof RedactedException r
          && r.originalType().startsWith("io.github.jopenlibs.vault."));
    }
    assertThat(called).containsAll(publicOperations());
  }

  private void rawRows(SQLiteDataSource db, String table) throws Exception {
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder(table).append(':');
        for (int i = 1; i <= columns; i++) {
          row.append(' ').append(rs.getString(i));
        }
        texts.add(row.toString());
      }
    }
  }

  /** Every public instance method of TokenManager and ManagedToken (and their supertypes' abstract ones). */
  static Set<String> publicOperations() {
    Set<String> names = new TreeSet<>();
    for (Class<?> type : List.of(TokenManager.class, ManagedToken.class)) {
      Arrays.stream(type.getMethods()).filter(m -> !Modifier.isStatic(m.getModifiers()))
          .filter(m -> m.getDeclaringClass() != Object.class).map(Method::getName).forEach(names::add);
    }
    return names;
  }

  @Test
  void theCarelessCallerCoversEveryPublicOperation() {
    // The names the scan above exercises; a new public operation must be added to the careless caller.
    assertThat(publicOperations()).containsExactlyInAnyOrder("writeOrg", "org", "orgs", "deleteOrg", "writeRole",
        "role", "roles", "deleteRole", "syncRoles", "resolveRoleId", "request", "issue", "token", "tokens",
        "deleteToken", "lease", "leases", "renew", "revoke", "manage", "reapExpired", "reconcile", "close",
        "current", "get", "snapshot", "state", "addListener", "removeListener", "rotateNow", "stop");
  }
}
