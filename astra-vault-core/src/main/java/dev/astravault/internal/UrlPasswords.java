package dev.astravault.internal;

/**
 * Where the password of a URL's user info ends, for {@link Redaction}'s URL patterns: its regex finds the user
 * ({@code //user:}, {@code user:} as a driver quotes it, Oracle's {@code thin:user/}) and this class the password
 * after it, from tables built once per text. A pattern that scanned ahead for the host from every user it found read
 * each character hundreds of times in a text of many users and no host (an error body a hostile server chose).
 *
 * <p>The password runs from the user to an {@code @} before a host: to the first {@code @} whose host (the text up to
 * {@code /?#}, a space, a quote or {@code <>}) is not followed by another {@code @}, so that a password may hold
 * {@code @}; and from there on to the last {@code @} before a space, a quote, {@code ?}, {@code #} or {@code <>}, so
 * that a password may also hold {@code /} ({@code //app:p@ss/w@db:5432/x}). The price: a URL with an {@code @} in
 * its path ({@code https://ops:pw@host/users/alice@corp}) is masked up to that {@code @}, path included.
 */
final class UrlPasswords {
  /** The user a password follows, each with the characters its password may hold. */
  enum Kind {
    /** {@code //user:}: anything but {@code ?#} and spaces. */
    USER_INFO,
    /** Oracle's {@code thin:user/}: anything but spaces. */
    THIN,
    /** {@code user:} without {@code //}: no {@code /?#}, space, quote or {@code <>} either. */
    BARE
  }

  private final CharSequence text;
  /** The first {@code @} at or after i whose host is not followed by another {@code @}; the length if none. */
  private final int[] nextHostAt;
  /** The last {@code @} at or after i before a space, quote, {@code ?#} or {@code <>}; -1 if none. */
  private final int[] lastAtInRun;
  /** For each kind, the first character at or after i that its password may not hold; the length if none. */
  private final int[][] stop = new int[Kind.values().length][];

  /** Tables over {@code text}: one pass from its end, so reading every character a bounded number of times. */
  UrlPasswords(CharSequence text) {
    this.text = text;
    int n = text.length();
    nextHostAt = new int[n + 1];
    lastAtInRun = new int[n + 1];
    for (Kind kind : Kind.values()) {
      stop[kind.ordinal()] = new int[n + 1];
    }
    nextHostAt[n] = n;
    lastAtInRun[n] = -1;
    for (int[] s : stop) {
      s[n] = n;
    }
    int nextNotHost = n;
    for (int i = n - 1; i >= 0; i--) {
      char c = text.charAt(i);
      boolean hostEnd = c == '/' || isDelimiter(c);
      nextHostAt[i] = c == '@' && (nextNotHost == n || text.charAt(nextNotHost) != '@') ? i : nextHostAt[i + 1];
      lastAtInRun[i] = isDelimiter(c) ? -1 : lastAtInRun[i + 1] >= 0 ? lastAtInRun[i + 1] : c == '@' ? i : -1;
      boolean space = isSpace(c);
      stop[Kind.THIN.ordinal()][i] = space ? i : stop[Kind.THIN.ordinal()][i + 1];
      stop[Kind.USER_INFO.ordinal()][i] = space || c == '?' || c == '#' ? i : stop[Kind.USER_INFO.ordinal()][i + 1];
      stop[Kind.BARE.ordinal()][i] = hostEnd ? i : stop[Kind.BARE.ordinal()][i + 1];
      if (hostEnd || c == '@') {
        nextNotHost = i;
      }
    }
  }

  /**
   * The index of the {@code @} that ends the password starting at {@code start} after a user of {@code kind}, or -1
   * when none does (then it is not a password: no host follows).
   */
  int end(Kind kind, int start) {
    int at = host(kind, start);
    // A bare password holds no '/', so nothing lies past its host.
    return at < 0 || kind == Kind.BARE ? at : lastAtInRun[at];
  }

  /**
   * The first {@code @} a password starting at {@code start} may end at, before a host, or -1: {@link #end} is this
   * one or a later {@code @} of the same run, when the password holds {@code /} as well.
   */
  int host(Kind kind, int start) {
    if (start >= text.length()) {
      return -1;
    }
    int at = nextHostAt[start + 1];
    return at >= stop[kind.ordinal()][start] ? -1 : at;
  }

  /** Ends the run an {@code @} of a password may lie in: a space, a quote, {@code ?#} or {@code <>}. */
  private static boolean isDelimiter(char c) {
    return isSpace(c) || c == '?' || c == '#' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>';
  }

  /** The regex {@code \s}. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}
