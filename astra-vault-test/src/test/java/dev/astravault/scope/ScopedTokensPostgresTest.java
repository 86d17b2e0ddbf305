package dev.astravault.scope;

import dev.astravault.LeaseStore;
import dev.astravault.store.EmbeddedPg;
import dev.astravault.store.JdbcLeaseStore;

/**
 * The store scenarios of {@link ScopedTokensScenarios} on PostgreSQL, the JDBC store's fleet database: the write-ahead
 * role records, the {@code av_lease_role} index behind holdsRole (schema v4), recovery, the orphan sweep and reconcile
 * speak its SQL, not SQLite's. One embedded server for the test JVM ({@link EmbeddedPg}, shared with the store suites);
 * each test gets its own database, which a "crashed" and a restarted manager share.
 */
class ScopedTokensPostgresTest extends ScopedTokensScenarios {
  private final String url = EmbeddedPg.newDatabase("scoped");

  @Override
  LeaseStore openStore() {
    // A small pool per "process": each manager here calls the store from one thread at a time.
    return JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres").keyProvider(KEYS)
        .maxConnections(2).build();
  }
}
