package dev.astravault.internal;

import dev.astravault.AstraToken;
import dev.astravault.Lease;
import dev.astravault.LeaseExpiredException;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenEvent.Stage;
import dev.astravault.ManagedTokenListener;
import dev.astravault.MaxTtlExceededException;
import dev.astravault.NotFoundException;
import dev.astravault.Renewal;
import dev.astravault.RenewalSettings;
import dev.astravault.Scheduler;
import dev.astravault.TokenInfo;
import dev.astravault.TokenRequest;
import dev.astravault.TokenSnapshot;
import dev.astravault.event.RevokeReason;
import dev.astravault.internal.redact.Redaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The one {@link ManagedToken}: a volatile snapshot for readers, and a small state machine for the writers.
 *
 * <p>Readers never lock, except the first reader of each token generation, which records the read (see
 * {@code slowCurrent}). Writers (the scheduler thread, I/O threads, {@code stop}/{@code close}) change the control
 * state under this object's monitor and publish a new immutable snapshot with one volatile write. Astra calls never
 * run under the monitor. Every fire carries the token of the timer entry it came from and does nothing once the timer
 * was re-armed or disarmed since (a fire popped from the queue can lose the race with a re-arm).
 *
 * <p>Why this class is long: it is one state machine guarded by one monitor. Its readers, planning, timers, refresh,
 * overlap drains and shutdown all read and write the same guarded fields; split across classes, each would have to
 * share that lock, and the invariants (one armed timer, one refresh in flight, one snapshot per generation) could no
 * longer be checked in one place.
 */
final class ManagedLease extends TimerQueue.Timer implements ManagedToken {
  private static final Logger LOG = Redaction.logger(ManagedToken.class);
  private static final ManagedTokenListener[] NO_LISTENERS = new ManagedTokenListener[0];
  private static final long NONE = Long.MIN_VALUE;

  // Where the handle is in its life: two bits of `bits`, not an enum reference (one per managed lease).
  private static final int RUNNING = 0;
  private static final int STOPPED = 1;
  private static final int CLOSED = 2;
  // `bits`: the failure count in the low 24 bits, then three flags and the life.
  /** The most failures a handle counts: past it the count stays there (the back-off stopped growing at 31). */
  static final int MAX_FAILURES = (1 << 24) - 1;
  private static final int IN_FLIGHT = 1 << 24;
  private static final int FORCE_ROTATE = 1 << 25;
  private static final int OWNED = 1 << 26;
  private static final int LIFE_SHIFT = 27;

  /** An old token in its overlap, to be revoked at {@code revokeAt}. */
  static final class Drain {
    final String leaseId;
    final TokenInfo info;
    final @Nullable String promote;
    Instant revokeAt;
    int failures;
    Scheduler.@Nullable Task task;

    Drain(String leaseId, TokenInfo info, @Nullable String promote, Instant revokeAt) {
      this.leaseId = leaseId;
      this.info = info;
      this.promote = promote;
      this.revokeAt = revokeAt;
    }
  }

  /**
   * What a handle runs on and with: its engine, its settings and its listeners (the settings' at first). Immutable: a
   * handle that adds or removes a listener gets a copy of its own, and the handles of one engine and one settings
   * object share one (LeaseEngine.wiring), so a handle holds one reference for the three (issue 15, P3: 8 B a handle).
   */
  static final class Wiring {
    final LeaseEngine engine;
    final RenewalSettings settings;
    final ManagedTokenListener[] listeners;   // never written into: a change makes a new array and a new Wiring

    private Wiring(LeaseEngine engine, RenewalSettings settings, ManagedTokenListener[] listeners) {
      this.engine = engine;
      this.settings = settings;
      this.listeners = listeners;
    }

    static Wiring of(LeaseEngine engine, RenewalSettings settings) {
      List<ManagedTokenListener> initial = settings.listeners();
      return new Wiring(engine, settings,
          initial.isEmpty() ? NO_LISTENERS : initial.toArray(ManagedTokenListener[]::new));
    }

