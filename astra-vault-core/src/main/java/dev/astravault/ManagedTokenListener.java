package dev.astravault;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Observes a {@link ManagedToken}. Events arrive on the manager's event executor, never on the renewal thread, in
 * the order they happened for one handle. Override {@link #onEvent} or the typed methods. A listener must be fast and
 * must not throw; one that throws is logged (by exception type) and skipped.
 */
public interface ManagedTokenListener {

  /** Called for every event; the default dispatches to the typed methods. */
  default void onEvent(ManagedTokenEvent event) {
    if (event instanceof ManagedTokenEvent.Issued e) {
      onIssued(e);
    } else if (event instanceof ManagedTokenEvent.Renewed e) {
      onRenewed(e);
    } else if (event instanceof ManagedTokenEvent.Rotated e) {
      onRotated(e);
    } else if (event instanceof ManagedTokenEvent.Expiring e) {
      onExpiring(e);
    } else if (event instanceof ManagedTokenEvent.Expired e) {
      onExpired(e);
    } else if (event instanceof ManagedTokenEvent.Revoked e) {
      onRevoked(e);
    } else if (event instanceof ManagedTokenEvent.Error e) {
      onError(e);
    }
  }

  default void onIssued(ManagedTokenEvent.Issued event) {}

  default void onRenewed(ManagedTokenEvent.Renewed event) {}

  default void onRotated(ManagedTokenEvent.Rotated event) {}

  default void onExpiring(ManagedTokenEvent.Expiring event) {}

  default void onExpired(ManagedTokenEvent.Expired event) {}

  default void onRevoked(ManagedTokenEvent.Revoked event) {}

  default void onError(ManagedTokenEvent.Error event) {}

  /** A listener that passes every event to {@code consumer}. */
  static ManagedTokenListener of(Consumer<? super ManagedTokenEvent> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    return new ManagedTokenListener() {
      @Override
      public void onEvent(ManagedTokenEvent event) {
        consumer.accept(event);
      }
    };
  }
}
