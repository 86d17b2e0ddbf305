package dev.astravault.store;

import dev.astravault.LeaseStore;
import dev.astravault.test.store.LeaseStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a SQLite store that keeps no secrets. */
class SqliteMetadataOnlyContractTest extends LeaseStoreContract {
  @TempDir
  Path dir;

  @Override
  protected LeaseStore newStore() {
    return JdbcLeaseStore.builder().sqliteFile(dir.resolve("meta.db")).metadataOnly().build();
  }

  @Override
  protected boolean keepsSecrets() {
    return false;
  }
}
