package dev.astravault.internal.vault;

import dev.astravault.AstraVaultException;
import dev.astravault.Scheduler;
import dev.astravault.internal.files.PathTrust;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.vault.VaultAccessDeniedException;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.WriteOptions;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The adapter over vault-java-driver 6.2.1, used unmodified. It owns the Vault token: logs in, renews it with
 * renew-self once a third of its TTL is left, logs in again when it has expired, and on a 403 that says the token
 * is invalid logs in again and retries once. Every call states the KV engine version explicitly (the driver's
 * auto-detection is broken in 6.2.x) and checks the HTTP status, because the driver returns 4xx answers instead of
 * throwing. Thread-safe.
 */
public final class VaultSession {
  private static final Logger LOG = Redaction.logger(VaultSession.class);
  /** The driver fills unset values from VAULT_* variables; our config is the only source. */
  private static final EnvironmentLoader NO_ENVIRONMENT = new EnvironmentLoader() {
    private static final long serialVersionUID = 1L;

    @Override
    public String loadVariable(String name) {
      return null;
    }
  };

  private final VaultConfig config;
  private final Clock clock;
  private final @Nullable SslConfig ssl;
  /** Shared by every driver this session builds, so its connections are reused; see {@link BoundedHttpClient}. */
  private final BoundedHttpClient http;
  private @Nullable Current current;
  /** The credentials Vault may quote back, masked in every message built from its answers. */
  private final OwnSecrets secrets;

  /** The token in use, its expiry (null: never) and TTL at the last login or renewal. */
  private record Current(String token, @Nullable Instant expiresAt, Duration ttl, boolean renewable) {}

  /** The timer of every session's read timeouts; its one daemon thread only completes and cancels futures. */
  private static final class Deadlines {
    static final Scheduler TIMER = Scheduler.singleThread("astra-vault-vault-deadlines");
  }

  public VaultSession(VaultConfig config, Clock clock) {
    this(config, clock, Deadlines.TIMER);
  }

  /**
   * A session whose read timeouts run on {@code deadlines}, so that tests can drive them by hand.
   *
   * @param deadlines the scheduler that ends an exchange once {@link VaultConfig#readTimeout()} has passed
   */
  public VaultSession(VaultConfig config, Clock clock, Scheduler deadlines) {
    this.config = config;
    this.clock = clock;
    this.ssl = sslConfig(config);
    this.secrets = new OwnSecrets(config.auth());
    this.http = BoundedHttpClient.create(config.openTimeout(),
        config.sslContext().orElse(ssl == null ? null : ssl.getSslContext()),
        config.maxResponseBytes(), config.readTimeout(), deadlines);
  }

  public VaultConfig config() {
    return config;
  }

  // ------------------------------------------------------------------ driver

  private static @Nullable SslConfig sslConfig(VaultConfig config) {
    if (config.caPem().isEmpty() && config.clientCertPem().isEmpty()) {
      return null;
    }
    SslConfig ssl = new SslConfig().verify(true);
    config.caPem().ifPresent(ssl::pemUTF8);
    config.clientCertPem().ifPresent(ssl::clientPemUTF8);
    config.clientKeyPem().ifPresent(ssl::clientKeyPemUTF8);
    try {
      return ssl.build();
    } catch (VaultException e) {
      throw new IllegalArgumentException("Vault TLS settings are invalid: " + e.getClass().getSimpleName()
          + " (check the CA and client PEMs)", Redaction.cause(e));
    }
  }

  /** A driver for {@code token} (null for logins) with an explicit KV engine version, over this session's client. */
  Vault driver(@Nullable String token, int engineVersion, int prefixPathDepth) {
    try {
      io.github.jopenlibs.vault.VaultConfig c = new io.github.jopenlibs.vault.VaultConfig()
          .environmentLoader(NO_ENVIRONMENT)
          .address(config.address().toString())
          .openTimeout((int) config.openTimeout().toSeconds())
          .readTimeout((int) config.readTimeout().toSeconds())
          // With a client given, the driver ignores openTimeout and sslConfig: the client carries both. Only
          // logical() and auth() use it (leases(), seal() and mount detection build their own), so only they are used.
          .httpClient(http)
          .prefixPathDepth(prefixPathDepth)
          .engineVersion(engineVersion);
      if (token != null) {
        c.token(token);
      }
      if (config.namespace().isPresent()) {
        c.nameSpace(config.namespace().get());
      }
      return Vault.create(c.build(), engineVersion);
    } catch (VaultException e) {
      throw new IllegalArgumentException("Vault client settings are invalid: " + e.getClass().getSimpleName(),
          Redaction.cause(e));
    }
  }

