package dev.astravault.spring.test.internal;

import dev.astravault.test.FakeAstra;
import dev.astravault.test.RecordingAuditSink;
import dev.astravault.test.vault.FakeVault;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestExecutionListener;

/**
 * Registered in {@code META-INF/spring.factories}: after each test method of an
 * {@link dev.astravault.spring.test.AutoConfigureFakeAstra} test, drops the fakes' recorded requests and unused faults
 * and the recorded audit events, keeping the tokens (they belong to the running application). Its after-method
 * callback runs before {@code @DirtiesContext} closes a context.
 */
public final class FakeAstraTestExecutionListener implements TestExecutionListener, Ordered {

  /** Instantiated by Spring's factories loader. */
  public FakeAstraTestExecutionListener() {}

  /** {@return after the dirties-context listener (3000), so that its after-method callback runs before that one's} */
  @Override
  public int getOrder() {
    return 3500;
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
      return;  // the test closed its context; nothing to clear
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
}
