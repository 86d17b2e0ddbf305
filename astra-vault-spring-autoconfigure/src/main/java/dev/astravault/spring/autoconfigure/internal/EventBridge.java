package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.internal.redact.Redaction;
import dev.astravault.spring.autoconfigure.AstraTokenEvent;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;

/**
 * Publishes the startup token's events as {@link AstraTokenEvent}s; a throwing application listener is logged.
 * Events that happen before the context is refreshed (the startup issue, while singletons are still being created)
 * are held, in order, and published once {@link ContextRefreshedEvent} arrives: publishing during the refresh would
 * reach listeners that do not exist yet and, from another thread, contend for the singleton lock.
 */
public final class EventBridge implements ManagedTokenListener, ApplicationListener<ContextRefreshedEvent>, Ordered {
  private static final Logger LOG = Redaction.logger(EventBridge.class);
  /** Startup produces one or two events; a token that churns before refresh must not grow memory. */
  static final int MAX_HELD = 256;

  private final ApplicationContext context;
  private final ArrayDeque<ManagedTokenEvent> held = new ArrayDeque<>();
  private boolean refreshed;
  private int dropped;

  public EventBridge(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void onEvent(ManagedTokenEvent event) {
    synchronized (this) {
      if (!refreshed) {
        if (held.size() == MAX_HELD) {
          held.removeFirst();
          dropped++;
        }
        held.addLast(event);
        return;
      }
    }
    publish(event);
  }

  @Override
  public void onApplicationEvent(ContextRefreshedEvent event) {
    if (event.getApplicationContext() != context) {
      return; // a child context's refresh
    }
    // Publish under the lock so that an event of the renewal thread cannot overtake the held ones.
    synchronized (this) {
      if (refreshed) {
        return;
      }
      if (dropped > 0) {
        LOG.warn("{} token events before the context was refreshed were not published (kept the last {})", dropped,
            MAX_HELD);
      }
      List<ManagedTokenEvent> events = List.copyOf(held);
      held.clear();
      refreshed = true;
      events.forEach(this::publish);
    }
  }

  /** After the application's own listeners of the refresh, so they are ready when the held events arrive. */
  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }

  private void publish(ManagedTokenEvent event) {
    try {
      context.publishEvent(new AstraTokenEvent(event));
    } catch (RuntimeException e) {
      // The context may be closing, or a listener failed: neither may disturb the renewal engine.
      LOG.warn("publishing {} failed: {}", event.getClass().getSimpleName(), e.getClass().getName());
    }
  }
}