    Wiring with(ManagedTokenListener[] listeners) {
      return new Wiring(engine, settings, listeners);
    }
  }

  // A handle is 72 B (compressed references, 8-byte alignment): the 12-byte header, the timer's 20 B (two longs and an
  // int), seven references, a long and an int. One reference more would make it 80 B.
  // The engine, settings and listeners in one object, most often shared (see Wiring). Written under this when a
  // listener is added or removed; read without a lock.
  private volatile Wiring wiring;
  private final TokenRequest request;
  private volatile TokenSnapshot current;
  // The fast path's projection of `current`: the token while ACTIVE and its first read recorded, else null. Written
  // after `current`, so a reader that sees a token here sees a snapshot at least that new; one volatile load of an
  // immutable String is all current() costs while the token is fresh.
  private volatile @Nullable String servable;
  // The token of `current` whose first read is recorded (or being recorded), as its Views.key, else null. Written under
  // this, and only for the token of `current`, which never goes back to an older one: so an identity check is enough.
  private volatile @Nullable Object readToken;

  // Guarded by the engine's handle list: this handle's neighbours in it.
  @Nullable ManagedLease prevHandle;
  @Nullable ManagedLease nextHandle;
  // The rest is guarded by this.
  // When the next refresh starts, in epoch nanoseconds (NONE: not planned); a long, not an Instant, to keep a
  // 24-byte object per handle off the heap.
  private long nextAttempt = NONE;
  // The failure count since the last success (MAX_FAILURES & bits, saturating), IN_FLIGHT (a refresh is under way),
  // FORCE_ROTATE (rotateNow asked for a new token), OWNED (this handle made its token: revoke it on close) and the
  // life (bits >>> LIFE_SHIFT): one int, where five fields took 8 B. The old tokens in their overlap (drains) are
  // kept by the engine (LeaseEngine.drains), for the few handles that have any.
  private int bits;

  ManagedLease(Wiring wiring, TokenRequest request, AstraToken first, boolean owned) {
    this.wiring = wiring;
    this.request = request;
    this.bits = owned ? OWNED : 0;   // RUNNING, no failure
    this.current = new TokenSnapshot(first, 1, State.ACTIVE);
    this.servable = null;  // the first read of the first token is recorded too
  }

  // ------------------------------------------------------------------ the packed fields (all under this)

  private boolean is(int flag) {
    return (bits & flag) != 0;
  }

  private void set(int flag, boolean on) {
    bits = on ? bits | flag : bits & ~flag;
  }

  private int life() {
    return bits >>> LIFE_SHIFT;
  }

  private void life(int life) {
    bits = bits & ~(3 << LIFE_SHIFT) | life << LIFE_SHIFT;
  }

  private int failures() {
    return bits & MAX_FAILURES;
  }

  /** Counts one more failure (at most {@link #MAX_FAILURES}) and returns the count. */
  private int countFailure() {
    if (failures() < MAX_FAILURES) {
      bits++;
    }
    return failures();
  }

  private void clearFailures() {
    bits &= ~MAX_FAILURES;
  }

  /** This handle's old tokens in their overlap, or null; the list is guarded by this. */
  private @Nullable List<Drain> drains() {
    return engine().drains().get(this);
  }

  private @Nullable Instant nextAttemptAt() {
    return nextAttempt == NONE ? null : Instant.ofEpochSecond(0, nextAttempt);
  }

  RenewalSettings settings() {
    return wiring.settings;
  }

  LeaseEngine engine() {
    return wiring.engine;
  }

  /** Arms the first timer; {@code issueLatency} is how long obtaining the first token took. */
  void start(Duration issueLatency) {
    Instant now = engine().clock().instant();
    TokenSnapshot s = current;
    synchronized (this) {
      nextAttempt = TimerQueue.nanos(plan(s, now));
      arm(now);
    }
    emit(List.of(new ManagedTokenEvent.Issued(now, s.leaseId(), s.generation(), s.info(), issueLatency)));
  }

