/** {@link dev.astravault.LeaseStore} implementations. */
@NullMarked
package dev.astravault.store;

import org.jspecify.annotations.NullMarked;
