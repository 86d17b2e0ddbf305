package dev.astravault.internal;

import dev.astravault.Actor;
import dev.astravault.ActorProvider;
import java.net.InetAddress;

/** The OS user, host and pid, computed once: they do not change while the process lives. */
public final class SystemActorProvider implements ActorProvider {
  public static final SystemActorProvider INSTANCE = new SystemActorProvider();

  private final Actor actor;

  private SystemActorProvider() {
    String user = System.getProperty("user.name", "unknown");
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
    this.actor = new Actor(user, host, "pid:" + ProcessHandle.current().pid(), null, null);
  }

  @Override
  public Actor current() {
    return actor;
  }
}
