package dev.astravault.internal.redact;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Finds Astra client secrets in text, without a regex: {@link Redaction}'s pass after its patterns, and the
 * pre-scan's part for them. A class of its own, as {@link StoreKeyRuns} and {@link JwtRuns} are, so that each
 * recogniser reads on one screen.
 *
 * <p>A client secret is a maximal run of {@value #MIN} or more of {@code A-Za-z0-9+,._/=-} holding a {@code ,} or
 * {@code +}, a digit and a letter (a {@code ,} or {@code .} ending it is punctuation, not the run's), as written or
 * {@linkplain PercentDecoded percent-decoded} ({@code %2C}, {@code %2B}, as in a form body; {@code %252C} encoded
 * twice). A pass of its own, after the patterns, so that a long
 * harmless run (a lease id) never hides a token inside it from them; a loop, so that a text of runs one short reads
 * each character once, not forty times.
 */
final class ClientSecretRuns {
  /** The shortest client secret. */
  static final int MIN = 40;

  /** {@code text} with every client secret masked, or null when it holds none ({@code view}: tests count reads). */
  static @Nullable String mask(CharSequence text, Function<String, ? extends CharSequence> view) {
    return PercentDecoded.mask(text, ClientSecretRuns::find, view);
  }

  /**
   * Whether {@code text} holds a client secret, as written or decoded: the pre-scan's part for them, exact since it
   * is {@link #mask}'s own test.
   */
  static boolean present(CharSequence text) {
    return text.length() >= MIN && PercentDecoded.finds(text, ClientSecretRuns::find);
  }

  /** Reports the client secrets in {@code text} to {@code found}. */
  private static void find(CharSequence text, PercentDecoded.Found found) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      int start = i;
      boolean mark = false;   // a , or + seen so far
      boolean markBefore = false;   // one seen before the last character that is neither , nor .
      boolean digit = false;
      boolean letter = false;
      for (char c; i < n && isRunChar(c = text.charAt(i)); i++) {
        mark |= c == ',' || c == '+';
        markBefore = c == ',' || c == '.' ? markBefore : mark;
        digit |= c >= '0' && c <= '9';
        letter |= c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
      }
      // A , or . ending the run is the sentence's (a path in a message: "… /var/log/app/audit.jsonl.1, then …").
      int end = i;
      while (end > start && (text.charAt(end - 1) == ',' || text.charAt(end - 1) == '.')) {
        end--;
      }
      if (end - start >= MIN && markBefore && digit && letter) {
        found.span(start, end);
      }
      i = i == start ? i + 1 : i;
    }
  }

  private static boolean isRunChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == ','
        || c == '.' || c == '_' || c == '/' || c == '=' || c == '-';
  }

  private ClientSecretRuns() {}
}
