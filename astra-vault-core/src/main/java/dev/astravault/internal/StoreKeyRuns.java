package dev.astravault.internal;

import org.jspecify.annotations.Nullable;

/**
 * Finds store keys (base64 of 32 bytes, as {@code openssl rand -base64 32} prints them) in text, without a regex:
 * {@link Redaction}'s third pass, and the pre-scan's part for keys. A class of its own so that the redactor's
 * patterns and this recogniser each read on one screen.
 */
final class StoreKeyRuns {
  /** Base64 characters of a 32-byte store key, its padding aside. */
  private static final int KEY_CHARS = 43;
  /** The random part at the end of a lease id, ours and Vault's. */
  private static final int LEASE_ID_RANDOM = 24;
  /** In a Vault lease id, {@code <mount>/creds/<role>/<random>}. */
  private static final String VAULT_LEASE_PART = "/creds/";

  /**
   * {@code text} with every store key masked (and its {@code =} padding), or null when it holds none.
   * A key is a maximal run of {@code A-Za-z0-9+/_-} that {@link #isStoreKey} accepts: {@code openssl rand -base64 32}
   * or {@link dev.astravault.EncryptionKey#toBase64()} output, pasted where an id, a name or a message part goes.
   */
  static @Nullable String mask(CharSequence text) {
    StringBuilder out = null;
    int last = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      if (!isBase64(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && isBase64(text.charAt(i))) {
        i++;
      }
      if (isStoreKey(text, start, i)) {
        int end = paddingEnd(text, i);
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(text, last, start).append(Redaction.MASK);
        last = end;
        i = end;
      }
    }
    return out == null ? null : out.append(text, last, n).toString();
  }

  /**
   * Whether {@code text[start, end)}, a maximal run of base64 characters, is shaped like a store key: 43 characters,
   * which any base64 decoder reads as exactly 32 bytes (44 with the {@code =} that pads it; 44 without it would be 33
   * bytes, and a 64-hex client secret 48). Besides that, it must:
   * <ul>
   *   <li>use one alphabet: standard ({@code +/}) or URL-safe ({@code -_}), not both;</li>
   *   <li>hold an upper- and a lowercase letter, as all but about 1 in a billion random keys do (so hex, a lowercase
   *       name or an upper-case constant is not a key);</li>
   *   <li>not be one of the lease ids that reach 43 characters: a last part of 24 letters or digits after a {@code /},
   *       in {@code astra/<org>/<role>/<24>} (ours) or {@code <mount>/creds/<role>/<24>} (Vault's).</li>
   * </ul>
   */
  static boolean isStoreKey(CharSequence text, int start, int end) {
    if (end - start != KEY_CHARS) {
      return false;
    }
    boolean standard = false;
    boolean urlSafe = false;
    boolean upper = false;
    boolean lower = false;
    int slashes = 0;
    int lastSlash = -1;
    boolean plusInLastPart = false;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '+' -> {
          standard = true;
          plusInLastPart = true;
        }
        case '/' -> {
          standard = true;
          slashes++;
          lastSlash = i;
          plusInLastPart = false;
        }
        case '-', '_' -> urlSafe = true;
        default -> {
          upper |= c >= 'A' && c <= 'Z';
          lower |= c >= 'a' && c <= 'z';
        }
      }
    }
    if (standard && urlSafe || !(upper && lower)) {
      return false;
    }
    boolean leaseIdShaped = slashes >= 3 && lastSlash == end - LEASE_ID_RANDOM - 1 && !plusInLastPart
        && (startsWith(text, LeaseIds.ROOT, start) || holds(text, VAULT_LEASE_PART, start, end));
    return !leaseIdShaped;
  }

  /** After a key ending at {@code i}: past its one {@code =} of padding, but not past a {@code =} of name=value. */
  private static int paddingEnd(CharSequence text, int i) {
    int n = text.length();
    boolean padding = i < n && text.charAt(i) == '='
        && (i + 1 == n || !isBase64(text.charAt(i + 1)) && text.charAt(i + 1) != '=');
    return padding ? i + 1 : i;
  }

  private static boolean startsWith(CharSequence text, String part, int at) {
    if (at + part.length() > text.length()) {
      return false;
    }
    for (int i = 0; i < part.length(); i++) {
      if (text.charAt(at + i) != part.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code part} lies within {@code text[start, end)}. */
  private static boolean holds(CharSequence text, String part, int start, int end) {
    for (int at = start; at + part.length() <= end; at++) {
      if (startsWith(text, part, at)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code c} is in the standard or the URL-safe base64 alphabet (padding aside). */
  private static boolean isBase64(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-'
        || c == '_';
  }

  /**
   * Whether {@code text} has a run of exactly 43 base64 characters, a {@linkplain #isStoreKey store key}'s length:
   * the pre-scan's part for keys. A loop of its own, so that texts shorter than a key (most ids and names) skip it
   * after one length check, and {@link Redaction}'s pre-scan stays the loop it was.
   */
  static boolean present(CharSequence text) {
    int length = text.length();
    if (length < KEY_CHARS) {
      return false;
    }
    int run = 0;
    for (int i = 0; i < length; i++) {
      if (isBase64(text.charAt(i))) {
        run++;
      } else if (run == KEY_CHARS) {
        return true;
      } else {
        run = 0;
      }
    }
    return run == KEY_CHARS;
  }

  private StoreKeyRuns() {}
}
