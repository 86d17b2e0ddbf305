package dev.astravault.internal;

import dev.astravault.AstraRateLimitedException;
import dev.astravault.AstraServerException;
import dev.astravault.AstraToken;
import dev.astravault.AstraUnavailableException;
import dev.astravault.ManagedTokenStartException;
import dev.astravault.RenewalSettings;
import dev.astravault.Scheduler;
import dev.astravault.TokenRequest;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.vault.VaultUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The first token of a managed handle: up to {@link RenewalSettings#startupAttempts()} attempts on the calling thread,
 * with the handles' back-off between them. A wait is a task on the manager's {@link Scheduler} that the caller blocks
 * on, so under a manual scheduler a test moves time instead of sleeping. Only transient failures are retried; each
 * failed attempt is audited by the issue path itself ({@code IssueFailed}).
 */
final class StartupRetry {
  private static final Logger LOG = Redaction.logger(StartupRetry.class);
  // A safety net if the scheduler never runs the wake-up (shut down underneath us): then retry without it.
  private static final long SLACK_MILLIS = 60_000;

  private StartupRetry() {}

  static AstraToken issue(TokenRequest request, RenewalSettings settings, Scheduler scheduler,
      Supplier<AstraToken> attempt) {
    int attempts = settings.startupAttempts();
    for (int n = 1; ; n++) {
      RuntimeException failure;
      try {
        return attempt.get();
      } catch (AstraServerException | AstraRateLimitedException | AstraUnavailableException
          | VaultUnavailableException e) {   // Vault unreachable, sealed or without an active node: transient too
        failure = e;
      }
      String what = "the first token for role " + request.role() + " in org " + request.org()
          + request.logicalName().map(name -> " (" + name + ")").orElse("");
      if (n >= attempts) {
        throw new ManagedTokenStartException("could not obtain " + what + " after " + n + " attempt(s): "
            + failure.getClass().getSimpleName() + ": " + RealTokenManager.safeMessage(failure), n, failure);
      }
      Duration wait = Backoff.of(settings, n, failure);
      LOG.warn("obtaining {} failed (attempt {} of {}): {}; retrying in {}", what, n, attempts,
          RealTokenManager.safeMessage(failure), wait);
      if (!sleep(scheduler, wait)) {
        throw new ManagedTokenStartException("interrupted while waiting to retry " + what + " after " + n
            + " attempt(s)", n, failure);
      }
    }
  }

  /** Waits {@code wait} by the scheduler's time; false if interrupted. */
  private static boolean sleep(Scheduler scheduler, Duration wait) {
    CompletableFuture<Void> woke = new CompletableFuture<>();
    Scheduler.Task task = scheduler.schedule(() -> woke.complete(null), wait);
    try {
      woke.get(wait.toMillis() + SLACK_MILLIS, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      task.cancel();
      Thread.currentThread().interrupt();
      return false;
    } catch (TimeoutException | ExecutionException e) {
      task.cancel();
      LOG.warn("the scheduler did not run the startup retry timer within {}; retrying now", wait);
      return true;
    }
  }
}
