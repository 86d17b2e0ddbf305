package dev.astravault.test;

import dev.astravault.AuditSink;
import dev.astravault.event.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An {@link AuditSink} that keeps every event in memory, in order, for assertions; it can also play a sink that is
 * down, to test the fail-closed policy.
 *
 * <pre>{@code
 * RecordingAuditSink audit = RecordingAuditSink.create();
 * TokenManager tokens = TokenManager.builder().auditSink(audit)...build();
 * assertThat(audit.events()).hasExactlyElementsOfTypes(OrgConfigWritten.class, TokenIssued.class);
 * audit.failWhen(e -> e instanceof TokenIssued);   // the next issue is revoked and throws AuditException
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class RecordingAuditSink implements AuditSink {
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile Predicate<AuditEvent> failWhen = e -> false;

  private RecordingAuditSink() {}

  /**
   * {@return an empty sink that records every event}
   */
  public static RecordingAuditSink create() {
    return new RecordingAuditSink();
  }

  @Override
  public void record(AuditEvent event) {
    Objects.requireNonNull(event, "event");
    if (failWhen.test(event)) {
      refused.incrementAndGet();
      throw new IllegalStateException("RecordingAuditSink is down for " + event.type());
    }
    events.add(event);
  }

  /** {@return every recorded event, oldest first (a snapshot)} */
  public List<AuditEvent> events() {
    return List.copyOf(events);
  }

  /**
   * The recorded events of one type, oldest first.
   *
   * @param <T> the event type
   * @param type the event type's class
   * @return the events of that type
   */
  public <T extends AuditEvent> List<T> events(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** {@return the recorded events, oldest first, and forgets them} */
  public synchronized List<AuditEvent> take() {
    List<AuditEvent> out = new ArrayList<>(events);
    events.subList(0, out.size()).clear();
    return out;
  }

  /**
   * Forgets every recorded event.
   */
  public void clear() {
    events.clear();
  }

  /**
   * From now on, throws for (and does not record) every event matching {@code predicate}.
   *
   * @param predicate which events to refuse
   * @return this sink
   */
  public RecordingAuditSink failWhen(Predicate<AuditEvent> predicate) {
    this.failWhen = Objects.requireNonNull(predicate, "predicate");
    return this;
  }

  /**
   * Throws for every event from now on, as a sink whose backend is down.
   *
   * @return this sink
   */
  public RecordingAuditSink down() {
    return failWhen(e -> true);
  }

  /**
   * Records every event again.
   *
   * @return this sink
   */
  public RecordingAuditSink up() {
    return failWhen(e -> false);
  }

  /** {@return how many events this sink refused (threw for)} */
  public int refused() {
    return refused.get();
  }

  @Override
  public String toString() {
    return "RecordingAuditSink[" + events.size() + " events]";
  }
}
