package dev.astravault;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Observes a {@link ManagedToken}. Events arrive on the manager's event executor, never on the renewal thread, in
 * the order they happened for one handle. Override {@link #onEvent} or the typed methods. A listener must be fast and
 * must not throw; one that throws is logged (by exception type) and skipped.
 */
public interface ManagedTokenListener {

  /**
   * Called for every event; the default dispatches to the typed methods.
   *
   * @param event the event
   */
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

  /**
   * A token was issued: the first one, or a rotation's new one.
   *
   * @param event the event
   */
  default void onIssued(ManagedTokenEvent.Issued event) {}

  /**
   * The current token's lease was renewed.
   *
   * @param event the event
   */
  default void onRenewed(ManagedTokenEvent.Renewed event) {}

  /**
   * A new token replaced the old one.
   *
   * @param event the event
   */
  default void onRotated(ManagedTokenEvent.Rotated event) {}

  /**
   * The token is inside its hard margin and no new one is in hand yet.
   *
   * @param event the event
   */
  default void onExpiring(ManagedTokenEvent.Expiring event) {}

  /**
   * The token expired before a new one could be obtained.
   *
   * @param event the event
   */
  default void onExpired(ManagedTokenEvent.Expired event) {}

  /**
   * A token of the handle was revoked.
   *
   * @param event the event
   */
  default void onRevoked(ManagedTokenEvent.Revoked event) {}

  /**
   * A step of the background work failed; {@link ManagedTokenEvent.Error#retryAt()} says when it runs again.
   *
   * @param event the event
   */
  default void onError(ManagedTokenEvent.Error event) {}

  /**
   * A listener that passes every event to {@code consumer}.
   *
   * @param consumer receives every event
   * @return the listener
   */
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
