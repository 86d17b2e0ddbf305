package dev.astravault.audit;

import dev.astravault.AuditSink;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.redact.Redaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Records each event on every delegate, in order. A delegate that throws is logged (by exception type) and skipped;
 * the composite throws only when <em>no</em> delegate recorded the event, which is what the fail-closed policy counts
 * as "not recorded". {@link #close()} closes the delegates that are {@link AutoCloseable}.
 */
public final class CompositeAuditSink implements AuditSink, AutoCloseable {
  private static final Logger LOG = Redaction.logger(CompositeAuditSink.class);

  private final List<AuditSink> sinks;

  private CompositeAuditSink(List<AuditSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  /**
   * A sink that records on each of {@code sinks}, in order.
   *
   * @param sinks the sinks
   * @return the composite
   */
  public static CompositeAuditSink of(List<? extends AuditSink> sinks) {
    Objects.requireNonNull(sinks, "sinks");
    if (sinks.isEmpty()) {
      throw new IllegalArgumentException("sinks must not be empty");
    }
    List<AuditSink> copy = new ArrayList<>();
    sinks.forEach(s -> copy.add(Objects.requireNonNull(s, "sinks[" + copy.size() + "]")));
    return new CompositeAuditSink(copy);
  }

  /**
   * {@return the sinks, in order}
   */
  public List<AuditSink> sinks() {
    return sinks;
  }

  /** {@return whether every delegate records nothing} */
  @Override
  public boolean recordsNothing() {
    return sinks.stream().allMatch(AuditSink::recordsNothing);
  }

  @Override
  public void record(AuditEvent event) {
    @Nullable RuntimeException first = null;
    boolean recorded = false;
    for (AuditSink sink : sinks) {
      try {
        sink.record(event);
        recorded = true;
      } catch (RuntimeException e) {
        LOG.warn("audit sink {} failed to record {}: {}", sink.getClass().getName(), event.type(),
            e.getClass().getName());
        if (first == null) {
          first = e;
        }
      }
    }
    if (!recorded && first != null) {
      throw new IllegalStateException("no audit sink recorded " + event.type(), first);
    }
  }

  @Override
  public void close() {
    for (AuditSink sink : sinks) {
      if (sink instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          LOG.warn("closing audit sink {} failed: {}", sink.getClass().getName(), e.getClass().getName());
        }
      }
    }
  }
}
