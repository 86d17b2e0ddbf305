package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenListener;
import dev.astravault.RenewalSettings;
import dev.astravault.TokenManager;
import dev.astravault.TokenRequest;
import dev.astravault.TokenSnapshot;
import dev.astravault.spring.autoconfigure.ApplicationShuttingDownException;
import org.jspecify.annotations.Nullable;

/**
 * The startup token when {@code astra.vault.fail-fast=false} and it could not be obtained at startup: the first call
 * that needs the token tries again (one attempt per call), and from then on every call goes to the real handle. Once
 * the application context starts closing ({@link #applicationClosing()}), or the handle is stopped or closed, no
 * token is obtained any more: one issued then would outlive the application under {@code revoke-on-shutdown=false}.
 */
public final class DeferredManagedToken implements ManagedToken {
  private final TokenManager manager;
  private final TokenRequest request;
  private final RenewalSettings settings;
  private volatile @Nullable ManagedToken delegate;
  private volatile @Nullable RuntimeException lastFailure;
  private volatile boolean closed;
  private volatile boolean stopped;
  private volatile boolean shuttingDown;

  public DeferredManagedToken(TokenManager manager, TokenRequest request, RenewalSettings settings,
      RuntimeException firstFailure) {
    this.manager = manager;
    this.request = request;
    this.settings = settings;
    this.lastFailure = firstFailure;
  }

  /** {@return what the token is (to be) issued with} */
  public TokenRequest request() {
    return request;
  }

  /** Whether a real handle exists yet; never does I/O. */
  public boolean isObtained() {
    return delegate != null;
  }

  /** The handle, obtained now if need be. */
  public ManagedToken obtain() {
    ManagedToken d = delegate;
    if (d != null) {
      return d;
    }
    synchronized (this) {
      if (delegate == null) {
        if (shuttingDown) {
          throw new ApplicationShuttingDownException("the application is shutting down: the startup token (role "
              + request.role() + ", logical name " + request.logicalName().orElse("-") + ") was never obtained, and "
              + "none is obtained now");
        }
        if (closed || stopped) {
          throw new IllegalStateException("the managed token is " + (closed ? "closed" : "stopped"));
        }
        try {
          // One attempt, on the caller's thread, so no deadline applies: it is bounded by the call timeouts.
          delegate = StartupTokens.once(manager, request, settings);
          lastFailure = null;
        } catch (RuntimeException e) {
          lastFailure = e;
          throw StartupTokens.explain("no startup token yet", e, -1);
        }
      }
      return delegate;
    }
  }

  /**
   * The application context has started closing: from now on no token is obtained ({@link
   * ApplicationShuttingDownException}); a handle already obtained is served until it is stopped or closed. Does not
   * wait for an attempt under way: {@link #stop()} and {@link #close()} do, and then stop or close its handle.
   */
  public void applicationClosing() {
    shuttingDown = true;
  }

  /** Why the last attempt failed, while there is no handle. */
  public @Nullable RuntimeException lastFailure() {
    return lastFailure;
  }

  @Override
  public String current() {
    return obtain().current();
  }

  @Override
  public TokenSnapshot snapshot() {
    return obtain().snapshot();
  }

  @Override
  public State state() {
    ManagedToken d = delegate;
    return d != null ? d.state() : closed || stopped || shuttingDown ? State.CLOSED : State.EXPIRED;
  }

  @Override
  public void addListener(ManagedTokenListener listener) {
    obtain().addListener(listener);
  }

  @Override
  public boolean removeListener(ManagedTokenListener listener) {
    ManagedToken d = delegate;
    return d != null && d.removeListener(listener);
  }

  @Override
  public void rotateNow() {
    obtain().rotateNow();
  }

  /** Synchronized like {@link #obtain()}: a handle obtained by an attempt under way is stopped too, not leaked. */
  @Override
  public synchronized void stop() {
    stopped = true;
    ManagedToken d = delegate;
    if (d != null) {
      d.stop();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    ManagedToken d = delegate;
    if (d != null) {
      d.close();
    }
  }

  @Override
  public String toString() {
    ManagedToken d = delegate;
    return d != null ? d.toString() : "DeferredManagedToken[" + request + ", not obtained]";
  }
}
