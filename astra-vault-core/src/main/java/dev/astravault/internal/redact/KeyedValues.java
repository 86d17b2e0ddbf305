package dev.astravault.internal.redact;

import org.jspecify.annotations.Nullable;

/**
 * Finds the values of secret-named keys in text, without a regex: {@link Redaction}'s pass after its patterns, for a
 * config dump, a driver's message or a metadata value that names its secret ({@code password: x}, {@code
 * <token>x</token>}). A class of its own, as {@link ClientSecretRuns} is, so that each recogniser reads on one screen.
 *
 * <p>A key is a name (a run of {@code A-Za-z0-9_.-}, or an XML element's, which may hold a namespace's {@code :})
 * ending in a letter or digit whose last part (after any {@code .} or {@code :}), lowercased and without {@code _}
 * and {@code -}, ends in one of {@link #KEYS}: {@code password}, {@code client_secret}, {@code clientSecret}, {@code
 * astra.vault.root-token}, {@code X-Api-Key}. It is followed by
 * <ul>
 *   <li>{@code =} (also {@code &#61;}, {@code &#x3d;}, {@code \\u003d}, {@code %3D} and {@code %253D}, {@code
 *       %25253D}), spaces or tabs around it allowed: always a field;</li>
 *   <li>{@code :}, spaces or tabs before it allowed: a field when the key is quoted ({@code "…"}, {@code '…'}, {@code
 *       \"…\"}, <code>\\u0022…\\u0022</code>, {@code &quot;…&quot;}, {@code %22…%22}) or, unquoted, when it starts
 *       the text or a line or follows (over spaces) a character that is not a letter, digit, {@code /}, {@code \} or
 *       an escape's {@code %HH}, or is the second field of a line ({@code user: app password: x}), and its value is
 *       quoted or follows a space or tab. So prose keeps its noun ({@code rotated managed token: lease …}, {@code
 *       error creating Astra token: …}), a path its last part ({@code on astra/org/token: …}), and ids and {@code
 *       host:port} theirs ({@code token:reader}); {@code token: expired} is a field. An encoded {@code :} ({@code
 *       %3A}, {@code %253A}, {@code %25253A}) follows the same rule, but its value needs no blank before it;</li>
 *   <li>or it is an XML element's, {@code <key>} or {@code <key attr="…">}, also escaped ({@code &lt;key&gt;}), or
 *       the {@code key} attribute of Java's Properties XML ({@code <entry key="key">}), and its value runs to a
 *       closing tag ({@code </}, {@code &lt;/}).</li>
 * </ul>
 * A value in quotes (any of those, {@code "…"} skipping {@code \"}) runs to its closing quote or the line's end; an
 * unquoted one to the next space, {@code &}, {@code ;}, quote, {@code <} or {@code ,} before a space (a {@code ,}
 * inside a word is the value's: Astra's client secrets hold one), and is none when it starts with {@code =} ({@code
 * token == null}). Closing brackets it ends with are the text's when each closes a bracket opened before the key
 * ({@link OpenBrackets}: <code>Config{token=██}</code>), and a {@code [} it starts with is a list's when a {@code ]}
 * closes it ({@code token=[██]}). The value is masked, the key, separator and quotes kept ({@code password: "██"});
 * an Astra token keeps its prefix ({@code token=AstraCS:██}), and a value already masked ({@code rootToken=██]}, a
 * toString's) or elided ({@code --vault-secret-id=…}) is left as it is.
 *
 * <p>One pass: each separator looks back over the name before it, and the scan goes on after the value it masks, so
 * each character is read a bounded number of times whatever the text.
 *
 * <p>Why this class is long: every spelling (plain, JSON's and HTML's escapes, percent-encoding, XML, escaped XML,
 * Properties XML) reads and sets the same position and found value of that one pass; split apart, each part would
 * need that state handed to it, and the bound on reads could no longer be checked in one place.
 */
final class KeyedValues {
  /** How a secret key's name ends, lowercased and without {@code _} and {@code -}. */
  private static final String[] KEYS = {"password", "passwd", "pwd", "secret", "secretid", "token", "apikey",
      "accessor", "jwt"};
  /** The longest of {@link #KEYS}. */
  private static final int LONGEST = 8;
  /** The quotes around a key or a value, each found before a shorter one it ends with. */
  private static final String[] QUOTES = {"\\u0022", "&quot;", "%22", "\\\"", "\"", "'"};
  /** An {@code =} as HTML and JSON escape it; its first characters are {@link Redaction#mayHoldSecret}'s triggers. */
  private static final String[] EQUALS = {"&#61;", "&#x3d;", "\\u003d"};
  /** Escaped XML's {@code <} and {@code >}; {@code &l} is a {@link Redaction#mayHoldSecret} trigger. */
  private static final String ESCAPED_LT = "&lt;";
  private static final String ESCAPED_GT = "&gt;";
  /** The element of Java's Properties as XML ({@code Properties.storeToXML}), which names its key in an attribute. */
  private static final String ENTRY = "entry";
  private static final String KEY_ATTRIBUTE = "key=";

