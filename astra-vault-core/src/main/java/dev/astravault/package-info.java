/**
 * astra-vault: short-lived, audited DataStax Astra DB tokens.
 *
 * <p>Start with {@link dev.astravault.TokenManager#builder()}. This package holds the whole public API and the
 * SPIs ({@link dev.astravault.LeaseStore}, {@link dev.astravault.AuditSink}, {@link dev.astravault.Scheduler},
 * {@link dev.astravault.ActorProvider}); everything under {@code dev.astravault.internal} may change without notice.
 */
@NullMarked
package dev.astravault;

import org.jspecify.annotations.NullMarked;
