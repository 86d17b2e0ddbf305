/**
 * Vault mode internals: the vault-java-driver adapter, error translation, the Astra plugin backend, and the parts of
 * {@link dev.astravault.vault.VaultKvLeaseStore} ({@code Kv*}: layout, entry codecs, indexes, conditional writes).
 */
@NullMarked
package dev.astravault.internal.vault;

import org.jspecify.annotations.NullMarked;
