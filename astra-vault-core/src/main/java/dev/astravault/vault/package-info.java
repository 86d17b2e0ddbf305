/**
 * Vault mode: {@link dev.astravault.TokenManager} as a client of DataStax's Astra secrets plugin mounted in HashiCorp
 * Vault, through vault-java-driver. Vault holds the root tokens and is the lease authority; see docs/vault.md.
 *
 * <pre>{@code
 * TokenManager tokens = TokenManager.builder()
 *     .vault(VaultConfig.builder(URI.create("https://vault:8200"))
 *         .auth(VaultAuth.kubernetes("orders", Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token")))
 *         .build())
 *     .build();
 * }</pre>
 */
@NullMarked
package dev.astravault.vault;

import org.jspecify.annotations.NullMarked;
