package dev.astravault.spring.test;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the checks a test class queued ({@link #check}) after Spring closed its context: registered with
 * {@code @ExtendWith} ahead of {@code @SpringBootTest} (whose SpringExtension closes a {@code @DirtiesContext}
 * context in its own after-all callback), its after-all callback runs after that one's.
 */
public final class AfterContextClose implements AfterAllCallback {
  private static final List<Runnable> CHECKS = new ArrayList<>();

  /**
   * Queues {@code check} for after the context closed.
   *
   * @param check the check
   */
  public static synchronized void check(Runnable check) {
    CHECKS.add(check);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<Runnable> checks;
    synchronized (AfterContextClose.class) {
      checks = new ArrayList<>(CHECKS);
      CHECKS.clear();
    }
    if (checks.isEmpty()) {
      throw new AssertionError("no check was queued: the test that queues it did not run");
    }
    checks.forEach(Runnable::run);
  }
}
