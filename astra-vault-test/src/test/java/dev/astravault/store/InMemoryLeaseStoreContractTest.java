package dev.astravault.store;

import dev.astravault.LeaseStore;
import dev.astravault.test.store.LeaseStoreContract;

class InMemoryLeaseStoreContractTest extends LeaseStoreContract {
  @Override
  protected LeaseStore newStore() {
    return LeaseStore.inMemory();
  }
}
