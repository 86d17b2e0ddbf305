package dev.astravault.spring.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestContextManager;

/**
 * {@code verifyNoLiveTokensAfterClose}: the test class fails when its context closed with a token still live, and
 * passes when the application revoked it. Driven through Spring's TestContextManager, as the SpringExtension does.
 */
class VerifyNoLiveTokensAfterCloseTest {

  /** Not a test itself: the application keeps its token at shutdown. */
  @SpringBootTest(classes = TestApplication.class, properties = "astra.vault.revoke-on-shutdown=false")
  @AutoConfigureFakeAstra(verifyNoLiveTokensAfterClose = true)
  @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
  static class LeavesItsTokenAlive {}

  /** Not a test itself: the starter revokes the token at shutdown (the default). */
  @SpringBootTest(classes = TestApplication.class)
  @AutoConfigureFakeAstra(verifyNoLiveTokensAfterClose = true)
  @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
  static class RevokesItsToken {}

  @Test
  void aTokenThatOutlivesTheContextFailsTheTestClass() throws Exception {
    TestContextManager manager = new TestContextManager(LeavesItsTokenAlive.class);
    manager.beforeTestClass();
    assertThatThrownBy(manager::afterTestClass).isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 token(s) still live in FakeAstra after the application context of "
            + "LeavesItsTokenAlive closed").hasMessageContaining("revoke-on-shutdown");
  }

  @Test
  void aRevokedTokenPasses() throws Exception {
    TestContextManager manager = new TestContextManager(RevokesItsToken.class);
    manager.beforeTestClass();
    manager.afterTestClass();
  }
}
