/**
 * The parts of {@link dev.astravault.store.JdbcLeaseStore}, which keeps only the store's contract and its builder:
 * connections (and the credentials taken out of a PostgreSQL URL, {@code JdbcUrlCredentials}), schema migrations,
 * the lease table's SQL, the row codec, the lease, org and role tables, key rotation and the deployment id; what a
 * durable store binds at rest ({@code RowBindings}, shared with the Vault KV store); and the in-memory store's
 * structures written by one writer and read without a lock ({@code RecordTable}, {@code ExpiryLeaves}).
 */
@NullMarked
package dev.astravault.internal.store;

import org.jspecify.annotations.NullMarked;
