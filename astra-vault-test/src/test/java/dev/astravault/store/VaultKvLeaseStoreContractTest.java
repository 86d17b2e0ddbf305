package dev.astravault.store;

import dev.astravault.EncryptionKey;
import dev.astravault.KeyProvider;
import dev.astravault.LeaseStore;
import dev.astravault.test.store.LeaseStoreContract;
import dev.astravault.test.vault.FakeVault;
import dev.astravault.vault.VaultAuth;
import dev.astravault.vault.VaultConfig;
import dev.astravault.vault.VaultKvLeaseStore;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract on FakeVault's KV v2 engine through the real driver; the concurrency cases split their threads between
 * two store instances, as two managers in two processes would.
 */
class VaultKvLeaseStoreContractTest extends LeaseStoreContract {
  private static final KeyProvider KEYS = KeyProvider.of(EncryptionKey.generate());

  @RegisterExtension static final FakeVault vault = FakeVault.create();

  private static LeaseStore open() {
    return open(KEYS);
  }

  private static LeaseStore open(KeyProvider keys) {
    return VaultKvLeaseStore.builder(VaultConfig.of(URI.create(vault.address()), VaultAuth.token(vault.rootToken())))
        .mount("secret").pathPrefix("apps/orders/astra-vault").keyProvider(keys).build();
  }

  @Override
  protected LeaseStore newStore() {
    return open();
  }

  @Override
  protected LeaseStore secondStore() {
    return open();
  }

  @Override
  protected Optional<LeaseStore> storeWithAnotherKey() {
    return Optional.of(open(KeyProvider.of(EncryptionKey.generate())));
  }

  @Override
  protected Optional<LeaseStore> storeWithKeys(KeyProvider keys) {
    return Optional.of(open(keys));
  }
}