  // ------------------------------------------------------------------ readers

  @Override
  public String current() {
    String token = servable;
    return token != null ? token : slowCurrent(current);
  }

  /**
   * Off the fast path: not ACTIVE, or the first read of this token generation (a new token or a renewal), which is
   * audited once with the caller's actor. Other readers of that generation do not wait for the audit: they serve
   * the token unaudited, like every later read.
   */
  private String slowCurrent(TokenSnapshot c) {
    TokenSnapshot s = serve(c);
    while (Views.key(s) != readToken) {
      switch (claimFirstRead(s)) {
        case CLAIMED -> {
          // Outside the monitor: a slow sink must not hold up the timers, renewals or rotations.
          engine().auditRead(s);
          makeServable(s);
          // ACTIVE is what the fast path would serve; otherwise the audit took time, so the clock decides again.
          return s.state() == State.ACTIVE ? s.token() : checked(s).token();
        }
        case STALE -> s = serve(current);  // a newer snapshot was published: serve (and maybe record) that one
        case TAKEN -> {
          return s.token();                // another reader recorded it
        }
      }
    }
    return s.token();
  }

  /** The snapshot whose token may be served now (waiting for a refresh under way inside the hard margin), or throws. */
  private TokenSnapshot serve(TokenSnapshot c) {
    if (c.state() == State.CLOSED) {
      throw new IllegalStateException("the managed token of lease " + c.leaseId() + " is closed");
    }
    if (c.state() == State.EXPIRING) {
      TokenSnapshot after = awaitRefresh(c);
      if (after != c) {
        return after.state() == State.ACTIVE ? after : checked(after);
      }
    }
    return checked(c);
  }

  // Below the hard margin the timer may lag, so the clock decides: a still-valid token is served, never an expired one.
  private TokenSnapshot checked(TokenSnapshot s) {
    if (s.state() == State.CLOSED) {
      throw new IllegalStateException("the managed token of lease " + s.leaseId() + " is closed");
    }
    if (s.state() != State.EXPIRED && engine().clock().instant().isBefore(s.expiresAt())) {
      return s;
    }
    throw new LeaseExpiredException(s.leaseId(), s.expiresAt());
  }

  private enum Claim { CLAIMED, STALE, TAKEN }

  /** Claims the audit of the first read of {@code s}'s token: only while {@code s} is current, only once. */
  private synchronized Claim claimFirstRead(TokenSnapshot s) {
    if (current != s) {
      return readToken == Views.key(s) ? Claim.TAKEN : Claim.STALE;
    }
    if (readToken == Views.key(s)) {
      return Claim.TAKEN;
    }
    readToken = Views.key(s);
    return Claim.CLAIMED;
  }

  /** After the first read of an ACTIVE snapshot is recorded, later reads take the fast path (unless replaced). */
  private synchronized void makeServable(TokenSnapshot s) {
    if (current == s) {
      servable = servable(s);
    }
  }

