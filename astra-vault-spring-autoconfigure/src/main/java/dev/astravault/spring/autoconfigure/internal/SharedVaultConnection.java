package dev.astravault.spring.autoconfigure.internal;

import dev.astravault.vault.VaultConfig;
import org.jspecify.annotations.Nullable;

/**
 * A Vault connection the application already has (Spring Vault's session): its address, namespace and a token source.
 * No Spring Vault type appears here, so the factory can take it without Spring Vault on the class path.
 */
@FunctionalInterface
public interface SharedVaultConnection {
  /** {@return a config builder with address, auth and namespace set, or null when the application has no session} */
  VaultConfig.@Nullable Builder builder();
}
