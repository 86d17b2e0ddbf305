package dev.astravault.test;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A JUnit 5 extension that, when a test fails, prints how the fakes built without an explicit seed varied their
 * answers in this JVM ({@link Variation#defaultSeed()}), so the failing run can be reproduced. Register it on test
 * classes that build {@link FakeAstra} or {@code FakeVault} by hand; fakes registered as extensions report their own
 * seed.
 *
 * <pre>{@code @ExtendWith(SeedReporter.class) class MyTest { ... }}</pre>
 */
public final class SeedReporter implements TestWatcher {
  @Override
  public void testFailed(ExtensionContext context, @org.jspecify.annotations.Nullable Throwable cause) {
    report(context, "fakes", Variation.fromSystemProperties());
  }

  /** Prints and publishes one fake's variation for a failed test. */
  public static void report(ExtensionContext context, String fake, Variation variation) {
    String line = "[astra-vault-test] " + context.getDisplayName() + " failed; " + fake + " answered with "
        + variation.reproduceHint();
    System.err.println(line);
    context.publishReportEntry(Variation.SEED_PROPERTY,
        variation.isStrict() ? "strict" : Long.toString(variation.seed()));
  }
}
