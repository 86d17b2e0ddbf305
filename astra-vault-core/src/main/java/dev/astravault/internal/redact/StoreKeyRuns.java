package dev.astravault.internal.redact;

import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Finds store keys (base64 of 32 bytes, as {@code openssl rand -base64 32} prints them) in text, without a regex:
 * {@link Redaction}'s last pass, and the pre-scan's part for keys. A class of its own so that the redactor's
 * patterns and this recogniser each read on one screen.
 *
 * <p>A key is 43 characters of a run of {@code A-Za-z0-9+/_-}, which any base64 decoder reads as exactly 32 bytes
 * (44 with the {@code =} that pads it; 44 without it would be 33 bytes, and a 64-hex client secret 48), such that:
 * <ul>
 *   <li>it starts at the start of the run, after one of {@code +/_-} or right after a mask, and ends at the end of
 *       the run or before one of {@code +/_-}: a key alone, or glued into a path or a name ({@code
 *       secret/data/<key>}, {@code backup-<key>_old}).
 *       Glued to letters or digits ({@code xyz<key>abc}) it is not found: that is a longer random string (a JWT
 *       part, a base64 hash, a certificate line), which must stay readable, as must every long run holding 43
 *       key-shaped characters somewhere;</li>
 *   <li>it uses one alphabet: standard ({@code +/}) or URL-safe ({@code -_}), not both;</li>
 *   <li>it holds an upper- and a lowercase letter, as all but about 1 in a billion random keys do (so hex, a lowercase
 *       name or an upper-case constant is not a key);</li>
 *   <li>it is not the end of a lease id, a last part of 24 letters or digits after a {@code /} in a run with three
 *       {@code /} or more that starts with {@code astra/} or holds {@code /astra/} (ours, {@code
 *       astra/<org>/<role>/<24>}) or {@code /creds/} (Vault's, {@code <mount>/creds/<role>/<24>}).</li>
 * </ul>
 * One pass over the text, each character read once: the counts of the 43 characters before the one read are kept as
 * it goes. A text holding {@code %HH} gets a pass over each of its {@linkplain PercentDecoded decoded forms},
 * so that a key written percent-encoded ({@code %2B}, {@code %2F}, {@code %3D}, by {@code URLEncoder} or in a URL's
 * path; {@code %252F} when encoded twice) is found as it would be unencoded.
 */
final class StoreKeyRuns {
  /** Base64 characters of a 32-byte store key, its padding aside. */
  private static final int KEY_CHARS = 43;
  /** The random part at the end of a lease id, ours and Vault's. */
  private static final int LEASE_ID_RANDOM = 24;
  /** A lease id has at least this many {@code /}. */
  private static final int LEASE_ID_SLASHES = 3;

  /**
   * {@code text} with every store key masked (and its {@code =} padding), or null when it holds none: {@code openssl
   * rand -base64 32} or {@link dev.astravault.EncryptionKey#toBase64()} output, pasted where an id, a name or a
   * message part goes.
   */
  static @Nullable String mask(CharSequence text) {
    return mask(text, Function.identity());
  }

  /** {@link #mask(CharSequence)}, reading the decoded form of {@code text} through {@code view} (tests count reads). */
  static @Nullable String mask(CharSequence text, Function<String, ? extends CharSequence> view) {
    return PercentDecoded.mask(text, StoreKeyRuns::find, view);
  }

  /** Reports the keys in {@code text} to {@code found}, each with its padding. */
  private static void find(CharSequence text, PercentDecoded.Found found) {
    int end = nextKey(text, 0);
    while (end >= 0) {
      int last = paddingEnd(text, end);
      found.span(end - KEY_CHARS, last);
      end = nextKey(text, last);
    }
  }

  /**
   * Whether {@code text} holds a store key: the pre-scan's part for keys, exact since it is {@link #mask}'s test (as
   * written, or in a {@linkplain PercentDecoded decoded form}).
   */
  static boolean present(CharSequence text) {
    return text.length() >= KEY_CHARS && PercentDecoded.finds(text, StoreKeyRuns::find);
  }

  /**
   * The end of the first store key in {@code text} that starts at {@code from} or later, or -1; {@code from} is the
   * start of the text or the end of a key about to be masked, so a key may start there.
   */
  private static int nextKey(CharSequence text, int from) {
    int n = text.length();
    int runStart = from;
    int upper = 0;
    int lower = 0;
    int standard = 0;
    int urlSafe = 0;
    int slashes = 0;
    int leaseMarkEnd = Integer.MAX_VALUE;
    // The kinds of the last 43 characters, so that the one leaving the counts is not read again.
    byte[] kinds = new byte[KEY_CHARS];
    for (int i = from; i <= n; i++) {
      char c = i < n ? text.charAt(i) : ' ';
      boolean inRun = isBase64(c);
      int start = i - KEY_CHARS;
      if (start >= runStart && (i == n || isCut(c)) && (start == from || isStartAfter(text.charAt(start - 1)))
          && upper > 0 && lower > 0 && (standard == 0 || urlSafe == 0)
          && !(slashes >= LEASE_ID_SLASHES && leaseMarkEnd <= i - LEASE_ID_RANDOM && isLeaseIdEnd(text, i))) {
        return i;
      }
      if (!inRun) {
        runStart = i + 1;
        upper = lower = standard = urlSafe = slashes = 0;
        leaseMarkEnd = Integer.MAX_VALUE;
        continue;
      }
      // The counts cover text[i - 42, i] from here on: c in, the character 43 back out.
      int kind = kind(c);
      int out = kinds[i % KEY_CHARS];   // text[start]'s when start is in the run
      kinds[i % KEY_CHARS] = (byte) kind;
      upper += kind == UPPER ? 1 : 0;
      lower += kind == LOWER ? 1 : 0;
      standard += kind == STANDARD ? 1 : 0;
      urlSafe += kind == URL_SAFE ? 1 : 0;
      if (start + 1 > runStart) {
        upper -= out == UPPER ? 1 : 0;
        lower -= out == LOWER ? 1 : 0;
        standard -= out == STANDARD ? 1 : 0;
        urlSafe -= out == URL_SAFE ? 1 : 0;
      }
      if (c == '/') {
        slashes++;
        if (leaseMarkEnd == Integer.MAX_VALUE && endsLeaseMark(text, runStart, i)) {
          leaseMarkEnd = i + 1;
        }
      }
    }
    return -1;
  }

  private static final int OTHER = 0;
  private static final int UPPER = 1;
  private static final int LOWER = 2;
  private static final int STANDARD = 3;
  private static final int URL_SAFE = 4;

  private static int kind(char c) {
    return c >= 'A' && c <= 'Z' ? UPPER : c >= 'a' && c <= 'z' ? LOWER : c == '+' || c == '/' ? STANDARD
        : c == '-' || c == '_' ? URL_SAFE : OTHER;
  }

  /** Whether the {@code /} at {@code slash} ends {@code astra/} (starting the run or after a /) or {@code /creds/}. */
  private static boolean endsLeaseMark(CharSequence text, int runStart, int slash) {
    int word = slash - 5;
    if (word < runStart) {
      return false;
    }
    boolean astra = startsWith(text, "astra", word) && (word == runStart || text.charAt(word - 1) == '/');
    return astra || word > runStart && text.charAt(word - 1) == '/' && startsWith(text, "creds", word);
  }

  /** Whether {@code text} before {@code end} is a {@code /} and 24 letters or digits. */
  private static boolean isLeaseIdEnd(CharSequence text, int end) {
    if (text.charAt(end - LEASE_ID_RANDOM - 1) != '/') {
      return false;
    }
    for (int i = end - LEASE_ID_RANDOM; i < end; i++) {
      int kind = kind(text.charAt(i));
      if (kind == STANDARD || kind == URL_SAFE) {
        return false;
      }
    }
    return true;
  }

  /**
   * After a key ending at {@code i}: past its one {@code =} of padding (or {@code %3D}, as a key encoded where its
   * {@code /} and {@code +} are not is found as written), but not past a {@code =} of name=value.
   */
  private static int paddingEnd(CharSequence text, int i) {
    int n = text.length();
    int after = i + (i < n && text.charAt(i) == '=' ? 1 : isEncodedEquals(text, i) ? 3 : 0);
    boolean padding = after > i
        && (after == n || !isBase64(text.charAt(after)) && text.charAt(after) != '=' && !isEncodedEquals(text, after));
    return padding ? after : i;
  }

  /** Whether {@code %3D} (or {@code %3d}), an encoded {@code =}, starts at {@code i}. */
  private static boolean isEncodedEquals(CharSequence text, int i) {
    return i + 2 < text.length() && text.charAt(i) == '%' && text.charAt(i + 1) == '3'
        && (text.charAt(i + 2) == 'D' || text.charAt(i + 2) == 'd');
  }

  private static boolean startsWith(CharSequence text, String part, int at) {
    if (at < 0 || at + part.length() > text.length()) {
      return false;
    }
    for (int i = 0; i < part.length(); i++) {
      if (text.charAt(at + i) != part.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a key may end before {@code c}: anything but a letter or digit, which would make it part of a longer
   * random string, or the mask. A key masked next to a run does not make that run's end a key's end, so scrubbing
   * again finds nothing new ({@code aB…aB-<key>} stays {@code aB…aB-██}).
   */
  private static boolean isCut(char c) {
    return isJoint(c) || !isBase64(c) && c != Redaction.MASK.charAt(0);
  }

  /**
   * Whether a key may start after {@code c}: a {@linkplain #isCut cut} or the mask, as a token ends before one of
   * {@code +/-_} ({@code hvs.██/<key>}). Masking does not make a new start: {@link #nextKey} from the end of a key it
   * masks takes that end as one, so keys glued one after another are masked in one pass.
   */
  private static boolean isStartAfter(char c) {
    return isCut(c) || c == Redaction.MASK.charAt(0);
  }

  /** What may join a key to its neighbours in a run: the base64 characters that are not letters or digits. */
  private static boolean isJoint(char c) {
    return c == '+' || c == '/' || c == '-' || c == '_';
  }

  /** Whether {@code c} is in the standard or the URL-safe base64 alphabet (padding aside). */
  private static boolean isBase64(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || isJoint(c);
  }

  private StoreKeyRuns() {}
}
