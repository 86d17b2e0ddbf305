package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.AstraAuthenticationException;
import dev.astravault.AstraRateLimitedException;
import dev.astravault.AstraResponseTooLargeException;
import dev.astravault.AstraServerException;
import dev.astravault.AstraUnavailableException;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenStartException;
import dev.astravault.NotFoundException;
import dev.astravault.RenewalSettings;
import dev.astravault.StoreException;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.spring.autoconfigure.AstraVaultProperties;
import dev.astravault.spring.autoconfigure.AstraVaultStartupException;
import dev.astravault.vault.VaultResponseTooLargeException;
import dev.astravault.vault.VaultUnavailableException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** Obtains the startup token: retries what may pass (Astra unavailable, rate limits, store errors), then explains. */
public final class StartupTokens {
  private static final Logger LOG = Redaction.logger(StartupTokens.class);

  /**
   * Waits between retries and reads the monotonic time that {@code astra.vault.startup-timeout} is measured on; a
   * seam so that tests can see the back-off and drive the deadline by hand without sleeping. The auto-configuration
   * uses a single bean of this (internal) type when there is one, else {@link #threadSleep()}.
   */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** {@return monotonic nanoseconds, as {@link System#nanoTime()}; a fake sleeper advances its own} */
    default long nanoTime() {
      return System.nanoTime();
    }

    static Sleeper threadSleep() {
      return d -> {
        if (!d.isZero()) {
          Thread.sleep(d.toMillis());
        }
      };
    }
  }

  private StartupTokens() {}

  /**
   * The renewal settings of the properties (listeners are added by the caller). One attempt per {@code manage()}:
   * {@link #obtain} retries by {@code astra.vault.startup-retries} and {@code startup-backoff}, so the engine's own
   * startup attempts must not multiply them.
   */
  public static RenewalSettings.Builder renewal(AstraVaultProperties.Renewal r) {
    try {
      return RenewalSettings.builder().startupAttempts(1).refreshFraction(r.getRefreshFraction())
          .jitter(r.getJitter())
          .hardMargin(r.getHardMarginMin(), r.getHardMarginFraction()).rotationOverlap(r.getRotationOverlap())
          .backoff(r.getBackoffBase(), r.getBackoffCap()).maxWait(r.getMaxWait()).closeTimeout(r.getCloseTimeout());
    } catch (IllegalArgumentException e) {
      throw new AstraVaultStartupException("astra.vault.renewal: " + e.getMessage(),
          "Fix the astra.vault.renewal.* properties.", e);
    }
  }

  /**
   * Calls {@link TokenManager#manage} up to {@code 1 + retries} times, doubling {@code backoff} between attempts, and
   * starts no attempt once {@code timeout} has passed since the first began (read from {@code sleeper}'s monotonic
   * time). A wait that would end past the deadline is not slept: startup fails at once. An attempt under way when the
   * deadline passes is bounded by the call timeouts and is not abandoned: if it succeeds its token is returned, so
   * nothing is issued that no one holds.
   *
   * @throws AstraVaultStartupException when every attempt failed, the timeout passed, or a failure cannot pass by
   *     retrying
   */
  public static ManagedToken obtain(TokenManager manager, TokenRequest request, RenewalSettings settings,
      int retries, Duration backoff, Duration timeout, Sleeper sleeper) {
    long start = sleeper.nanoTime();
    long limit = saturatedNanos(timeout);
    Duration wait = backoff;
    for (int attempt = 1; ; attempt++) {
      try {
        // The issue latency reaches the metrics through the handle's Issued event (see TokenActivity).
        return manager.manage(request, settings);
      } catch (RuntimeException thrown) {
        // The engine reports a transient failure of its (single) attempt as ManagedTokenStartException.
        RuntimeException e = thrown instanceof ManagedTokenStartException
            && thrown.getCause() instanceof RuntimeException cause ? cause : thrown;
        if (!retryable(e) || attempt > retries) {
          throw explain(startupToken(request) + " could not be obtained"
              + (attempt > 1 ? " after " + attempt + " attempts" : ""), e, -1);
        }
        // Elapsed time by subtraction: nanoTime may wrap.
        long elapsed = sleeper.nanoTime() - start;
        if (elapsed >= limit || saturatedNanos(wait) >= limit - elapsed) {
          throw timedOut(request, attempt, timeout, e);
        }
        LOG.warn("startup token: attempt {} of {} failed ({}); retrying in {}", attempt, retries + 1,
            e.getClass().getSimpleName(), wait);
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw explain("interrupted while obtaining the startup token", e, -1);
        }
        // A sleep may overrun: re-check rather than start an attempt past the deadline.
        if (sleeper.nanoTime() - start >= limit) {
          throw timedOut(request, attempt, timeout, e);
        }
        wait = wait.multipliedBy(2);
      }
    }
  }

  private static String startupToken(TokenRequest request) {
    return "the startup token (org " + request.org() + ", role " + request.role() + ", logical name "
        + request.logicalName().orElse("-") + ")";
  }

