/**
 * Stateless helpers the public value types and the engine share: the input checks ({@code Validation}), the token
 * description tags and deployment ids ({@code Descriptions}, {@code DeploymentIds}), the client id inside a token
 * ({@code ClientIds}), the local role-name rule ({@code RoleNames}), Vault's renewal rule and its duration format
 * ({@code LeaseMath}, {@code GoDurations}), and cleanup that outlives an interrupt ({@code Interrupts}). None holds
 * engine state or logs.
 */
@NullMarked
package dev.astravault.internal.support;

import org.jspecify.annotations.NullMarked;
