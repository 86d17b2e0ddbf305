package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.internal.Redaction;
import dev.astravault.spring.autoconfigure.AstraTokenEvent;
import org.slf4j.Logger;
import org.springframework.context.ApplicationEventPublisher;

/** Publishes the startup token's events as {@link AstraTokenEvent}s; a throwing application listener is logged. */
public final class EventBridge implements ManagedTokenListener {
  private static final Logger LOG = Redaction.logger(EventBridge.class);

  private final ApplicationEventPublisher publisher;

  public EventBridge(ApplicationEventPublisher publisher) {
    this.publisher = publisher;
  }

  @Override
  public void onEvent(ManagedTokenEvent event) {
    try {
      publisher.publishEvent(new AstraTokenEvent(event));
    } catch (RuntimeException e) {
      // The context may be closing, or a listener failed: neither may disturb the renewal engine.
      LOG.warn("publishing {} failed: {}", event.getClass().getSimpleName(), e.getClass().getName());
    }
  }
}