  private final CharSequence text;
  private final int n;
  private final OpenBrackets brackets;
  /** The last part of a name, lowercased, right-aligned. */
  private final char[] name = new char[LONGEST];
  /** The value found at the last separator or tag, empty when none. */
  private int valueStart;
  private int valueEnd;

  private KeyedValues(CharSequence text) {
    this.text = text;
    this.n = text.length();
    this.brackets = new OpenBrackets(text);
  }

  /** {@code text} with the value of every secret key masked, or null when there is none. */
  static @Nullable String mask(CharSequence text) {
    return new KeyedValues(text).mask();
  }

  /**
   * Whether {@code c} may end a key, for {@link Redaction#mayHoldSecret}: the last letter of one of {@link #KEYS},
   * in either case.
   */
  static boolean endsKey(char c) {
    return switch (c) {
      case 'd', 'D', 't', 'T', 'n', 'N', 'y', 'Y', 'r', 'R' -> true;
      default -> false;
    };
  }

  private @Nullable String mask() {
    StringBuilder out = null;
    int last = 0;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      int next = i + 1;
      if (c == ':' || c == '=') {
        next = afterSeparator(i, i + 1, c == ':', false);
      } else if (c == '&' || c == '\\') {
        int length = formAt(EQUALS, i);
        next = length > 0 ? afterSeparator(i, i + length, false, false)
            : c == '&' && startsAt(ESCAPED_LT, i) ? afterTag(i, ESCAPED_LT, ESCAPED_GT) : next;
      } else if (c == '%') {
        int length = encodedSeparator(i);
        next = length > 0 ? afterSeparator(i, i + length, !isEncodedEquals(i), true) : next;
      } else if (c == '<') {
        next = afterTag(i, "<", ">");
      }
      if (valueEnd > valueStart) {
        out = out == null ? new StringBuilder(n) : out;
        out.append(text, last, valueStart).append(Redaction.MASK);
        last = valueEnd;
        valueStart = valueEnd = 0;
      }
      i = next;
    }
    return out == null ? null : out.append(text, last, n).toString();
  }

  /**
   * Where to go on after the separator {@code text[at, end)}, with its value found when a key is before it. An
   * encoded {@code :} ({@code %3A}) needs no blank before its value: an encoded text has none.
   */
  private int afterSeparator(int at, int end, boolean colon, boolean encoded) {
    int keyEnd = at;
    while (keyEnd > 0 && isBlank(text.charAt(keyEnd - 1))) {
      keyEnd--;
    }
    int quote = formBefore(keyEnd);
    boolean quotedKey = quote > 0;
    int nameEnd = keyEnd - quote;
    if (!endsWithKey(nameEnd) || colon && !quotedKey && !startsField(nameEnd)) {
      return end;
    }
    int v = end;
    while (v < n && isBlank(text.charAt(v))) {
      v++;
    }
    int open = v < n ? formIndex(QUOTES, v) : -1;
    if (open >= 0) {
      int start = v + QUOTES[open].length();
      return found(start, closingQuote(start, open));
    }
    boolean comparison = v < n && (text.charAt(v) == '=' || encoded && isEncodedEquals(v));
    if (v == n || comparison || colon && !quotedKey && !encoded && v == end) {
      return end;   // token == null; token:reader, host:port
    }
    int stop = v;
    while (stop < n && !endsUnquoted(stop)) {
      stop++;
    }
    if (stop == v) {
      return end;
    }
    // A list's [ opens the value when a ] closes it ({token=[a]}); a toString's closing brackets are not the value's.
    int inList = text.charAt(v) == '[' ? brackets.valueEnd(v + 1, stop) : stop;
    if (inList < stop && text.charAt(inList) == ']') {
      found(v + 1, inList);
    } else {
      found(v, brackets.valueEnd(v, stop));
    }
    return stop;
  }

  /** Whether an encoded {@code =} is at {@code at}: {@code token%3D%3D} is an encoded comparison. */
  private boolean isEncodedEquals(int at) {
    int length = text.charAt(at) == '%' ? encodedSeparator(at) : 0;
    return length > 0 && (text.charAt(at + length - 1) == 'D' || text.charAt(at + length - 1) == 'd');
  }

  /**
   * The length of an encoded {@code =} or {@code :} at {@code at} ({@code %3D}, {@code %3a}, and encoded again up to
   * {@link PercentDecoded#MAX_DEPTH} times in all, {@code %253D}, as the other passes read them), or 0.
   */
  private int encodedSeparator(int at) {
    int i = at + 1;
    for (int depth = 1; depth < PercentDecoded.MAX_DEPTH && i + 1 < n && text.charAt(i) == '2'
        && text.charAt(i + 1) == '5'; depth++) {
      i += 2;
    }
    if (i + 1 >= n || text.charAt(i) != '3') {
      return 0;
    }
    char c = text.charAt(i + 1);
    return c == 'A' || c == 'a' || c == 'D' || c == 'd' ? i + 2 - at : 0;
  }

  /**
   * Where to go on after the {@code lt} at {@code at} ({@code <}, or {@code &lt;} in escaped XML, with {@code gt} its
   * {@code >}), with the value found when it opens a secret key's element and a closing tag follows the value.
   */
  private int afterTag(int at, String lt, String gt) {
    int nameStart = at + lt.length();
    int nameEnd = nameStart;
    while (nameEnd < n && (isNameChar(text.charAt(nameEnd)) || text.charAt(nameEnd) == ':')) {
      nameEnd++;
    }
    boolean keyed = nameEnd > nameStart && endsWithKey(nameEnd);
    boolean entry = !keyed && nameEnd - nameStart == ENTRY.length() && startsAt(ENTRY, nameStart);
    if (!keyed && !entry) {
      return nameEnd;
    }
    int tagEnd = nameEnd;
    if (tagEnd < n && isBlank(text.charAt(tagEnd))) {
      while (tagEnd < n && !startsAt(gt, tagEnd) && !startsAt(lt, tagEnd)) {
        tagEnd++;
      }
    }
    if (entry && !namesKey(nameEnd, tagEnd)) {
      return nameEnd;
    }
    if (tagEnd == n || !startsAt(gt, tagEnd) || text.charAt(tagEnd - 1) == '/') {
      return tagEnd;
    }
    int start = tagEnd + gt.length();
    int stop = start;
    boolean blank = true;
    for (; stop < n && !startsAt(lt, stop); stop++) {
      blank &= Character.isWhitespace(text.charAt(stop));
    }
    boolean closed = stop + lt.length() < n && text.charAt(stop + lt.length()) == '/';
    return closed && !blank ? found(start, stop) : stop;
  }

  /**
   * Whether the attributes {@code text[from, to)} of an {@link #ENTRY} tag hold {@code key="…"} (any of {@link
   * #QUOTES}) whose value is a secret key's name: Properties XML's {@code <entry key="password">}. Reads only inside
   * the tag, so no unclosed quote makes it read on.
   */
  private boolean namesKey(int from, int to) {
    for (int i = from; i + 1 + KEY_ATTRIBUTE.length() < to; i++) {
      if (isBlank(text.charAt(i)) && startsAt(KEY_ATTRIBUTE, i + 1)) {
        int v = i + 1 + KEY_ATTRIBUTE.length();
        int open = formIndex(QUOTES, v);
        if (open < 0) {
          return false;
        }
        int start = v + QUOTES[open].length();
        int end = start;
        while (end < to && !startsAt(QUOTES[open], end)) {
          end++;
        }
        return end < to && end > start && endsWithKey(end);
      }
    }
    return false;
  }

  /**
   * Takes {@code text[start, end)} as the value to mask, after an Astra token's prefix, unless it is masked already
   * (in braces too) or an elision; returns {@code end}.
   */
  private int found(int start, int end) {
    if (end <= start) {
      return end;
    }
    int from = start + Math.min(Redaction.astraPrefix(text, start).length(), end - start);
    int inBraces = from < end && text.charAt(from) == '{' ? from + 1 : from;   // the pattern pass's password={██}
    boolean masked = inBraces + Redaction.MASK.length() <= end
        && text.charAt(inBraces) == Redaction.MASK.charAt(0) && text.charAt(inBraces + 1) == Redaction.MASK.charAt(1);
    if (from < end && !masked && !isElision(from, end)) {
      valueStart = from;
      valueEnd = end;
    }
    return end;
  }

  /**
   * Whether {@code text[from, end)} is only dots or ellipses, closing brackets after them allowed: an elision the
   * library writes where it leaves a value out ({@code --vault-secret-id=…}, {@code root_token=...)}).
   */
  private boolean isElision(int from, int end) {
    int i = from;
    while (i < end && (text.charAt(i) == '.' || text.charAt(i) == '…')) {
      i++;
    }
    int dots = i - from;
    while (i < end && (text.charAt(i) == ')' || text.charAt(i) == ']' || text.charAt(i) == '}')) {
      i++;
    }
    return dots > 0 && i == end;
  }

  /** The end of a quoted value starting at {@code start}: its closing quote ({@code QUOTES[open]}) or line end. */
  private int closingQuote(int start, int open) {
    String quote = QUOTES[open];
    int i = start;
    while (i < n && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
      char c = text.charAt(i);
      if (quote.equals("\"") && c == '\\' && i + 1 < n && text.charAt(i + 1) != '\n' && text.charAt(i + 1) != '\r') {
        i += 2;   // an escaped character of a JSON string, \" among them
        continue;
      }
      if (c == quote.charAt(0) && startsAt(quote, i)) {
        return i;
      }
      i++;
    }
    return i;
  }

  /** Whether the name ending at {@code end} ends in a letter or digit and, read as {@link #KEYS} are, in a key. */
  private boolean endsWithKey(int end) {
    if (end == 0 || !isLetterOrDigit(text.charAt(end - 1))) {
      return false;
    }
    int length = 0;
    for (int i = end - 1; i >= 0 && length < LONGEST; i--) {
      char c = text.charAt(i);
      if (isLetterOrDigit(c)) {
        name[LONGEST - 1 - length++] = Character.toLowerCase(c);
      } else if (c != '_' && c != '-') {
        break;
      }
    }
    for (String key : KEYS) {
      if (key.length() <= length && endsName(key)) {
        return true;
      }
    }
    return false;
  }

  private boolean endsName(String key) {
    for (int k = 0; k < key.length(); k++) {
      if (name[LONGEST - key.length() + k] != key.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the unquoted name ending at {@code end} starts a field: it starts the text or a line, or follows (over
   * spaces and tabs) a character that is not a letter or digit, so it is no noun of a sentence, nor {@code /} or
   * {@code \}, so it is no path's last part ({@code HTTP 500 on astra/org/token: error creating …}), nor the {@code
   * %} of an escape, so it is no part of an encoded id ({@code org-1%3Atoken%3Av2}); or it is the second of two
   * fields on a line, after a word that is the value of a field before it ({@code user: app password: x}; prose has
   * no {@code name:} one word before its noun).
   */
  private boolean startsField(int end) {
    int nameStart = end;
    while (nameStart > 0 && isNameChar(text.charAt(nameStart - 1))) {
      nameStart--;
    }
    int i = nameStart;
    while (i > 0 && isBlank(text.charAt(i - 1))) {
      i--;
    }
    char before = i == 0 ? '\n' : text.charAt(i - 1);
    if (!Character.isLetterOrDigit(before)) {
      return before != '/' && before != '\\' && before != '%';   // %3Atoken: the name is glued to an escape
    }
    if (i == nameStart) {
      return false;
    }
    int word = i;
    while (word > 0 && !Character.isWhitespace(text.charAt(word - 1))) {
      word--;
    }
    int j = word;
    while (j > 0 && isBlank(text.charAt(j - 1))) {
      j--;
    }
    return j < word && j > 1 && text.charAt(j - 1) == ':' && isLetterOrDigit(text.charAt(j - 2));
  }

  /** The length of the quote in {@link #QUOTES} that ends at {@code end}, or 0. */
  private int formBefore(int end) {
    for (String quote : QUOTES) {
      if (end >= quote.length() && startsAt(quote, end - quote.length())) {
        return quote.length();
      }
    }
    return 0;
  }

  /** The length of the form in {@code forms} that starts at {@code at}, or 0. */
  private int formAt(String[] forms, int at) {
    int index = formIndex(forms, at);
    return index < 0 ? 0 : forms[index].length();
  }

  private int formIndex(String[] forms, int at) {
    char first = text.charAt(at);
    for (int k = 0; k < forms.length; k++) {
      if (forms[k].charAt(0) == first && startsAt(forms[k], at)) {
        return k;
      }
    }
    return -1;
  }

  /** Whether {@code form} is at {@code at}, in any case ({@code \\u0022}, {@code &QUOT;}). */
  private boolean startsAt(String form, int at) {
    if (at + form.length() > n) {
      return false;
    }
    for (int k = 0; k < form.length(); k++) {
      if (Character.toLowerCase(text.charAt(at + k)) != form.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether an unquoted value ends at {@code i}: a space, {@code &}, {@code ;}, a quote, {@code <}, or a {@code ,}
   * that separates a list's items (before a space or the end); inside a word a {@code ,} is the value's, as Astra's
   * client secrets hold one.
   */
  private boolean endsUnquoted(int i) {
    char c = text.charAt(i);
    return Character.isWhitespace(c) || c == '&' || c == ';' || c == '"' || c == '\'' || c == '<'
        || c == ',' && (i + 1 == n || Character.isWhitespace(text.charAt(i + 1)));
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isNameChar(char c) {
    return isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
  }

  private static boolean isLetterOrDigit(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }
}
