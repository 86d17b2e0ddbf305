package dev.astravault.internal;

import dev.astravault.internal.redact.Redaction;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * How a token manager closes: its managed handles first, while the backend and store are still open, so that their
 * revokes can run; then the rest ({@code release}: the engine's executors, background tasks, the backend, the store).
 *
 * <p>A close made from inside a {@code ManagedTokenListener} callback cannot wait: with a direct event executor the
 * callback runs on the thread that would, once the callback returns, do what the revokes wait for (the refresh its
 * timer fire starts), so waiting would only sit out the close timeout. It then returns at once, and the release runs
 * when the revokes finish, or after the longest close timeout (as a waiting close gives up then), on whichever thread
 * gets there. A later close from outside a callback waits for that, within the same timeout.
 */
final class ManagerClosing {
  private static final Logger LOG = Redaction.logger(LeaseEngine.class);

  private final Runnable release;
  private @Nullable CompletableFuture<Void> finished;   // guarded by this; set by the first close
  private Duration timeout = Duration.ZERO;             // guarded by this

  ManagerClosing(Runnable release) {
    this.release = release;
  }

  /** The first close: closes the handles of {@code engine} (if any), then releases the rest (see the class doc). */
  void close(@Nullable LeaseEngine engine) {
    LeaseEngine.HandlesClosing handles = engine == null
        ? new LeaseEngine.HandlesClosing(CompletableFuture.completedFuture(null), Duration.ZERO)
        : engine.closeHandles();
    Runnable releaseAll = () -> {
      if (engine != null) {
        engine.shutdownExecutors();
      }
      release.run();
    };
    if (ListenerDelivery.onDeliveringThread() && !handles.done().isDone()) {
      LOG.debug("token manager closed from a listener callback; it releases its resources once its revokes finish");
      CompletableFuture<Void> bounded = handles.done().handle((v, e) -> (Void) null)
          .completeOnTimeout(null, handles.timeout().toMillis(), TimeUnit.MILLISECONDS);
      CompletableFuture<Void> done = bounded.thenRun(() -> {
        if (!handles.done().isDone()) {
          LOG.warn("closing managed tokens did not finish within {}; the remaining revokes continue in the "
              + "background", handles.timeout());
        }
        releaseAll.run();
      });
      remember(done, handles.timeout());
      return;
    }
    LeaseEngine.await(handles.done(), handles.timeout(), "closing managed tokens");
    releaseAll.run();
    remember(CompletableFuture.completedFuture(null), Duration.ZERO);
  }

  /** A close after the first: waits for the first (begun in a callback, say), unless it is itself in a callback. */
  void awaitEarlierClose() {
    CompletableFuture<Void> done;
    Duration wait;
    synchronized (this) {
      done = finished;
      wait = timeout;
    }
    if (done != null && !done.isDone() && !ListenerDelivery.onDeliveringThread()) {
      LeaseEngine.await(done, wait, "closing the token manager");
    }
  }

  private synchronized void remember(CompletableFuture<Void> done, Duration wait) {
    finished = done;
    timeout = wait;
  }
}
