package dev.astravault.internal.store;

import dev.astravault.StoreException;
import org.jspecify.annotations.Nullable;

/**
 * A stored row that does not decode: rewritten outside the library, or written by a version that wrote it
 * differently. Callers see a {@link StoreException}; the stores' finders tell it apart from a failure of the storage
 * itself, which must stop them, because one row that cannot be read must not (see {@link UnreadableRows}).
 */
public final class MalformedRowException extends StoreException {
  private static final long serialVersionUID = 1L;

  public MalformedRowException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
