package dev.astravault.internal;

import dev.astravault.AuditPolicy;
import dev.astravault.internal.support.Descriptions;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The engine's tunables, validated by the builder.
 *
 * @param deploymentId the id written into every token's description tag (see {@link Descriptions}); null when
 *     neither the builder nor the store supplied one (Vault mode, or a store that keeps none): then tokens carry the
 *     older tag and the orphan sweep is off
 */
public record EngineSettings(boolean sendTokenExpiry, Duration tokenExpiryMargin, boolean sendDescription,
    Duration sweepInterval, AuditPolicy auditPolicy, @Nullable String deploymentId) {}
