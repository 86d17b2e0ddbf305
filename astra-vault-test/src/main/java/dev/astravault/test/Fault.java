package dev.astravault.test;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A scripted misbehaviour of one {@link Endpoint} of a {@link FakeAstra}, made by {@link FakeAstra#fault(Endpoint)}.
 * It applies to the next {@link #times(int)} requests to that endpoint (once by default), after any faults scripted
 * before it; then the endpoint behaves normally again.
 *
 * <p>What happens, in order of precedence:
 * <ul>
 *   <li>{@link #dropConnection()}: the request is read, nothing happens, and the socket is closed without a
 *       response;
 *   <li>{@link #succeedThenDropConnection()}: the request is carried out (a token is really created or revoked),
 *       then the socket is closed without a response: the ambiguous failure a client must settle;
 *   <li>{@link #malformedBody()}: status 200 (or {@link #status}) with a truncated JSON body;
 *   <li>{@link #echoRequest()}: status 400 (or {@link #status}) with an Astra error body whose message quotes the
 *       request, its {@code Authorization} header (the root token) and its body, as a careless proxy or a debug
 *       build of a server would;
 *   <li>{@link #status(int)}: that status with an Astra error body
 *       {@code {"errors":[{"ID":..,"message":..}]}};
 *   <li>only {@link #retryAfter} set: status 503;
 *   <li>only {@link #delay} set: the normal response, late;
 *   <li>nothing set: status 503.
 * </ul>
 * {@link #delay} and {@link #retryAfter} add to any response. Script faults before sending the requests they should
 * affect. Setters fail fast on invalid or contradictory values.
 */
public final class Fault {
  enum Kind { RESPOND, MALFORMED, ECHO, DROP, SUCCEED_THEN_DROP }

  private final Object lock;
  private final Endpoint endpoint;
  private Kind kind = Kind.RESPOND;
  private @Nullable Integer status;
  private @Nullable String retryAfter;
  private Duration delay = Duration.ZERO;
  private int remaining = 1;

  Fault(Object lock, Endpoint endpoint) {
    this.lock = lock;
    this.endpoint = endpoint;
  }

  /**
   * Answers with {@code status} (100 to 599) and an Astra error body (or the malformed body).
   *
   * @param status the HTTP status, 100 to 599
   * @return this fault
   */
  public Fault status(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status not in 100..599: " + status);
    }
    synchronized (lock) {
      requireRespond("status");
      this.status = status;
    }
    return this;
  }

  /**
   * Applies to the next {@code times} requests (at least 1).
   *
   * @param times how many requests it applies to, at least 1
   * @return this fault
   */
  public Fault times(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times < 1: " + times);
    }
    synchronized (lock) {
      this.remaining = times;
    }
    return this;
  }

  /**
   * Adds {@code Retry-After: <whole seconds>}.
   *
   * @param after the delay to announce, in whole seconds
   * @return this fault
   */
  public Fault retryAfter(Duration after) {
    Objects.requireNonNull(after, "after");
    if (after.isNegative()) {
      throw new IllegalArgumentException("retryAfter < 0: " + after);
    }
    return retryAfter(Long.toString(after.toSeconds()));
  }

  /**
   * Adds {@code Retry-After} with this exact value, e.g. an HTTP-date {@code "Wed, 21 Oct 2026 07:28:00 GMT"}.
   *
   * @param value the header's exact value
   * @return this fault
   */
  public Fault retryAfter(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isBlank()) {
      throw new IllegalArgumentException("retryAfter is blank");
    }
    synchronized (lock) {
      requireRespond("retryAfter");
      this.retryAfter = value;
    }
    return this;
  }

  /**
   * Delays the response headers by {@code delay} (real time: MockWebServer waits before writing). Keep it short, or
   * pair it with a client timeout, so tests stay fast.
   *
   * @param delay how long to wait before the headers
   * @return this fault
   */
  public Fault delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay < 0: " + delay);
    }
    synchronized (lock) {
      requireRespond("delay");
      this.delay = delay;
    }
    return this;
  }

  /**
   * Answers with a body that is not valid JSON.
   *
   * @return this fault
   */
  public Fault malformedBody() {
    synchronized (lock) {
      requireKindUnset("malformedBody");
      this.kind = Kind.MALFORMED;
    }
    return this;
  }

  /**
   * Answers with an Astra error body whose message quotes the request's {@code Authorization} header and body: a
   * client that copies server messages into its errors, logs or audit would leak the root token.
   *
   * @return this fault
   */
  public Fault echoRequest() {
    synchronized (lock) {
      requireKindUnset("echoRequest");
      this.kind = Kind.ECHO;
    }
    return this;
  }

  /**
   * Reads the request, does nothing, and closes the connection without a response.
   *
   * @return this fault
   */
  public Fault dropConnection() {
    synchronized (lock) {
      requireKindUnset("dropConnection");
      requireNoResponseSettings("dropConnection");
      this.kind = Kind.DROP;
    }
    return this;
  }

  /**
   * Carries the request out, then closes the connection without a response.
   *
   * @return this fault
   */
  public Fault succeedThenDropConnection() {
    synchronized (lock) {
      requireKindUnset("succeedThenDropConnection");
      requireNoResponseSettings("succeedThenDropConnection");
      this.kind = Kind.SUCCEED_THEN_DROP;
    }
    return this;
  }

  /** {@return the endpoint this fault applies to} */
  public Endpoint endpoint() {
    return endpoint;
  }

  private void requireKindUnset(String what) {
    if (kind != Kind.RESPOND) {
      throw new IllegalStateException(what + ": this fault is already " + kind);
    }
  }

  private void requireRespond(String what) {
    if (kind == Kind.DROP || kind == Kind.SUCCEED_THEN_DROP) {
      throw new IllegalStateException(what + " makes no sense for a fault that sends no response");
    }
  }

  private void requireNoResponseSettings(String what) {
    if (status != null || retryAfter != null || !delay.isZero()) {
      throw new IllegalStateException(what + " conflicts with status, retryAfter or delay set before");
    }
  }

  // Called by FakeAstra under the lock: takes one use, and says whether the fault is used up.
  Snapshot takeOne() {
    remaining--;
    return new Snapshot(kind, status, retryAfter, delay);
  }

  boolean usedUp() {
    return remaining <= 0;
  }

  record Snapshot(Kind kind, @Nullable Integer status, @Nullable String retryAfter, Duration delay) {}

  @Override
  public String toString() {
    synchronized (lock) {
      return "Fault[" + endpoint + ", " + kind + (status == null ? "" : ", status=" + status)
          + (retryAfter == null ? "" : ", retryAfter=" + retryAfter)
          + (delay.isZero() ? "" : ", delay=" + delay) + ", remaining=" + remaining + "]";
    }
  }
}
