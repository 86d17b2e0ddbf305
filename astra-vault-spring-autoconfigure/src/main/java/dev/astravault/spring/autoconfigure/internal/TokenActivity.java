package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.ManagedTokenEvent;
import dev.astravault.ManagedTokenListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;

/**
 * Counts what happened to the startup token, remembers the last refresh outcome and passes on each issue's latency,
 * for health, metrics and the endpoint. A listener of the handle (events arrive off the renewal thread), ordered
 * first so that other listeners see counts that include their event; reads are lock-free.
 */
public final class TokenActivity implements ManagedTokenListener, Ordered {
  private final AtomicLong issues = new AtomicLong();
  private final AtomicLong renewals = new AtomicLong();
  private final AtomicLong rotations = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile @Nullable Outcome last;
  private final List<Duration> pendingLatencies = new ArrayList<>();
  private @Nullable Consumer<Duration> latencySink;

  /** The last refresh (renewal or rotation) outcome; {@code stage} and {@code error} only for failures. */
  public record Outcome(String outcome, Instant at, @Nullable String stage, @Nullable String error, int attempt,
      @Nullable Instant retryAt) {

    /** Without the cause's message: only its type, so no detail of a remote answer can leak. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("outcome", outcome);
      m.put("at", at.toString());
      if (stage != null) {
        m.put("stage", stage);
      }
      if (error != null) {
        m.put("error", error);
        m.put("attempt", attempt);
      }
      if (retryAt != null) {
        m.put("retryAt", retryAt.toString());
      }
      return m;
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  /** Every issue: the first token's and each rotation's new one, each with its measured latency. */
  @Override
  public void onIssued(ManagedTokenEvent.Issued event) {
    issues.incrementAndGet();
    recordIssueLatency(event.issueLatency());
  }

  @Override
  public void onRenewed(ManagedTokenEvent.Renewed event) {
    renewals.incrementAndGet();
    last = new Outcome("renewed", event.time(), null, null, 0, null);
  }

  @Override
  public void onRotated(ManagedTokenEvent.Rotated event) {
    rotations.incrementAndGet();
    last = new Outcome("rotated", event.time(), null, null, 0, null);
  }

  @Override
  public void onExpired(ManagedTokenEvent.Expired event) {
    last = new Outcome("expired", event.time(), null, null, 0, null);
  }

  @Override
  public void onError(ManagedTokenEvent.Error event) {
    failures.incrementAndGet();
    last = new Outcome("failed", event.time(), event.stage().name(), event.cause().getClass().getSimpleName(),
        event.attempt(), event.retryAt().orElse(null));
  }

  public long issues() {
    return issues.get();
  }

  public long renewals() {
    return renewals.get();
  }

  public long rotations() {
    return rotations.get();
  }

  public long failures() {
    return failures.get();
  }

  public @Nullable Outcome lastOutcome() {
    return last;
  }

  /** Records how long an issue took; kept until a metrics registry subscribes. */
  public void recordIssueLatency(Duration latency) {
    Consumer<Duration> sink;
    synchronized (pendingLatencies) {
      sink = latencySink;
      if (sink == null) {
        pendingLatencies.add(latency);
        return;
      }
    }
    sink.accept(latency);
  }

  /** Sends recorded and future issue latencies to {@code sink}. */
  public void onIssueLatency(Consumer<Duration> sink) {
    List<Duration> replay;
    synchronized (pendingLatencies) {
      latencySink = sink;
      replay = List.copyOf(pendingLatencies);
      pendingLatencies.clear();
    }
    replay.forEach(sink);
  }
}
