package dev.astravault.internal.astra;

import dev.astravault.AstraUnavailableException;
import org.jspecify.annotations.Nullable;

/** A POST failed in a way that leaves open whether Astra created the token (I/O error or timeout after sending). */
public final class AmbiguousCreateException extends AstraUnavailableException {
  private static final long serialVersionUID = 1L;

  public AmbiguousCreateException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
