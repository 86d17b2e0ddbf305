package dev.astravault.internal;

import dev.astravault.AuditPolicy;
import java.time.Duration;

/** The engine's tunables, validated by the builder. */
public record EngineSettings(boolean sendTokenExpiry, Duration tokenExpiryMargin, boolean sendDescription,
    Duration sweepInterval, AuditPolicy auditPolicy) {}
