package dev.astravault.internal;

import dev.astravault.AstraToken;
import dev.astravault.AstraVaultException;
import dev.astravault.IssueStyle;
import dev.astravault.LeaseRecord;
import dev.astravault.LeaseState;
import dev.astravault.ManagedToken;
import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import dev.astravault.OrgConfig;
import dev.astravault.RenewalSettings;
import dev.astravault.Role;
import dev.astravault.Scheduler;
import dev.astravault.TokenAlreadyExistsException;
import dev.astravault.TokenRequest;
import dev.astravault.event.IssueFailed;
import dev.astravault.event.ManagedTokenFailed;
import dev.astravault.event.TokenRef;
import dev.astravault.event.TokenRead;
import dev.astravault.TokenInfo;
import dev.astravault.TokenSnapshot;
import dev.astravault.internal.redact.Redaction;
import java.time.Instant;
import dev.astravault.event.RevokeReason;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Runs every {@link ManagedToken} of one manager: timers on the manager's one {@link Scheduler} (a heap), Astra
 * calls on a bounded I/O executor, listener events on an event executor. Holds the handles so that closing the
 * manager closes them.
 */
public final class LeaseEngine implements AutoCloseable {
  private static final Logger LOG = Redaction.logger(LeaseEngine.class);

  /** What the builder decides for managed tokens; a {@code null} executor means "create a default one". */
  public record Options(@Nullable Executor ioExecutor, @Nullable Executor eventExecutor, boolean revokeOnClose) {
    public static Options defaults() {
      return new Options(null, null, true);
    }
  }

  private final RealTokenManager manager;
  private final Scheduler scheduler;
  private final TimerQueue timers;
  private final Clock clock;
  private final Executor io;
  private final ListenerDelivery events;
  private final boolean revokeOnClose;
  private final List<ThreadPoolExecutor> ownedExecutors = new ArrayList<>();
  // The open handles, as an intrusive doubly linked list through ManagedLease.prevHandle/nextHandle, guarded by
  // `handles`: a concurrent set would add a node and a table slot per handle (about 40 B each).
  private final Object handles = new Object();
  // Handles closed while a refresh was under way, until it ends: only those, so no per-handle field for it.
  private final Map<ManagedLease, CompletableFuture<Void>> closingRefreshes = new ConcurrentHashMap<>();
  // The old tokens of handles in a rotation overlap, each list guarded by its handle: only those, so no handle field.
  private final Map<ManagedLease, List<ManagedLease.Drain>> drains = new ConcurrentHashMap<>();
  private @Nullable ManagedLease first;
  private int handleCount;
  // The wirings of the last few settings objects handles were managed with, guarded by itself: the handles of one
  // settings object (most often all, RenewalSettings.defaults()) share one. Bounded; a miss makes a new one.
  private final ManagedLease.@Nullable Wiring[] wirings = new ManagedLease.Wiring[4];
  private int nextWiring;
  private volatile boolean closed;

  LeaseEngine(RealTokenManager manager, Scheduler scheduler, Options options) {
    this.manager = manager;
    this.scheduler = scheduler;
    this.clock = manager.clock();
    this.timers = new TimerQueue(scheduler, clock);
    this.revokeOnClose = options.revokeOnClose();
    this.io = options.ioExecutor() != null ? options.ioExecutor() : own(ioPool());
    this.events = new ListenerDelivery(options.eventExecutor() != null ? options.eventExecutor()
        : own(pool("astra-vault-events", 1, new ArrayBlockingQueue<>(65_536))));
  }

  private Executor own(ThreadPoolExecutor executor) {
    ownedExecutors.add(executor);
    return executor;
  }

  // A fixed number of daemon threads bounds the concurrency. The I/O queue is unbounded because its length is
  // bounded anyway: a handle has at most one refresh (or drain, or close-time revoke) queued, so it holds at most a
  // few tasks per managed token, and a burst of 100k simultaneous renewals waits its turn instead of being rejected
  // into back-off (issue 15). The event queue stays bounded: events are not limited per handle. A rejected task is
  // a failure that the handle retries with back-off, never a reason to run I/O on the scheduler thread.
  static ThreadPoolExecutor ioPool() {
    return pool("astra-vault-io", 4, new LinkedBlockingQueue<>());
  }

