package dev.astravault.internal.vault;

import dev.astravault.Scheduler;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.PushPromiseHandler;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * The one {@link HttpClient} of a {@link VaultSession}, handed to vault-java-driver with
 * {@code VaultConfig.httpClient(..)}: its HTTP/1.1 keep-alive connections are pooled across calls, where the driver on
 * its own builds a client (and a connection, and a TLS handshake) per request.
 *
 * <p>Every exchange is bounded twice. Its response body is counted as it arrives and cancelled (closing the
 * connection) once it passes {@code maxBodyBytes}, so at most the cap plus one network read is ever held. And the
 * exchange as a whole, headers and body, must end within {@code deadline}, timed on the injected {@link Scheduler}:
 * JDK 17's {@code HttpRequest.timeout} (the driver's {@code readTimeout}) stops at the response headers, so a body
 * that trickles would otherwise hold the call for as long as the server likes.
 *
 * <p>Why a delegating subclass: the driver calls {@code send(request, BodyHandlers.ofString())} and nothing else,
 * so wrapping that handler here sees every byte of every exchange without changing the driver. The driver ignores
 * its own {@code openTimeout} and SSL settings once a client is given, so {@link #create} sets them.
 */
final class BoundedHttpClient extends HttpClient {
  private final HttpClient delegate;
  private final long maxBodyBytes;
  private final Duration deadline;
  private final Scheduler timer;

  private BoundedHttpClient(HttpClient delegate, long maxBodyBytes, Duration deadline, Scheduler timer) {
    this.delegate = delegate;
    this.maxBodyBytes = maxBodyBytes;
    this.deadline = deadline;
    this.timer = timer;
  }

  /**
   * A pooled client with the driver's own choices (HTTP/1.1, which Vault Agent needs, no redirects) plus ours.
   *
   * @param ssl the context built from the CA and client PEMs, or null for the JVM's trust store
   */
  static BoundedHttpClient create(Duration connectTimeout, @Nullable SSLContext ssl, long maxBodyBytes,
      Duration deadline, Scheduler timer) {
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive: " + deadline);
    }
    HttpClient.Builder b = HttpClient.newBuilder().version(Version.HTTP_1_1).followRedirects(Redirect.NEVER)
        .connectTimeout(connectTimeout);
    if (ssl != null) {
      b.sslContext(ssl);
    }
    return new BoundedHttpClient(b.build(), maxBodyBytes, deadline, Objects.requireNonNull(timer, "timer"));
  }

  /**
   * A body that passed the cap. An {@link IOException}, so the driver wraps it like any transport failure;
   * {@link VaultErrors#noAnswer} finds it in the cause chain and reports it as such.
   */
  static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final long limit;

    BodyTooLargeException(int status, long limit) {
      super("Vault answered HTTP " + status + " with a body larger than the limit of " + limit + " bytes");
      this.status = status;
      this.limit = limit;
    }

    int status() {
      return status;
    }

    long limit() {
      return limit;
    }
  }

  /**
   * The calling thread was interrupted before the request left: nothing was sent. The interrupt status is cleared, as
   * with any InterruptedException; {@link VaultErrors#noAnswer} sets it again once the driver has wrapped this.
   */
  static final class NotSent extends InterruptedException {
    private static final long serialVersionUID = 1L;

    NotSent() {
      super("interrupted before the request was sent");
    }
  }

  /**
   * Sends and waits. An interrupted caller is refused before anything is sent, rather than sending and then giving up
   * the answer at once, which could leave a lease in Vault that no one holds. An interrupt while waiting aborts the
   * exchange, like the read timeout: the request may have taken effect.
   */
  @Override
  public <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler)
      throws IOException, InterruptedException {
    if (Thread.interrupted()) {
      throw new NotSent();
    }
    CompletableFuture<HttpResponse<T>> result = sendAsync(request, handler);
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler) {
    return new Exchange<>(handler).start(request);
  }

  /** Vault speaks HTTP/1.1 here, which has no server push: the push handler is never called. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, BodyHandler<T> handler,
      @Nullable PushPromiseHandler<T> pushPromiseHandler) {
    return sendAsync(request, handler);
  }

  /** One request: its deadline, its in-flight future and body subscription (to cancel both), and its result. */
  private final class Exchange<T> {
    private final BodyHandler<T> handler;
    private final CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
    private volatile @Nullable CompletableFuture<HttpResponse<T>> inFlight;
    private volatile Flow.@Nullable Subscription body;

    Exchange(BodyHandler<T> handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
    }

    CompletableFuture<HttpResponse<T>> start(HttpRequest request) {
      // Timed from before the request leaves; cancelled as soon as the exchange ends either way.
      Scheduler.Task task = timer.schedule(() -> result.completeExceptionally(new HttpTimeoutException(
          "no complete answer within the read timeout of " + deadline.toSeconds() + " s")), deadline);
      result.whenComplete((r, e) -> {
        task.cancel();
        if (e != null) {
          abort();
        }
      });
      CompletableFuture<HttpResponse<T>> f = delegate.sendAsync(request, info -> new Capped<>(info,
          handler.apply(info), this));
      inFlight = f;
      f.whenComplete((r, e) -> {
        if (e == null) {
          result.complete(r);
        } else {
          result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        }
      });
      if (result.isCompletedExceptionally()) {
        abort();
      }
      return result;
    }

    /** Stops the exchange: the JDK aborts a request still waiting for headers; a cancelled body closes the socket. */
    void abort() {
      Flow.Subscription s = body;
      if (s != null) {
        s.cancel();
      }
      CompletableFuture<HttpResponse<T>> f = inFlight;
      if (f != null) {
        f.cancel(true);
      }
    }

    void subscribed(Flow.Subscription s) {
      body = s;
      if (result.isDone()) {
        s.cancel();
      }
    }
  }

  /** Passes the body on until it passes the cap (declared or counted), then cancels it and fails the downstream. */
  private final class Capped<T> implements BodySubscriber<T> {
    private final BodySubscriber<T> downstream;
    private final Exchange<T> exchange;
    private final int status;
    private final long declared;
    private Flow.@Nullable Subscription subscription;
    private long received;
    private boolean failed;

    Capped(HttpResponse.ResponseInfo info, BodySubscriber<T> downstream, Exchange<T> exchange) {
      this.downstream = Objects.requireNonNull(downstream, "the driver's body subscriber");
      this.exchange = exchange;
      this.status = info.statusCode();
      this.declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    }

    @Override
    public CompletionStage<T> getBody() {
      return downstream.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      exchange.subscribed(s);
      downstream.onSubscribe(s);
      if (declared > maxBodyBytes) {
        fail(s);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (failed) {
        return;
      }
      for (ByteBuffer b : items) {
        received += b.remaining();
      }
      if (received > maxBodyBytes) {
        fail(Objects.requireNonNull(subscription));
        return;
      }
      downstream.onNext(items);
    }

    @Override
    public void onError(Throwable t) {
      if (!failed) {
        downstream.onError(t);
      }
    }

    @Override
    public void onComplete() {
      if (!failed) {
        downstream.onComplete();
      }
    }

    private void fail(Flow.Subscription s) {
      failed = true;
      s.cancel();
      downstream.onError(new BodyTooLargeException(status, maxBodyBytes));
    }
  }

  // ------------------------------------------------------------------ the rest is the delegate's

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
