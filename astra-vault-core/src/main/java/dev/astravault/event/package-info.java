/** Typed audit and lifecycle events. None of them carries a token, a secret or a root token. */
@NullMarked
package dev.astravault.event;

import org.jspecify.annotations.NullMarked;