  private static ThreadPoolExecutor pool(String name, int threads, BlockingQueue<Runnable> queue) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        queue, runnable -> {
          Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /**
   * Issues the first token synchronously, retrying transient failures up to {@code startupAttempts} times (see
   * {@link StartupRetry}), and starts the handle.
   */
  public ManagedToken manage(TokenRequest asked, RenewalSettings settings) {
    if (closed) {
      throw new IllegalStateException("the token manager is closed");
    }
    OrgConfig org = manager.requireOrgConfig(asked.org());
    Role role = manager.requireRole(org.orgId(), asked.role());
    // The role as Astra shows it (display name, id) becomes the local name: rotations then name it exactly. The
    // handle keeps the request; one the caller shares between handles stays shared when it already names the role.
    TokenRequest request = asked.role().equals(role.name()) ? asked : asked.toBuilder().role(role.name()).build();
    settings.checkFits(request.ttl().orElse(role.ttl()), role.maxTtl());
    boolean owned = true;
    AstraToken first;
    long[] issueStart = new long[1]; // monotonic, for the Issued event's latency: the attempt that succeeded
    try {
      first = StartupRetry.issue(request, settings, scheduler, () -> {
        issueStart[0] = System.nanoTime();
        return manager.issue(request);
      });
    } catch (TokenAlreadyExistsException taken) {
      // A durable store may already hold this triple's token (a restart): adopt it instead of failing, but do not
      // claim it as ours to revoke on close; the next rotation replaces it with one we own. Only with the asked scope.
      first = CustomRoles.adoptable(request, manager.settings().deploymentId(),
          manager.token(org.orgId(), request.role(), request.logicalName().orElseThrow()), taken);
      owned = false;
    }
    Duration issueLatency = Duration.ofNanos(System.nanoTime() - issueStart[0]);
    ManagedLease lease = new ManagedLease(wiring(settings), request, compact(first), owned);
    if (!link(lease)) {   // close() began while the first token was issued and will not see this handle: end it
      await(lease.closeAsync(), settings.closeTimeout(), "closing a managed token started after close");
      throw new IllegalStateException("the token manager was closed while the managed token was being started");
    }
    lease.start(issueLatency);
    return lease;
  }

  private ManagedLease.Wiring wiring(RenewalSettings settings) {
    synchronized (wirings) {
      for (ManagedLease.Wiring w : wirings) {
        if (w != null && w.settings == settings) {
          return w;
        }
      }
      ManagedLease.Wiring made = ManagedLease.Wiring.of(this, settings);
      wirings[nextWiring] = made;
      nextWiring = (nextWiring + 1) % wirings.length;
      return made;
    }
  }

  // ------------------------------------------------------------------ used by ManagedLease

  Clock clock() {
    return clock;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  TimerQueue timers() {
    return timers;
  }

  Map<ManagedLease, List<ManagedLease.Drain>> drains() {
    return drains;
  }

  Executor io() {
    return io;
  }

  /** The token as a view of the store's record when the store holds it in memory (see {@link Views}). */
  AstraToken compact(AstraToken token) {
    return Views.compact(manager.store(), token);
  }

  RealTokenManager manager() {
    return manager;
  }

  /** Completes when the refresh under way on {@code lease} ends (see {@link ManagedLease#closeAsync()}). */
  CompletableFuture<Void> awaitRefresh(ManagedLease lease) {
    return closingRefreshes.computeIfAbsent(lease, l -> new CompletableFuture<>());
  }

  void refreshEnded(ManagedLease lease) {
    CompletableFuture<Void> waiting = closingRefreshes.remove(lease);
    if (waiting != null) {
      waiting.complete(null);
    }
  }

  void forget(ManagedLease lease) {
    synchronized (handles) {
      if (lease.prevHandle == null && first != lease) {
        return;   // already forgotten
      }
      if (lease.prevHandle != null) {
        lease.prevHandle.nextHandle = lease.nextHandle;
      } else {
        first = lease.nextHandle;
      }
      if (lease.nextHandle != null) {
        lease.nextHandle.prevHandle = lease.prevHandle;
      }
      lease.prevHandle = null;
      lease.nextHandle = null;
      handleCount--;
    }
  }

  private boolean link(ManagedLease lease) {
    synchronized (handles) {
      if (closed) {   // close() sets it before it lists the handles, under this lock
        return false;
      }
      lease.nextHandle = first;
      if (first != null) {
        first.prevHandle = lease;
      }
      first = lease;
      handleCount++;
      return true;
    }
  }

  private List<ManagedLease> openHandles() {
    synchronized (handles) {
      List<ManagedLease> out = new ArrayList<>(handleCount);
      for (ManagedLease l = first; l != null; l = l.nextHandle) {
        out.add(l);
      }
      return out;
    }
  }

  void dispatch(ManagedTokenListener[] listeners, List<ManagedTokenEvent> batch) {
    events.dispatch(listeners, batch);
  }

  /** Issues the new token of a rotation; UNIQUE style into the triple's successor slot ({@link Successors}). */
  AstraToken issueForRotation(TokenRequest request, String currentLeaseId) {
    return request.style() != IssueStyle.UNIQUE ? manager.issue(request)
        : Successors.issueForRotation(manager, request, currentLeaseId);
  }

  /** {@code GET /v2/currentOrg} with the new token; it must answer the token's own org. */
  void validate(AstraToken token) {
    OrgConfig org = manager.requireOrgConfig(token.orgId());
    String answered = manager.backend().validate(org, token.token());
    if (!token.orgId().equals(answered)) {
      throw new AstraVaultException("the new token of lease " + token.lease().leaseId() + " belongs to org "
          + answered + ", not " + token.orgId());
    }
  }

  /** Audits a rejected new token as a failed issue, then revokes it. */
  void reject(AstraToken token, TokenRequest request, RuntimeException cause) {
    Auditor auditor = manager.auditor();
    auditor.record(new IssueFailed(clock.instant(), auditor.actor(), request.org(), request.role(),
        request.logicalName().orElse(null), request.metadata(), cause.getClass().getName(),
        "validation of the new token failed: " + RealTokenManager.safeMessage(cause)));
    revokeQuietly(token.lease().leaseId(), RevokeReason.REAPED);
  }

  /** Revokes a lease by id through the manager's one revoke path; false if it failed (audited there). */
  boolean revokeQuietly(String leaseId, RevokeReason reason) {
    Optional<LeaseRecord> record = manager.store().get(leaseId);
    if (record.isEmpty() || record.get().state() == LeaseState.PENDING) {
      return true;
    }
    return manager.revokeRecord(record.get(), reason, false) || manager.store().get(leaseId).isEmpty();
  }

  /** Revokes through the manager's one revoke path, rethrowing a failure (audited there as RevokeFailed). */
  void revoke(String leaseId, RevokeReason reason) {
    Optional<LeaseRecord> record = manager.store().get(leaseId);
    if (record.isPresent() && record.get().state() != LeaseState.PENDING) {
      manager.revokeRecord(record.get(), reason, true);
    }
  }

  /** Makes a UNIQUE-style successor record the triple's primary one, once the old primary is gone. */
  void promote(String leaseId) {
    Successors.promote(manager.store(), leaseId);
  }

  /** The audit record of a failed step of a managed token (every failure gets one). */
  void auditFailure(TokenSnapshot snapshot, String stage, Throwable e, int attempt, @Nullable Instant retryAt) {
    Auditor auditor = manager.auditor();
    auditor.record(new ManagedTokenFailed(clock.instant(), auditor.actor(), ref(auditor, snapshot), stage, attempt,
        retryAt, e.getClass().getName(), RealTokenManager.safeMessage(e)));
  }

  /**
   * The audit record of the first read of a token generation through a handle, with the calling thread's actor.
   * Never throws: a read is never fail-closed (the Auditor already guards its sinks; this guards the rest).
   */
  void auditRead(TokenSnapshot snapshot) {
    try {
      Auditor auditor = manager.auditor();
      auditor.record(new TokenRead(clock.instant(), auditor.actor(), ref(auditor, snapshot)));
    } catch (RuntimeException e) {
      LOG.warn("could not audit the read of managed lease {}: {}", snapshot.leaseId(), e.getClass().getName());
    }
  }

  private static TokenRef ref(Auditor auditor, TokenSnapshot snapshot) {
    AstraToken token = snapshot.astraToken();
    TokenInfo info = token.info();
    return new TokenRef(info.orgId(), info.roleName(), info.logicalName().orElse(null), info.clientId(),
        info.lease().leaseId(), info.metadata(), auditor.recordsNothing() ? null : auditor.hmac(token.token()));
  }

  // ------------------------------------------------------------------ close

  /**
   * Closes every handle: revokes owned leases when revoke-on-close is on (the default), else only stops them. Waits
   * at most {@code timeout} in total.
   */
  @Override
  public void close() {
    HandlesClosing closing = closeHandles();
    await(closing.done(), closing.timeout(), "closing managed tokens");
    shutdownExecutors();
  }

  /** The revokes {@link #closeHandles} started, and the longest close timeout among their handles. */
  record HandlesClosing(CompletableFuture<Void> done, Duration timeout) {}

  /** Closes every handle as {@link #close} does, without waiting for their revokes or shutting any executor down. */
  HandlesClosing closeHandles() {
    closed = true;
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    Duration timeout = Duration.ZERO;
    for (ManagedLease lease : openHandles()) {
      if (revokeOnClose) {
        pending.add(lease.closeAsync());
        timeout = timeout.compareTo(lease.settings().closeTimeout()) < 0 ? lease.settings().closeTimeout() : timeout;
      } else {
        lease.stop(true);   // the backend closes next: no overlap revoke could run any more
      }
    }
    return new HandlesClosing(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)), timeout);
  }

  /** Shuts down the executors this engine made; the caller's own executors are left alone. */
  void shutdownExecutors() {
    ownedExecutors.forEach(ThreadPoolExecutor::shutdown);
  }

  static void await(CompletableFuture<Void> future, Duration timeout, String what) {
    try {
      future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("{} did not finish within {}; the remaining revokes continue in the background", what, timeout);
    } catch (ExecutionException e) {
      LOG.warn("{} failed: {}", what, e.getCause() == null ? "?" : e.getCause().getClass().getName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
