/** Internals of the Spring test support; may change in any release. */
@NullMarked
package dev.astravault.spring.test.internal;

import org.jspecify.annotations.NullMarked;