  // ------------------------------------------------------------------ token lifecycle

  /** A usable token: logs in if there is none or it expired, renews it when a third of its TTL is left. */
  synchronized String token() {
    if (config.auth() instanceof VaultAuth.External e) {
      return secrets.inUse(external(e));
    }
    Instant now = clock.instant();
    Current c = current;
    if (c == null) {
      c = login();
    } else if (c.expiresAt() != null && !now.isBefore(c.expiresAt())) {
      LOG.info("Vault token expired at {}; logging in again", c.expiresAt());
      c = login();
    } else if (c.expiresAt() != null && c.renewable()
        && Duration.between(now, c.expiresAt()).compareTo(c.ttl().dividedBy(3)) <= 0) {
      c = renewOrLogin(c);
    }
    current = c;
    return secrets.inUse(c.token());
  }

  /** The application's token, asked for at every call; a blank answer is the source's bug, named as such. */
  private static String external(VaultAuth.External e) {
    String token = e.source().currentToken();
    if (token == null || token.isBlank()) {
      throw new AstraVaultException("the Vault token source (" + e.source().getClass().getName()
          + ") returned no token");
    }
    return token;
  }

  /**
   * Forgets the token after Vault refused it, so that the next call logs in again; {@return whether a retry may use
   * another token}. An external source is retried only when it already holds a different token.
   */
  private synchronized boolean invalidate(String token) {
    if (config.auth() instanceof VaultAuth.External e) {
      return !external(e).equals(token);
    }
    if (config.auth() instanceof VaultAuth.Token || current == null || !current.token().equals(token)) {
      return current != null && !current.token().equals(token);
    }
    current = null;
    return true;
  }

  private Current renewOrLogin(Current c) {
    try {
      AuthResponse r = driver(c.token(), 1, 1).auth().renewSelf();
      int status = r.getRestResponse().getStatus();
      if (status == 200) {
        Duration ttl = tokenDuration("renew-self", "auth.lease_duration", r.getAuthLeaseDuration(),
            "auth/token/renew-self");
        LOG.debug("renewed the Vault token for {}", ttl);
        return new Current(c.token(), ttl.isZero() ? null : clock.instant().plus(ttl), c.ttl(),
            r.isAuthRenewable() && ttl.compareTo(c.ttl().dividedBy(3)) > 0);
      }
    } catch (VaultException e) {
      if (VaultErrors.interruptOf(e) != null) {
        throw VaultErrors.noAnswer("renew-self", e);   // not a login: that would clear the caller's interrupt
      }
      if (config.auth() instanceof VaultAuth.Token) {
        // Nothing to log in with; keep the token until it expires and let Vault's answers speak. No answer, a 5xx
        // or a 429 is transient: the next call renews again.
        int status = e.getHttpStatusCode();
        boolean renewAgain = status == 0 || status >= 500 || status == 429 || redirect(status);
        LOG.warn("renewing the Vault token failed (HTTP {}): {}", status,
            VaultErrors.noAnswer("renew-self", e).getMessage());
        return new Current(c.token(), c.expiresAt(), c.ttl(), renewAgain);
      }
      LOG.info("renewing the Vault token failed (HTTP {}); logging in again", e.getHttpStatusCode());
    }
    return login();
  }

