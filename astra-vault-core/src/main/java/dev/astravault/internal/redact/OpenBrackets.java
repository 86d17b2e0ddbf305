package dev.astravault.internal.redact;

/**
 * Where an unquoted value ends when closing brackets end it: a toString's <code>Config{token=abc}</code> closes the
 * <code>{</code> it opened before the key, and that <code>}</code> is the text's, not the value's; a password may
 * still hold one (<code>password=a}b</code>). The brackets of each kind opened before a value and not closed are
 * counted by a cursor that reads the text once, forward, as a pass asks for values in increasing order; only values
 * that end in a closing bracket move it.
 */
final class OpenBrackets {
  private static final String OPENERS = "([{";
  private static final String CLOSERS = ")]}";

  private final CharSequence text;
  /** Of each kind, the brackets opened in {@code text[0, at)} and not closed. */
  private final int[] open = new int[3];
  private int at;

  OpenBrackets(CharSequence text) {
    this.text = text;
  }

  /**
   * The end of the unquoted value {@code text[start, end)}: before the closing brackets it ends with when each closes
   * a bracket opened before {@code start} (not one opened inside the value), else {@code end}.
   */
  int valueEnd(int start, int end) {
    if (end <= start || CLOSERS.indexOf(text.charAt(end - 1)) < 0) {
      return end;
    }
    advanceTo(start);
    int[] inside = new int[3];
    int[] closing = new int[3];
    int cut = -1;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      int close = CLOSERS.indexOf(c);
      if (close >= 0 && inside[close] == 0) {
        cut = cut < 0 ? i : cut;
        closing[close]++;
        continue;
      }
      int opening = OPENERS.indexOf(c);
      if (opening >= 0) {
        inside[opening]++;
      } else if (close >= 0) {
        inside[close]--;
      }
      cut = -1;
      closing[0] = closing[1] = closing[2] = 0;
    }
    for (int k = 0; k < 3; k++) {
      if (closing[k] > open[k]) {
        return end;
      }
    }
    return cut < 0 ? end : cut;
  }

  /**
   * {@link #valueEnd} for a value that runs to {@code end} over commas ({@code password=} in {@link Redaction}'s
   * pattern), first before a {@code ,} at its end that separates a list's items (before a space or the text's end),
   * as {@link KeyedValues}' values end.
   */
  int listValueEnd(int start, int end) {
    boolean listed = end > start && text.charAt(end - 1) == ',' && (end == text.length()
        || Character.isWhitespace(text.charAt(end)));
    return valueEnd(start, listed ? end - 1 : end);
  }

  private void advanceTo(int to) {
    for (; at < to; at++) {
      char c = text.charAt(at);
      int opening = OPENERS.indexOf(c);
      int close = CLOSERS.indexOf(c);
      if (opening >= 0) {
        open[opening]++;
      } else if (close >= 0 && open[close] > 0) {
        open[close]--;
      }
    }
  }
}
