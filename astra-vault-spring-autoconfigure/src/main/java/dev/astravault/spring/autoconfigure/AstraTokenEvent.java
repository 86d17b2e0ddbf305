package dev.astravault.spring.autoconfigure;

import dev.astravault.ManagedTokenEvent;
import org.springframework.context.ApplicationEvent;

/**
 * A lifecycle event of the startup {@link dev.astravault.ManagedToken} (issued, renewed, rotated, expiring, expired,
 * revoked, error), published as a Spring {@link ApplicationEvent}. Carries no token or secret.
 *
 * <pre>{@code
 * @EventListener
 * void onRotated(AstraTokenEvent event) {
 *   if (event.event() instanceof ManagedTokenEvent.Rotated) { rebuildDataApiClient(); }
 * }
 * }</pre>
 *
 * <p>Published off the renewal thread, on astra-vault's event executor, in the order the events happened. Events
 * that happen while the context is being refreshed (the startup issue) are published once it is refreshed, right
 * after {@code ContextRefreshedEvent}.
 */
public class AstraTokenEvent extends ApplicationEvent {
  private static final long serialVersionUID = 1L;

  private final transient ManagedTokenEvent event;

  /**
   * Wraps a managed token's event; the event is also the source.
   *
   * @param event what happened
   */
  public AstraTokenEvent(ManagedTokenEvent event) {
    super(event);
    this.event = event;
  }

  /** {@return what happened} */
  public ManagedTokenEvent event() {
    return event;
  }

  @Override
  public String toString() {
    return "AstraTokenEvent[" + event.getClass().getSimpleName() + ", lease=" + event.leaseId() + ", generation="
        + event.generation() + "]";
  }
}
