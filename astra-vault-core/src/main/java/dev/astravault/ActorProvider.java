package dev.astravault;

import dev.astravault.internal.SystemActorProvider;

/**
 * Supplies the {@link Actor} of the current call for audit events. Called on the caller's thread for API calls and
 * on the renewal thread for background work. Must be fast and must not throw; it is guarded anyway.
 */
@FunctionalInterface
public interface ActorProvider {
  Actor current();

  /** The OS user, host name and process id (plus an optional application name), computed once. */
  static ActorProvider system() {
    return SystemActorProvider.INSTANCE;
  }

  /** Like {@link #system()}, naming the application. */
  static ActorProvider system(String applicationName) {
    Actor base = SystemActorProvider.INSTANCE.current();
    Actor actor = new Actor(base.user(), base.host(), base.process(), applicationName, null);
    return () -> actor;
  }
}
