/** Engine internals: no compatibility promise. */
@NullMarked
package dev.astravault.internal;

import org.jspecify.annotations.NullMarked;