  /** Startup ran out of {@code astra.vault.startup-timeout}: names it, the attempts and the last failure. */
  private static AstraVaultStartupException timedOut(TokenRequest request, int attempts, Duration timeout,
      RuntimeException last) {
    AstraVaultStartupException why = explain("", last, -1);
    return new AstraVaultStartupException(startupToken(request) + " could not be obtained within "
        + "astra.vault.startup-timeout (" + timeout + "): " + attempts + (attempts == 1 ? " attempt" : " attempts")
        + ", the last failed with " + last.getClass().getSimpleName() + ": " + last.getMessage(),
        "astra.vault.startup-timeout (" + timeout + ") bounds the whole startup token issue, its retries and waits; "
            + "no attempt starts after it. " + why.action() + " Raise astra.vault.startup-timeout if Astra or Vault "
            + "needs longer to come back; each attempt is bounded by astra.vault.astra-api.call-timeout (and "
            + "astra.vault.vault.read-timeout in Vault mode).", last);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * What the engine's own startup retry treats as transient, plus store errors: the starter turns that retry off
   * ({@link #renewal}), so leaving Vault out here would leave a sealed or restarting Vault never retried.
   */
  static boolean retryable(Throwable e) {
    return e instanceof AstraUnavailableException || e instanceof AstraServerException
        || e instanceof AstraRateLimitedException || e instanceof StoreException
        || e instanceof VaultUnavailableException;
  }

  /** A startup exception whose action says what to fix for {@code e}'s kind of failure. */
  public static AstraVaultStartupException explain(String what, Throwable e, int orgIndex) {
    if (e instanceof AstraVaultStartupException s) {
      return s;
    }
    String org = orgIndex >= 0 ? "astra.vault.orgs[" + orgIndex + "]" : "astra.vault.orgs[n]";
    String description = what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage();
    String vault = vaultConnectionAction(e);
    String action;
    if (e instanceof AstraAuthenticationException) {
      action = "Astra refused the org's root token. Check " + org + ".root-token (e.g. ASTRA_ORG_TOKEN): it must be "
          + "a live token with the Organization Administrator or Database Administrator role, for the org at "
          + org + ".url.";
    } else if (e instanceof NotFoundException) {
      action = "Check astra.vault.token.org and astra.vault.token.role. A role must be known locally: declare it "
          + "under astra.vault.roles[n] (name, role-id, ttl, max-ttl), or set astra.vault.sync-roles=true to import "
          + "the org's Astra roles by name.";
    } else if (e instanceof TokenAlreadyExistsException) {
      action = "A live token already holds this org, role and logical name (another instance, or an earlier run "
          + "with a durable store). Give each instance its own astra.vault.token.logical-name, or revoke the old "
          + "lease first.";
    } else if (e instanceof AstraResponseTooLargeException tooLarge) {
      action = "A DevOps API response was larger than " + tooLarge.limit() + " bytes. Raise "
          + "astra.vault.astra-api.max-response-bytes (default 8MB) if the org really has that many tokens or roles; "
          + "otherwise check " + org + ".url and any proxy in between.";
    } else if (vault != null) {
      action = vault;
    } else if (retryable(e)) {
      action = "Astra's DevOps API (or the lease store) was unavailable. Check " + org + ".url, the network and "
          + "the store, and astra.vault.astra-api.connect-timeout and call-timeout if set; raise "
          + "astra.vault.startup-retries or astra.vault.startup-backoff (within astra.vault.startup-timeout), or set "
          + "astra.vault.fail-fast=false to start without the token and obtain it on first use.";
    } else if (e instanceof IllegalArgumentException) {
      action = "Fix astra.vault.token.* (org, role, logical-name, metadata, ttl) or astra.vault.renewal.* so that "
          + "they fit the role's ttl and max-ttl.";
    } else {
      action = "Check the astra.vault.* properties; the cause is above.";
    }
    return new AstraVaultStartupException(description, action, e);
  }

  /**
   * What to check when a Vault answer was too large, none came (refused, TLS handshake, timeout), or Vault is sealed
   * or without an active node; null for other failures.
   */
  public static @Nullable String vaultConnectionAction(Throwable failure) {
    Throwable e = failure;
    // The first Vault failure in the chain: readers such as VaultOrgConfigs wrap it.
    while (e.getCause() != null && !(e instanceof VaultResponseTooLargeException)
        && !(e instanceof VaultUnavailableException)) {
      e = e.getCause();
    }
    if (e instanceof VaultResponseTooLargeException tooLarge) {
      return "A Vault response was larger than " + tooLarge.limit() + " bytes. Raise "
          + "astra.vault.vault.max-response-bytes (default 8MB) if a list (the vault-kv store's leases, a KV folder) "
          + "really is that large; otherwise check astra.vault.vault.uri and any proxy in between.";
    }
    if (e instanceof VaultUnavailableException u && u.reason() != VaultUnavailableException.Reason.UNREACHABLE) {
      return "Vault is sealed or has no active node: unseal it (vault operator unseal) or let a standby take over, "
          + "and check that astra.vault.vault.uri (or spring.cloud.vault.* when its session is shared) points at "
          + "the cluster. Only the startup token's issue is retried (astra.vault.startup-retries times, waiting "
          + "astra.vault.startup-backoff doubled each time: raise them to wait out an unseal, or set "
          + "astra.vault.fail-fast=false to start without the token); Vault sealed before that (the TokenManager's "
          + "token lookup and org and role writes) fails startup at once.";
    }
    if (e instanceof VaultUnavailableException u && u.reason() == VaultUnavailableException.Reason.UNREACHABLE) {
      return "Vault did not answer: check astra.vault.vault.uri (or spring.cloud.vault.* when its session is shared) "
          + "and the network; for https, astra.vault.vault.ca-file (the CA of Vault's certificate) and, when Vault "
          + "requires mutual TLS, client-certificate-file and client-key-file; and connect-timeout and read-timeout "
          + "if set.";
    }
    return null;
  }
}
