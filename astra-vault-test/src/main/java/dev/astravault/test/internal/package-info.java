/** Helpers shared by the fakes; not part of the test kit's API and subject to change. */
@NullMarked
package dev.astravault.test.internal;

import org.jspecify.annotations.NullMarked;
