package dev.astravault.internal;

import dev.astravault.AuditSink;
import dev.astravault.event.AuditEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One INFO line per event (WARN for failures) on {@code dev.astravault.audit}; events hold no secrets. */
public final class Slf4jAuditSink implements AuditSink {
  public static final Slf4jAuditSink INSTANCE = new Slf4jAuditSink();
  private static final Logger LOG = LoggerFactory.getLogger("dev.astravault.audit");

  private Slf4jAuditSink() {}

  @Override
  public void record(AuditEvent event) {
    var builder = event.outcome() == AuditEvent.Outcome.SUCCESS ? LOG.atInfo() : LOG.atWarn();
    builder.addKeyValue("event", event.type())
        .addKeyValue("outcome", event.outcome())
        .addKeyValue("actor", event.actor().user() + "@" + event.actor().host())
        .log("{}", event);
  }
}
