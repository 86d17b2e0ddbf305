package dev.astravault.internal.astra;

import org.jspecify.annotations.Nullable;

/** A role as Astra returns it; the policy is kept as raw JSON text (it arrives as an object or as a string). */
public record RemoteRole(String id, String name, @Nullable String type, @Nullable String policyJson) {}