  private Current login() {
    VaultAuth auth = config.auth();
    if (auth instanceof VaultAuth.Token t) {
      return lookup(t.token());
    }
    Vault anonymous = driver(null, 1, 1);
    String what;
    try {
      AuthResponse r;
      if (auth instanceof VaultAuth.AppRole a) {
        what = "AppRole login at auth/" + a.mount();
        r = anonymous.auth().loginByAppRole(a.mount(), a.roleId(), a.secretId());
      } else {
        VaultAuth.Kubernetes k = (VaultAuth.Kubernetes) auth;
        what = "Kubernetes login at auth/" + k.mount();
        String jwt = readJwt(k);
        secrets.inUse(jwt);
        // The 3-argument form takes a full auth path, not a mount name.
        r = anonymous.auth().loginByKubernetes(k.role(), jwt, "auth/" + k.mount());
      }
      String token = r.getAuthClientToken();
      if (token == null || token.isEmpty()) {
        throw new AstraVaultException(what + ": Vault returned no client token");
      }
      Duration ttl = tokenDuration(what, "auth.lease_duration", r.getAuthLeaseDuration(), what.substring(
          what.indexOf("auth/")) + "/login");
      LOG.info("{} succeeded; Vault token TTL {}", what, ttl);
      return new Current(token, ttl.isZero() ? null : clock.instant().plus(ttl), ttl, r.isAuthRenewable());
    } catch (VaultException e) {
      String w = auth instanceof VaultAuth.AppRole a ? "AppRole login at auth/" + a.mount()
          : "Kubernetes login at auth/" + ((VaultAuth.Kubernetes) auth).mount();
      VaultReply reply = secrets.masked(VaultErrors.replyOf("auth/" + (auth instanceof VaultAuth.AppRole a ? a.mount()
          : ((VaultAuth.Kubernetes) auth).mount()) + "/login", e));
      if (reply.status() == 400 || reply.status() == 403) {
        throw new VaultAccessDeniedException(reply.path(), w + " was refused (HTTP " + reply.status() + ": "
            + VaultErrors.scrub(reply.errorText()) + ")", secrets.cause(e));
      }
      if (reply.status() >= 400 || redirect(reply.status())) {
        throw VaultErrors.of(w, reply, secrets.cause(e));
      }
      throw VaultErrors.noAnswer(w, e);
    }
  }

  private static String readJwt(VaultAuth.Kubernetes k) {
    // Whoever can replace the file logs in as the role it names: refused. Checked at each login, as the file is read
    // then. Links are followed (the kubelet's ..data chain, in a root-owned sticky directory, passes); its mode is
    // not warned about: Kubernetes projects it 0644 by default, so a warning would fire in every correct pod.
    try {
      String jwt = PathTrust.read(k.jwtFile(), "Kubernetes service-account token file", AstraVaultException::new)
          .strip();
      if (jwt.isEmpty()) {
        throw new AstraVaultException("the Kubernetes service-account token file " + k.jwtFile() + " is empty");
      }
      return jwt;
    } catch (IOException e) {
      throw new AstraVaultException("cannot read the Kubernetes service-account token file " + k.jwtFile(), e);
    }
  }

  /** A fixed token: learn its TTL with lookup-self, tolerating the driver's strict parsing. */
  private Current lookup(String token) {
    try {
      LookupResponse r = driver(token, 1, 1).auth().lookupSelf();
      // Read as a long (logins and renewals as an int): no Vault grants more than Go's longest duration, and more
      // would overflow the expiry computed from it.
      Duration ttl = tokenDuration("token lookup", "data.ttl", r.getTTL(), "auth/token/lookup-self");
      return new Current(token, ttl.isZero() ? null : clock.instant().plus(ttl), ttl, r.isRenewable());
    } catch (VaultException e) {
      VaultReply reply = secrets.masked(VaultErrors.replyOf("auth/token/lookup-self", e));
      if (reply.status() == 403) {
        throw new VaultAccessDeniedException(reply.path(), "the configured Vault token is invalid or expired "
            + "(HTTP 403 on auth/token/lookup-self)", secrets.cause(e));
      }
      // A 5xx, 429 or redirect is transient (a gateway, a standby, a rate limit): fail this call and look up again
      // on the next, rather than keep the token without renewal for good.
      if (reply.status() >= 500 || reply.status() == 429 || redirect(reply.status())) {
        throw VaultErrors.of("token lookup", reply, secrets.cause(e));
      }
      if (reply.status() == 0 && !String.valueOf(e.getMessage()).contains("MIME")) {
        throw VaultErrors.noAnswer("token lookup", e);
      }
      // Some policies forbid lookup-self, and the driver throws on shapes it does not expect: use it as given.
      LOG.warn("could not look up the Vault token (HTTP {}); using it without renewal", reply.status());
      return new Current(token, null, Duration.ZERO, false);
    }
  }

