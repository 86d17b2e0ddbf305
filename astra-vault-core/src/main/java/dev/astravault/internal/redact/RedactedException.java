package dev.astravault.internal.redact;

import dev.astravault.AstraVaultException;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A copy of a foreign exception (vault-java-driver, OkHttp, JDBC) whose message, or whose causes' messages, held
 * token-shaped text: it keeps the original class name and stack trace, with every message {@linkplain
 * Redaction#scrub masked}. The library attaches it as a cause in place of the original, so no cause chain it hands
 * out carries a response body or a token.
 */
public final class RedactedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String originalType;

  private RedactedException(String originalType, @Nullable String message) {
    super(message);   // the cause stays unset until copyOf sets it
    this.originalType = originalType;
  }

  static RedactedException copyOf(Throwable original, Map<Throwable, RedactedException> copies) {
    return copyOf(original, copies, null);
  }

  /**
   * {@link #copyOf(Throwable, Map)} with {@code mask} applied to every message before the scrub; with a mask, copies
   * already made are copied again, as they were scrubbed without it.
   */
  static RedactedException copyOf(Throwable original, Map<Throwable, RedactedException> copies,
      @Nullable UnaryOperator<String> mask) {
    RedactedException done = copies.get(original);
    if (done != null) {
      return done;
    }
    String message = safeGetMessage(original);
    String type = original instanceof RedactedException r ? r.originalType : original.getClass().getName();
    RedactedException copy = new RedactedException(type,
        Redaction.scrub(message == null || mask == null ? message : mask.apply(message)));
    copies.put(original, copy);
    copy.setStackTrace(original.getStackTrace());
    Throwable cause = original.getCause();
    if (cause != null && cause != original) {
      copy.initCause(cause instanceof RedactedException r && mask == null ? r : copyOf(cause, copies, mask));
    }
    for (Throwable s : original.getSuppressed()) {
      copy.addSuppressed(s instanceof RedactedException r && mask == null ? r : copyOf(s, copies, mask));
    }
    return copy;
  }

  /**
   * Whether nothing in {@code t}'s chain (messages, causes, suppressed) holds token-shaped text and none of it comes
   * from vault-java-driver, whose exceptions carry the HTTP response body.
   */
  static boolean isClean(Throwable t, Map<Throwable, Boolean> seen) {
    if (seen.put(t, Boolean.TRUE) != null || t instanceof RedactedException) {
      return true;
    }
    if (t.getClass().getName().startsWith("io.github.jopenlibs.vault.")) {
      return false;
    }
    // Our own exceptions scrubbed themselves; the message of anything else is checked.
    if (!(t instanceof AstraVaultException) && Redaction.looksSecret(safeGetMessage(t))) {
      return false;
    }
    for (Throwable s : t.getSuppressed()) {
      if (!isClean(s, seen)) {
        return false;
      }
    }
    Throwable c = t.getCause();
    return c == null || c == t || isClean(c, seen);
  }

  private static @Nullable String safeGetMessage(Throwable t) {
    try {
      return t.getMessage();
    } catch (RuntimeException e) {
      return t.getClass().getName();
    }
  }

  /** The class name of the exception this copy stands for, e.g. {@code io.github.jopenlibs.vault.VaultException}. */
  public String originalType() {
    return originalType;
  }

  @Override
  public String toString() {
    String message = getLocalizedMessage();
    return originalType + " (redacted)" + (message == null ? "" : ": " + message);
  }
}
