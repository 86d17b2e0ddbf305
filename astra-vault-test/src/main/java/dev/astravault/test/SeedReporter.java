package dev.astravault.test;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A JUnit 5 extension that, when a test fails, says how the fakes built without an explicit seed varied their
 * answers in this JVM ({@link Variation#defaultSeed()}), so the failing run can be reproduced: the failure carries a
 * suppressed note with the seed (shown in its stack trace, so in the build log), and the seed is printed and
 * published as a report entry. Register it on test classes that build {@link FakeAstra} by hand; fakes registered as
 * extensions report their own seed.
 *
 * <pre>{@code @ExtendWith(SeedReporter.class) class MyTest { ... }}</pre>
 */
public final class SeedReporter implements TestWatcher, TestExecutionExceptionHandler {
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    throw annotate(throwable, "fakes", Variation.fromSystemProperties());
  }

  @Override
  public void testFailed(ExtensionContext context, @Nullable Throwable cause) {
    report(context, "fakes", Variation.fromSystemProperties());
  }

  /**
   * Adds a note naming the seed to a test's failure (once per fake and seed) and returns it.
   *
   * @param failure the test's failure
   * @param fake the fake's name
   * @param variation the fake's variation
   * @return {@code failure}
   */
  public static Throwable annotate(Throwable failure, String fake, Variation variation) {
    String message = fake + " answered with " + variation.reproduceHint();
    for (Throwable s : failure.getSuppressed()) {
      if (s instanceof SeedNote && message.equals(s.getMessage())) {
        return failure;
      }
    }
    failure.addSuppressed(new SeedNote(message));
    return failure;
  }

  /**
   * Prints and publishes one fake's variation for a failed test.
   *
   * @param context the failed test's context
   * @param fake the fake's name
   * @param variation the fake's variation
   */
  public static void report(ExtensionContext context, String fake, Variation variation) {
    String line = "[astra-vault-test] " + context.getDisplayName() + " failed; " + fake + " answered with "
        + variation.reproduceHint();
    System.err.println(line);
    context.publishReportEntry(Variation.SEED_PROPERTY,
        variation.isStrict() ? "strict" : Long.toString(variation.seed()));
  }

  /** The note added to a failure: a message only, no stack trace. */
  static final class SeedNote extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SeedNote(String message) {
      super(message, null, false, false);
    }
  }
}
