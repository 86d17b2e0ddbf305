package dev.astravault.store;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.test.store.LeaseStoreContract;
import java.util.Optional;

/** The contract on a real PostgreSQL (embedded); the concurrency cases use two store instances with their own pools. */
class PostgresLeaseStoreContractTest extends LeaseStoreContract {
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());
  private String url;

  @Override
  protected LeaseStore newStore() {
    url = EmbeddedPg.newDatabase("contract");
    return JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres").keyProvider(KEYS)
        .maxConnections(16).build();
  }

  @Override
  protected Optional<LeaseStore> storeWithAnotherKey() {
    return Optional.of(JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres")
        .keyProvider(KeyProvider.of(EncryptionKey.generate())).build());
  }

  @Override
  protected LeaseStore secondStore() {
    return JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres").keyProvider(KEYS)
        .maxConnections(16).build();
  }

  @Override
  protected Optional<LeaseStore> storeWithKeys(KeyProvider keys) {
    return Optional.of(JdbcLeaseStore.builder().jdbcUrl(url).credentials("postgres", "postgres").keyProvider(keys)
        .build());
  }
}
