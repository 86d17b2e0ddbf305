package dev.astravault.test;

import dev.astravault.test.vault.FakeVault;
import dev.astravault.test.vault.LeaseInfo;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link FakeVault}, made by {@link AstraAssertions#assertThatVault(FakeVault)}. The Astra
 * tokens the plugin minted live in the {@link FakeAstra} it points at: assert on that one with
 * {@link AstraAssertions#assertThatAstra(FakeAstra)}.
 */
public final class FakeVaultAssert extends AbstractAssert<FakeVaultAssert, FakeVault> {

  FakeVaultAssert(FakeVault actual) {
    super(Objects.requireNonNull(actual, "vault"), FakeVaultAssert.class);
  }

  /**
   * The fake holds exactly {@code count} leases ({@link FakeVault#leases()}).
   *
   * @param count the expected number
   * @return this
   */
  public FakeVaultAssert hasLeases(int count) {
    List<LeaseInfo> leases = actual.leases();
    if (leases.size() != count) {
      failWithMessage("expected %s lease(s) in FakeVault but found %s: %s", count, leases.size(),
          leases.stream().map(LeaseInfo::leaseId).toList());
    }
    return this;
  }

  /**
   * The fake holds no lease: everything was revoked (say, after the application context closed).
   *
   * @return this
   */
  public FakeVaultAssert hasNoLeases() {
    return hasLeases(0);
  }
}
