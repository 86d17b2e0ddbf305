package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.ManagedToken;
import dev.astravault.internal.Redaction;
import java.util.List;
import org.slf4j.Logger;
import org.springframework.context.SmartLifecycle;

/**
 * Revokes (or only stops) the managed tokens at shutdown, in a late phase: lifecycle beans stop in descending phase
 * order, so the web server and other consumers have stopped before the token goes away.
 */
public final class ShutdownRevoker implements SmartLifecycle {
  /** Close to the lowest phase: stopped after nearly every other lifecycle bean. */
  public static final int PHASE = Integer.MIN_VALUE + 1024;
  private static final Logger LOG = Redaction.logger(ShutdownRevoker.class);

  private final List<ManagedToken> tokens;
  private final boolean revoke;
  private volatile boolean running;

  public ShutdownRevoker(List<ManagedToken> tokens, boolean revoke) {
    this.tokens = List.copyOf(tokens);
    this.revoke = revoke;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    for (ManagedToken token : tokens) {
      try {
        if (revoke) {
          token.close();
        } else {
          token.stop();
        }
      } catch (RuntimeException e) {
        // Revoke failures are audited by the engine; shutdown goes on.
        LOG.warn("{} the managed token failed: {}", revoke ? "revoking" : "stopping", e.getClass().getName());
      }
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /**
   * Not stopped when Spring 7's test framework pauses a cached context between test classes: that is no shutdown, and
   * a revoked token would stay closed when the context is restarted for the next class. (Spring 6.2 has no pausing
   * and never calls it.)
   */
  @Override
  public boolean isPauseable() {
    return false;
  }
}
