package dev.astravault;

import dev.astravault.internal.SystemActorProvider;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Supplies the {@link Actor} of the current call for audit events. Called on the caller's thread for API calls and
 * on the scheduler thread for background work (renewals, the expiry sweeper), where no principal is expected. Must
 * be fast and must not throw; it is guarded anyway (a failing provider falls back to {@link #system()}).
 *
 * <p>Integrations compose rather than implement: Spring, for example, uses
 * {@code ActorProvider.system(appName).withPrincipal(() -> currentAuthenticationNameOrNull())}.
 */
@FunctionalInterface
public interface ActorProvider {
  /**
   * The actor of the calling thread's operation; called for every audit event, so it must be cheap.
   *
   * @return the actor
   */
  Actor current();

  /**
   * This provider, with the principal on whose behalf the current call is made taken from {@code principal}
   * (called on every event; returns null when there is none, e.g. on a background thread).
   *
   * @param principal supplies the current principal, or null
   * @return the composed provider
   */
  default ActorProvider withPrincipal(Supplier<@Nullable String> principal) {
    Objects.requireNonNull(principal, "principal");
    ActorProvider base = this;
    return () -> base.current().withPrincipal(principal.get());
  }

  /** {@return a provider of the OS user, host name and process id, computed once} */
  static ActorProvider system() {
    return SystemActorProvider.INSTANCE;
  }

  /**
   * Like {@link #system()}, naming the application.
   *
   * @param applicationName the application name events carry
   * @return the provider
   */
  static ActorProvider system(String applicationName) {
    Objects.requireNonNull(applicationName, "applicationName");
    Actor base = SystemActorProvider.INSTANCE.current();
    Actor actor = new Actor(base.user(), base.host(), base.process(), applicationName, null);
    return () -> actor;
  }
}
