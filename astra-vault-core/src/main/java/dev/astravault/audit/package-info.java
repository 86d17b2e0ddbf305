/**
 * Audit sinks and tools: {@link dev.astravault.audit.Slf4jAuditSink structured SLF4J},
 * {@link dev.astravault.audit.JsonLinesAuditSink a keyed, chained JSON-lines file} with its
 * {@link dev.astravault.audit.AuditWitness witnesses},
 * {@link dev.astravault.audit.JdbcAuditSink a JDBC table}, {@link dev.astravault.audit.CompositeAuditSink},
 * {@link dev.astravault.audit.AsyncAuditSink}, and {@link dev.astravault.audit.AuditLogVerifier} for the file's
 * chain. See {@code docs/audit.md}.
 */
@NullMarked
package dev.astravault.audit;

import org.jspecify.annotations.NullMarked;
