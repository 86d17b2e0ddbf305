package dev.astravault.store;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.test.store.LeaseStoreContract;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a SQLite file; the concurrency cases share it between two store instances, as two processes do. */
class SqliteLeaseStoreContractTest extends LeaseStoreContract {
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());

  @TempDir
  Path dir;

  @Override
  protected LeaseStore newStore() {
    return JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KEYS);
  }

  @Override
  protected LeaseStore secondStore() {
    return JdbcLeaseStore.builder().jdbcUrl("jdbc:sqlite:" + dir.resolve("leases.db")).keyProvider(KEYS).build();
  }

  @Override
  protected Optional<LeaseStore> storeWithAnotherKey() {
    return Optional.of(JdbcLeaseStore.sqlite(dir.resolve("leases.db"), KeyProvider.of(EncryptionKey.generate())));
  }

  @Override
  protected Optional<LeaseStore> storeWithKeys(KeyProvider keys) {
    return Optional.of(JdbcLeaseStore.sqlite(dir.resolve("leases.db"), keys));
  }
}
