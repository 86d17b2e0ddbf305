package dev.astravault;

import dev.astravault.audit.AsyncAuditSink;
import dev.astravault.audit.CompositeAuditSink;
import dev.astravault.audit.Slf4jAuditSink;
import dev.astravault.event.AuditEvent;
import java.util.List;

/**
 * Receives one typed {@link AuditEvent} per operation. Events never contain a token, a secret or a root token; a
 * token is identified by its client id and an HMAC of the token.
 *
 * <p><b>Contract.</b> {@link #record} is called synchronously on the thread that performed the operation (the
 * caller's, or the scheduler's for renewals and the expiry sweeper), possibly from several threads at once, so it
 * must be thread-safe, fast, and should not throw. astra-vault guards every sink anyway: a sink exception never
 * reaches the caller, except that under the fail-closed policy (the default) an issued token is revoked, and the
 * caller gets an {@link AuditException}, when no sink could record its {@code TokenIssued} event. Slow or remote
 * sinks (files under fsync, databases) belong behind {@link #async(AuditSink)} so that background work such as
 * renewals never waits for them.
 *
 * <p>Sinks: {@link #slf4j()}, {@link dev.astravault.audit.JsonLinesAuditSink},
 * {@link dev.astravault.audit.JdbcAuditSink}, {@link #composite}, {@link #async}.
 */
@FunctionalInterface
public interface AuditSink {

  /**
   * Records the event; throwing means "not recorded".
   *
   * @param event the event
   */
  void record(AuditEvent event);

  /**
   * Writes each event as one structured SLF4J line (key-value pairs) on the logger {@code dev.astravault.audit}.
   *
   * @return the sink
   */
  static AuditSink slf4j() {
    return Slf4jAuditSink.create();
  }

  /**
   * Records on every sink; throws only when none of them recorded the event.
   *
   * @param sinks the sinks, in order
   * @return the composite sink
   */
  static AuditSink composite(AuditSink... sinks) {
    return CompositeAuditSink.of(List.of(sinks));
  }

  /**
   * {@code delegate} behind a bounded queue (8192 events) drained by one daemon thread; see {@link AsyncAuditSink}.
   *
   * @param delegate the sink that records
   * @return the asynchronous sink; close it to drain and stop its thread
   */
  static AsyncAuditSink async(AuditSink delegate) {
    return AsyncAuditSink.builder(delegate).build();
  }

  /**
   * Whether this sink discards every event, so that astra-vault may skip the work of building what it would record
   * (the token's HMAC). Only a sink that never records anything may answer {@code true}; the default is {@code false}.
   *
   * @return {@code true} if every event given to {@link #record} is discarded
   */
  default boolean recordsNothing() {
    return false;
  }

  /**
   * Discards events (and says so through {@link #recordsNothing()}, so no audit HMAC is computed for it).
   *
   * @return the sink
   */
  static AuditSink noop() {
    return new AuditSink() {
      @Override
      public void record(AuditEvent event) {
        // Discarded.
      }

      @Override
      public boolean recordsNothing() {
        return true;
      }
    };
  }
}
