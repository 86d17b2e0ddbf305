package dev.astravault.internal.redact;

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
  /** The {@code @}s whose host is not followed by another {@code @}. */
  private final Positions hostAts;
  /** The last {@code @} of each run between spaces, quotes, {@code ?#} and {@code <>}. */
  private final Positions lastAtsOfRuns;
  /** For each kind, the characters its password may not hold. */
  private final Positions[] stops = new Positions[Kind.values().length];

  /**
   * Tables over {@code text}: one pass from its end, so reading every character a bounded number of times. They are
   * sets of bits, about a byte per character for all five: as an {@code int} per character each they took 20, 1.3 MB
   * for the 64 KiB a text is cut to, garbage that anyone who can get a text logged could have made again and again.
   */
  UrlPasswords(CharSequence text) {
    this.text = text;
    int n = text.length();
    hostAts = new Positions(n);
    lastAtsOfRuns = new Positions(n);
    for (Kind kind : Kind.values()) {
      stops[kind.ordinal()] = new Positions(n);
    }
    int nextNotHost = n;
    boolean atInRun = false;
    for (int i = n - 1; i >= 0; i--) {
      char c = text.charAt(i);
      boolean hostEnd = c == '/' || isDelimiter(c);
      if (c == '@' && (nextNotHost == n || text.charAt(nextNotHost) != '@')) {
        hostAts.add(i);
      }
      if (isDelimiter(c)) {
        atInRun = false;
      } else if (c == '@' && !atInRun) {
        lastAtsOfRuns.add(i);
        atInRun = true;
      }
      boolean space = isSpace(c);
      if (space) {
        stops[Kind.THIN.ordinal()].add(i);
      }
      if (space || c == '?' || c == '#') {
        stops[Kind.USER_INFO.ordinal()].add(i);
      }
      if (hostEnd) {
        stops[Kind.BARE.ordinal()].add(i);
      }
      if (hostEnd || c == '@') {
        nextNotHost = i;
      }
    }
    hostAts.index();
    lastAtsOfRuns.index();
    for (Positions s : stops) {
      s.index();
    }
  }

  /**
   * The index of the {@code @} that ends the password starting at {@code start} after a user of {@code kind}, or -1
   * when none does (then it is not a password: no host follows).
   */
  int end(Kind kind, int start) {
    int at = host(kind, start);
    // A bare password holds no '/', so nothing lies past its host. Else the last '@' of the run `at` is in.
    return at < 0 || kind == Kind.BARE ? at : lastAtsOfRuns.next(at);
  }

  /**
   * The first {@code @} a password starting at {@code start} may end at, before a host, or -1: {@link #end} is this
   * one or a later {@code @} of the same run, when the password holds {@code /} as well.
   */
  int host(Kind kind, int start) {
    if (start >= text.length()) {
      return -1;
    }
    int at = hostAts.next(start + 1);
    return at >= stops[kind.ordinal()].next(start) ? -1 : at;
  }

  /**
   * Positions in a text, its length always among them: the first at or after any index, in constant time. A bit per
   * character and an {@code int} per 64 (the next word holding one): 3/16 of a byte per character.
   */
  private static final class Positions {
    private final long[] bits;
    /** For each word of {@link #bits}, the first word at or after it with a bit set. */
    private final int[] nextWord;

    Positions(int length) {
      bits = new long[(length >> 6) + 1];
      nextWord = new int[bits.length];
      add(length);
    }

    void add(int i) {
      bits[i >> 6] |= 1L << i;   // a shift by i counts i modulo 64
    }

    /** Once every position is added, before {@link #next}. */
    void index() {
      int next = bits.length - 1;   // holds the length
      for (int w = bits.length - 1; w >= 0; w--) {
        next = bits[w] != 0 ? w : next;
        nextWord[w] = next;
      }
    }

    /** The first position at or after {@code i}, for {@code i} up to the length (which is one). */
    int next(int i) {
      int w = i >> 6;
      long here = bits[w] & (-1L << i);   // the positions at or after i in its word
      if (here == 0) {
        w = nextWord[w + 1];   // i is not the length, so its word is not the last
        here = bits[w];
      }
      return (w << 6) + Long.numberOfTrailingZeros(here);
    }
  }

  /**
   * Whether {@code text} holds a password in a URL, {@link Redaction#holdsUrlPassword}'s test: {@code
   * //user:pass@} (the user holding none of {@code /?#@:} or a space, the password none of {@code ?#@} or a space),
   * {@code :thin:user/pass@} (neither part empty nor holding {@code @} or a space, the user no {@code /:} either), or
   * {@code password=}, {@code passwd=} or {@code pwd=} ending a run of {@code A-Za-z0-9_.-} after {@code ?&;} (the
   * {@code =} and the separator may be percent-encoded up to {@link PercentDecoded#MAX_DEPTH} times). Where
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
      } else if (c == '?' || c == '&' || c == ';' || c == '%') {
        int separator = separatorWidth(text, i);
        if (separator > 0 && isPasswordName(text, i + separator)) {
          return true;
        }
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
   * The length of the parameter separator at {@code i}: 1 for {@code ?&;}, 3, 5 or 7 for one of them encoded once,
   * twice or three times ({@code %26}, {@code %2526}, {@code %252526}, as in a URL carried in another's parameter),
   * else 0.
   */
  private static int separatorWidth(CharSequence text, int i) {
    char c = text.charAt(i);
    if (c != '%') {
      return c == '?' || c == '&' || c == ';' ? 1 : 0;
    }
    int hex = encodedAfter(text, i);
    if (hex < 0 || hex + 1 >= text.length()) {
      return 0;
    }
    char high = text.charAt(hex);
    char low = text.charAt(hex + 1);
    boolean separator = high == '2' && low == '6'
        || high == '3' && (low == 'F' || low == 'f' || low == 'B' || low == 'b');
    return separator ? hex + 2 - i : 0;
  }

  /**
   * Where the two hex digits of a character encoded up to {@link PercentDecoded#MAX_DEPTH} times start, for the
   * {@code %} at {@code percent} ({@code %3D}, {@code %253D}, {@code %25253D}: after the {@code 25}s), or -1 when no
   * {@code 25}s are followed by two more characters.
   */
  private static int encodedAfter(CharSequence text, int percent) {
    int hex = percent + 1;
    for (int depth = 1; depth < PercentDecoded.MAX_DEPTH && hex + 3 < text.length() && text.charAt(hex) == '2'
        && text.charAt(hex + 1) == '5'; depth++) {
      hex += 2;
    }
    return hex + 1 < text.length() ? hex : -1;
  }

  /**
   * Whether the run of {@code A-Za-z0-9_.-} starting at {@code start} is followed by {@code =} (or {@code %3D},
   * encoded up to {@link PercentDecoded#MAX_DEPTH} times, as the redactor masks it) and ends with {@code password},
   * {@code passwd} or {@code pwd}, in any case.
   */
  private static boolean isPasswordName(CharSequence text, int start) {
    int end = start;
    while (end < text.length() && isNameChar(text.charAt(end))) {
      end++;
    }
    if (end == text.length() || text.charAt(end) != '=' && !isEncodedEquals(text, end)) {
      return false;
    }
    for (String name : new String[] {"password", "passwd", "pwd"}) {
      if (end - start >= name.length() && endsWithIgnoreCase(text, end, name)) {
        return true;
      }
    }
    return false;
  }

  /** Whether an {@code =} encoded up to {@link PercentDecoded#MAX_DEPTH} times starts at {@code i}. */
  private static boolean isEncodedEquals(CharSequence text, int i) {
    if (text.charAt(i) != '%') {
      return false;
    }
    int hex = encodedAfter(text, i);
    return hex >= 0 && text.charAt(hex) == '3' && (text.charAt(hex + 1) == 'D' || text.charAt(hex + 1) == 'd');
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
