package dev.astravault.audit;

import dev.astravault.AuditSink;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.redact.Redaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Hands events to a bounded queue and records them on a delegate from one background thread, so that the caller never
 * waits for a slow sink (a database, a remote collector, a disk under fsync). Renewals, the expiry sweeper and other
 * background work must not wait on audit I/O: wrap every slow sink in this.
 *
 * <p>{@link #record} never blocks. When the queue is full, the {@link Overflow} policy decides: {@code REJECT} (the
 * default) drops the new event and throws, so that a {@code TokenIssued} that cannot be queued counts as not recorded
 * and the fail-closed policy revokes the token; {@code DROP_OLDEST} makes room by discarding the oldest queued event.
 * Either way {@link #dropped()} counts it.
 *
 * <p>Note that an event counts as recorded once it is queued: the fail-closed policy then guarantees that
 * {@code TokenIssued} was accepted by this queue, not that the delegate wrote it. A delegate failure is counted in
 * {@link #failed()} and logged by exception type.
 */
public final class AsyncAuditSink implements AuditSink, AutoCloseable {
  private static final Logger LOG = Redaction.logger(AsyncAuditSink.class);
  private static final int BATCH = 256;

  /** What {@link #record} does when the queue is full. */
  public enum Overflow {
    /** Drop the new event and throw {@link IllegalStateException} (the event is "not recorded"). */
    REJECT,
    /** Discard the oldest queued event and queue the new one. */
    DROP_OLDEST
  }

  private final AuditSink delegate;
  private final BlockingQueue<AuditEvent> queue;
  private final Overflow overflow;
  private final Thread worker;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong recorded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Object progress = new Object();
  private volatile boolean closing;

  private AsyncAuditSink(Builder b) {
    this.delegate = b.delegate;
    this.queue = new ArrayBlockingQueue<>(b.capacity);
    this.overflow = b.overflow;
    this.worker = new Thread(this::drain, b.threadName);
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * {@code AsyncAuditSink.builder(delegate).capacity(8192).build()}.
   *
   * @param delegate the sink that records
   * @return a builder
   */
  public static Builder builder(AuditSink delegate) {
    return new Builder(delegate);
  }

  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (closing) {
      dropped.incrementAndGet();
      throw new IllegalStateException("async audit sink is closed; " + event.type() + " dropped");
    }
    while (!queue.offer(event)) {
      if (overflow == Overflow.REJECT) {
        dropped.incrementAndGet();
        throw new IllegalStateException("audit queue full (" + (queue.size() + queue.remainingCapacity())
            + " events); " + event.type() + " dropped");
      }
      if (queue.poll() != null) {
        dropped.incrementAndGet();
        processed.incrementAndGet();
      }
    }
    accepted.incrementAndGet();
  }

  private void drain() {
    List<AuditEvent> batch = new ArrayList<>(BATCH);
    while (true) {
      try {
        AuditEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing && queue.isEmpty()) {
            return;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        for (AuditEvent event : batch) {
          deliver(event);
        }
        processed.addAndGet(batch.size());
        batch.clear();
        synchronized (progress) {
          progress.notifyAll();
        }
      } catch (InterruptedException e) {
        // close(timeout) gave up waiting: stop without draining the rest.
        return;
      }
    }
  }

  private void deliver(AuditEvent event) {
    try {
      delegate.record(event);
      recorded.incrementAndGet();
    } catch (RuntimeException e) {
      if (failed.incrementAndGet() == 1 || LOG.isDebugEnabled()) {
        LOG.warn("async audit delegate {} failed to record {}: {} (failures so far: {})",
            delegate.getClass().getName(), event.type(), e.getClass().getName(), failed.get());
      }
    }
  }

  /**
   * Waits until every event queued before this call has been handed to the delegate; false on timeout.
   *
   * @param timeout the longest wait
   * @return whether everything queued was handed over in time
   */
  public boolean flush(Duration timeout) {
    long target = accepted.get();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progress) {
      while (processed.get() < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !worker.isAlive()) {
          return processed.get() >= target;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  /** {@return events queued and not yet handed to the delegate} */
  public int queued() {
    return queue.size();
  }

  /** {@return events the delegate recorded} */
  public long recorded() {
    return recorded.get();
  }

  /** {@return events dropped: queue full, or recorded after close} */
  public long dropped() {
    return dropped.get();
  }

  /** {@return events the delegate threw on} */
  public long failed() {
    return failed.get();
  }

  /** Stops accepting events, drains the queue for up to 5 seconds, then closes the delegate if it is closeable. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /**
   * Like {@link #close()}, draining for up to {@code timeout}; returns whether everything queued was delivered.
   *
   * @param timeout the longest wait
   * @return whether everything queued was delivered
   */
  public boolean close(Duration timeout) {
    closing = true;
    boolean drained = flush(timeout);
    if (!drained) {
      worker.interrupt();
    }
    try {
      worker.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (delegate instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("closing audit sink {} failed: {}", delegate.getClass().getName(), e.getClass().getName());
      }
    }
    return drained;
  }

  @Override
  public String toString() {
    return "AsyncAuditSink[delegate=" + delegate.getClass().getSimpleName() + ", queued=" + queued()
        + ", recorded=" + recorded() + ", dropped=" + dropped() + ", failed=" + failed() + "]";
  }

  /** Builds an {@link AsyncAuditSink}; its worker thread starts on {@link #build()}. */
  public static final class Builder {
    private final AuditSink delegate;
    private int capacity = 8192;
    private Overflow overflow = Overflow.REJECT;
    private String threadName = "astra-vault-audit";

    private Builder(AuditSink delegate) {
      this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The queue's capacity; default 8192.
     *
     * @param capacity the queue's capacity
     * @return this builder
     */
    public Builder capacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity must be positive, was " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /**
     * Default {@link Overflow#REJECT}.
     *
     * @param overflow what to do
     * @return this builder
     */
    public Builder overflow(Overflow overflow) {
      this.overflow = Objects.requireNonNull(overflow, "overflow");
      return this;
    }

    /**
     * The name of the draining thread.
     *
     * @param name the thread name
     * @return this builder
     */
    public Builder threadName(String name) {
      this.threadName = Objects.requireNonNull(name, "threadName");
      return this;
    }

    /**
     * Builds the sink and starts its thread.
     *
     * @return the sink
     */
    public AsyncAuditSink build() {
      return new AsyncAuditSink(this);
    }
  }
}
