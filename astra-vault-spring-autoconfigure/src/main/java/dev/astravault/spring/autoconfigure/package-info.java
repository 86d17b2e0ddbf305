/**
 * Spring Boot auto-configuration for astra-vault: a {@link dev.astravault.TokenManager} and a startup
 * {@link dev.astravault.ManagedToken} from {@code astra.vault.*} properties, with customizers, events, health,
 * the {@code astratokens} endpoint, metrics and a CQL auth provider.
 */
@NullMarked
package dev.astravault.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
