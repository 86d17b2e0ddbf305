/** Vault mode internals: the vault-java-driver adapter, error translation and the Astra plugin backend. */
@NullMarked
package dev.astravault.internal.vault;

import org.jspecify.annotations.NullMarked;
