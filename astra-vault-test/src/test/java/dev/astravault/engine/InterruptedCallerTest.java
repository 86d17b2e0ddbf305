package dev.astravault.engine;

import static dev.astravault.engine.EngineFixture.ORG;
import static dev.astravault.engine.EngineFixture.ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.astravault.AstraVaultException;
import dev.astravault.LeaseState;
import dev.astravault.TokenRequest;
import dev.astravault.internal.RealTokenManager;
import dev.astravault.test.FakeAstra;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A caller interrupted while it issues: OkHttp throws an InterruptedException it does not declare while it waits for
 * a connection. The caller gets a typed error, keeps its interrupt status, and no token or PENDING record is left.
 */
class InterruptedCallerTest {
  @RegisterExtension static final FakeAstra astra = FakeAstra.builder().transientFailures(false).build();

  EngineFixture f = new EngineFixture(astra);

  @AfterEach
  void tearDown() {
    Thread.interrupted();
    f.close();
  }

  @RepeatedTest(3)
  void anInterruptedIssueIsATypedErrorThatKeepsTheInterruptAndLeavesNothingBehind() {
    Thread.currentThread().interrupt();
    Throwable thrown = catchThrowable(() -> f.tokens.issue(TokenRequest.forRole(ROLE).org(ORG).perRequest().build()));
    boolean interrupted = Thread.interrupted();

    // Each fixture has its own client, so the call must connect first: that wait is where OkHttp sees the interrupt.
    assertThat(thrown).isInstanceOf(AstraVaultException.class);
    assertThat(interrupted).as("the interrupt status is kept").isTrue();
    assertThat(((RealTokenManager) f.tokens).store().list("")).as("no PENDING record left behind")
        .noneMatch(r -> r.state() == LeaseState.PENDING);
    assertThat(astra.liveTokens()).isEmpty();
  }
}
