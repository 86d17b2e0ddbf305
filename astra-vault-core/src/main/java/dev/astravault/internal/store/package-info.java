/** JDBC plumbing of {@link dev.astravault.store.JdbcLeaseStore}: connections, dialect SQL and schema migrations. */
@NullMarked
package dev.astravault.internal.store;

import org.jspecify.annotations.NullMarked;
