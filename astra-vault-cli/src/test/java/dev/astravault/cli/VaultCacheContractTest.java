package dev.astravault.cli;

import dev.astravault.LeaseStore;
import dev.astravault.store.JdbcLeaseStore;
import dev.astravault.test.store.LeaseStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on the CLI's Vault-mode cache: leases in a metadata-only SQLite file, orgs and roles in this
 * process (so one instance; the conditional role writes, compareAndSetRole and deleteRole(Role), are the in-memory
 * store's).
 */
class VaultCacheContractTest extends LeaseStoreContract {
  @TempDir
  Path dir;

  @Override
  protected LeaseStore newStore() {
    return new VaultCache(JdbcLeaseStore.builder().sqliteFile(dir.resolve("cache.db")).metadataOnly().build());
  }

  @Override
  protected boolean keepsSecrets() {
    return false;
  }
}
