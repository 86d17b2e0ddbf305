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
 *
 * <p>Also the CLI's test for a password in an argument ({@link #holdsPassword}), a loop for the same reason.
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

  /**
   * Whether {@code text} holds a password in a URL, {@link Redaction#holdsUrlPassword}'s test: {@code
   * //user:pass@} (the user holding none of {@code /?#@:} or a space, the password none of {@code ?#@} or a space),
   * {@code :thin:user/pass@} (neither part empty nor holding {@code @} or a space, the user no {@code /:} either), or
   * {@code password=}, {@code passwd=} or {@code pwd=} ending a run of {@code A-Za-z0-9_.-} after {@code ?&;}. Where
   * a pattern scanned from every user to the end of its word, a loop reads each character a bounded number of times:
   * a table from the end gives each password's stop, and the users and parameter names found from the start do not
   * overlap (a user ends at the {@code /} or {@code :} that starts the next one).
   */
  static boolean holdsPassword(CharSequence text) {
    int n = text.length();
    // The first of ?#@ or a space at or after i (a password in user info stops there), and of @ or a space (thin).
    int[] userInfoStop = new int[n + 1];
    int[] thinStop = new int[n + 1];
    userInfoStop[n] = n;
    thinStop[n] = n;
    for (int i = n - 1; i >= 0; i--) {
      char c = text.charAt(i);
      boolean space = isSpace(c);
      userInfoStop[i] = space || c == '?' || c == '#' || c == '@' ? i : userInfoStop[i + 1];
      thinStop[i] = space || c == '@' ? i : thinStop[i + 1];
    }
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
        int colon = i + 2;
        while (colon < n && !isUserInfoUserEnd(text.charAt(colon))) {
          colon++;
        }
        if (colon < n && text.charAt(colon) == ':' && isAt(text, userInfoStop[colon + 1])) {
          return true;
        }
      } else if (c == ':' && isThin(text, i)) {
        int slash = i + 6;
        while (slash < n && !isThinUserEnd(text.charAt(slash))) {
          slash++;
        }
        if (slash > i + 6 && slash + 1 < n && text.charAt(slash) == '/' && thinStop[slash + 1] > slash + 1
            && isAt(text, thinStop[slash + 1])) {
          return true;
        }
      } else if ((c == '?' || c == '&' || c == ';') && isPasswordName(text, i + 1)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isUserInfoUserEnd(char c) {
    return c == '/' || c == '?' || c == '#' || c == '@' || c == ':' || isSpace(c);
  }

  private static boolean isThinUserEnd(char c) {
    return c == '/' || c == '@' || c == ':' || isSpace(c);
  }

  private static boolean isAt(CharSequence text, int i) {
    return i < text.length() && text.charAt(i) == '@';
  }

  /** Whether {@code :thin:} starts at {@code colon}, {@code thin} in any case. */
  private static boolean isThin(CharSequence text, int colon) {
    return colon + 5 < text.length() && text.charAt(colon + 5) == ':' && endsWithIgnoreCase(text, colon + 5, "thin");
  }

  /**
   * Whether the run of {@code A-Za-z0-9_.-} starting at {@code start} is followed by {@code =} and ends with {@code
   * password}, {@code passwd} or {@code pwd}, in any case.
   */
  private static boolean isPasswordName(CharSequence text, int start) {
    int end = start;
    while (end < text.length() && isNameChar(text.charAt(end))) {
      end++;
    }
    if (end == text.length() || text.charAt(end) != '=') {
      return false;
    }
    for (String name : new String[] {"password", "passwd", "pwd"}) {
      if (end - start >= name.length() && endsWithIgnoreCase(text, end, name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isNameChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-';
  }

  /** Whether {@code text} before {@code end} is {@code lower} (lowercase letters) in any ASCII case. */
  private static boolean endsWithIgnoreCase(CharSequence text, int end, String lower) {
    int start = end - lower.length();
    if (start < 0) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      char c = text.charAt(start + i);
      if ((c < 'A' || c > 'Z' ? c : (char) (c + ('a' - 'A'))) != lower.charAt(i)) {
        return false;
      }
    }
    return true;
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
