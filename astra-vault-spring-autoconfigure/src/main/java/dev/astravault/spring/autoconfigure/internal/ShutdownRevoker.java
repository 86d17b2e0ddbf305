package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.ManagedToken;
import dev.astravault.internal.redact.Redaction;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * Revokes (or only stops) the managed tokens at shutdown, in a late phase: lifecycle beans stop in descending phase
 * order, so the web server and other consumers have stopped before the token goes away. Earlier, as soon as its
 * context starts closing (before any listener ordered after it, and before any lifecycle bean stops), a startup token
 * never obtained ({@code fail-fast=false}) stops obtaining one, whatever {@code revoke-on-shutdown} says.
 */
public final class ShutdownRevoker implements SmartLifecycle, ApplicationListener<ContextClosedEvent>,
    ApplicationContextAware, Ordered {
  /** Close to the lowest phase: stopped after nearly every other lifecycle bean. */
  public static final int PHASE = Integer.MIN_VALUE + 1024;
  private static final Logger LOG = Redaction.logger(ShutdownRevoker.class);

  private final List<ManagedToken> tokens;
  private final boolean revoke;
  private volatile boolean running;
  private volatile @Nullable ApplicationContext context;

  public ShutdownRevoker(List<ManagedToken> tokens, boolean revoke) {
    this.tokens = List.copyOf(tokens);
    this.revoke = revoke;
  }

  @Override
  public void setApplicationContext(ApplicationContext context) {
    this.context = context;
  }

  /** A child context's close reaches its parent's listeners too: only this context's own close counts. */
  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    ApplicationContext own = context;
    if (own == null || event.getApplicationContext() == own) {
      refuseNewTokens();
    }
  }

  /** First among the close listeners, so that none of them obtains a token. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  private void refuseNewTokens() {
    for (ManagedToken token : tokens) {
      if (token instanceof DeferredManagedToken deferred) {
        deferred.applicationClosing();
      }
    }
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    refuseNewTokens();
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