  /**
   * A duration Vault gave the library's own token: 0 is a token that never expires (a root token); a negative one is
   * a broken or lying answer, refused naming the field, not the value (as {@link VaultReply#leaseDuration} does):
   * taken as given, a negative login TTL made every call log in again, and a negative lookup TTL read as "never
   * expires". More than Go's longest duration is capped to it, so the expiry computed from it cannot overflow.
   */
  private static Duration tokenDuration(String what, String field, long seconds, String path) {
    if (seconds < 0) {
      throw new AstraVaultException(what + ": Vault answered a negative " + field + " for the library's own token ("
          + path + "); the answer is broken");
    }
    return Duration.ofSeconds(Math.min(seconds, VaultReply.MAX_LEASE_SECONDS));
  }

  /**
   * A standby's 307 to the active node (or any redirect), which the client never follows: the token would go along
   * to whatever host the answer names. A node state, as {@link VaultErrors#of} reports it, not a refusal.
   */
  private static boolean redirect(int status) {
    return status >= 300 && status < 400;
  }

  // ------------------------------------------------------------------ calls

  @FunctionalInterface
  interface DriverCall {
    LogicalResponse call(Vault vault) throws VaultException;
  }

  /**
   * Runs a logical call with the engine version stated. 2xx and 4xx answers come back as replies (a 403 that says
   * the token is invalid first triggers one new login and retry); 5xx and network failures become our exceptions,
   * except that a 5xx reply is returned when {@code replyOn5xx} so that callers can read the plugin's error text.
   */
  VaultReply call(String what, String path, int engineVersion, int prefixDepth, DriverCall op) {
    for (int attempt = 0; ; attempt++) {
      String token = token();
      VaultReply reply;
      try {
        LogicalResponse r = op.call(driver(token, engineVersion, prefixDepth));
        reply = secrets.masked(VaultReply.of(path, r.getRestResponse().getStatus(), r.getRestResponse().getBody()));
      } catch (VaultException e) {
        reply = secrets.masked(VaultErrors.replyOf(path, e));
        if (reply.status() == 0) {
          throw VaultErrors.noAnswer(what, e);
        }
      }
      if (reply.status() == 403 && attempt == 0 && tokenRejected(reply) && invalidate(token)) {
        LOG.info("Vault refused the token on {}; logging in again and retrying once", path);
        continue;
      }
      if (reply.status() == 403 || reply.status() == 503 || reply.status() == 307) {
        throw VaultErrors.of(what, reply, null);
      }
      return reply;
    }
  }

  private static boolean tokenRejected(VaultReply reply) {
    String text = reply.errorText();
    // An ACL denial is "1 error occurred: * permission denied"; an unknown or expired token adds "invalid token"
    // (Vault 1.17+), or is the bare "permission denied" on older versions.
    return text.contains("invalid token") || reply.errors().equals(List.of("permission denied"))
        && !reply.body().toString().contains("error occurred");
  }

  public VaultReply read(String what, String path) {
    return call(what, path, 1, 1, v -> v.logical().read(path));
  }

  public VaultReply write(String what, String path, Map<String, Object> body) {
    return call(what, path, 1, 1, v -> v.logical().write(path, body));
  }

  public VaultReply list(String what, String path) {
    return call(what, path, 1, 1, v -> v.logical().list(path));
  }

  public VaultReply delete(String what, String path) {
    return call(what, path, 1, 1, v -> v.logical().delete(path));
  }

  // KV v2 (the driver inserts data/ or metadata/ after prefixDepth segments).

  public VaultReply kv2Read(String what, String path, int mountDepth) {
    return call(what, path, 2, mountDepth, v -> v.logical().read(path));
  }

  public VaultReply kv2Write(String what, String path, int mountDepth, Map<String, Object> data, @Nullable Long cas) {
    return call(what, path, 2, mountDepth, v -> cas == null ? v.logical().write(path, data)
        : v.logical().write(path, data, null, new WriteOptions().checkAndSet(cas).build()));
  }

  public VaultReply kv2List(String what, String path, int mountDepth) {
    return call(what, path, 2, mountDepth, v -> v.logical().list(path));
  }

  /** Hard delete: on KV v2 the driver's delete removes the metadata and every version. */
  public VaultReply kv2Destroy(String what, String path, int mountDepth) {
    return call(what, path, 2, mountDepth, v -> v.logical().delete(path));
  }
}
