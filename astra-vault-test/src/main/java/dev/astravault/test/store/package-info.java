/** A contract test kit for {@link dev.astravault.LeaseStore} implementations. */
@NullMarked
package dev.astravault.test.store;

import org.jspecify.annotations.NullMarked;
