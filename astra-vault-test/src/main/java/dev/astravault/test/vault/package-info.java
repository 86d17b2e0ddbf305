/**
 * {@link dev.astravault.test.vault.FakeVault}: an in-process fake of a HashiCorp Vault server (KV v1/v2, token,
 * AppRole and Kubernetes auth, {@code sys/health}, {@code sys/leases}) with DataStax's Astra secrets plugin v2.0.0
 * mounted, for tests. It answers with the wire shapes real Vault uses, so that clients such as vault-java-driver
 * can be tested against it unmodified.
 */
@NullMarked
package dev.astravault.test.vault;

import org.jspecify.annotations.NullMarked;
