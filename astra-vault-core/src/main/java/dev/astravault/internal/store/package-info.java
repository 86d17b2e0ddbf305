/**
 * The parts of {@link dev.astravault.store.JdbcLeaseStore}, which keeps only the store's contract and its builder:
 * connections, schema migrations, the lease table's SQL, the row codec, the lease, org and role tables, key rotation
 * and the deployment id; and what a durable store binds at rest ({@code RowBindings}, shared with the Vault KV store).
 */
@NullMarked
package dev.astravault.internal.store;

import org.jspecify.annotations.NullMarked;
