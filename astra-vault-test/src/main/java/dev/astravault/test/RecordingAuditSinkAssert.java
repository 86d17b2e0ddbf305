package dev.astravault.test;

import dev.astravault.event.AuditEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.Assertions;
import org.assertj.core.api.ListAssert;

/**
 * AssertJ assertions on the events a {@link RecordingAuditSink} recorded, made by
 * {@link AstraAssertions#assertThatAudit(RecordingAuditSink)}. Failure messages name event types only.
 */
public final class RecordingAuditSinkAssert extends AbstractAssert<RecordingAuditSinkAssert, RecordingAuditSink> {

  RecordingAuditSinkAssert(RecordingAuditSink actual) {
    super(Objects.requireNonNull(actual, "audit"), RecordingAuditSinkAssert.class);
  }

  /**
   * At least one event of {@code type} was recorded.
   *
   * @param type the event type, e.g. {@code TokenIssued.class}
   * @return this
   */
  public RecordingAuditSinkAssert hasRecorded(Class<? extends AuditEvent> type) {
    if (actual.events(type).isEmpty()) {
      failWithMessage("expected a %s audit event but the sink recorded %s", type.getSimpleName(), types());
    }
    return this;
  }

  /**
   * Exactly {@code count} events of {@code type} were recorded.
   *
   * @param type the event type
   * @param count the expected number
   * @return this
   */
  public RecordingAuditSinkAssert hasRecorded(Class<? extends AuditEvent> type, int count) {
    int got = actual.events(type).size();
    if (got != count) {
      failWithMessage("expected %s %s audit event(s) but found %s; recorded: %s", count, type.getSimpleName(), got,
          types());
    }
    return this;
  }

  /**
   * Events of these types were recorded in this order, others possibly in between.
   *
   * @param types the event types, in order
   * @return this
   */
  @SafeVarargs
  public final RecordingAuditSinkAssert hasRecordedInOrder(Class<? extends AuditEvent>... types) {
    List<AuditEvent> events = actual.events();
    int next = 0;
    for (AuditEvent e : events) {
      if (next < types.length && types[next].isInstance(e)) {
        next++;
      }
    }
    if (next < types.length) {
      failWithMessage("expected audit events %s in this order but the sink recorded %s",
          Arrays.stream(types).map(Class::getSimpleName).toList(), types());
    }
    return this;
  }

  /**
   * No recorded event mentions any of {@code secrets} (in its {@code toString()}): tokens, root tokens and keys stay
   * out of the audit trail.
   *
   * @param secrets the values that must not appear
   * @return this
   */
  public RecordingAuditSinkAssert mentionsNone(String... secrets) {
    for (AuditEvent e : actual.events()) {
      String text = String.valueOf(e);
      for (int i = 0; i < secrets.length; i++) {
        if (!secrets[i].isEmpty() && text.contains(secrets[i])) {
          // The secret itself is not quoted: the message would leak it.
          failWithMessage("a %s audit event mentions secret #%s of those given", e.getClass().getSimpleName(), i + 1);
        }
      }
    }
    return this;
  }

  /**
   * The recorded events of {@code type}, for AssertJ's list assertions.
   *
   * @param type the event type
   * @param <T> the event type
   * @return a list assertion on {@link RecordingAuditSink#events(Class)}
   */
  public <T extends AuditEvent> ListAssert<T> events(Class<T> type) {
    return Assertions.assertThat(actual.events(type));
  }

  private List<String> types() {
    List<String> names = new ArrayList<>();
    actual.events().forEach(e -> names.add(e.getClass().getSimpleName()));
    return names;
  }
}
