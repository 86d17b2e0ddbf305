package dev.astravault.test;

import dev.astravault.TokenManager;
import dev.astravault.test.vault.FakeVault;

/**
 * AssertJ entry points for the fakes and the recording audit sink, for plain JUnit and Spring tests alike:
 *
 * <pre>{@code
 * assertThatAstra(astra).hasLiveTokens(1).hasLiveTokensForRole("api_ro_user", 1).hasNoOrphans();
 * assertThatAstra(astra).hasNoOrphansOf(tokens);      // every live token is one the TokenManager knows
 * assertThatVault(vault).hasLeases(1);
 * assertThatAudit(audit).hasRecorded(TokenIssued.class, 1).mentionsNone(astra.defaultOrg().rootToken());
 * }</pre>
 *
 * <p>Needs {@code org.assertj:assertj-core} on the test class path: {@code astra-vault-test} declares it optional, so
 * it never lands on a class path that does not use these assertions ({@code astra-vault-spring-test} brings it).
 * Failure messages name client ids, role ids, descriptions and event types, never a token or secret.
 */
public final class AstraAssertions {
  private AstraAssertions() {}

  /**
   * Assertions on what {@code astra} holds: live, revoked and expired tokens, by role and logical name.
   *
   * @param astra the fake
   * @return its assertions
   */
  public static FakeAstraAssert assertThatAstra(FakeAstra astra) {
    return new FakeAstraAssert(astra);
  }

  /**
   * Assertions on the leases {@code vault}'s Astra plugin holds.
   *
   * @param vault the fake
   * @return its assertions
   */
  public static FakeVaultAssert assertThatVault(FakeVault vault) {
    return new FakeVaultAssert(vault);
  }

  /**
   * Assertions on the events {@code audit} recorded.
   *
   * @param audit the sink
   * @return its assertions
   */
  public static RecordingAuditSinkAssert assertThatAudit(RecordingAuditSink audit) {
    return new RecordingAuditSinkAssert(audit);
  }

  /**
   * Shorthand for {@code assertThatAstra(astra).hasNoOrphansOf(tokens)}.
   *
   * @param astra the fake
   * @param tokens the manager whose tokens the fake's live tokens must all be
   * @return the fake's assertions
   */
  public static FakeAstraAssert assertNoOrphans(FakeAstra astra, TokenManager tokens) {
    return assertThatAstra(astra).hasNoOrphansOf(tokens);
  }
}
