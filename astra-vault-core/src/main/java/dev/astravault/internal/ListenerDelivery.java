package dev.astravault.internal;

import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.internal.redact.Redaction;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;

/**
 * Delivers managed-token events to listeners on the event executor, guarded, and knows which threads are inside a
 * listener callback: with a direct executor ({@code Runnable::run}) that is the renewal or I/O thread itself, so a
 * {@code close()} made from a callback must not wait for work that thread would do after the callback returns.
 */
final class ListenerDelivery {
  private static final Logger LOG = Redaction.logger(LeaseEngine.class);
  // Set while this thread runs listener callbacks (of any manager: executors may be shared between managers).
  private static final ThreadLocal<Boolean> DELIVERING = new ThreadLocal<>();

  private final Executor executor;

  ListenerDelivery(Executor executor) {
    this.executor = executor;
  }

  /** Whether the calling thread is inside a {@link ManagedTokenListener} callback. */
  static boolean onDeliveringThread() {
    return DELIVERING.get() != null;
  }

  /** Delivers events off the renewal thread, guarded; nothing is allocated when no one listens. */
  void dispatch(ManagedTokenListener[] listeners, List<ManagedTokenEvent> batch) {
    if (listeners.length == 0 || batch.isEmpty()) {
      return;
    }
    try {
      executor.execute(() -> deliver(listeners, batch));
    } catch (RuntimeException rejected) {
      LOG.warn("dropped {} managed token event(s) for lease {}: the event executor refused them ({})",
          batch.size(), batch.get(0).leaseId(), rejected.getClass().getName());
    }
  }

  private static void deliver(ManagedTokenListener[] listeners, List<ManagedTokenEvent> batch) {
    boolean outermost = DELIVERING.get() == null;   // a callback's close() can deliver events of its own, nested
    if (outermost) {
      DELIVERING.set(Boolean.TRUE);
    }
    try {
      for (ManagedTokenEvent event : batch) {
        for (ManagedTokenListener listener : listeners) {
          try {
            listener.onEvent(event);
          } catch (RuntimeException e) {
            LOG.warn("managed token listener {} failed on {}: {}", listener.getClass().getName(),
                event.getClass().getSimpleName(), e.getClass().getName());
          }
        }
      }
    } finally {
      if (outermost) {
        DELIVERING.remove();
      }
    }
  }
}
