/**
 * Spring test support: {@link dev.astravault.spring.test.AutoConfigureFakeAstra} runs a test's application context
 * against the test kit's fakes. The assertions are in {@code astra-vault-test}
 * ({@link dev.astravault.test.AstraAssertions}), usable from plain JUnit too.
 */
@NullMarked
package dev.astravault.spring.test;

import org.jspecify.annotations.NullMarked;
