package dev.astravault.internal.redact;

/**
 * An {@code Authorization} header's value with no scheme ({@code Authorization: opaque-1}), for {@link Redaction}'s
 * pattern: masked whole, unless it is a word of letters, which is a scheme alone ({@code Authorization: Bearer}, a
 * map's {@code [Bearer, Basic]}) or prose ({@code Authorization: denied}).
 */
final class SchemelessValues {
  /** The value: one word, to a space, a quote, a {@code \} or a delimiter. */
  static final String LONE = "[^\\s\"'`,<>)\\]}\\\\]++";
  /** The longest word of letters kept: no scheme or word of prose is longer, a random token of letters may be. */
  private static final int LONGEST_WORD = 16;

  private SchemelessValues() {}

  /** Whether {@code text[from, to)}, a header's value after its name, is one word: no scheme before a blank. */
  static boolean isLone(CharSequence text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
        return false;
      }
    }
    return true;
  }

  /** Whether the word {@code text[from, to)} is kept: letters only, at most {@value #LONGEST_WORD} of them. */
  static boolean isKept(CharSequence text, int from, int to) {
    if (to - from > LONGEST_WORD) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    return true;
  }
}
