/** Internals of the Spring Boot auto-configuration; may change in any release. */
@NullMarked
package dev.astravault.spring.autoconfigure.internal;

import org.jspecify.annotations.NullMarked;