  private TokenSnapshot awaitRefresh(TokenSnapshot seen) {
    long deadline = System.nanoTime() + settings().maxWait().toNanos();
    synchronized (this) {
      while (current == seen && is(IN_FLIGHT)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return current;
    }
  }

  @Override
  public TokenSnapshot snapshot() {
    return current;
  }

  @Override
  public synchronized void addListener(ManagedTokenListener listener) {
    Objects.requireNonNull(listener, "listener");
    Wiring w = wiring;
    ManagedTokenListener[] next = Arrays.copyOf(w.listeners, w.listeners.length + 1);
    next[w.listeners.length] = listener;
    wiring = w.with(next);   // this handle's own copy from now on: the shared one stays as it was
  }

  @Override
  public synchronized boolean removeListener(ManagedTokenListener listener) {
    Wiring w = wiring;
    List<ManagedTokenListener> list = new ArrayList<>(Arrays.asList(w.listeners));
    if (!list.remove(listener)) {
      return false;   // nothing changes: the handle keeps the wiring it shares
    }
    wiring = w.with(list.isEmpty() ? NO_LISTENERS : list.toArray(ManagedTokenListener[]::new));
    return true;
  }

  // ------------------------------------------------------------------ planning (all under this)

  /** When the next refresh should start, from the snapshot's absolute instants. */
  private Instant plan(TokenSnapshot s, Instant now) {
    RenewalSettings settings = settings();
    Lease lease = s.lease();
    Instant expiresAt = lease.expiresAt();
    Duration hard = settings.hardMargin(lease.ttl());
    Instant latest = expiresAt.minus(hard);
    Instant horizon;
    // Not canExtend(lease, now): right after an issue or renewal, renewing *now* would not extend anything yet.
    if (lease.renewable() && lease.expiresAt().isBefore(lease.maxExpiresAt())) {
      horizon = expiresAt;
    } else {
      // Rotation: the old token must still be valid for the whole overlap after the swap.
      horizon = expiresAt.minus(settings.rotationOverlap());
      latest = min(latest, horizon);
    }
    Duration window = Duration.between(now, horizon);
    if (window.isNegative() || window.isZero()) {
      return now;
    }
    double fraction = settings.refreshFraction();
    if (settings.jitter() > 0) {
      fraction += ThreadLocalRandom.current().nextDouble(-settings.jitter(), settings.jitter());
    }
    Instant at = now.plusNanos((long) (window.toNanos() * fraction));
    at = min(at, latest);
    return at.isBefore(now) ? now : at;
  }

  /** Whether renewing now would push the expiry out (not yet at the max TTL, and renewable). */
  private static boolean canExtend(Lease lease, Instant now) {
    if (!lease.renewable() || !lease.expiresAt().isBefore(lease.maxExpiresAt())) {
      return false;
    }
    return min(now.plus(lease.ttl()), lease.maxExpiresAt()).isAfter(lease.expiresAt());
  }

  /** Arms the one timer for the earliest of: next attempt, hard margin, expiry (a fire under way is superseded). */
  private void arm(Instant now) {
    if (life() != RUNNING) {
      engine().timers().disarm(this);
      return;
    }
    TokenSnapshot s = current;
    Instant wake = is(IN_FLIGHT) ? null : nextAttemptAt();
    if (s.state() == State.ACTIVE) {
      wake = min(wake, s.expiresAt().minus(settings().hardMargin(s.lease().ttl())));
    }
    if (s.state() != State.EXPIRED) {
      wake = min(wake, s.expiresAt());
    }
    if (wake != null) {
      engine().timers().arm(this, wake);
    } else {
      engine().timers().disarm(this);
    }
  }

  // ------------------------------------------------------------------ timer (scheduler thread)

  @Override
  void onTimer(int token) {
    Instant now = engine().clock().instant();
    List<ManagedTokenEvent> events = new ArrayList<>(2);
    boolean refresh = false;
    Throwable expired = null;
    synchronized (this) {
      if (!engine().timers().isCurrent(this, token) || life() != RUNNING) {
        return;
      }
      TokenSnapshot s = current;
      if (s.state() != State.EXPIRED && !now.isBefore(s.expiresAt())) {
        TokenSnapshot next = publish(s.withState(State.EXPIRED));
        events.add(new ManagedTokenEvent.Expired(now, s.leaseId(), next.generation(), s.expiresAt()));
        expired = new LeaseExpiredException(s.leaseId(), s.expiresAt());
      } else if (s.state() == State.ACTIVE
          && !now.isBefore(s.expiresAt().minus(settings().hardMargin(s.lease().ttl())))) {
        TokenSnapshot next = publish(s.withState(State.EXPIRING));
        events.add(new ManagedTokenEvent.Expiring(now, s.leaseId(), next.generation(), s.expiresAt()));
      }
      if (!is(IN_FLIGHT) && nextAttempt != NONE && TimerQueue.nanos(now) >= nextAttempt) {
        set(IN_FLIGHT, true);
        refresh = true;
      }
      arm(now);
    }
    if (expired != null) {
      LOG.error("managed token of lease {} expired with no replacement; retrying", current.leaseId());
      engine().auditFailure(current, "EXPIRY", expired, failures(), nextAttemptAt());
    }
    emit(events);
    if (refresh) {
      boolean closedByListener;
      synchronized (this) {
        closedByListener = life() == CLOSED;   // a listener closed the handle while the events above were delivered
        set(IN_FLIGHT, is(IN_FLIGHT) && !closedByListener);
      }
      if (closedByListener) {
        refreshEnded();                      // nothing was started: no renewal or new token for a closed handle
      } else {
        submitRefresh();
      }
    }
  }

  private void submitRefresh() {
    try {
      engine().io().execute(() -> {
        try {
          refresh();
        } finally {
          refreshEnded();
        }
      });
    } catch (RuntimeException rejected) {
      failed(Stage.SUBMIT, rejected);
      refreshEnded();
    }
  }

  /** After a refresh, including the revoke of a new token that arrived after close: lets a waiting close() return. */
  private void refreshEnded() {
    boolean closed;
    synchronized (this) {
      closed = life() == CLOSED;
    }
    if (closed) {
      engine().refreshEnded(this);
    }
  }

  // ------------------------------------------------------------------ refresh (I/O thread)

  private void refresh() {
    TokenSnapshot s = current;
    Instant now = engine().clock().instant();
    boolean rotate;
    synchronized (this) {
      rotate = is(FORCE_ROTATE) || !canExtend(s.lease(), now);
    }
    if (!rotate) {
      try {
        Renewal renewal = engine().manager().renew(s.leaseId());
        renewed(s, renewal.lease());
        return;
      } catch (MaxTtlExceededException | LeaseExpiredException | NotFoundException cannot) {
        // The lease cannot be extended any more (or is gone): a new token is the only way forward.
        LOG.info("lease {} cannot be renewed ({}); rotating", s.leaseId(), cannot.getClass().getSimpleName());
      } catch (RuntimeException e) {
        failed(Stage.RENEW, e);
        return;
      }
    }
    rotate(s);
  }

  private void renewed(TokenSnapshot before, Lease lease) {
    Instant now = engine().clock().instant();
    List<ManagedTokenEvent> events = new ArrayList<>(1);
    synchronized (this) {
      set(IN_FLIGHT, false);
      clearFailures();
      TokenSnapshot s = current;
      if (!s.leaseId().equals(before.leaseId()) || life() == CLOSED) {
        arm(now);
        return;
      }
      AstraToken token = s.astraToken();
      TokenInfo info = token.info();
      TokenInfo extended = info.withLease(lease);
      // compact(): no I/O under this monitor, it only reads a store that holds its records in memory.
      TokenSnapshot next = publish(new TokenSnapshot(engine().compact(new AstraToken(extended, token.token(),
          token.secret())), s.generation() + 1, life() == STOPPED ? State.STOPPED : State.ACTIVE));
      nextAttempt = TimerQueue.nanos(plan(next, now));
      arm(now);
      events.add(new ManagedTokenEvent.Renewed(now, next.leaseId(), next.generation(), extended));
    }
    emit(events);
  }

  /** Issue → validate → swap; the old token is revoked after the overlap by its drain timer. */
  private void rotate(TokenSnapshot old) {
    AstraToken fresh;
    long issueStart = System.nanoTime(); // monotonic: the injected clock may stand still or jump
    try {
      fresh = engine().issueForRotation(request, old.leaseId());
    } catch (RuntimeException e) {
      failed(Stage.ISSUE, e);
      return;
    }
    Duration issueLatency = Duration.ofNanos(System.nanoTime() - issueStart);
    try {
      engine().validate(fresh);
    } catch (RuntimeException e) {
      engine().reject(fresh, request, e);
      failed(Stage.VALIDATE, e);
      return;
    }
    swap(old, engine().compact(fresh), issueLatency);
  }

  private void swap(TokenSnapshot old, AstraToken fresh, Duration issueLatency) {
    Instant now = engine().clock().instant();
    String freshLease = fresh.lease().leaseId();
    List<ManagedTokenEvent> events = new ArrayList<>(2);
    synchronized (this) {
      set(IN_FLIGHT, false);
      if (life() == CLOSED) {
        // Closed while the new token was being made: it was never handed out, so end it now.
        notifyAll();
        events = null;
      } else {
        clearFailures();
        set(FORCE_ROTATE, false);
        TokenSnapshot previous = current;
        TokenSnapshot next = publish(new TokenSnapshot(fresh, previous.generation() + 1,
            life() == STOPPED ? State.STOPPED : State.ACTIVE));
        set(OWNED, true);
        // An expired old token has nothing left to drain: revoke it at once.
        Instant revokeAt = min(now.plus(settings().rotationOverlap()), previous.expiresAt());
        boolean unique = fresh.info().style() == dev.astravault.IssueStyle.UNIQUE;
        addDrain(new Drain(previous.leaseId(), previous.info(), unique ? freshLease : null,
            revokeAt.isBefore(now) ? now : revokeAt), now);
        nextAttempt = TimerQueue.nanos(plan(next, now));
        arm(now);
        events.add(new ManagedTokenEvent.Issued(now, freshLease, next.generation(), fresh.info(), issueLatency));
        events.add(new ManagedTokenEvent.Rotated(now, freshLease, next.generation(), previous.info(),
            fresh.info(), issueLatency));
      }
    }
    if (events == null) {
      engine().revokeQuietly(freshLease, RevokeReason.SHUTDOWN);
      return;
    }
    LOG.info("rotated managed token: lease {} replaces {} (overlap {})", freshLease, old.leaseId(),
        settings().rotationOverlap());
    emit(events);
  }

  // ------------------------------------------------------------------ drains (old tokens in their overlap)

  private void addDrain(Drain drain, Instant now) {
    engine().drains().computeIfAbsent(this, h -> new ArrayList<>(1)).add(drain);
    armDrain(drain, now);
  }

  private void armDrain(Drain drain, Instant now) {
    Scheduler.Task old = drain.task;
    if (old != null) {
      old.cancel();
    }
    Instant due = drain.revokeAt;
    drain.task = life() != CLOSED ? engine().scheduler().schedule(() -> onDrainTimer(drain, due),
        Duration.between(now, due)) : null;
  }

  private void onDrainTimer(Drain drain, Instant due) {
    synchronized (this) {
      // Superseded (re-armed, dropped or closed): do nothing. A stopped handle still ends its overlaps.
      List<Drain> drains = drains();
      if (life() == CLOSED || drains == null || !drains.contains(drain) || !drain.revokeAt.equals(due)) {
        return;
      }
      drain.task = null;
    }
    try {
      engine().io().execute(() -> runDrain(drain));
    } catch (RuntimeException rejected) {
      drainFailed(drain, Stage.SUBMIT, rejected);
    }
  }

  private void runDrain(Drain drain) {
    try {
      engine().revoke(drain.leaseId, RevokeReason.ROTATED);
    } catch (RuntimeException e) {
      drainFailed(drain, Stage.REVOKE, e);
      return;
    }
    try {
      if (drain.promote != null) {
        engine().promote(drain.promote);
      }
    } catch (RuntimeException e) {
      drainFailed(drain, Stage.PROMOTE, e);
      return;
    }
    Instant now = engine().clock().instant();
    long generation;
    synchronized (this) {
      List<Drain> drains = drains();
      if (drains != null) {
        drains.remove(drain);
        if (drains.isEmpty()) {
          engine().drains().remove(this);
        }
      }
      generation = current.generation();
    }
    emit(List.of(new ManagedTokenEvent.Revoked(now, drain.leaseId, generation, drain.info, RevokeReason.ROTATED)));
  }

  private void drainFailed(Drain drain, Stage stage, RuntimeException e) {
    Instant now = engine().clock().instant();
    Instant retryAt;
    long generation;
    synchronized (this) {
      drain.failures++;
      retryAt = now.plus(backoff(drain.failures, e, null, now));
      drain.revokeAt = retryAt;
      armDrain(drain, now);
      generation = current.generation();
      if (life() == CLOSED || drain.task == null) {
        retryAt = null;
      }
    }
    report(stage, e, drain.failures, retryAt, drain.leaseId, generation, now);
  }

  // ------------------------------------------------------------------ failures

  private void failed(Stage stage, RuntimeException e) {
    Instant now = engine().clock().instant();
    Instant retryAt;
    int attempt;
    TokenSnapshot s;
    synchronized (this) {
      set(IN_FLIGHT, false);
      attempt = countFailure();
      s = current;
      retryAt = now.plus(backoff(attempt, e, s.expiresAt(), now));
      nextAttempt = TimerQueue.nanos(retryAt);
      arm(now);
      notifyAll();
      if (life() != RUNNING) {
        retryAt = null;
      }
    }
    report(stage, e, attempt, retryAt, s.leaseId(), s.generation(), now);
  }

  private void report(Stage stage, RuntimeException e, int attempt, @Nullable Instant retryAt, String leaseId,
      long generation, Instant now) {
    LOG.warn("managed token of lease {}: {} failed (attempt {}, retry at {}): {}", leaseId, stage, attempt,
        retryAt, RealTokenManager.safeMessage(e));
    engine().auditFailure(current, stage.name(), e, attempt, retryAt);
    emit(List.of(new ManagedTokenEvent.Error(now, leaseId, generation, stage, e, attempt, retryAt)));
  }

  /**
   * Capped exponential back-off with equal jitter ({@code [d/2, d]}, so a retry really waits), stretched to a
   * {@code Retry-After}, and bounded by the validity left: while the token is valid a retry never waits more than
   * half of what is left (but at least half the base, so there is no tight loop near expiry).
   */
  private Duration backoff(int attempt, RuntimeException e, @Nullable Instant expiresAt, Instant now) {
    RenewalSettings settings = settings();
    long base = settings.backoffBase().toMillis();
    long wait = Backoff.millis(settings, attempt, e);
    if (expiresAt != null && now.isBefore(expiresAt)) {
      long half = Duration.between(now, expiresAt).toMillis() / 2;
      wait = Math.min(wait, Math.max(half, base / 2));
    }
    return Duration.ofMillis(Math.max(1, wait));
  }

  // ------------------------------------------------------------------ control

  @Override
  public void rotateNow() {
    boolean start = false;
    synchronized (this) {
      if (life() != RUNNING) {
        throw new IllegalStateException("the managed token is " + (life() == STOPPED ? "stopped" : "closed"));
      }
      set(FORCE_ROTATE, true);
      if (!is(IN_FLIGHT)) {
        set(IN_FLIGHT, true);
        start = true;
        arm(engine().clock().instant());
      }
    }
    if (start) {
      submitRefresh();
    }
  }

  /**
   * Stops renewing and rotating. A token still in its rotation overlap is revoked at the end of the overlap as
   * planned (and, UNIQUE style, its successor promoted): it is no longer served, and leaving it would leave the triple
   * with an unpromoted successor.
   */
  @Override
  public void stop() {
    stop(false);
  }

  /** {@code dropDrains}: also cancel the overlap revokes (the manager is shutting down without revoking). */
  void stop(boolean dropDrains) {
    synchronized (this) {
      if (life() != RUNNING) {
        if (dropDrains && life() == STOPPED) {
          cancelTimers(true);
        }
        return;
      }
      life(STOPPED);
      cancelTimers(dropDrains);
      TokenSnapshot s = current;
      if (s.state() != State.EXPIRED) {
        publish(s.withState(State.STOPPED));
      }
    }
    LOG.info("stopped the managed token of lease {}; its leases are kept", current.leaseId());
  }

  @Override
  public void close() {
    CompletableFuture<Void> done = closeAsync();
    if (ListenerDelivery.onDeliveringThread()) {
      // Called from a listener callback: what close waits for may be this thread's own work once the callback
      // returns (the refresh its timer fire starts, a revoke queued behind it), so waiting would only time out.
      LOG.debug("closed the managed token of lease {} from a listener; its revokes finish without waiting",
          current.leaseId());
      return;
    }
    LeaseEngine.await(done, settings().closeTimeout(), "closing the managed token of lease " + current.leaseId());
  }

  /** Marks the handle closed and revokes what it owns on the I/O executor; completes when the revokes finish. */
  CompletableFuture<Void> closeAsync() {
    List<TokenInfo> toRevoke = new ArrayList<>(2);
    List<CompletableFuture<Void>> revokes = new ArrayList<>(3);
    synchronized (this) {
      if (life() == CLOSED) {
        return CompletableFuture.completedFuture(null);
      }
      life(CLOSED);
      cancelTimers(true);
      if (is(IN_FLIGHT)) {
        // A renewal or rotation is under way on the I/O executor: wait for it (a new token it brings is revoked at
        // once, see swap), bounded by closeTimeout like the revokes.
        revokes.add(engine().awaitRefresh(this));
      }
      TokenSnapshot s = current;
      if (is(OWNED)) {
        toRevoke.add(s.info());
      }
      List<Drain> drains = engine().drains().remove(this);
      if (drains != null) {
        drains.forEach(d -> toRevoke.add(d.info));
      }
      publish(s.withState(State.CLOSED));
    }
    engine().forget(this);
    for (TokenInfo info : toRevoke) {
      String leaseId = info.lease().leaseId();
      CompletableFuture<Void> done = new CompletableFuture<>();
      Runnable work = () -> {
        try {
          engine().revoke(leaseId, RevokeReason.SHUTDOWN);
          emit(List.of(new ManagedTokenEvent.Revoked(engine().clock().instant(), leaseId,
              current.generation(), info, RevokeReason.SHUTDOWN)));
        } catch (RuntimeException e) {
          report(Stage.REVOKE, e, 1, null, leaseId, current.generation(), engine().clock().instant());
        } finally {
          done.complete(null);
        }
      };
      try {
        engine().io().execute(work);
      } catch (RuntimeException rejected) {
        work.run();  // the executor is gone: revoking on the closing thread beats leaving the token behind
      }
      revokes.add(done);
    }
    return CompletableFuture.allOf(revokes.toArray(CompletableFuture[]::new));
  }

  private void cancelTimers(boolean drainsToo) {
    engine().timers().disarm(this);
    List<Drain> drains = drainsToo ? drains() : null;
    if (drains != null) {
      for (Drain d : drains) {
        if (d.task != null) {
          d.task.cancel();
          d.task = null;
        }
      }
    }
    notifyAll();
  }

  // ------------------------------------------------------------------ plumbing

  /** Publishes a snapshot (one volatile write) and wakes readers waiting below the hard margin. Under this. */
  private TokenSnapshot publish(TokenSnapshot snapshot) {
    if (readToken != Views.key(snapshot)) {
      readToken = null;      // a new generation: its first read is recorded, off the fast path
    }
    String next = servable(snapshot);
    if (next == null) {
      servable = null;       // leave the fast path before the new snapshot is visible
    }
    current = snapshot;
    servable = next;
    notifyAll();
    return snapshot;
  }

  /**
   * What the fast path serves for a snapshot: its token while ACTIVE once its first read is recorded, else null (the
   * slow path decides). Under this.
   */
  private @Nullable String servable(TokenSnapshot snapshot) {
    return snapshot.state() == State.ACTIVE && Views.key(snapshot) == readToken ? snapshot.token() : null;
  }

  private void emit(List<ManagedTokenEvent> events) {
    Wiring w = wiring;
    w.engine.dispatch(w.listeners, events);
  }

  private static Instant min(@Nullable Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  @Override
  public String toString() {
    return "ManagedToken[" + current + "]";
  }
}
