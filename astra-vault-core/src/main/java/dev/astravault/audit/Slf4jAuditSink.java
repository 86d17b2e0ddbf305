package dev.astravault.audit;

import dev.astravault.AuditSink;
import dev.astravault.event.AuditEvent;
import dev.astravault.internal.redact.Redaction;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per event, INFO for successes and WARN for failures, on the logger {@code dev.astravault.audit} (or a
 * named one), with every field of {@link AuditEvents#toMap} as an SLF4J 2 key-value pair: {@code type},
 * {@code time}, {@code outcome}, {@code actor.user}, {@code orgId}, {@code metadata.owner}, {@code tokenHmac},
 * {@code details.reason} and so on. Events hold no secrets, so neither does the line.
 */
public final class Slf4jAuditSink implements AuditSink {
  static final Slf4jAuditSink DEFAULT = new Slf4jAuditSink(Redaction.logger("dev.astravault.audit"));

  private final Logger log;

  private Slf4jAuditSink(Logger log) {
    this.log = log;
  }

  /** {@return the sink behind {@link AuditSink#slf4j()}} */
  public static Slf4jAuditSink create() {
    return DEFAULT;
  }

  /**
   * A sink writing to the named logger.
   *
   * @param loggerName the logger's name
   * @return the sink
   */
  public static Slf4jAuditSink create(String loggerName) {
    return new Slf4jAuditSink(Redaction.logger(Objects.requireNonNull(loggerName, "loggerName")));
  }

  @Override
  public void record(AuditEvent event) {
    boolean ok = event.outcome() == AuditEvent.Outcome.SUCCESS;
    if (ok ? !log.isInfoEnabled() : !log.isWarnEnabled()) {
      return;
    }
    LoggingEventBuilder builder = ok ? log.atInfo() : log.atWarn();
    addAll(builder, "", AuditEvents.toMap(event));
    builder.log("audit {} {} actor={}@{} org={} lease={} client={}", event.type(), event.outcome(),
        event.actor().principalName().orElse(event.actor().user()), event.actor().host(),
        event.orgId().orElse("-"), event.leaseId().orElse("-"), event.clientId().orElse("-"));
  }

  private static void addAll(LoggingEventBuilder builder, String prefix, Map<?, ?> fields) {
    fields.forEach((k, v) -> {
      if (v instanceof Map<?, ?> nested) {
        addAll(builder, prefix + k + ".", nested);
      } else {
        builder.addKeyValue(prefix + k, v);
      }
    });
  }
}
