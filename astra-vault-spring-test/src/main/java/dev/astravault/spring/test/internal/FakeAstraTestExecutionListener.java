package dev.astravault.spring.test.internal;

import dev.astravault.spring.test.AutoConfigureFakeAstra;
import dev.astravault.test.FakeAstra;
import dev.astravault.test.IssuedToken;
import dev.astravault.test.RecordingAuditSink;
import dev.astravault.test.vault.FakeVault;
import java.util.List;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Registered in {@code META-INF/spring.factories}, for {@link AutoConfigureFakeAstra} tests: after each test method it
 * drops the fakes' recorded requests and unused faults and the recorded audit events, keeping the tokens (they belong
 * to the running application); with {@link AutoConfigureFakeAstra#verifyNoLiveTokensAfterClose()}, after the test
 * class it fails when the context was closed with a token still live. Ordered before the dirties-context listener
 * (3000), so its after-class callback runs after that one closed the context.
 */
public final class FakeAstraTestExecutionListener implements TestExecutionListener, Ordered {
  private static final String CONTEXT = FakeAstraTestExecutionListener.class.getName() + ".context";
  private static final String ASTRA = FakeAstraTestExecutionListener.class.getName() + ".astra";

  /** Instantiated by Spring's factories loader. */
  public FakeAstraTestExecutionListener() {}

  /** {@return 2500: between dependency injection (2000) and dirties-context (3000)} */
  @Override
  public int getOrder() {
    return 2500;
  }

  @Override
  public void beforeTestClass(TestContext testContext) {
    AutoConfigureFakeAstra annotation = FakeAstraContextCustomizerFactory.find(testContext.getTestClass());
    if (annotation == null || !annotation.verifyNoLiveTokensAfterClose()) {
      return;
    }
    // Loaded here (the first test method would load it anyway) to keep hold of the fake for the after-class check.
    ApplicationContext context = testContext.getApplicationContext();
    testContext.setAttribute(CONTEXT, context);
    testContext.setAttribute(ASTRA, context.getBean(FakeAstraContextCustomizer.ASTRA_BEAN, FakeAstra.class));
  }

  @Override
  public void afterTestMethod(TestContext testContext) {
    if (FakeAstraContextCustomizerFactory.find(testContext.getTestClass()) == null
        || !testContext.hasApplicationContext()) {
      return;
    }
    ApplicationContext context;
    try {
      context = testContext.getApplicationContext();
    } catch (IllegalStateException closed) {
      return;  // the context was closed (dirtied); nothing to clear
    }
    if (context instanceof ConfigurableApplicationContext c && !c.isActive()) {
      return;
    }
    if (context.containsBean(FakeAstraContextCustomizer.ASTRA_BEAN)) {
      context.getBean(FakeAstraContextCustomizer.ASTRA_BEAN, FakeAstra.class).clearRequestsAndFaults();
    }
    if (context.containsBean(FakeAstraContextCustomizer.VAULT_BEAN)) {
      context.getBean(FakeAstraContextCustomizer.VAULT_BEAN, FakeVault.class).clearRequests();
    }
    if (context.containsBean(FakeAstraContextCustomizer.AUDIT_BEAN)) {
      context.getBean(FakeAstraContextCustomizer.AUDIT_BEAN, RecordingAuditSink.class).clear();
    }
  }

  @Override
  public void afterTestClass(TestContext testContext) {
    Object context = testContext.removeAttribute(CONTEXT);
    Object astra = testContext.removeAttribute(ASTRA);
    if (!(context instanceof ConfigurableApplicationContext c) || c.isActive() || !(astra instanceof FakeAstra fake)) {
      return;  // not verified, or the context is still cached for other test classes
    }
    List<IssuedToken> live = fake.liveTokens();
    if (!live.isEmpty()) {
      throw new AssertionError(live.size() + " token(s) still live in FakeAstra after the application context of "
          + testContext.getTestClass().getSimpleName() + " closed: " + live.stream()
          .map(t -> t.clientId() + " '" + t.description() + "'").toList()
          + " (check astra.vault.revoke-on-shutdown and that the test revokes what it issues)");
    }
  }
}
