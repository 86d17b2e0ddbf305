package dev.astravault;

import dev.astravault.event.AuditEvent;
import dev.astravault.internal.Slf4jAuditSink;

/**
 * Receives one typed {@link AuditEvent} per operation. Events never contain a token, a secret or a root token; a
 * token is identified by its client id and an HMAC of the token.
 *
 * <p><b>Contract.</b> {@link #record} is called synchronously on the thread that performed the operation, possibly
 * from several threads at once, so it must be thread-safe, fast, and should not throw. astra-vault guards every sink
 * anyway: a sink exception never reaches the caller, except that under the fail-closed policy (the default) an issued
 * token is revoked when no sink could record its {@code TokenIssued} event. Slow or remote sinks belong behind an
 * asynchronous wrapper.
 */
@FunctionalInterface
public interface AuditSink {

  /** Records the event; throwing means "not recorded". */
  void record(AuditEvent event);

  /** Writes each event as one structured SLF4J line on the logger {@code dev.astravault.audit}. */
  static AuditSink slf4j() {
    return Slf4jAuditSink.INSTANCE;
  }

  /** Discards events. */
  static AuditSink noop() {
    return event -> {};
  }
}
