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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/** Obtains the startup token: retries what may pass (Astra unavailable, rate limits, store errors), then explains. */
public final class StartupTokens {
  private static final Logger LOG = Redaction.logger(StartupTokens.class);

  /**
   * Waits between retries, reads the monotonic time that {@code astra.vault.startup-timeout} is measured on, and runs
   * each attempt off the startup thread so that the deadline can end the wait for it; a seam so that tests can see
   * the back-off and drive the deadline by hand without sleeping. The auto-configuration uses a single bean of this
   * (internal) type when there is one, else {@link #threadSleep()}.
   */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** {@return monotonic nanoseconds, as {@link System#nanoTime()}; a fake sleeper advances its own} */
    default long nanoTime() {
      return System.nanoTime();
    }

    /** Runs an attempt, or the close of a token that came too late: on a daemon thread of its own. */
    default void start(Runnable work) {
      Thread thread = new Thread(work, "astra-vault-startup-token");
      thread.setDaemon(true);
      thread.start();
    }

    /**
     * Waits for {@code attempt} until {@code deadline} ({@link #nanoTime()} time).
     *
     * @throws TimeoutException when the deadline passes first
     */
    default <T> T await(Future<T> attempt, long deadline)
        throws InterruptedException, ExecutionException, TimeoutException {
      // Subtraction, as nanoTime may wrap; at the deadline or past it, only a finished attempt counts.
      return attempt.get(Math.max(0, deadline - nanoTime()), TimeUnit.NANOSECONDS);
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
   * Calls {@link TokenManager#manage} up to {@code 1 + retries} times, doubling {@code backoff} between attempts,
   * within {@code timeout} from the start of the first (read from {@code sleeper}'s monotonic time): the timeout
   * bounds the whole startup, the last attempt's HTTP calls included. No attempt starts once it has passed, and a
   * wait that would end past it is not slept: startup fails at once. An attempt runs off the calling thread, which
   * waits for it until the deadline only: one still under way then goes on in the background, bounded by its call
   * timeouts, and a token it obtains after all is closed (revoked) at once, so nothing is issued that no one holds.
   *
   * @throws AstraVaultStartupException when every attempt failed, the timeout passed, or a failure cannot pass by
   *     retrying
   */
  public static ManagedToken obtain(TokenManager manager, TokenRequest request, RenewalSettings settings,
      int retries, Duration backoff, Duration timeout, Sleeper sleeper) {
    long start = sleeper.nanoTime();
    long limit = saturatedNanos(timeout);
    Duration wait = backoff;
    @Nullable RuntimeException last = null;
    for (int attempt = 1; ; attempt++) {
      try {
        // The issue latency reaches the metrics through the handle's Issued event (see TokenActivity).
        return attempt(manager, request, settings, sleeper, start + limit);
      } catch (AttemptTimedOut late) {
        throw timedOut(request, attempt, timeout, last, true);
      } catch (AttemptInterrupted interrupted) {
        throw explain("interrupted while obtaining the startup token",
            last != null ? last : Objects.requireNonNull(interrupted.getCause()), -1);
      } catch (RuntimeException thrown) {
        RuntimeException e = unwrap(thrown);
        last = e;
        if (!retryable(e) || attempt > retries) {
          throw explain(startupToken(request) + " could not be obtained"
              + (attempt > 1 ? " after " + attempt + " attempts" : ""), e, -1);
        }
        // Elapsed time by subtraction: nanoTime may wrap.
        long elapsed = sleeper.nanoTime() - start;
        if (elapsed >= limit || saturatedNanos(wait) >= limit - elapsed) {
          throw timedOut(request, attempt, timeout, e, false);
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
          throw timedOut(request, attempt, timeout, e, false);
        }
        wait = wait.multipliedBy(2);
      }
    }
  }

  /**
   * One attempt without a deadline, on the calling thread: the first use under {@code fail-fast=false}, bounded by
   * the call timeouts.
   *
   * @throws AstraVaultStartupException when it fails
   */
  public static ManagedToken once(TokenManager manager, TokenRequest request, RenewalSettings settings) {
    try {
      return manager.manage(request, settings);
    } catch (RuntimeException thrown) {
      throw explain(startupToken(request) + " could not be obtained", unwrap(thrown), -1);
    }
  }

  /** The engine reports a transient failure of its (single) attempt as ManagedTokenStartException. */
  private static RuntimeException unwrap(RuntimeException thrown) {
    return thrown instanceof ManagedTokenStartException && thrown.getCause() instanceof RuntimeException cause
        ? cause : thrown;
  }

  /** The deadline ended the wait for an attempt still under way. */
  private static final class AttemptTimedOut extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AttemptTimedOut() {
      super(null, null, false, false);
    }
  }

  /** The startup thread was interrupted while it waited for an attempt. */
  private static final class AttemptInterrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AttemptInterrupted(InterruptedException e) {
      super("interrupted", e, false, false);
    }
  }

  /**
   * One {@code manage} call started by {@code sleeper} and waited for until {@code deadline}. One that comes too
   * late, or after an interrupt, has its token closed when it arrives: its issue is not waited for, and its token
   * would otherwise stay live with no one to renew, use or revoke it.
   */
  private static ManagedToken attempt(TokenManager manager, TokenRequest request, RenewalSettings settings,
      Sleeper sleeper, long deadline) {
    CompletableFuture<ManagedToken> attempt = new CompletableFuture<>();
    sleeper.start(() -> {
      try {
        attempt.complete(manager.manage(request, settings));
      } catch (Throwable t) {
        attempt.completeExceptionally(t);
      }
    });
    try {
      return sleeper.await(attempt, deadline);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      closeWhenIssued(attempt, request, sleeper);
      throw new AttemptTimedOut();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeWhenIssued(attempt, request, sleeper);
      throw new AttemptInterrupted(e);
    }
  }

  private static void closeWhenIssued(CompletableFuture<ManagedToken> attempt, TokenRequest request,
      Sleeper sleeper) {
    attempt.thenAccept(late -> sleeper.start(() -> {
      LOG.warn("{} was obtained after astra.vault.startup-timeout had ended startup's wait for it: revoking it",
          startupToken(request));
      late.close();
    }));
  }

  private static String startupToken(TokenRequest request) {
    return "the startup token (org " + request.org() + ", role " + request.role() + ", logical name "
        + request.logicalName().orElse("-") + ")";
  }

  /**
   * Startup ran out of {@code astra.vault.startup-timeout}: names it, the attempts (the last {@code underWay} when
   * it passed) and the last failure (null when the first attempt was still under way).
   */
  private static AstraVaultStartupException timedOut(TokenRequest request, int attempts, Duration timeout,
      @Nullable RuntimeException last, boolean underWay) {
    String lastFailure = last == null ? "" : ", the last failure was " + last.getClass().getSimpleName() + ": "
        + last.getMessage();
    // Without a failure to go by: no answer came in time.
    String action = last != null ? explain("", last, -1).action() : "Astra's DevOps API (or Vault, or the lease "
        + "store) did not answer in time. Check astra.vault.orgs[n].url, the network and the store (and "
        + "astra.vault.vault.uri in Vault mode).";
    return new AstraVaultStartupException(startupToken(request) + " could not be obtained within "
        + "astra.vault.startup-timeout (" + timeout + "): " + attempts + (attempts == 1 ? " attempt" : " attempts")
        + (underWay ? ", the last still under way when it passed" : "") + lastFailure,
        "astra.vault.startup-timeout (" + timeout + ") bounds the whole startup token issue, its attempts (their HTTP "
            + "calls included), retries and waits. " + action + " Raise astra.vault.startup-timeout if Astra or Vault "
            + "needs longer to come back; each attempt is also bounded by astra.vault.astra-api.call-timeout (and "
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
